import type { Evaluable, Position } from './model.js';

/** Maps an offset inside an evaluable's code to its line:column in the XML file. */
export function codeOffsetToSource(ev: Evaluable, offset: number): Position {
  const seg = ev.segments;
  if (seg.length === 0) return ev.position;
  const at = Math.min(Math.max(offset, 0), ev.code.length);
  let s = 0;
  for (let i = 0; i < seg.length; i += 3) if (seg[i]! <= at) s = i;
  let line = seg[s + 1]!;
  let column = seg[s + 2]!;
  for (let i = seg[s]!; i < at; i++) {
    if (ev.code.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}

/** Maps a 1-based line:column inside an evaluable's code (as in a guest stack trace) to the XML file. */
export function codeToSource(ev: Evaluable, line: number, column: number): Position {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = ev.code.indexOf('\n', offset);
    if (nl === -1) break;
    offset = nl + 1;
  }
  return codeOffsetToSource(ev, offset + column - 1);
}
