/**
 * Reads an input file that must be a regular file of bounded size.
 *
 * `readFileSync` trusts the size `stat` reports: `/dev/zero` and
 * `/dev/urandom` report 0 and never end, a FIFO blocks until someone writes
 * to it, and a file can grow between `stat` and `read`. So the file is opened
 * without blocking (O_NONBLOCK: opening a FIFO with no writer returns at
 * once), the opened descriptor is checked with `fstat` (this also covers a
 * symlink to a device, and a path swapped after a check by name), and the
 * read stops after `maxBytes + 1` bytes actually read, whatever `stat` said.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { InputError } from '../errors.js';

export interface ReadLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** What the file should be, with its article, for messages: "a Distribution file", "a profile". */
  what: string;
}

const CHUNK = 64 * 1024;

/**
 * The bytes of `file`. Throws an InputError: `FILE_UNREADABLE` (missing,
 * permission denied, ...), `FILE_NOT_REGULAR` (a directory, device, FIFO or
 * socket, also through a symlink) or `FILE_TOO_LARGE` (more than
 * `limits.maxBytes` bytes read). `display` is the name used in messages
 * (default: the path).
 */
export function readRegularFile(file: string, limits: ReadLimits, display: string = file): Buffer {
  const fd = openWithoutBlocking(file, display);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      const kind = fileKind(stat);
      throw new InputError(kind === 'a directory' ? `${display}: is a directory, not ${limits.what}` : `${display}: not a regular file (${kind})`, {
        code: 'FILE_NOT_REGULAR',
      });
    }
    return readCapped(fd, display, limits);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens an input for reading without blocking (opening a FIFO with no writer
 * returns at once) and without taking a controlling terminal; the caller
 * checks the descriptor with fstat. FILE_UNREADABLE when it cannot be opened.
 */
export function openWithoutBlocking(file: string, display: string): number {
  try {
    // O_NONBLOCK is 0 where the platform lacks it (Windows has no FIFOs to guard against).
    return openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw new InputError(`cannot read ${display}: ${describeFsError(error)}`, { code: 'FILE_UNREADABLE', cause: error });
  }
}

function readCapped(fd: number, display: string, limits: ReadLimits): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // One byte past the limit is enough to know the file is too large.
    const want = Math.min(CHUNK, limits.maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(want);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, want, null);
    } catch (error) {
      throw new InputError(`cannot read ${display}: ${describeFsError(error)}`, { code: 'FILE_UNREADABLE', cause: error });
    }
    if (n === 0) break;
    chunks.push(n === want ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > limits.maxBytes) {
      throw new InputError(`${display}: too large for ${limits.what} (more than ${formatBytes(limits.maxBytes)})`, { code: 'FILE_TOO_LARGE' });
    }
  }
  return Buffer.concat(chunks, total);
}

function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function formatBytes(bytes: number): string {
  return bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${bytes} bytes`;
}

/** A one-line reason for a file-system error. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ENXIO':
    case 'ENODEV':
      return 'no such device';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
