import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { InputError } from '../errors.js';
import { describeFsError, readRegularFile } from '../util/read-file.js';
import { builtinProfilesDir } from './builtin-dir.js';
import { resolveInheritance } from './inherit.js';
import type { RawProfile } from './inherit.js';
import { parseJsonText } from './json-parse.js';
import { isRecord } from './json-path.js';
import type { Profile } from './types.js';
import { listProblems, validateProfileData } from './validate.js';

export { builtinProfilesDir } from './builtin-dir.js';

/** A built-in profile is about 5 KB; a file this large is not a profile, and parsing it would only cost time and memory. */
export const MAX_PROFILE_BYTES = 4 * 1024 * 1024;
/** All the user's profile files together (--profile-file and --profiles-dir). */
export const MAX_PROFILES_TOTAL_BYTES = 64 * 1024 * 1024;

export interface LoadProfilesOptions {
  /** Include the built-in profiles in the result (default true). Built-ins can always be extended. */
  builtin?: boolean;
  /** Profile JSON files, in order. */
  files?: string[];
  /** Directories whose `*.json` files (except `schema.json`) are profiles, read in file-name order. */
  dirs?: string[];
}

/**
 * Reads, resolves (`extends`) and validates profiles. Returns the built-ins
 * sorted by macOS version then id (unless `builtin: false`), then the user's
 * profiles in the order given (`files`, then `dirs`). Ids are unique across
 * built-in and user profiles; a file named twice, or a built-in file named as
 * a user file, is read once (as a user profile). Any problem is an InputError.
 * Built-in profiles are trusted (the test suite validates them); user
 * profiles are validated against the schema.
 */
export function loadProfiles(options: LoadProfilesOptions = {}): Profile[] {
  // The same file named twice (or a built-in named as a user file) is read once, as a user profile.
  const seen = new Set<string>();
  const userRaw: RawProfile[] = [];
  let userBytes = 0;
  const addUser = (file: string): void => {
    const real = realPath(file);
    if (seen.has(real)) return;
    seen.add(real);
    const text = readProfileText(file, file);
    userBytes += text.length;
    if (userBytes > MAX_PROFILES_TOTAL_BYTES) {
      throw new InputError(`profiles: more than ${MAX_PROFILES_TOTAL_BYTES / 1048576} MiB of profile files in total (at ${file})`, {
        code: 'PROFILES_TOO_LARGE',
      });
    }
    userRaw.push(profileFromText(text, file));
  };
  for (const file of options.files ?? []) addUser(file);
  for (const dir of options.dirs ?? []) for (const file of jsonFilesIn(dir)) addUser(path.join(dir, file));
  const builtinDir = builtinProfilesDir();
  const builtinRaw = jsonFilesIn(builtinDir)
    .filter((file) => !seen.has(realPath(path.join(builtinDir, file))))
    .map((file) => profileFromText(readProfileText(path.join(builtinDir, file), `profiles/${file}`), `profiles/${file}`));

  const resolved = resolveInheritance([...builtinRaw, ...userRaw]);
  const problems: string[] = [];
  const invalid: string[] = [];
  // Built-in profiles ship with the package and are validated by its test suite
  // (test/profile/builtin.test.ts); only the user's profiles are checked here.
  for (const { profile, source } of resolved.slice(builtinRaw.length)) {
    const found = validateProfileData(profile, source);
    if (found.length > 0) {
      invalid.push(source);
      problems.push(...found);
    }
  }
  if (problems.length > 0) {
    const head =
      invalid.length === 1
        ? `invalid profile ${invalid[0]!}`
        : `invalid profiles ${invalid.length > 10 ? `${invalid.slice(0, 10).join(', ')}, …` : invalid.join(', ')}`;
    throw new InputError(`${head}\n${listProblems(problems)}`, { code: 'PROFILE_INVALID' });
  }

  const builtins = resolved.slice(0, builtinRaw.length).map((r) => r.profile);
  const users = resolved.slice(builtinRaw.length).map((r) => r.profile);
  builtins.sort(compareProfiles);
  return options.builtin === false ? users : [...builtins, ...users];
}

/** The built-in profiles' ids: their file names (the test suite checks that each built-in's id is its file name). */
export function builtinProfileIds(): string[] {
  return jsonFilesIn(builtinProfilesDir()).map((file) => file.slice(0, -'.json'.length));
}

/**
 * Built-in profiles by id (ids from {@link builtinProfileIds}), resolved as
 * loadProfiles resolves them, but reading only their own files and those they
 * extend: a run on one profile need not read all of them (measured: ~50 ms of
 * a cold `run`). Returned in the order of `ids`.
 */
export function loadBuiltinProfilesById(ids: readonly string[]): Profile[] {
  const dir = builtinProfilesDir();
  const files = new Set(builtinProfileIds());
  const raw = new Map<string, RawProfile>();
  // Each built-in is read at most once, so the walk up `extends` chains ends.
  const pending = ids.filter((id) => files.has(id));
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (raw.has(id)) continue;
    const source = `profiles/${id}.json`;
    const entry = profileFromText(readProfileText(path.join(dir, `${id}.json`), source), source);
    raw.set(id, entry);
    // An unknown parent is left out: resolving reports it as loadProfiles would.
    const parent = Object.hasOwn(entry.data, 'extends') ? entry.data.extends : undefined;
    if (typeof parent === 'string' && files.has(parent) && !raw.has(parent)) pending.push(parent);
  }
  const keys = [...raw.keys()];
  const resolved = new Map(resolveInheritance([...raw.values()]).map(({ profile }, i) => [keys[i]!, profile]));
  return ids.map((id) => {
    const profile = resolved.get(id);
    if (profile === undefined) throw new InputError(`no built-in profile ${id}`, { code: 'PROFILE_UNKNOWN' });
    return profile;
  });
}

/** Orders profiles by macOS version (semver-coerced ProductVersion), then id. */
export function compareProfiles(a: Profile, b: Profile): number {
  const va = semver.coerce(String(a.systemVersion.ProductVersion));
  const vb = semver.coerce(String(b.systemVersion.ProductVersion));
  if (va !== null && vb !== null) {
    const byVersion = semver.compare(va, vb);
    if (byVersion !== 0) return byVersion;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function jsonFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new InputError(`cannot read profile directory ${dir}: ${describeFsError(error)}`, { code: 'FILE_UNREADABLE' });
  }
  return names.filter((name) => name.endsWith('.json') && name !== 'schema.json').sort();
}

function readProfileText(file: string, source: string): string {
  return readRegularFile(file, { maxBytes: MAX_PROFILE_BYTES, what: 'a profile' }, source).toString('utf8');
}

function profileFromText(text: string, source: string): RawProfile {
  const data = parseJsonText(text, source);
  if (!isRecord(data)) throw new InputError(`${source}: expected a JSON object (a profile), found ${kindOf(data)}`, { code: 'PROFILE_INVALID' });
  return { data, source };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
