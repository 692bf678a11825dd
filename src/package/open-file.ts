import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { InputError } from '../errors.js';
import { describeFsError } from '../util/read-file.js';

/**
 * Opens a package for positional reads. Like every input, it must be a
 * regular file: opened without blocking (a FIFO with no writer would hang
 * `open`), then checked with `fstat` on the descriptor itself (a symlink to
 * a device, or a path swapped after a check by name, are caught too).
 */
export function openRegularFile(file: string, display: string = file): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw new InputError(`cannot read ${display}: ${describeFsError(error)}`, { code: 'FILE_UNREADABLE', cause: error });
  }
  try {
    return { fd, size: regularFileSize(fd, display) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The size of the regular file behind `fd`; FILE_NOT_REGULAR for anything else. */
export function regularFileSize(fd: number, display: string): number {
  let stat;
  try {
    stat = fstatSync(fd);
  } catch (error) {
    throw new InputError(`cannot read ${display}: ${describeFsError(error)}`, { code: 'FILE_UNREADABLE', cause: error });
  }
  if (!stat.isFile()) {
    throw new InputError(`${display}: ${stat.isDirectory() ? 'is a directory' : 'not a regular file'}, not a package`, { code: 'FILE_NOT_REGULAR' });
  }
  return stat.size;
}
