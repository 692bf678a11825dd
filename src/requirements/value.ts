/**
 * The values an installer predicate works on, modelled on what NSPredicate
 * sees through key-value coding: nil, NSNumber (booleans are numbers 1/0),
 * NSString, NSArray and NSDictionary. Dictionaries are Maps, never plain
 * objects, so a key such as `__proto__` or `constructor` is just a key.
 */
export type Value = null | boolean | number | string | readonly Value[] | ReadonlyMap<string, Value>;

/** Where key paths are resolved: one device's facts, or the sysctl table. */
export interface Facts {
  /**
   * The value at a key path (identifier components, no `@` operators), or
   * undefined when nothing is there (the predicate then sees nil).
   */
  lookup(path: readonly string[]): Value | undefined;
  /** Why a path has no value, when there is more to say than "absent" (shown in explanations). */
  whyMissing?(path: readonly string[]): string | undefined;
}

/** Facts over a tree of Maps: `a.b.c` walks `a` → `b` → `c`. */
export function mapFacts(root: ReadonlyMap<string, Value>): Facts {
  return {
    lookup(path) {
      let current: Value | undefined = root;
      for (const key of path) {
        if (!(current instanceof Map)) return undefined;
        current = (current as ReadonlyMap<string, Value>).get(key);
        if (current === undefined) return undefined;
      }
      return current;
    },
  };
}

export function isCollection(v: Value | undefined): v is readonly Value[] | ReadonlyMap<string, Value> {
  return Array.isArray(v) || v instanceof Map;
}

/** Elements of a collection (a dictionary contributes its values, as NSPredicate's IN does). */
export function elementsOf(v: readonly Value[] | ReadonlyMap<string, Value>): readonly Value[] {
  return Array.isArray(v) ? v : [...(v as ReadonlyMap<string, Value>).values()];
}

/** NSNumber view of a value: numbers and booleans; anything else is not a number. */
export function numberOf(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

export interface StringOptions {
  /** `[c]`: case-insensitive. */
  caseInsensitive: boolean;
  /** `[d]`: diacritic-insensitive. */
  diacriticInsensitive: boolean;
}

export const PLAIN: StringOptions = { caseInsensitive: false, diacriticInsensitive: false };

const MARKS = /\p{M}/gu;

/** Applies `[c]`/`[d]` folding; linear in the string. */
export function foldString(s: string, options: StringOptions): string {
  let out = s;
  if (options.diacriticInsensitive) out = out.normalize('NFD').replace(MARKS, '');
  // Upper then lower folds the special cases a single toLowerCase misses (ß → SS → ss).
  if (options.caseInsensitive) out = out.toUpperCase().toLowerCase();
  return out;
}

/** `==` as NSPredicate means it: numbers by value (booleans as 1/0), strings with the options, collections element-wise. */
export function valuesEqual(a: Value | undefined, b: Value | undefined, options: StringOptions = PLAIN): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === null || y === null) return x === y;
  const nx = numberOf(x);
  const ny = numberOf(y);
  if (nx !== undefined || ny !== undefined) return nx !== undefined && ny !== undefined && nx === ny;
  if (typeof x === 'string' || typeof y === 'string') {
    return typeof x === 'string' && typeof y === 'string' && foldString(x, options) === foldString(y, options);
  }
  if (Array.isArray(x) && Array.isArray(y)) {
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!valuesEqual(x[i], y[i], options)) return false;
    return true;
  }
  if (x instanceof Map && y instanceof Map) {
    const mx = x as ReadonlyMap<string, Value>;
    const my = y as ReadonlyMap<string, Value>;
    if (mx.size !== my.size) return false;
    for (const [k, v] of mx) if (!my.has(k) || !valuesEqual(v, my.get(k), options)) return false;
    return true;
  }
  return false;
}

/**
 * Ordering for `<`, `<=`, `>`, `>=`, BETWEEN: numbers by value, strings by
 * UTF-16 code units after folding. Undefined when the two cannot be ordered
 * (nil on either side, or different kinds): the comparison is then false.
 */
export function compareValues(a: Value | undefined, b: Value | undefined, options: StringOptions = PLAIN): -1 | 0 | 1 | undefined {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) {
    if (Number.isNaN(na) || Number.isNaN(nb)) return undefined;
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const fa = foldString(a, options);
    const fb = foldString(b, options);
    return fa < fb ? -1 : fa > fb ? 1 : 0;
  }
  return undefined;
}

const MAX_SHOWN_ELEMENTS = 8;
const MAX_SHOWN_CHARS = 120;

/** A short, deterministic rendering for explanations: nil, 4.1, 'text', true, {a, b, … 12 more}. */
export function formatValue(v: Value | undefined): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') {
    const shown = v.length > MAX_SHOWN_CHARS ? `${v.slice(0, MAX_SHOWN_CHARS)}…` : v;
    return `'${shown.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  const items = elementsOf(v);
  const keys = v instanceof Map ? [...(v as ReadonlyMap<string, Value>).keys()] : undefined;
  const shown = items.slice(0, MAX_SHOWN_ELEMENTS).map((item, i) => (keys ? `${keys[i]}: ${formatScalar(item)}` : formatScalar(item)));
  const more = items.length > MAX_SHOWN_ELEMENTS ? `, … ${items.length - MAX_SHOWN_ELEMENTS} more` : '';
  return `{${shown.join(', ')}${more}}`;
}

function formatScalar(v: Value): string {
  return isCollection(v) ? (Array.isArray(v) ? `{${v.length} items}` : '{…}') : formatValue(v);
}
