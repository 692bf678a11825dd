import { closeSync, fstatSync } from 'node:fs';
import { InputError } from '../errors.js';
import { describeFsError, openWithoutBlocking } from '../util/read-file.js';

/**
 * Opens a package for positional reads. Like every input, it must be a
 * regular file: opened without blocking (a FIFO with no writer would hang
 * `open`), then checked with `fstat` on the descriptor itself (a symlink to
 * a device, or a path swapped after a check by name, are caught too).
 */
export function openRegularFile(file: string, display: string = file): { fd: number; size: number } {
  const fd = openWithoutBlocking(file, display);
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
