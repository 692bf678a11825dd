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
 * parent or a cycle is an InputError.
 */
import { InputError } from '../errors.js';
import { isRecord } from './json-path.js';
import { allowsNull, childSchema, profileSchema } from './schema.js';
import type { SchemaNode } from './schema.js';
import type { Profile } from './types.js';

export interface RawProfile {
  data: Record<string, unknown>;
  source: string;
}

export function resolveInheritance(raw: RawProfile[]): Array<{ profile: Profile; source: string }> {
  const byId = new Map<string, RawProfile>();
  for (const entry of raw) {
    const id = entry.data.id;
    if (typeof id !== 'string') continue;
    const other = byId.get(id);
    if (other !== undefined) {
      throw new InputError(`duplicate profile id "${id}": ${other.source} and ${entry.source}`);
    }
    byId.set(id, entry);
  }

  const resolved = new Map<RawProfile, Record<string, unknown>>();
  const resolve = (entry: RawProfile, chain: RawProfile[]): Record<string, unknown> => {
    const done = resolved.get(entry);
    if (done !== undefined) return done;
    const parentId = entry.data.extends;
    let result: Record<string, unknown>;
    if (parentId === undefined) {
      result = structuredClone(entry.data);
    } else {
      if (typeof parentId !== 'string') {
        throw new InputError(`${entry.source}: extends: expected the id of another profile (a string)`);
      }
      const parent = byId.get(parentId);
      if (parent === undefined) throw new InputError(`${entry.source}: extends: unknown profile "${parentId}"`);
      const loopAt = chain.indexOf(parent);
      if (parent === entry || loopAt >= 0) {
        const cycle = [...chain.slice(loopAt < 0 ? chain.length : loopAt), entry, parent].map(idOf);
        throw new InputError(`${entry.source}: extends: cycle ${cycle.join(' -> ')}`);
      }
      const base = resolve(parent, [...chain, entry]);
      result = mergeObjects(base, entry.data, profileSchema());
    }
    resolved.set(entry, result);
    return result;
  };

  return raw.map((entry) => ({ profile: resolve(entry, []) as unknown as Profile, source: entry.source }));
}

function idOf(entry: RawProfile): string {
  return typeof entry.data.id === 'string' ? entry.data.id : entry.source;
}

/** Merges `child` onto `parent` (neither is modified) following the rule at the top of this file. */
export function mergeObjects(
  parent: Record<string, unknown>,
  child: Record<string, unknown>,
  schema: SchemaNode | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(parent);
  for (const [key, value] of Object.entries(child)) {
    const node = childSchema(schema, key);
    if (value === null) {
      if (allowsNull(node)) out[key] = null;
      else delete out[key];
    } else if (isRecord(value)) {
      const base = out[key];
      out[key] = mergeObjects(isRecord(base) ? base : {}, value, node);
    } else {
      out[key] = structuredClone(value);
    }
  }
  return out;
}
