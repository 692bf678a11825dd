/**
 * The base system: what every Mac of a macOS release has without the user
 * installing anything (folders, command-line tools, application bundles, the
 * processes of a logged-in GUI session). It is data, kept as layers in
 * `profiles/base-system/*.json` (schema: `profiles/base-system/schema.json`);
 * each layer applies to a range of macOS versions and cites its sources.
 *
 * `withBaseSystem(profile)` returns the profile with that data merged under
 * its own: each volume with an OS gets the files of its OS's layers, the boot
 * volume gets a home folder per user of the profile's environment, and the
 * booted OS contributes the GUI-session processes. The profile's own entries
 * win (same path, same bundle identifier).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { InputError } from '../errors.js';
import { readRegularFile } from '../util/read-file.js';
import { builtinProfilesDir } from './builtin-dir.js';
import { parseJsonText } from './json-parse.js';
import { isRecord } from './json-path.js';
import type { FileEntry, PlistDict, Profile, RunningApplication, Volume } from './types.js';

/** One layer file, as written (see profiles/base-system/schema.json). */
export interface BaseSystemLayer {
  id: string;
  description: string;
  /** Space-separated version comparisons that must all hold: `>=10.9 <11`. */
  appliesTo: string;
  sources: string[];
  uncertain?: Record<string, string>;
  /** Symbolic links, path to target: everything under the target also exists under the link. */
  links?: Record<string, string>;
  files?: Record<string, FileEntry>;
  /** Application bundles: path to Info.plist keys. */
  bundles?: Record<string, PlistDict>;
  /** Paths relative to each user's home folder. */
  home?: Record<string, FileEntry>;
  /** ProcessInformation dictionaries of a logged-in GUI session. */
  applications?: RunningApplication[];
}

/** A layer ready to apply: its range parsed. */
export interface LoadedLayer {
  readonly layer: BaseSystemLayer;
  readonly range: VersionRange;
}

/** A range of versions; `test` takes a version without prerelease (layersFor coerces). */
export interface VersionRange {
  test(version: semver.SemVer): boolean;
}

/** `>=` or `<` and a version of one to three numbers (no leading zeros): the form every built-in layer uses. */
const SIMPLE_TERM = /^(>=|<)(0|[1-9]\d{0,8})(?:\.(0|[1-9]\d{0,8}))?(?:\.(0|[1-9]\d{0,8}))?$/;

/**
 * A layer's `appliesTo`. Space-separated `>=X.Y.Z` and `<X.Y.Z` terms (minor
 * and patch optional) are compared directly: semver.Range compiles its
 * expressions first (~5 ms of every cold run). For a version without
 * prerelease this is exactly semver's meaning (`>=10.5` is `>=10.5.0`, `<12.3`
 * is `<12.3.0-0`); any other form is parsed by semver.Range, which throws on
 * a malformed range.
 */
function parseRange(text: string): VersionRange {
  const terms = text.split(' ').map((term) => SIMPLE_TERM.exec(term));
  if (terms.some((t) => t === null)) return new semver.Range(text);
  const bounds = (terms as RegExpExecArray[]).map((t) => ({ atLeast: t[1] === '>=', parts: [Number(t[2]), Number(t[3] ?? 0), Number(t[4] ?? 0)] }));
  return {
    test(version) {
      return bounds.every(({ atLeast, parts }) => {
        const order = version.major - parts[0]! || version.minor - parts[1]! || version.patch - parts[2]!;
        return atLeast ? order >= 0 : order < 0;
      });
    },
  };
}

/** A layer file this large is not a layer. */
const MAX_LAYER_BYTES = 1024 * 1024;
/** Longest path macOS resolves (PATH_MAX); longer derived paths are skipped. */
const PATH_MAX = 1024;
/** Longest file-name component (NAME_MAX). */
const NAME_MAX = 255;

/** Absolute path of the built-in layers. */
export function builtinBaseSystemDir(): string {
  return path.join(builtinProfilesDir(), 'base-system');
}

const loadedByDir = new Map<string, readonly LoadedLayer[]>();

/**
 * The layers in `dir` (every `*.json` but `schema.json`), in file-name order,
 * read once per directory and cached. A missing or malformed layer is an
 * InputError (code `BASE_SYSTEM_INVALID` or the file reader's code).
 */
export function loadBaseSystems(dir: string = builtinBaseSystemDir()): readonly LoadedLayer[] {
  const key = path.resolve(dir);
  const cached = loadedByDir.get(key);
  if (cached !== undefined) return cached;
  let names: string[];
  try {
    names = readdirSync(key);
  } catch (error) {
    throw new InputError(`cannot read the base-system directory ${dir}`, { code: 'FILE_UNREADABLE', cause: error });
  }
  const layers = names
    .filter((name) => name.endsWith('.json') && name !== 'schema.json')
    .sort()
    .map((name) => loadLayer(path.join(key, name), name));
  const frozen = Object.freeze(layers);
  loadedByDir.set(key, frozen);
  return frozen;
}

function loadLayer(file: string, name: string): LoadedLayer {
  const source = `profiles/base-system/${name}`;
  const data = parseJsonText(readRegularFile(file, { maxBytes: MAX_LAYER_BYTES, what: 'a base-system layer' }, source).toString('utf8'), source);
  const bad = (what: string): never => {
    throw new InputError(`${source}: ${what}`, { code: 'BASE_SYSTEM_INVALID' });
  };
  if (!isRecord(data)) return bad('expected a JSON object (a base-system layer)');
  if (data.id !== name.slice(0, -'.json'.length)) bad(`id must be the file name without .json (${JSON.stringify(name.slice(0, -5))})`);
  if (typeof data.appliesTo !== 'string') return bad('appliesTo: expected a string');
  let range: VersionRange;
  try {
    range = parseRange(data.appliesTo);
  } catch {
    return bad(`appliesTo: not a version range: ${JSON.stringify(data.appliesTo)}`);
  }
  for (const field of ['links', 'files', 'bundles', 'home']) {
    if (data[field] !== undefined && !isRecord(data[field])) bad(`${field}: expected an object`);
  }
  if (data.applications !== undefined && !(Array.isArray(data.applications) && data.applications.every(isApplication))) {
    bad('applications: expected an array of objects with a CFBundleIdentifier');
  }
  return { layer: deepFreeze(data) as unknown as BaseSystemLayer, range };
}

function isApplication(value: unknown): value is RunningApplication {
  return isRecord(value) && typeof value.CFBundleIdentifier === 'string';
}

function deepFreeze<T>(value: T): T {
  // Layer data is shared by every profile it is merged into.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || Object.isFrozen(item)) continue;
    Object.freeze(item);
    for (const child of Object.values(item)) stack.push(child);
  }
  return value;
}

/** The layers that apply to a macOS version (a ProductVersion such as `10.15.7`), in order. */
export function layersFor(version: string, layers: readonly LoadedLayer[] = loadBaseSystems()): LoadedLayer[] {
  const coerced = semver.coerce(version);
  if (coerced === null) return [];
  return layers.filter((l) => l.range.test(coerced));
}

const mergedByLayers = new WeakMap<readonly LoadedLayer[], WeakMap<Profile, Profile>>();

/**
 * The profile with its base system merged under its own data (a new object;
 * the argument is not changed). Pure and deterministic; cached per profile
 * object and layer set, so calling it once per evaluation costs a lookup.
 *
 * - Each volume whose `systemVersion` names an OS gets the `files`, `bundles`
 *   and `links` of the layers for that OS; the profile's own `files` win, path
 *   for path (compared as the volume compares names: case-insensitively
 *   unless `caseSensitive`).
 * - The boot volume gets the `home` folders under each user's home: the
 *   environment's HOME, and /Users/<USER> and /Users/<SUDO_USER> for a user
 *   other than root.
 * - When a GUI session runs (`desktopSessionCount`, default 1, above 0), the
 *   booted OS's processes come first in `applications`, unless the profile
 *   lists a process with the same bundle identifier.
 * - Every process carries Apple's documented ProcessInformation keys: a key
 *   the profile leaves out is filled with the Process Manager's plain value
 *   (FileType `APPL`, FileCreator `????`, the flags false, the next free PSN
 *   and pid, loginwindow as the parent).
 * - The lookup tables (`sysctl`, `gestalt`, `env`, `run`, each volume's
 *   `receipts` and `files`, `rosetta.sysctl`) become objects without a
 *   prototype, so a name such as `constructor` finds nothing.
 */
export function withBaseSystem(profile: Profile, layers: readonly LoadedLayer[] = loadBaseSystems()): Profile {
  let cache = mergedByLayers.get(layers);
  if (cache === undefined) {
    cache = new WeakMap();
    mergedByLayers.set(layers, cache);
  }
  const done = cache.get(profile);
  if (done !== undefined) return done;
  const merged = merge(profile, layers);
  cache.set(profile, merged);
  return merged;
}

function merge(profile: Profile, layers: readonly LoadedLayer[]): Profile {
  const boot = profile.volumes.find((v) => v.mountpoint === '/');
  const volumes = profile.volumes.map((volume) => mergeVolume(volume, volume === boot ? homes(profile) : [], layers));
  const out: Profile = { ...profile, volumes, applications: mergeApplications(profile, layers) };
  out.sysctl = lookupTable(profile.sysctl);
  if (profile.gestalt !== undefined) out.gestalt = lookupTable(profile.gestalt);
  if (profile.env !== undefined) out.env = lookupTable(profile.env);
  if (profile.run !== undefined) out.run = lookupTable(profile.run);
  if (profile.rosetta?.sysctl !== undefined) out.rosetta = { ...profile.rosetta, sysctl: lookupTable(profile.rosetta.sysctl) };
  return out;
}

function lookupTable<T>(table: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, table);
}

/** Case and Unicode folding of a normalized path, as the volume compares names. */
export function pathKey(normalizedPath: string, caseSensitive: boolean): string {
  // APFS and HFS+ ignore the Unicode normalization form; case only when case-insensitive.
  const nfd = isAscii(normalizedPath) ? normalizedPath : normalizedPath.normalize('NFD');
  return caseSensitive ? nfd : nfd.toLowerCase();
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A volume's base files for one OS version: folded path -> [path as spelled, entry], links applied. */
interface BaseFiles {
  readonly entries: ReadonlyMap<string, [string, FileEntry]>;
  readonly links: ReadonlyArray<[string, string]>;
  readonly home: ReadonlyArray<[string, FileEntry]>;
  readonly empty: boolean;
}

const baseFilesByLayers = new WeakMap<readonly LoadedLayer[], Map<string, BaseFiles>>();
/** Distinct (version, case rule) pairs kept; a user's profiles could name many versions. */
const MAX_CACHED_VERSIONS = 256;

function baseFiles(version: string | undefined, caseSensitive: boolean, layers: readonly LoadedLayer[]): BaseFiles {
  let cache = baseFilesByLayers.get(layers);
  if (cache === undefined) {
    cache = new Map();
    baseFilesByLayers.set(layers, cache);
  }
  const cacheKey = `${caseSensitive ? 'cs' : 'ci'}:${version ?? ''}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const applicable = version === undefined ? [] : layersFor(version, layers);
  const entries = new Map<string, [string, FileEntry]>();
  const links: Array<[string, string]> = [];
  const home: Array<[string, FileEntry]> = [];
  for (const { layer } of applicable) {
    for (const [file, entry] of Object.entries(layer.files ?? {})) put(entries, file, entry, caseSensitive);
    for (const [file, info] of Object.entries(layer.bundles ?? {})) put(entries, file, { type: 'bundle', info }, caseSensitive);
    for (const [relative, entry] of Object.entries(layer.home ?? {})) home.push([relative, entry]);
    for (const [link, target] of Object.entries(layer.links ?? {})) links.push([normalizePath(link), normalizePath(target)]);
  }
  for (const [link, target] of links) {
    // A symbolic link: a name under either path exists under the other.
    mirror(entries, target, link, caseSensitive);
    mirror(entries, link, target, caseSensitive);
  }
  const result: BaseFiles = { entries, links, home, empty: applicable.length === 0 };
  if (cache.size >= MAX_CACHED_VERSIONS) cache.clear();
  cache.set(cacheKey, result);
  return result;
}

function put(entries: Map<string, [string, FileEntry]>, file: string, entry: FileEntry, caseSensitive: boolean): string | undefined {
  const normalized = normalizePath(file);
  if (normalized.length > PATH_MAX) return undefined;
  const key = pathKey(normalized, caseSensitive);
  entries.set(key, [normalized, entry]);
  return key;
}

function mergeVolume(volume: Volume, homeFolders: readonly string[], layers: readonly LoadedLayer[]): Volume {
  const version = volume.systemVersion?.ProductVersion;
  const caseSensitive = volume.caseSensitive === true;
  const base = baseFiles(typeof version === 'string' ? version : undefined, caseSensitive, layers);
  if (base.empty && volume.files === undefined && volume.receipts === undefined) return volume;
  const entries = new Map(base.entries);
  const added = new Set<string>();
  const add = (file: string, entry: FileEntry): void => {
    const key = put(entries, file, entry, caseSensitive);
    if (key !== undefined) added.add(key);
  };
  if (!base.empty) {
    for (const home of homeFolders) {
      add(home, { type: 'directory' });
      for (const [relative, entry] of base.home) add(`${home}/${relative}`, entry);
    }
  }
  for (const [file, entry] of Object.entries(volume.files ?? {})) add(file, entry);
  // The profile's own files under a link exist under its other name too.
  for (const [link, target] of base.links) {
    for (const [from, to] of [
      [target, link],
      [link, target],
    ] as const) {
      const prefix = pathKey(from, caseSensitive) + '/';
      const depth = from.split('/').length;
      for (const key of added) {
        if (!key.startsWith(prefix)) continue;
        const [spelled, entry] = entries.get(key)!;
        const mirrored = `${to}/${spelled.split('/').slice(depth).join('/')}`;
        const mirroredKey = pathKey(mirrored, caseSensitive);
        if (!added.has(mirroredKey)) entries.set(mirroredKey, [mirrored, entry]);
      }
    }
  }
  const files = Object.create(null) as Record<string, FileEntry>;
  for (const [file, entry] of entries.values()) files[file] = entry;
  const out: Volume = { ...volume, files };
  if (volume.receipts !== undefined) out.receipts = lookupTable(volume.receipts);
  return out;
}

/** Makes everything under `from` exist under `to` too, unless a path there is already taken. */
function mirror(entries: Map<string, [string, FileEntry]>, from: string, to: string, caseSensitive: boolean): void {
  const toKey = pathKey(to, caseSensitive);
  const existing = entries.get(toKey);
  if (existing !== undefined && existing[1].type !== 'directory') return;
  const prefix = pathKey(from, caseSensitive) + '/';
  // Components, not characters: folding can change a name's length.
  const depth = from.split('/').length;
  const additions: Array<[string, [string, FileEntry]]> = [];
  if (existing === undefined) additions.push([toKey, [to, { type: 'directory' }]]);
  for (const [key, [spelled, entry]] of entries) {
    if (!key.startsWith(prefix)) continue;
    const mirrored = `${to}/${spelled.split('/').slice(depth).join('/')}`;
    const mirroredKey = pathKey(mirrored, caseSensitive);
    if (!entries.has(mirroredKey)) additions.push([mirroredKey, [mirrored, entry]]);
  }
  for (const [key, value] of additions) entries.set(key, value);
}

/** Home folders of the profile's users, on the boot volume. */
function homes(profile: Profile): string[] {
  const env = profile.env ?? {};
  const out = new Set<string>();
  const home = ownString(env, 'HOME');
  if (home !== undefined && home.startsWith('/') && home.length <= PATH_MAX) {
    const normalized = normalizePath(home);
    if (normalized !== '/') out.add(normalized);
  }
  for (const name of [ownString(env, 'USER'), ownString(env, 'SUDO_USER')]) {
    if (name !== undefined && name !== 'root' && isFileName(name)) out.add(`/Users/${name}`);
  }
  return [...out];
}

function ownString(table: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(table, key) && typeof table[key] === 'string' ? table[key] : undefined;
}

function isFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && name.length <= NAME_MAX && !name.includes('/') && !name.includes('\0');
}

const DOCUMENTED_FLAGS = ['LSBackgroundOnly', 'LSUIElement', 'IsHiddenAttr', 'RequiresClassic', 'RequiresCarbon'] as const;

function mergeApplications(profile: Profile, layers: readonly LoadedLayer[]): RunningApplication[] {
  const own = profile.applications ?? [];
  const version = profile.systemVersion?.ProductVersion;
  const session = (profile.desktopSessionCount ?? 1) > 0;
  const base = new Map<string, RunningApplication>();
  if (session && typeof version === 'string') {
    for (const { layer } of layersFor(version, layers)) {
      for (const app of layer.applications ?? []) base.set(app.CFBundleIdentifier, { ...base.get(app.CFBundleIdentifier), ...app });
    }
  }
  for (const app of own) base.delete(app.CFBundleIdentifier);
  const system = [...base.values()].sort((a, b) => (a.PSN ?? 0) - (b.PSN ?? 0));
  return fillProcessInformation([...system, ...own.map((app) => ({ ...app }))]);
}

/** Gives every process the documented ProcessInformation keys it lacks. */
function fillProcessInformation(apps: RunningApplication[]): RunningApplication[] {
  let nextPsn = 1;
  let nextPid = 1;
  for (const app of apps) {
    if (typeof app.PSN === 'number' && app.PSN >= nextPsn) nextPsn = app.PSN + 1;
    if (typeof app.pid === 'number' && app.pid >= nextPid) nextPid = app.pid + 1;
  }
  const loginwindow = apps.find((a) => a.CFBundleIdentifier === 'com.apple.loginwindow');
  const parent = typeof loginwindow?.PSN === 'number' ? loginwindow.PSN : 0;
  for (const app of apps) {
    if (app.PSN === undefined) app.PSN = nextPsn++;
    if (app['Parent PSN'] === undefined) app['Parent PSN'] = app === loginwindow ? 0 : parent;
    if (app.pid === undefined) app.pid = nextPid++;
    app.FileType ??= 'APPL';
    app.FileCreator ??= '????';
    for (const flag of DOCUMENTED_FLAGS) app[flag] ??= false;
    if (app.CFBundleName === undefined && typeof app.BundlePath === 'string') {
      const name = lastComponent(app.BundlePath);
      if (name !== '') app.CFBundleName = name.endsWith('.app') ? name.slice(0, -4) : name;
    }
  }
  return apps;
}

/** The last non-empty component of a path (`Foo.app` for `/Applications/Foo.app/`). */
function lastComponent(file: string): string {
  let end = file.length;
  while (end > 0 && file.charCodeAt(end - 1) === 0x2f) end--;
  return file.slice(file.lastIndexOf('/', end - 1) + 1, end);
}

/** Collapses `//`, `.` and `..`; no trailing slash; always absolute. */
export function normalizePath(file: string): string {
  if (isNormal(file)) return file;
  const parts: string[] = [];
  for (const part of file.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

/** Whether a path is already absolute and free of empty, `.` and `..` components. */
function isNormal(file: string): boolean {
  if (file === '/') return true;
  if (file.charCodeAt(0) !== 0x2f || file.endsWith('/')) return false;
  return !file.includes('//') && !file.includes('/./') && !file.includes('/../') && !file.endsWith('/.') && !file.endsWith('/..');
}
