import { InputError } from '../errors.js';

/**
 * Bytes → text the way an XML parser would: UTF-8 (with or without BOM) or
 * UTF-16 with a BOM. Invalid UTF-8 and NUL characters are input errors.
 */
export function decodeXmlBytes(bytes: Uint8Array, file: string): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = decodeStrict('utf-16le', bytes.subarray(2), file);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = decodeStrict('utf-16be', bytes.subarray(2), file);
  else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) text = decodeStrict('utf-8', bytes.subarray(3), file);
  else text = decodeStrict('utf-8', bytes, file);
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    const { line, column } = new LineIndex(text).position(nul);
    throw new InputError(`${file}:${line}:${column}: NUL character: not an XML text file`);
  }
  return text;
}

function decodeStrict(encoding: string, bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    // Find the first bad byte for a useful location.
    const lenient = new TextDecoder(encoding).decode(bytes);
    const bad = lenient.indexOf('\uFFFD');
    const { line, column } = new LineIndex(lenient).position(Math.max(bad, 0));
    throw new InputError(`${file}:${line}:${column}: invalid ${encoding.toUpperCase()} byte sequence`);
  }
}

/**
 * Offset → 1-based line and column. A line ends at CR, LF or CRLF (CRLF is
 * one line end), as XML's end-of-line handling and editors see it: old Mac
 * files end lines with CR alone. Columns count UTF-16 code units, like
 * editors that show JS columns.
 */
export class LineIndex {
  /** Offset where each line starts (a typed array: a 10 MB file can have 5 million lines). */
  private readonly starts: Int32Array;
  /** The line (0-based) of the last lookup: the parser asks in increasing order, mostly on the same or the next line. */
  private last = 0;
  constructor(text: string) {
    let count = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) count++;
    }
    this.starts = new Int32Array(count);
    let n = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts[n++] = i + 1;
    }
  }
  position(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let line = this.last;
    if (!(starts[line]! <= offset && (line + 1 === starts.length || offset < starts[line + 1]!))) {
      if (line + 2 < starts.length && starts[line + 1]! <= offset && offset < starts[line + 2]!) line++;
      else {
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid]! <= offset) lo = mid;
          else hi = mid - 1;
        }
        line = lo;
      }
      this.last = line;
    }
    return { line: line + 1, column: offset - starts[line]! + 1 };
  }
  offset(line: number, column: number): number {
    const start = this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
    return start + column - 1;
  }
}
