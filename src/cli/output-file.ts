/**
 * `-o FILE`: checked before any work, written only when the report is ready.
 *
 * A simulation can take minutes; finding then that the report cannot be
 * written wastes them, and opening the file early would truncate an existing
 * report that a failed run then leaves empty. So the target is checked up
 * front (not a directory, its directory exists and is writable), nothing is
 * created until the report is complete, and a regular file is replaced
 * atomically: the report goes to a temporary file in the same directory,
 * which is then renamed over the target. A reader never sees half a report.
 *
 * A target that exists and is neither a regular file nor a directory
 * (`/dev/null`, `/dev/stdout`, a terminal) is written directly, as a shell
 * redirection would.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { describeFsError } from '../util/read-file.js';

export interface OutputTarget {
  /** The path as given. */
  readonly file: string;
  /** Writes the whole report; an InputError `OUTPUT_UNWRITABLE` if that fails. */
  write(text: string): void;
}

/** Checks that `file` can receive the report, without creating or changing anything. */
export function prepareOutput(file: string): OutputTarget {
  const fail = (reason: string): never => {
    throw new InputError(`${file}: ${reason}`, { code: 'OUTPUT_UNWRITABLE' });
  };
  let existing: Stats | undefined;
  try {
    existing = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return fail(describeFsError(error));
  }
  if (existing?.isDirectory()) return fail('is a directory');
  if (existing !== undefined && !existing.isFile()) {
    if (!writable(file)) fail('permission denied');
    return { file, write: (text) => writeOrFail(file, () => writeFileSync(file, text)) };
  }
  // A symlink to a report is followed: the link stays, the file it names is replaced.
  const target = existing === undefined ? path.resolve(file) : realpathSync(file);
  const dir = path.dirname(target);
  let dirStat: Stats;
  try {
    dirStat = statSync(dir);
  } catch (error) {
    return fail(`cannot write in ${dir}: ${describeFsError(error)}`);
  }
  if (!dirStat.isDirectory()) fail(`cannot write in ${dir}: not a directory`);
  if (existing !== undefined && !writable(target)) fail('permission denied');
  if (!writable(dir)) {
    // An existing writable file in a directory we cannot add to: write it in place (not atomic, but possible).
    if (existing !== undefined) return { file, write: (text) => writeOrFail(file, () => writeFileSync(target, text)) };
    fail(`cannot write in ${dir}: permission denied`);
  }
  return {
    file,
    write: (text) => writeOrFail(file, () => replaceAtomically(target, text, existing?.mode)),
  };
}

function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function writeOrFail(file: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    throw new InputError(`${file}: cannot write the report: ${describeFsError(error)}`, { code: 'OUTPUT_UNWRITABLE', cause: error });
  }
}

/** Writes a temporary file beside `target` (exclusive create: never someone else's file), then renames it over `target`. */
function replaceAtomically(target: string, text: string, mode: number | undefined): void {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx', mode: 0o666 });
    // Keep the permissions of the report being replaced.
    if (mode !== undefined) chmodSync(temp, mode & 0o7777);
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or already renamed.
    }
    throw error;
  }
}
