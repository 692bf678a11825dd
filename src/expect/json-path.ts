/** A path into an expectation file: property names and array indexes. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The path as people read it: `distributions[0].expect[2].installable`, with
 * keys that are not identifiers quoted (`choices["com.example.app"]`,
 * `volumes["/"]`). The empty path is `(root)`. Keys are shortened so a
 * hostile one cannot fill the line.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && segment.length <= 64) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment.length > 64 ? `${segment.slice(0, 64)}…` : segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Segments of a JSON Pointer (Ajv's `instancePath`) into `root`: a segment
 * is a number when the value it indexes is an array. Only own properties are
 * followed, so a key such as `constructor` never reaches Object.prototype.
 */
export function pointerSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      segments.push(Number(key));
      current = current[Number(key)];
    } else {
      segments.push(key);
      current = typeof current === 'object' && current !== null && Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}
