import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { Distribution, Evaluable } from '../distribution/model.js';
import { codeToSource } from '../distribution/positions.js';

export { codeToSource } from '../distribution/positions.js';
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
