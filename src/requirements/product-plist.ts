/**
 * productbuild's pre-install requirements property list (`productbuild
 * --product requirements.plist`), per the productbuild(1) man page,
 * PRE-INSTALL REQUIREMENTS PROPERTY LIST
 * (https://keith.github.io/xcode-man-pages/productbuild.1.html):
 *
 * | key | type |
 * |---|---|
 * | os | array of version strings (minimum versions, one per major line) |
 * | arch | array of strings (x86_64, arm64; i386 means x86_64) |
 * | ram | real (GB) |
 * | bundle | array of dicts: id, path (required), CFBundleShortVersionString, search |
 * | all-bundles | bool |
 * | gl-renderer, cl-device, metal-device | NSPredicate strings |
 * | single-graphics-device | bool |
 * | sysctl-requirements | NSPredicate string |
 * | home | bool |
 *
 * Only XML property lists are read (binary and OpenStep ones are refused
 * with a hint to convert them). The text is checked for well-formedness,
 * size, nesting and entity declarations before the `plist` package sees it,
 * so hostile input gets a one-line InputError and the XML library never
 * prints or recurses deeply.
 */
import type { PlistValue } from 'plist';
import { InputError } from '../errors.js';
import { parseXmlPlist, startsWithAscii } from '../util/xml-plist.js';
import { PredicateSyntaxError, parsePredicate } from './predicate.js';

export interface RequiredBundleSpec {
  id: string;
  path: string;
  /** Minimum CFBundleShortVersionString. */
  CFBundleShortVersionString?: string;
  /** Look the bundle up by identifier when it is not at `path`. */
  search?: boolean;
}

/** The requirements, keys renamed to camelCase; an absent key is undefined. */
export interface ProductRequirements {
  os?: string[];
  arch?: string[];
  ram?: number;
  bundle?: RequiredBundleSpec[];
  allBundles?: boolean;
  glRenderer?: string;
  clDevice?: string;
  metalDevice?: string;
  singleGraphicsDevice?: boolean;
  sysctlRequirements?: string;
  home?: boolean;
}

/**
 * Largest requirements file read. A real one is well under a kilobyte; this
 * still holds four predicates of the longest length accepted.
 */
export const MAX_REQUIREMENTS_PLIST_BYTES = 256 * 1024;
/** Most markup nodes (elements, comments, CDATA sections) read: the XML library costs tens of microseconds per node, and a real file has a few dozen. */
const MAX_PLIST_NODES = 1024;
/** Deepest `<dict>`/`<array>` nesting accepted (the format needs 3). */
const MAX_PLIST_NESTING = 16;
/** Most entries in `os`, `arch` or `bundle`. */
const MAX_LIST_ENTRIES = 256;
/** Longest string value (a predicate is the longest thing here). */
const MAX_STRING = 64 * 1024;

const KNOWN_ARCHS = new Set(['i386', 'x86_64', 'arm64', 'ppc']);
const VERSION = /^\d{1,4}(\.\d{1,4}){0,3}$/;
/** Characters XML 1.0 cannot carry even escaped: they could not be written into the Distribution. */
// eslint-disable-next-line no-control-regex -- finding those characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parses a requirements property list. `path` names the file in messages.
 * Malformed input or an unknown key is an InputError whose message names
 * the key path (`bundle[1].search`).
 */
export function parseProductRequirements(input: string | Uint8Array, path: string): ProductRequirements {
  const text = decode(input, path);
  const root = parseRequirementsPlist(text, path);
  if (!isDict(root)) fail(path, '(root)', 'the property list must be a dictionary', 'REQUIREMENTS_PLIST_INVALID_VALUE');
  const out: ProductRequirements = {};
  for (const key of Object.keys(root)) {
    const value = root[key]!;
    switch (key) {
      case 'os':
        out.os = stringList(value, path, key, (v, at) => {
          if (!VERSION.test(v)) fail(path, at, `'${clip(v)}' is not a version such as 10.15 or 13.4.1`);
        });
        break;
      case 'arch':
        out.arch = stringList(value, path, key, (v, at) => {
          if (!KNOWN_ARCHS.has(v)) fail(path, at, `'${clip(v)}' is not an architecture (x86_64, arm64, i386)`);
        });
        break;
      case 'ram': {
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, key, 'expected a number (gigabytes)');
        if (value <= 0 || value > 1_000_000) fail(path, key, `${value} GB is not a plausible minimum`);
        out.ram = value;
        break;
      }
      case 'bundle':
        out.bundle = bundles(value, path);
        break;
      case 'all-bundles':
        out.allBundles = boolean(value, path, key);
        break;
      case 'gl-renderer':
        out.glRenderer = predicate(value, path, key);
        break;
      case 'cl-device':
        out.clDevice = predicate(value, path, key);
        break;
      case 'metal-device':
        out.metalDevice = predicate(value, path, key);
        break;
      case 'single-graphics-device':
        out.singleGraphicsDevice = boolean(value, path, key);
        break;
      case 'sysctl-requirements':
        out.sysctlRequirements = predicate(value, path, key);
        break;
      case 'home':
        out.home = boolean(value, path, key);
        break;
      default:
        fail(
          path,
          key,
          'unknown key',
          'REQUIREMENTS_PLIST_UNKNOWN_KEY',
          'known keys: os, arch, ram, bundle, all-bundles, gl-renderer, cl-device, metal-device, single-graphics-device, sysctl-requirements, home',
        );
    }
  }
  return out;
}

function decode(input: string | Uint8Array, path: string): string {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_REQUIREMENTS_PLIST_BYTES) {
    throw new InputError(`${path}: the requirements property list is larger than ${MAX_REQUIREMENTS_PLIST_BYTES} bytes`, {
      code: 'REQUIREMENTS_PLIST_TOO_LARGE',
    });
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (startsWithAscii(input, 'bplist')) throw notXml(path, 'a binary property list');
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new InputError(`${path}: the requirements property list is not UTF-8 text`, {
        code: 'REQUIREMENTS_PLIST_MALFORMED',
        hint: 'convert it with: plutil -convert xml1 FILE',
      });
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.startsWith('bplist')) throw notXml(path, 'a binary property list');
  const first = text.trimStart()[0];
  if (first === '{' || first === '(') throw notXml(path, 'an OpenStep (old-style) property list');
  return text;
}

function notXml(path: string, what: string): InputError {
  return new InputError(`${path}: ${what}; only XML property lists are read`, {
    code: 'REQUIREMENTS_PLIST_MALFORMED',
    hint: 'convert it with: plutil -convert xml1 FILE',
  });
}

function parseRequirementsPlist(text: string, path: string): PlistValue {
  if (text.trim() === '') throw new InputError(`${path}: the requirements property list is empty`, { code: 'REQUIREMENTS_PLIST_MALFORMED' });
  return parseXmlPlist(text, path, { maxNodes: MAX_PLIST_NODES, maxNesting: MAX_PLIST_NESTING, code: 'REQUIREMENTS_PLIST_MALFORMED' });
}

// ---- typed readers ------------------------------------------------------------

type Dict = { [key: string]: PlistValue };

function isDict(v: PlistValue | undefined): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function stringList(value: PlistValue, path: string, key: string, check: (v: string, at: string) => void): string[] {
  if (!Array.isArray(value)) fail(path, key, 'expected an array of strings');
  if (value.length > MAX_LIST_ENTRIES) fail(path, key, `more than ${MAX_LIST_ENTRIES} entries`);
  return value.map((v, i) => {
    const at = `${key}[${i}]`;
    if (typeof v !== 'string') fail(path, at, 'expected a string');
    const s = v.trim();
    check(s, at);
    return s;
  });
}

function boolean(value: PlistValue, path: string, key: string): boolean {
  if (typeof value !== 'boolean') fail(path, key, 'expected <true/> or <false/>');
  return value;
}

function string(value: PlistValue, path: string, key: string): string {
  if (typeof value !== 'string') fail(path, key, 'expected a string');
  if (value.length > MAX_STRING) fail(path, key, `longer than ${MAX_STRING} characters`);
  const bad = NOT_XML.exec(value);
  if (bad) fail(path, key, `contains U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, which a Distribution (XML) cannot hold`);
  return value;
}

/** A predicate must parse: productbuild converts it to an NSPredicate and refuses one that does not convert. */
function predicate(value: PlistValue, path: string, key: string): string {
  const text = string(value, path, key);
  try {
    parsePredicate(text);
  } catch (e) {
    if (e instanceof PredicateSyntaxError)
      fail(path, key, `the predicate does not parse at offset ${e.offset}: ${e.reason}`, 'REQUIREMENTS_PLIST_PREDICATE_SYNTAX');
    throw e;
  }
  return text;
}

function bundles(value: PlistValue, path: string): RequiredBundleSpec[] {
  if (!Array.isArray(value)) fail(path, 'bundle', 'expected an array of dictionaries');
  if (value.length > MAX_LIST_ENTRIES) fail(path, 'bundle', `more than ${MAX_LIST_ENTRIES} entries`);
  return value.map((entry, i) => {
    const at = `bundle[${i}]`;
    if (!isDict(entry)) fail(path, at, 'expected a dictionary with id and path');
    const spec: Partial<RequiredBundleSpec> = {};
    for (const key of Object.keys(entry)) {
      const v = entry[key]!;
      const where = `${at}.${key}`;
      switch (key) {
        case 'id':
          spec.id = nonEmpty(v, path, where);
          break;
        case 'path':
          spec.path = nonEmpty(v, path, where);
          break;
        case 'CFBundleShortVersionString':
          spec.CFBundleShortVersionString = nonEmpty(v, path, where);
          break;
        case 'search':
          spec.search = boolean(v, path, where);
          break;
        default:
          fail(path, where, 'unknown key', 'REQUIREMENTS_PLIST_UNKNOWN_KEY', 'known bundle keys: id, path, CFBundleShortVersionString, search');
      }
    }
    if (spec.id === undefined) fail(path, `${at}.id`, 'missing (required)');
    if (spec.path === undefined) fail(path, `${at}.path`, 'missing (required)');
    return spec as RequiredBundleSpec;
  });
}

function nonEmpty(value: PlistValue, path: string, key: string): string {
  const s = string(value, path, key);
  if (s.trim() === '') fail(path, key, 'must not be empty');
  return s;
}

function fail(path: string, keyPath: string, reason: string, code = 'REQUIREMENTS_PLIST_INVALID_VALUE', hint?: string): never {
  throw new InputError(`${path}: ${keyPath}: ${reason}`, { code, ...(hint !== undefined && { hint }) });
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
