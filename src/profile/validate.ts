import { isDeepStrictEqual } from 'node:util';
import semver from 'semver';
import type { ErrorObject } from 'ajv';
import { depthExceeds, isPrototypeName, reservedKeyPaths } from '../util/plain-data.js';
import { MAX_JSON_DEPTH } from './json-parse.js';
import { formatPath, isRecord, pointerSegments } from './json-path.js';
import type { PathSegment } from './json-path.js';
import { profileValidator } from './schema.js';

/** Problems listed in one error; the rest are counted. Each is a line, and a hostile file can hold hundreds of thousands. */
export const MAX_REPORTED_PROBLEMS = 50;

/** The problems, one a line: the first MAX_REPORTED_PROBLEMS, then how many more. */
export function listProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const more = problems.length - shown.length;
  return more > 0 ? `${shown.join('\n')}\n… and ${more} more problem${more === 1 ? '' : 's'}` : shown.join('\n');
}

/** The id rule, also in `profiles/schema.json`. */
export const PROFILE_ID_PATTERN = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;

/**
 * Checks a resolved profile (after `extends` is applied; `extends` itself is
 * ignored) against `profiles/schema.json` plus the rules the schema cannot
 * express. Returns every problem as one line `<source>: <path>: <problem>`,
 * e.g. `profiles/foo.json: sysctl.hw.memsize: expected integer or string`;
 * an empty array means the profile is valid.
 *
 * Data nested deeper than MAX_JSON_DEPTH is refused before anything walks it
 * recursively, and `__proto__` may not be a key anywhere: a plain object
 * cannot hold it as data, so every consumer would have to special-case it.
 */
export function validateProfileData(value: unknown, source: string): string[] {
  // A Set: a hostile profile can hold hundreds of thousands of problems, and a list search per problem would be quadratic.
  const problems = new Set<string>();
  const add = (segments: readonly PathSegment[], problem: string): void => {
    problems.add(`${source}: ${formatPath(segments)}: ${problem}`);
  };

  if (depthExceeds(value, MAX_JSON_DEPTH)) return [`${source}: (root): nested deeper than ${MAX_JSON_DEPTH} levels`];
  let data = value;
  if (isRecord(value) && Object.hasOwn(value, 'extends')) {
    const rest = { ...value };
    delete rest.extends;
    data = rest;
  }
  const validate = profileValidator();
  if (!validate(data)) {
    for (const error of validate.errors ?? []) schemaProblem(error, data, add);
  }
  for (const at of reservedKeyPaths(data)) add(at, `reserved name, not allowed as a key`);
  if (isRecord(data)) semanticProblems(data, add);
  return [...problems];
}

type Add = (segments: readonly PathSegment[], problem: string) => void;

function schemaProblem(error: ErrorObject, data: unknown, add: Add): void {
  const at = pointerSegments(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
    case 'oneOf':
      // `if` only repeats its branch's errors; `oneOf` is reported through the discriminator.
      return;
    case 'required':
      add([...at, String(params.missingProperty)], 'required');
      return;
    case 'additionalProperties':
      add([...at, String(params.additionalProperty)], 'unknown property');
      return;
    case 'type': {
      const types = Array.isArray(params.type) ? params.type.map(String) : String(params.type).split(',');
      add(at, `expected ${types.join(' or ')}`);
      return;
    }
    case 'enum':
      add(at, `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
      return;
    case 'const':
      add(at, `expected ${JSON.stringify(params.allowedValue)}`);
      return;
    case 'pattern':
      if (at.length === 1 && at[0] === 'id') {
        add(at, "must be kebab-case: lowercase letters and digits, separated by '-' or '.'");
      } else {
        add(at, `expected a string matching /${String(params.pattern)}/`);
      }
      return;
    case 'minLength':
      if ((error as { propertyName?: string }).propertyName !== undefined) return;
      add(at, 'must not be empty');
      return;
    case 'propertyNames':
      add(at, `invalid property name ${JSON.stringify(params.propertyName)}: must not be empty`);
      return;
    case 'minimum':
      add(at, `must be >= ${String(params.limit)}`);
      return;
    case 'discriminator':
      if (params.error === 'mapping') {
        add([...at, String(params.tag)], 'expected one of "file", "directory", "plist", "bundle"');
      } else {
        add([...at, String(params.tag)], 'expected a string');
      }
      return;
    default:
      add(at, error.message ?? `fails ${error.keyword}`);
  }
}

function semanticProblems(p: Record<string, unknown>, add: Add): void {
  const arch = typeof p.arch === 'string' ? p.arch : undefined;
  const sysctl = isRecord(p.sysctl) ? p.sysctl : {};
  const rosetta = isRecord(p.rosetta) ? p.rosetta : undefined;

  if (arch !== undefined && arch !== 'arm64') {
    if (p.rosetta !== undefined) add(['rosetta'], `only allowed when arch is "arm64" (this profile is "${arch}")`);
    for (const name of ['sysctl.proc_translated', 'hw.optional.arm64']) {
      if (Object.hasOwn(sysctl, name)) {
        add(['sysctl', name], `must not be defined when arch is "${arch}": the sysctl only exists on Apple silicon`);
      }
    }
  }
  if (arch === 'arm64') {
    const translated = sysctl['sysctl.proc_translated'];
    if (translated === undefined) {
      add(['sysctl', 'sysctl.proc_translated'], 'required when arch is "arm64" (0, the native value)');
    } else if (translated !== 0) {
      add(['sysctl', 'sysctl.proc_translated'], 'must be 0 (native); the translated value belongs in rosetta.sysctl');
    }
  }
  const translatedView = rosetta !== undefined && isRecord(rosetta.sysctl) ? rosetta.sysctl : {};
  const seenTranslated = translatedView['sysctl.proc_translated'];
  if (seenTranslated !== undefined && seenTranslated !== 1) {
    add(['rosetta', 'sysctl', 'sysctl.proc_translated'], 'must be 1 (the value a translated process sees)');
  }

  const launch = isRecord(p.launch) ? p.launch : undefined;
  if (launch?.rosettaShell === true) {
    if (arch !== undefined && arch !== 'arm64') {
      add(['launch', 'rosettaShell'], `only possible when arch is "arm64" (this profile is "${arch}")`);
    } else if (rosetta?.installed !== true) {
      add(['launch', 'rosettaShell'], 'requires rosetta.installed = true (a Rosetta shell needs Rosetta)');
    }
  }

  if (Array.isArray(p.languages)) {
    p.languages.forEach((language: unknown, index) => {
      // Language names are looked up in tables; a name every object has would find Object.prototype's member.
      if (typeof language === 'string' && (isPrototypeName(language) || isPrototypeName(language.toLowerCase()))) {
        add(['languages', index], `${JSON.stringify(language)} is not a language (use a code such as "en" or "fr-CA")`);
      }
    });
  }

  const model = sysctl['hw.model'];
  if (typeof p.model === 'string' && model !== undefined && model !== p.model) {
    add(['sysctl', 'hw.model'], `must equal model (${JSON.stringify(p.model)})`);
  }
  const systemVersion = isRecord(p.systemVersion) ? p.systemVersion : undefined;
  if (systemVersion !== undefined) {
    const version = systemVersion.ProductVersion;
    if (typeof version === 'string' && semver.coerce(version) === null) {
      add(['systemVersion', 'ProductVersion'], `not a version number: ${JSON.stringify(version)}`);
    }
    const mirrors: Array<[string, string]> = [
      ['kern.osproductversion', 'ProductVersion'],
      ['kern.osversion', 'ProductBuildVersion'],
    ];
    for (const [name, key] of mirrors) {
      if (sysctl[name] !== undefined && typeof systemVersion[key] === 'string' && sysctl[name] !== systemVersion[key]) {
        add(['sysctl', name], `must equal systemVersion.${key} (${JSON.stringify(systemVersion[key])})`);
      }
    }
  }

  if (Array.isArray(p.volumes)) {
    const seen = new Map<string, number>();
    p.volumes.forEach((volume: unknown, index) => {
      if (!isRecord(volume)) return;
      const mountpoint = volume.mountpoint;
      if (typeof mountpoint === 'string' && mountpoint !== '') {
        if (!mountpoint.startsWith('/')) {
          add(['volumes', index, 'mountpoint'], `must be an absolute path (got ${JSON.stringify(mountpoint)})`);
        } else if (mountpoint !== '/' && mountpoint.endsWith('/')) {
          add(['volumes', index, 'mountpoint'], 'must not end with "/"');
        }
        const first = seen.get(mountpoint);
        if (first !== undefined) {
          add(['volumes', index, 'mountpoint'], `duplicate mountpoint ${JSON.stringify(mountpoint)} (also volumes[${first}])`);
        } else {
          seen.set(mountpoint, index);
          if (mountpoint === '/' && systemVersion !== undefined && !isDeepStrictEqual(volume.systemVersion, systemVersion)) {
            add(['volumes', index, 'systemVersion'], 'must equal systemVersion: the boot volume holds the running OS');
          }
        }
      }
      if (isRecord(volume.files)) {
        for (const file of Object.keys(volume.files)) {
          if (!file.startsWith('/')) add(['volumes', index, 'files', file], 'path must be absolute (start with "/")');
        }
      }
    });
  }
}
