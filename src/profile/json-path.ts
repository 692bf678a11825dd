import type { PathSegment } from '../util/json-pointer.js';

export type { PathSegment } from '../util/json-pointer.js';
export { pointerSegments } from '../util/json-pointer.js';

/**
 * Dotted path with `[n]` for array indexes: `volumes[0].mountpoint`,
 * `sysctl.hw.memsize` (map keys are written verbatim after the dot).
 * The empty path is `(root)`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(root)' : out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
