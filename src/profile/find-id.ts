/** Most ids suggested for an unknown one. */
export const MAX_SUGGESTIONS = 3;
/** Longest id compared by edit distance (quadratic in the lengths); a longer one gets no suggestion. */
const MAX_COMPARED_LENGTH = 128;

export type IdLookup =
  /** The id itself, or the one id it is a prefix of. */
  | { kind: 'found'; id: string }
  /** A prefix of several ids: all of them, in the order given. */
  | { kind: 'ambiguous'; matches: string[] }
  /** No id: the closest ones by edit distance (at most MAX_SUGGESTIONS, nearest first, possibly none). */
  | { kind: 'unknown'; suggestions: string[] };

/**
 * Finds a profile id as a user typed it: exactly, else as an unambiguous
 * prefix (`macmini-m4` when one id starts with it), else the closest ids
 * for a "did you mean". Ties keep the order of `ids`, so the answer is
 * deterministic.
 */
export function findProfileId(given: string, ids: readonly string[]): IdLookup {
  if (ids.includes(given)) return { kind: 'found', id: given };
  const matches = given.length > 0 ? ids.filter((id) => id.startsWith(given)) : [];
  if (matches.length === 1) return { kind: 'found', id: matches[0]! };
  if (matches.length > 1) return { kind: 'ambiguous', matches };
  return { kind: 'unknown', suggestions: closestIds(given, ids) };
}

/** The ids within a third of the given id's length (at least 2) in edit distance, nearest first. */
function closestIds(given: string, ids: readonly string[]): string[] {
  if (given.length === 0 || given.length > MAX_COMPARED_LENGTH) return [];
  const limit = Math.max(2, Math.floor(given.length / 3));
  const near: Array<{ id: string; distance: number; order: number }> = [];
  ids.forEach((id, order) => {
    if (id.length > MAX_COMPARED_LENGTH || Math.abs(id.length - given.length) > limit) return;
    const distance = editDistance(given, id, limit);
    if (distance <= limit) near.push({ id, distance, order });
  });
  near.sort((a, b) => a.distance - b.distance || a.order - b.order);
  return near.slice(0, MAX_SUGGESTIONS).map((n) => n.id);
}

/** Levenshtein distance, or a value above `limit` as soon as every entry of a row is above it. */
function editDistance(a: string, b: string, limit: number): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      next.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    row = next;
  }
  return row[b.length]!;
}
