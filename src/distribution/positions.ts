import type { Evaluable, Position } from './model.js';

/**
 * Code offsets where each line of an evaluable's code starts (0, then just
 * past each LF), built once per evaluable: lookups are then logarithmic, so
 * locating many findings in one large script stays linear overall. Only LF
 * ends a line here: it is what the code has where the file has CR, LF or
 * CRLF, and the only line end QuickJS counts in its stack traces (a CR or
 * U+2028 from a character reference does not start a new line there).
 */
const lineStartCache = new WeakMap<Evaluable, Int32Array>();

function lineStarts(ev: Evaluable): Int32Array {
  let starts = lineStartCache.get(ev);
  if (starts) return starts;
  const code = ev.code;
  let count = 1;
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) count++;
  starts = new Int32Array(count);
  let n = 1;
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) starts[n++] = i + 1;
  lineStartCache.set(ev, starts);
  return starts;
}

/** Number of entries of the sorted `values` that are <= `x`. */
function countAtMost(values: Int32Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last segment triple whose code offset is <= `at` (0 when none is). */
function segmentAt(seg: number[], at: number): number {
  let lo = 0;
  let hi = seg.length / 3 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (seg[mid * 3]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo * 3;
}

/**
 * Maps an offset inside an evaluable's code to its line:column in the XML
 * file. Within a segment the code matches the file character for character,
 * except that a line end of the file (CR, LF or CRLF) is one LF in the code.
 */
export function codeOffsetToSource(ev: Evaluable, offset: number): Position {
  const seg = ev.segments;
  if (seg.length === 0) return ev.position;
  const at = Math.min(Math.max(offset, 0), ev.code.length);
  const s = segmentAt(seg, at);
  const start = seg[s]!;
  const line = seg[s + 1]!;
  const column = seg[s + 2]!;
  if (at <= start) return { line, column };
  const starts = lineStarts(ev);
  const before = countAtMost(starts, start);
  const upTo = countAtMost(starts, at);
  if (upTo === before) return { line, column: column + at - start };
  return { line: line + upTo - before, column: at - starts[upTo - 1]! + 1 };
}

/**
 * Maps a 1-based line:column inside an evaluable's code, as a QuickJS stack
 * trace gives it, to the XML file. QuickJS counts columns in code points, so
 * a character outside the BMP (two UTF-16 units) is one column there.
 */
export function codeToSource(ev: Evaluable, line: number, column: number): Position {
  const starts = lineStarts(ev);
  const l = Math.min(Math.max(Math.trunc(line), 1), starts.length);
  const lineEnd = l < starts.length ? starts[l]! - 1 : ev.code.length;
  let offset = starts[l - 1]!;
  for (let n = 1; n < column && offset < lineEnd; n++) {
    const c = ev.code.charCodeAt(offset);
    const pair = c >= 0xd800 && c <= 0xdbff && offset + 1 < lineEnd && (ev.code.charCodeAt(offset + 1) & 0xfc00) === 0xdc00;
    offset += pair ? 2 : 1;
  }
  return codeOffsetToSource(ev, offset);
}
