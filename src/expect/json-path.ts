import type { PathSegment } from '../util/json-pointer.js';

export type { PathSegment } from '../util/json-pointer.js';
export { pointerSegments } from '../util/json-pointer.js';

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
