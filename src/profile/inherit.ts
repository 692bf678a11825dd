/**
 * Profile inheritance (`"extends": "<id>"`).
 *
 * A profile with `"extends": "<parent id>"` starts from its parent (itself
 * resolved first, so chains work) and applies its own fields on top:
 *
 * - Objects merge key by key, recursively; where both define a key, the
 *   child's value wins. (`sysctl`, `env`, `gestalt`, `uncertain`,
 *   `systemVersion`, `rosetta`, `launch`, ... are objects.)
 * - Arrays, strings, numbers and booleans replace the parent's value whole:
 *   a child that lists `volumes`, `gpus`, `sources` or `notes` gives the
 *   complete list.
 * - `null` in the child removes the inherited key (e.g.
 *   `"sysctl": { "hw.optional.amx_version": null }`,
 *   `"uncertain": { "sysctl.kern.version": null }`, `"rosetta": null`),
 *   except where null is itself a legal value of that field (a `gestalt`
 *   selector, a value inside `defaults`): there it is kept as null.
 * - `id` and `extends` are the child's own; every other field may be
 *   omitted and is then inherited.
 *
 * The child may be partial; the resolved profile must be complete and is
 * validated as a whole. A profile may extend a built-in profile; an unknown
 * parent, a cycle, or a chain longer than MAX_EXTENDS_DEPTH is an InputError.
 *
 * Profiles are input: chains are resolved without recursion, data nested
 * deeper than MAX_JSON_DEPTH is refused before it is merged, and keys are
 * written as own properties (JSON.parse makes `"__proto__"` an own key;
 * assigning it would replace the prototype instead, so it is kept as data for
 * validation to refuse).
 */
import { InputError } from '../errors.js';
import { depthExceeds, isPrototypeName, own, setOwn } from '../util/plain-data.js';
import { MAX_JSON_DEPTH } from './json-parse.js';
import { isRecord } from './json-path.js';
import { allowsNull, childSchema, isClosed, mapValueSchema, profileSchema } from './schema.js';
import type { SchemaNode } from './schema.js';
import type { Profile } from './types.js';

export interface RawProfile {
  data: Record<string, unknown>;
  source: string;
}

/** Longest `extends` chain: far more than any real hierarchy (built-ins use one level). */
export const MAX_EXTENDS_DEPTH = 32;

export function resolveInheritance(raw: RawProfile[]): Array<{ profile: Profile; source: string }> {
  const byId = new Map<string, RawProfile>();
  for (const entry of raw) {
    if (depthExceeds(entry.data, MAX_JSON_DEPTH)) {
      throw new InputError(`${entry.source}: nested deeper than ${MAX_JSON_DEPTH} levels`, { code: 'PROFILE_TOO_DEEP' });
    }
    const id = own(entry.data, 'id');
    if (typeof id !== 'string') continue;
    const other = byId.get(id);
    if (other !== undefined) {
      throw new InputError(`duplicate profile id "${id}": ${other.source} and ${entry.source}`, { code: 'PROFILE_DUPLICATE_ID' });
    }
    byId.set(id, entry);
  }

  const resolved = new Map<RawProfile, Record<string, unknown>>();
  const resolve = (entry: RawProfile): Record<string, unknown> => {
    // Walk up to the first resolved ancestor (or a root), then merge back down: no recursion on the chain.
    const chain: RawProfile[] = [];
    let base: Record<string, unknown> | undefined;
    for (let current: RawProfile | undefined = entry; current !== undefined;) {
      const done = resolved.get(current);
      if (done !== undefined) {
        base = done;
        break;
      }
      const loopAt = chain.indexOf(current);
      if (loopAt >= 0) {
        const cycle = [...chain.slice(loopAt), current].map(idOf);
        throw new InputError(`${chain.at(-1)!.source}: extends: cycle ${cycle.join(' -> ')}`, { code: 'PROFILE_EXTENDS_CYCLE' });
      }
      chain.push(current);
      if (chain.length > MAX_EXTENDS_DEPTH + 1) {
        throw new InputError(`${entry.source}: extends: chain longer than ${MAX_EXTENDS_DEPTH} profiles (${chain.slice(0, 4).map(idOf).join(' -> ')} -> ...)`, {
          code: 'PROFILE_EXTENDS_TOO_DEEP',
        });
      }
      current = parentOf(current, byId);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!;
      base = base === undefined ? structuredClone(link.data) : mergeObjects(base, link.data, profileSchema());
      resolved.set(link, base);
    }
    return base!;
  };

  return raw.map((entry) => ({ profile: resolve(entry) as unknown as Profile, source: entry.source }));
}

function parentOf(entry: RawProfile, byId: Map<string, RawProfile>): RawProfile | undefined {
  const parentId = own(entry.data, 'extends');
  if (parentId === undefined) return undefined;
  if (typeof parentId !== 'string') {
    throw new InputError(`${entry.source}: extends: expected the id of another profile (a string)`, { code: 'PROFILE_INVALID' });
  }
  const parent = byId.get(parentId);
  if (parent === undefined) throw new InputError(`${entry.source}: extends: unknown profile "${parentId}"`, { code: 'PROFILE_EXTENDS_UNKNOWN' });
  return parent;
}

function idOf(entry: RawProfile): string {
  const id = own(entry.data, 'id');
  return typeof id === 'string' ? id : entry.source;
}

/**
 * Merges `child` onto `parent` (neither is modified) following the rule at
 * the top of this file. Recursion follows the child's nesting, which callers
 * bound (resolveInheritance refuses data deeper than MAX_JSON_DEPTH).
 */
export function mergeObjects(parent: Record<string, unknown>, child: Record<string, unknown>, schema: SchemaNode | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(parent);
  for (const [key, value] of Object.entries(child)) {
    const node = fieldSchema(schema, key);
    if (value === null) {
      if (allowsNull(node)) setOwn(out, key, null);
      else delete out[key];
    } else if (isRecord(value)) {
      const base = own(out, key);
      setOwn(out, key, mergeObjects(isRecord(base) ? base : {}, value, node));
    } else {
      setOwn(out, key, structuredClone(value));
    }
  }
  return out;
}

/** childSchema, except that a key named like an Object.prototype member is never a declared field (the schema's `properties` object would find the member). */
function fieldSchema(schema: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!isPrototypeName(key)) return childSchema(schema, key);
  return mapValueSchema(schema) ?? (isClosed(schema) ? undefined : {});
}
