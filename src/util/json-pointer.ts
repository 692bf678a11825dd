/** A path into JSON-shaped data: property names and array indexes. */
export type PathSegment = string | number;

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
