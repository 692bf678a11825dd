/**
 * `--set PATH=VALUE`: change one field of a profile for a run.
 *
 * PATH is dotted, with `[n]` for list elements: `launch.mode`,
 * `volumes[1].availableKilobytes`. Inside a map (`sysctl`, `rosetta.sysctl`,
 * `env`, `gestalt`, `uncertain`, `run`, `receipts`, `files`, `defaults`,
 * `systemVersion`) everything after the map's name is one key, verbatim:
 * `sysctl.hw.optional.arm64`, `volumes[0].receipts.com.example.app`,
 * `volumes[0].files./Applications/Foo.app`.
 *
 * VALUE is typed by the schema: integer fields take integer literals,
 * booleans `true`/`false`, enums one of their values, everything else is a
 * string. A sysctl value is a number when it is an integer literal, otherwise
 * a string. A VALUE starting with `{` or `[` is parsed as JSON (any field).
 * Shorthands: a receipt given as a scalar is `{ "version": VALUE }`; a file
 * given as `file` or `directory` is `{ "type": VALUE }`; `rosetta=true|false`
 * sets `rosetta.installed` (`rosetta=false` on a non-arm64 profile changes
 * nothing: there is no Rosetta there anyway).
 *
 * `null` removes the field or map entry (`sysctl.hw.optional.arm64=null`:
 * the sysctl becomes absent; `volumes[1]=null` drops the volume), except
 * where null is a legal value, which is then stored (`gestalt.sysv=null`,
 * `volumes[1].systemVersion=null`). Required fields cannot be removed.
 *
 * Linked fields follow: a change to `systemVersion` (whole or one key) is
 * made to the boot volume's `systemVersion` as well; a new
 * `systemVersion.ProductVersion` also updates `sysctl.kern.osproductversion`
 * (when the profile has it) and `ProductUserVisibleVersion` (when it equalled
 * the old ProductVersion); a new `ProductBuildVersion` updates
 * `sysctl.kern.osversion` (when present). `launch.mode=cli` sets
 * `env.COMMAND_LINE_INSTALL=1`, `launch.mode=gui` removes it. A later
 * `--set` of a linked field wins. `kern.osrelease`, `kern.version` and
 * `gestalt` are never derived.
 *
 * Sets apply in order to a copy; the result is validated again. Errors are
 * InputErrors `<arg>: <reason>` with a code (`OVERRIDE_SYNTAX`,
 * `OVERRIDE_UNKNOWN_PATH`, `OVERRIDE_RESERVED_NAME`, `OVERRIDE_VALUE_INVALID`,
 * `OVERRIDE_PROFILE_INVALID`); the CLI prefixes its flag.
 *
 * Keys come from the user, so every read and write is of own properties
 * (`env.constructor=x` stores an entry named "constructor"), and
 * `__proto__`, which plain objects cannot hold as data, is refused.
 */
import { InputError } from '../errors.js';
import { abbreviate } from '../util/abbreviate.js';
import { depthExceeds, isPrototypeName, own, RESERVED_KEY, setOwn } from '../util/plain-data.js';
import { MAX_JSON_DEPTH } from './json-parse.js';
import { formatPath, isRecord } from './json-path.js';
import type { PathSegment } from './json-path.js';
import { acceptedTypes, allowsNull, childSchema, definition, deref, mapValueSchema, profileSchema, propertySchema, requiredKeys } from './schema.js';
import type { SchemaNode } from './schema.js';
import type { Profile } from './types.js';
import { listProblems, validateProfileData } from './validate.js';

export function applyOverrides(profile: Profile, sets: string[]): Profile {
  const data = structuredClone(profile) as unknown as Record<string, unknown>;
  for (const arg of sets) applyOne(data, arg);
  if (sets.length > 0) {
    const problems = validateProfileData(data, `${profile.id} (after overrides)`);
    if (problems.length > 0) {
      throw new InputError(`${abbreviate(sets.join(' '))}: the profile is no longer valid\n${listProblems(problems)}`, { code: 'OVERRIDE_PROFILE_INVALID' });
    }
  }
  return data as unknown as Profile;
}

type Change = { kind: 'set'; value: unknown } | { kind: 'delete' };
type Fail = (reason: string, code?: OverrideCode) => never;
type OverrideCode = 'OVERRIDE_SYNTAX' | 'OVERRIDE_UNKNOWN_PATH' | 'OVERRIDE_RESERVED_NAME' | 'OVERRIDE_VALUE_INVALID';

interface Target {
  segments: PathSegment[];
  node: SchemaNode;
  /** Schema of the container holding the last segment. */
  parent: SchemaNode;
}

function applyOne(data: Record<string, unknown>, arg: string): void {
  const fail: Fail = (reason, code = 'OVERRIDE_VALUE_INVALID') => {
    throw new InputError(`${abbreviate(arg)}: ${reason}`, { code, hint: 'form: PATH=VALUE, e.g. sysctl.hw.memsize=8589934592' });
  };
  const eq = arg.indexOf('=');
  if (eq <= 0) fail('expected PATH=VALUE', 'OVERRIDE_SYNTAX');
  const pathText = arg.slice(0, eq);
  const raw = arg.slice(eq + 1);
  const target = resolvePath(pathText, fail);
  const change = parseValue(raw, target, fail);
  const segments = target.segments;
  const last = segments[segments.length - 1]!;

  // Rosetta shorthand: rosetta=true|false (false is a no-op where there is no Rosetta to remove).
  if (change.kind === 'set' && segments.length === 1 && last === 'rosetta' && typeof change.value === 'boolean') {
    if (!change.value && data.arch !== 'arm64' && own(data, 'rosetta') === undefined) return;
    const current = isRecord(own(data, 'rosetta')) ? (data.rosetta as Record<string, unknown>) : {};
    data.rosetta = { ...current, installed: change.value };
    return;
  }

  const before = segments[0] === 'systemVersion' && segments.length === 2 ? getAt(data, segments) : undefined;
  const container = containerFor(data, segments, change, fail);
  if (change.kind === 'delete') {
    if (typeof last === 'number') {
      (container as unknown[]).splice(last, 1);
    } else {
      if (requiredKeys(target.parent).has(last)) fail(`${formatPath(segments)} is required and cannot be removed`);
      delete (container as Record<string, unknown>)[last];
    }
  } else if (typeof last === 'number') {
    (container as unknown[])[last] = change.value;
  } else {
    setOwn(container as Record<string, unknown>, last, change.value);
  }
  followLinks(data, segments, change, before);
}

function resolvePath(pathText: string, fail: Fail): Target {
  let node: SchemaNode = profileSchema();
  let parent: SchemaNode = node;
  const segments: PathSegment[] = [];
  let rest = pathText;
  while (rest !== '') {
    const index = /^\[(\d+)\]/.exec(rest);
    if (index !== null) {
      const child = childSchema(node, Number(index[1]));
      if (child === undefined || segments.length === 0) fail(`${formatPath(segments)} is not a list`, 'OVERRIDE_UNKNOWN_PATH');
      parent = node;
      node = child!;
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
    } else {
      const name = /^[^.[\]]+/.exec(rest)?.[0];
      if (name === undefined) fail(`malformed path "${abbreviate(pathText)}"`, 'OVERRIDE_SYNTAX');
      if (name === RESERVED_KEY) fail(`"${RESERVED_KEY}" is a reserved name`, 'OVERRIDE_RESERVED_NAME');
      // No profile field is named like an Object.prototype member; the schema's `properties` would find the member.
      const property = isPrototypeName(name!) ? undefined : propertySchema(node, name!);
      const mapValue = property === undefined ? mapValueSchema(node) : undefined;
      if (property !== undefined) {
        parent = node;
        node = property;
        segments.push(name!);
        rest = rest.slice(name!.length);
      } else if (mapValue !== undefined && segments.length > 0) {
        parent = node;
        node = mapValue;
        segments.push(rest);
        rest = '';
        break;
      } else {
        const known = Object.keys(deref(node)?.properties ?? {}).filter((k) => k !== '$schema');
        const where = segments.length === 0 ? 'a profile' : formatPath(segments);
        fail(`unknown path: ${where} has no field "${abbreviate(name!)}"${known.length > 0 ? ` (fields: ${known.join(', ')})` : ''}`, 'OVERRIDE_UNKNOWN_PATH');
      }
    }
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest === '') fail(`malformed path "${abbreviate(pathText)}"`, 'OVERRIDE_SYNTAX');
    } else if (rest !== '' && !rest.startsWith('[')) {
      fail(`malformed path "${abbreviate(pathText)}"`, 'OVERRIDE_SYNTAX');
    }
  }
  if (segments.length === 0) fail('empty path', 'OVERRIDE_SYNTAX');
  return { segments, node, parent };
}

function parseValue(raw: string, target: Target, fail: Fail): Change {
  const node = deref(target.node) ?? {};
  if (raw.startsWith('{') || raw.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return fail('the value starts with "{" or "[" but is not valid JSON');
    }
    // Validation and copying recurse over the value: bound it like a profile file.
    if (depthExceeds(value, MAX_JSON_DEPTH)) return fail(`the JSON value nests deeper than ${MAX_JSON_DEPTH} levels`);
    return { kind: 'set', value };
  }
  if (raw === 'null') return allowsNull(node) ? { kind: 'set', value: null } : { kind: 'delete' };
  if (node === definition('Receipt')) return { kind: 'set', value: { version: raw } };
  if (node === definition('FileEntry')) {
    if (raw === 'file' || raw === 'directory') return { kind: 'set', value: { type: raw } };
    return fail('a file is "file", "directory" or a JSON object such as {"type":"bundle","info":{...}}');
  }
  if (node === definition('RosettaFacts')) {
    if (raw === 'true' || raw === 'false') return { kind: 'set', value: raw === 'true' };
    return fail('expected true or false (Rosetta installed), or a JSON object');
  }
  const allowed = node.enum ?? (node.const === undefined ? undefined : [node.const]);
  if (allowed !== undefined) {
    if (allowed.includes(raw)) return { kind: 'set', value: raw };
    return fail(`expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  const types = acceptedTypes(node);
  const any = types.size === 0;
  if ((any || types.has('integer') || types.has('number')) && /^-?\d+$/.test(raw)) return { kind: 'set', value: Number(raw) };
  if ((any || types.has('number')) && /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(raw)) return { kind: 'set', value: Number(raw) };
  if ((any || types.has('boolean')) && (raw === 'true' || raw === 'false')) return { kind: 'set', value: raw === 'true' };
  if (any || types.has('string')) return { kind: 'set', value: raw };
  const wanted = [...types].filter((t) => t !== 'null');
  return fail(
    `expected ${wanted.join(' or ')}${wanted.includes('object') || wanted.includes('array') ? ' (as JSON)' : ''}, got ${abbreviate(JSON.stringify(raw))}`,
  );
}

/** The object or array that holds the last segment, creating missing intermediate objects. */
function containerFor(data: Record<string, unknown>, segments: PathSegment[], change: Change, fail: Fail): Record<string, unknown> | unknown[] {
  let current: Record<string, unknown> | unknown[] = data;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const isLast = i === segments.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return fail(`${formatPath(segments.slice(0, i))} is not a list`, 'OVERRIDE_UNKNOWN_PATH');
      const canAppend = isLast && segment === current.length && change.kind === 'set' && isRecord(change.value);
      if (segment >= current.length && !canAppend) {
        return fail(
          `${formatPath(segments.slice(0, i + 1))} does not exist (the list has ${current.length} element${current.length === 1 ? '' : 's'}` +
            `${isLast && segment === current.length ? '; append one with a JSON object' : ''})`,
          'OVERRIDE_UNKNOWN_PATH',
        );
      }
      if (isLast) return current;
      const next: unknown = current[segment];
      if (!isRecord(next) && !Array.isArray(next)) return fail(`${formatPath(segments.slice(0, i + 1))} is not an object`, 'OVERRIDE_UNKNOWN_PATH');
      current = next;
    } else {
      if (Array.isArray(current)) return fail(`${formatPath(segments.slice(0, i))} is a list: use [n]`, 'OVERRIDE_UNKNOWN_PATH');
      if (isLast) return current;
      let next: unknown = own(current, segment);
      if (next === undefined || next === null) {
        if (change.kind === 'delete') return fail(`${formatPath(segments.slice(0, i + 1))} is not set`, 'OVERRIDE_UNKNOWN_PATH');
        next = typeof segments[i + 1] === 'number' ? [] : {};
        setOwn(current, segment, next);
      }
      if (!isRecord(next) && !Array.isArray(next)) return fail(`${formatPath(segments.slice(0, i + 1))} is not an object`, 'OVERRIDE_UNKNOWN_PATH');
      current = next;
    }
  }
  return current;
}

function getAt(data: unknown, segments: PathSegment[]): unknown {
  let current = data;
  for (const segment of segments) {
    if (typeof segment === 'number') current = Array.isArray(current) ? current[segment] : undefined;
    else current = isRecord(current) ? own(current, segment) : undefined;
  }
  return current;
}

function followLinks(data: Record<string, unknown>, segments: PathSegment[], change: Change, before: unknown): void {
  if (segments[0] === 'systemVersion') {
    const systemVersion = isRecord(data.systemVersion) ? data.systemVersion : undefined;
    const boot = Array.isArray(data.volumes)
      ? (data.volumes as unknown[]).find((v): v is Record<string, unknown> => isRecord(v) && v.mountpoint === '/')
      : undefined;
    if (segments.length === 1) {
      if (boot !== undefined && systemVersion !== undefined) boot.systemVersion = structuredClone(systemVersion);
      return;
    }
    const key = String(segments[1]);
    const bootVersion = boot !== undefined && isRecord(boot.systemVersion) ? boot.systemVersion : undefined;
    const mirror = (name: string, value: unknown): void => {
      if (systemVersion !== undefined) systemVersion[name] = value;
      if (bootVersion !== undefined) bootVersion[name] = structuredClone(value);
    };
    if (bootVersion !== undefined && segments.length === 2) {
      if (change.kind === 'delete') delete bootVersion[key];
      else setOwn(bootVersion, key, structuredClone(change.value));
    }
    if (change.kind !== 'set' || segments.length !== 2 || systemVersion === undefined) return;
    const sysctl = isRecord(data.sysctl) ? data.sysctl : undefined;
    if (key === 'ProductVersion') {
      if (sysctl !== undefined && sysctl['kern.osproductversion'] !== undefined) sysctl['kern.osproductversion'] = change.value;
      if (before !== undefined && systemVersion.ProductUserVisibleVersion === before) mirror('ProductUserVisibleVersion', change.value);
    } else if (key === 'ProductBuildVersion') {
      if (sysctl !== undefined && sysctl['kern.osversion'] !== undefined) sysctl['kern.osversion'] = change.value;
    }
    return;
  }
  if (segments[0] === 'launch' && (segments.length === 1 || segments[1] === 'mode')) {
    const mode = isRecord(data.launch) ? data.launch.mode : undefined;
    if (mode === 'cli') {
      const env = isRecord(data.env) ? data.env : {};
      env.COMMAND_LINE_INSTALL = '1';
      data.env = env;
    } else if (isRecord(data.env)) {
      delete data.env.COMMAND_LINE_INSTALL;
    }
  }
}
