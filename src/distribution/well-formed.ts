import { scanDocument, type ElementSink } from './document-scan.js';
import { MAX_NESTING } from './limits.js';
import type { WellFormednessProblem } from './xml-scan.js';

/** Longest reason kept (reasons quote tag and attribute names, which can be megabytes long). */
const MAX_REASON_LENGTH = 300;

/** Characters XML 1.0 forbids even raw: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- finding the control characters XML forbids is the point
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks that the text is a well-formed document with one root element,
 * handing its elements to `sink` as they are scanned (see ElementSink), and
 * returns the first problem, if any: the earliest in the file, except that
 * too deep a nesting is reported first. When there is a problem, what the
 * sink received is incomplete and must be thrown away.
 */
export function checkDocument(text: string, sink?: ElementSink): WellFormednessProblem | undefined {
  const scan = scanDocument(text, sink);
  if (scan.deepest !== undefined) return { offset: scan.deepest, reason: `elements nested deeper than ${MAX_NESTING} levels (a Distribution needs a handful)` };
  let problem = scan.problem;
  const forbidden = FORBIDDEN_CHAR.exec(text);
  if (forbidden && (!problem || forbidden.index < problem.offset)) {
    problem = {
      offset: forbidden.index,
      reason: `character U+${forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`,
    };
  }
  return problem && { offset: problem.offset, reason: clip(problem.reason) };
}

function clip(reason: string): string {
  if (reason.length <= MAX_REASON_LENGTH) return reason;
  const last = reason.charCodeAt(MAX_REASON_LENGTH - 1);
  return `${reason.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_REASON_LENGTH - 1 : MAX_REASON_LENGTH)}…`;
}
