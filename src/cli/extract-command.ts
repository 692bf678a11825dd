import { closeSync, constants, createWriteStream, lstatSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { withPackage, withPackageAsync } from '../input/read-package.js';
import type { XarArchive, XarEntry } from '../package/xar.js';
import { describeFsError } from '../util/read-file.js';
import { terminalText } from '../util/terminal-text.js';

export interface ExtractArgs {
  pkg: string;
  file?: string[];
  out?: string;
  list: boolean;
}

/** `distsim extract PKG [--file MEMBER]... [--out DIR] [--list]`. */
export function extractCommandBuilder(y: Argv): Argv<ExtractArgs> {
  return y
    .positional('pkg', { type: 'string', demandOption: true, describe: 'Flat package (.pkg)' })
    .option('file', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: 'Member to print or extract (a folder extracts what it holds); default: the Distribution when printing, everything with --out',
    })
    .option('out', { type: 'string', requiresArg: true, describe: 'Write members under this folder (created if missing) instead of printing one' })
    .option('list', { type: 'boolean', default: false, describe: 'List the members (type, size, path) instead' }) as unknown as Argv<ExtractArgs>;
}

export interface ExtractIo {
  /** Receives a printed member's bytes and listings (process.stdout). */
  stdout: Writable;
  /** Notes: skipped entries, checksum mismatches. */
  stderr: (line: string) => void;
}

const defaultIo = (): ExtractIo => ({ stdout: process.stdout, stderr: (line) => process.stderr.write(`${line}\n`) });

/**
 * Prints one member (`Distribution` by default, `PackageInfo` for a
 * component package), lists the members, or writes members under `--out`.
 * Nothing is written outside `--out`: member names are single safe path
 * components (the reader refuses others), every folder on the way is
 * created or must be a real folder (a symlink inside `--out` is refused, so
 * a package cannot write through one), and files are opened without
 * following a final symlink. Returns 0, or 2 when a member's bytes do not
 * match the checksum in the table of contents (everything else is still
 * written, and each mismatch is named on stderr).
 */
export async function extractCommand(args: ExtractArgs, io: ExtractIo = defaultIo()): Promise<number> {
  const file = String(args.pkg);
  const wanted = (args.file ?? []).map(String);
  const out = args.out === undefined ? undefined : String(args.out);
  if (out === '') throw new InputError('--out: empty folder name', { code: 'FLAG_INVALID' });
  if (args.list) return withPackage(file, file, (archive) => list(archive, io));
  if (out === undefined && wanted.length > 1) {
    throw new InputError('--file: print one member at a time, or give --out DIR to extract several', { code: 'FLAG_INVALID' });
  }
  return await withPackageAsync(file, file, (archive) => (out === undefined ? printMember(archive, wanted[0], io) : extractTo(archive, out, wanted, io)));
}

function list(archive: XarArchive, io: ExtractIo): number {
  const lines: string[] = [];
  for (const entry of archive.entries.values()) {
    lines.push(`${entry.type.padEnd(10)} ${String(entry.data?.size ?? '').padStart(12)}  ${terminalText(entry.path)}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function printMember(archive: XarArchive, member: string | undefined, io: ExtractIo): Promise<number> {
  const name = member ?? (archive.get('Distribution') || !archive.get('PackageInfo') ? 'Distribution' : 'PackageInfo');
  let copy;
  try {
    copy = await archive.copyMember(name, io.stdout, { end: false });
  } catch (error) {
    // The reader went away (`| head`): not a failure of the package, and nothing is left to say.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    throw error;
  }
  if (!copy.checksumsMatch) {
    io.stderr(`distsim: ${terminalText(archive.name)}: ${terminalText(name)} does not match the checksum recorded in the table of contents`);
    return 2;
  }
  return 0;
}

async function extractTo(archive: XarArchive, out: string, wanted: string[], io: ExtractIo): Promise<number> {
  const entries = selectEntries(archive, wanted);
  const withContents = new Set(archive.files());
  const root = prepareRoot(out);
  let status = 0;
  let written = 0;
  for (const entry of entries) {
    const parts = entry.path.split('/');
    if (entry.type === 'directory') {
      ensureFolder(root, parts, out);
      continue;
    }
    if (!withContents.has(entry)) {
      io.stderr(`distsim: skipped ${terminalText(entry.path)}: a ${terminalText(entry.type)}, not a file with contents`);
      continue;
    }
    const folder = ensureFolder(root, parts.slice(0, -1), out);
    const target = path.join(folder, parts[parts.length - 1]!);
    const sink = openTarget(target, path.join(out, entry.path));
    const copy = await archive.copyMember(entry.path, sink);
    written++;
    if (!copy.checksumsMatch) {
      io.stderr(`distsim: ${terminalText(archive.name)}: ${terminalText(entry.path)} does not match the checksum recorded in the table of contents`);
      status = 2;
    }
  }
  io.stderr(`distsim: ${written} file${written === 1 ? '' : 's'} written under ${terminalText(out)}`);
  return status;
}

/** The entries to extract: all, or each wanted member and, for a folder, everything under it; in TOC order. */
function selectEntries(archive: XarArchive, wanted: string[]): XarEntry[] {
  const all = [...archive.entries.values()];
  if (wanted.length === 0) return all;
  const chosen = new Set<XarEntry>();
  for (const name of wanted) {
    const member = trimSlashes(name);
    const matches = all.filter((e) => e.path === member || e.path.startsWith(`${member}/`));
    if (matches.length === 0)
      throw new InputError(`${archive.name}: no member ${member}`, { code: 'XAR_MEMBER_NOT_FOUND', hint: 'distsim extract PKG --list shows the members' });
    for (const e of matches) chosen.add(e);
  }
  return all.filter((e) => chosen.has(e));
}

/** `/Resources/` → `Resources` (a loop: a pattern anchored at the end rescans runs of slashes). */
function trimSlashes(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && name[start] === '/') start++;
  while (end > start && name[end - 1] === '/') end--;
  return name.slice(start, end);
}

/** Creates `--out` if needed and returns its real path (a symlink given as `--out` itself is the user's choice). */
function prepareRoot(out: string): string {
  try {
    mkdirSync(out, { recursive: true });
    return realpathSync(out);
  } catch (error) {
    throw new InputError(`--out ${out}: ${describeFsError(error)}`, { code: 'OUTPUT_UNWRITABLE', cause: error });
  }
}

/**
 * Walks `parts` below `root`, creating each missing folder; an existing
 * component must be a real folder, never a symlink (which could point
 * outside `--out`). Returns the folder's path.
 */
function ensureFolder(root: string, parts: string[], out: string): string {
  let current = root;
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..' || part.includes('\u0000') || part.includes(path.sep)) {
      throw new InputError(`--out ${out}: refusing the member path component ${JSON.stringify(part)}`, { code: 'EXTRACT_UNSAFE_PATH' });
    }
    const next = path.join(current, part);
    if (path.dirname(next) !== current)
      throw new InputError(`--out ${out}: refusing ${JSON.stringify(part)}: it leaves the folder`, { code: 'EXTRACT_UNSAFE_PATH' });
    let stat;
    try {
      stat = lstatSync(next);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new InputError(`--out ${out}: ${describeFsError(error)}`, { code: 'OUTPUT_UNWRITABLE', cause: error });
    }
    if (stat === undefined) {
      try {
        mkdirSync(next);
      } catch (error) {
        throw new InputError(`--out ${out}: cannot create ${path.relative(root, next)}: ${describeFsError(error)}`, {
          code: 'OUTPUT_UNWRITABLE',
          cause: error,
        });
      }
    } else if (stat.isSymbolicLink()) {
      throw new InputError(`--out ${out}: ${path.relative(root, next)} is a symbolic link; refusing to write through it`, { code: 'EXTRACT_UNSAFE_PATH' });
    } else if (!stat.isDirectory()) {
      throw new InputError(`--out ${out}: ${path.relative(root, next)} exists and is not a folder`, { code: 'EXTRACT_UNSAFE_PATH' });
    }
    current = next;
  }
  return current;
}

/** Opens a file for writing without following a symlink at its name (an existing regular file is replaced). */
function openTarget(target: string, display: string): Writable {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    // Missing: created below.
  }
  if (stat?.isSymbolicLink()) throw new InputError(`${display}: is a symbolic link; refusing to write through it`, { code: 'EXTRACT_UNSAFE_PATH' });
  if (stat !== undefined && !stat.isFile()) throw new InputError(`${display}: exists and is not a regular file`, { code: 'EXTRACT_UNSAFE_PATH' });
  let fd: number;
  try {
    fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0), 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new InputError(`${display}: is a symbolic link; refusing to write through it`, { code: 'EXTRACT_UNSAFE_PATH' });
    throw new InputError(`${display}: ${describeFsError(error)}`, { code: 'OUTPUT_UNWRITABLE', cause: error });
  }
  try {
    return createWriteStream('', { fd, autoClose: true });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
