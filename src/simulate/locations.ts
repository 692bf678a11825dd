import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { Distribution, Evaluable, Position } from '../distribution/model.js';
import type { GuestError } from '../sandbox/guest-errors.js';

/**
 * Where in the XML file a guest error happened: the innermost stack frame
 * that belongs to one of the Distribution's evaluations (a function defined
 * in script[1] and called from choice[x]@selected reports the line in
 * script[1]).
 */
export function guestLocation(dist: Distribution, current: Evaluable, error: GuestError): SourceLocation | undefined {
  for (const frame of error.frames) {
    const ev = frame.file === current.source ? current : dist.evaluables.find((e) => e.source === frame.file);
    if (ev) return { file: dist.path, ...codeToSource(ev, frame.line, frame.column) };
  }
  return undefined;
}

/** Maps a 1-based line:column inside an evaluable's code to the XML file. */
export function codeToSource(ev: Evaluable, line: number, column: number): Position {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = ev.code.indexOf('\n', offset);
    if (nl === -1) break;
    offset = nl + 1;
  }
  offset = Math.min(offset + column - 1, ev.code.length);
  const seg = ev.segments;
  let s = 0;
  for (let i = 0; i < seg.length; i += 3) if (seg[i]! <= offset) s = i;
  if (seg.length === 0) return ev.position;
  let srcLine = seg[s + 1]!;
  let srcColumn = seg[s + 2]!;
  for (let i = seg[s]!; i < offset; i++) {
    if (ev.code.charCodeAt(i) === 10) {
      srcLine++;
      srcColumn = 1;
    } else srcColumn++;
  }
  return { line: srcLine, column: srcColumn };
}
