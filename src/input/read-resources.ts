import { opendirSync, statSync, type Dir } from 'node:fs';
import path from 'node:path';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { StringTable } from '../distribution/model.js';
import { InputError } from '../errors.js';
import { decodeStringsBytes, parseStringsText } from '../package/localizations.js';
import { parsePackageInfo, type PackageInfoFacts } from '../package/package-info.js';
import { componentFactsByPkgRef, type ProductArchiveContents } from '../package/product.js';
import { describeFsError, readRegularFile } from '../util/read-file.js';

/**
 * A resources directory for a bare Distribution: a folder of `<lang>.lproj`
 * folders each holding `Localizable.strings` (what productbuild --resources
 * takes), or a package expanded with `pkgutil --expand` (its `Resources/`
 * folder is used, and each `Name.pkg/PackageInfo` beside it gives the
 * component facts a .pkg would). Everything in it is input: tables and
 * PackageInfo files are size-capped regular files, the folder listing is
 * bounded, and a table that cannot be read is a diagnostic, not a failure.
 */
export interface ResourcesDirectory {
  /** By folder name (without `.lproj`), sorted. */
  tables: StringTable[];
  /** PackageInfo facts by pkg-ref id, for pkg-refs naming `#Name.pkg` when `Name.pkg/PackageInfo` exists. */
  components: Map<string, PackageInfoFacts>;
  diagnostics: Diagnostic[];
}

/** The package reader's limits, for the same files on disk. */
const MAX_TABLES = 500;
const MAX_TABLE_BYTES = 16 * 1024 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
const MAX_PACKAGE_INFO_BYTES = 4 * 1024 * 1024;
/** Directory entries looked at: an `.lproj` folder among a million other entries is not a resources folder. */
const MAX_ENTRIES_SCANNED = 10_000;

/**
 * Reads `dir`. `pkgRefs` are the Distribution's (for component facts);
 * `display` names the folder in messages (default: as given). A `dir` that
 * is missing or not a folder is an InputError RESOURCES_UNREADABLE.
 */
export function readResourcesDirectory(dir: string, pkgRefs: ReadonlyArray<{ id: string; path?: string }> = [], display: string = dir): ResourcesDirectory {
  if (!isDirectory(dir, display, true)) {
    throw new InputError(`resources ${display}: not a directory`, {
      code: 'RESOURCES_UNREADABLE',
      hint: 'give the folder holding the <lang>.lproj folders, or a package expanded with pkgutil --expand',
    });
  }
  const diagnostics: Diagnostic[] = [];
  const resources = path.join(dir, 'Resources');
  const expanded = isDirectory(resources, display, false) || isFile(path.join(dir, 'Distribution'));
  const lprojRoot = isDirectory(resources, display, false) ? resources : dir;
  const tables = readTables(lprojRoot, lprojRoot === dir ? display : path.join(display, 'Resources'), diagnostics);
  let components = new Map<string, PackageInfoFacts>();
  const found = readComponents(dir, display, pkgRefs);
  // A folder of .lproj folders alone says nothing about components; an expanded package, or one with some of them, does.
  if (expanded || found.components.size > 0 || found.unreadableComponents.size > 0) {
    const { facts, diagnostics: missing } = componentFactsByPkgRef(pkgRefs, found, display);
    components = facts;
    diagnostics.push(...missing);
  }
  return { tables, components, diagnostics };
}

function readTables(root: string, display: string, diagnostics: Diagnostic[]): StringTable[] {
  const skip = (member: string, reason: string) => {
    diagnostics.push(createDiagnostic('PKG_STRINGS_UNREADABLE', `${member}: ${reason}`, { args: { member, reason } }));
  };
  const folders = listLproj(root, display).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tables: StringTable[] = [];
  let total = 0;
  for (const [index, folder] of folders.entries()) {
    const member = path.join(display, folder, 'Localizable.strings');
    if (index >= MAX_TABLES) {
      skip(member, `more than ${MAX_TABLES} string tables; the rest are not read`);
      break;
    }
    const file = path.join(root, folder, 'Localizable.strings');
    if (!exists(file)) continue; // an .lproj with only a license or a background
    let table: Map<string, string>;
    try {
      const bytes = readRegularFile(file, { maxBytes: MAX_TABLE_BYTES, what: 'a strings table' }, member);
      total += bytes.length;
      if (total > MAX_TOTAL_BYTES) {
        skip(member, `string tables exceed ${MAX_TOTAL_BYTES} bytes in total; the rest are not read`);
        break;
      }
      table = parseStringsText(decodeStringsBytes(bytes), member);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      skip(member, error.message);
      continue;
    }
    tables.push({ language: folder.slice(0, -'.lproj'.length), entries: [...table] });
  }
  return tables;
}

/** The `*.lproj` folder names directly in `root`. */
function listLproj(root: string, display: string): string[] {
  let handle: Dir;
  try {
    handle = opendirSync(root);
  } catch (error) {
    throw new InputError(`cannot read resources ${display}: ${describeFsError(error)}`, { code: 'RESOURCES_UNREADABLE', cause: error });
  }
  const found: string[] = [];
  try {
    for (let scanned = 0; scanned < MAX_ENTRIES_SCANNED; scanned++) {
      const entry = handle.readSync();
      if (entry === null) break;
      const name = entry.name;
      if (name.length <= '.lproj'.length || !name.toLowerCase().endsWith('.lproj')) continue;
      if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path.join(root, name), display, false))) found.push(name);
    }
  } catch (error) {
    throw new InputError(`cannot read resources ${display}: ${describeFsError(error)}`, { code: 'RESOURCES_UNREADABLE', cause: error });
  } finally {
    handle.closeSync();
  }
  return found;
}

/** The components of an expanded package that the pkg-refs name, in the shape the package reader gives. */
function readComponents(dir: string, display: string, pkgRefs: ReadonlyArray<{ id: string; path?: string }>): ProductArchiveContents {
  const components = new Map<string, PackageInfoFacts>();
  const unreadableComponents = new Map<string, string>();
  for (const ref of pkgRefs) {
    const name = componentDirName(ref.path);
    if (name === undefined || components.has(name) || unreadableComponents.has(name)) continue;
    const member = `${name}/PackageInfo`;
    const file = path.join(dir, name, 'PackageInfo');
    if (!exists(file)) continue;
    try {
      const bytes = readRegularFile(file, { maxBytes: MAX_PACKAGE_INFO_BYTES, what: 'a PackageInfo file' }, path.join(display, member));
      components.set(name, parsePackageInfo(decodeUtf8(bytes, path.join(display, member)), member, path.join(display, member)));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      unreadableComponents.set(name, error.message);
    }
  }
  return {
    kind: 'product',
    distributionPath: 'Distribution',
    distribution: Buffer.alloc(0),
    distributionName: path.join(display, 'Distribution'),
    components,
    unreadableComponents,
    diagnostics: [],
  };
}

/** `#Name%20Core.pkg` → `Name Core.pkg`, when that is one safe path component; undefined otherwise. */
function componentDirName(url: string | undefined): string | undefined {
  const trimmed = url?.trim();
  if (!trimmed?.startsWith('#')) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(trimmed.slice(1));
  } catch {
    name = trimmed.slice(1);
  }
  if (name === '' || name === '.' || name === '..' || name.length > 255 || name.includes('/') || name.includes('\\') || name.includes('\u0000'))
    return undefined;
  return name;
}

function decodeUtf8(bytes: Buffer, what: string): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    throw new InputError(`${what}: not valid UTF-8`, { code: 'PKG_PACKAGEINFO_INVALID' });
  }
}

/** Whether `file` is a folder (following symlinks); with `report`, a folder that cannot be looked at is RESOURCES_UNREADABLE. */
function isDirectory(file: string, display: string, report: boolean): boolean {
  try {
    return statSync(file).isDirectory();
  } catch (error) {
    if (report) throw new InputError(`cannot read resources ${display}: ${describeFsError(error)}`, { code: 'RESOURCES_UNREADABLE', cause: error });
    return false;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
