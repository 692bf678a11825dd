/**
 * Safe access to JSON-shaped data whose keys come from input.
 *
 * A plain object inherits from Object.prototype, so a lookup by an input key
 * such as `constructor` or `toString` finds a function that is not data, and
 * an assignment to `__proto__` replaces the object's prototype instead of
 * storing an entry (JSON.parse, by contrast, makes `"__proto__"` an ordinary
 * own key). These helpers read and write own properties only.
 */

/** The one key that plain assignment does not store as data. Profile data may not use it. */
export const RESERVED_KEY = '__proto__';

const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether every plain object already has this name (`constructor`, `toString`, `__proto__`, ...). */
export function isPrototypeName(name: string): boolean {
  return PROTOTYPE_NAMES.has(name);
}

/** The own property `key` of `record`, or undefined (never an inherited one). */
export function own(record: object, key: string): unknown {
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/** Stores `value` as the own data property `key`, whatever the key (`__proto__` included). */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Whether `value` nests objects and arrays more than `max` levels deep (a scalar is depth 0). Iterative. */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** Paths (property names and array indexes) of every own `__proto__` key in `value`. Iterative; assumes bounded depth. */
export function reservedKeyPaths(value: unknown): Array<Array<string | number>> {
  const found: Array<Array<string | number>> = [];
  const stack: Array<[unknown, Array<string | number>]> = [[value, []]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      v.forEach((child, index) => stack.push([child, [...at, index]]));
      continue;
    }
    for (const key of Object.keys(v)) {
      if (key === RESERVED_KEY) found.push([...at, key]);
      stack.push([own(v, key), [...at, key]]);
    }
  }
  return found.reverse();
}
