/**
 * Parses the `.strings` format used in `<localization><strings>` and in
 * `Localizable.strings`: `"KEY" = "VALUE";`, with C comments and backslash
 * escapes. Malformed entries are skipped (the Installer shows the key then).
 *
 * A single forward scan, no regular expression over the whole text: the
 * input is untrusted and a backtracking pattern over megabytes of blank
 * lines or open comments takes minutes. The result is a Map, so a key such
 * as `__proto__` or `constructor` is data like any other; a later entry
 * with the same key wins.
 */
export function parseStringsTable(text: string): Map<string, string> {
  const table = new Map<string, string>();
  // The entry being read: its key, and how far through `"KEY" = "VALUE" ;` it is.
  let key: string | undefined;
  let value: string | undefined;
  let sawEquals = false;
  const reset = () => {
    key = undefined;
    value = undefined;
    sawEquals = false;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++;
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      i = lineEnd(text, i + 2);
    } else if (c === 0x22 /* " */) {
      const end = quotedEnd(text, i + 1);
      if (end === -1) break; // an unterminated string runs to the end: nothing after it is an entry
      const s = unescape(text.slice(i + 1, end));
      i = end + 1;
      if (key !== undefined && sawEquals && value === undefined) value = s;
      else {
        // A string where none belongs starts the next entry.
        reset();
        key = s;
      }
    } else if (c === 0x3d /* = */ && key !== undefined && !sawEquals) {
      sawEquals = true;
      i++;
    } else if (c === 0x3b /* ; */ && value !== undefined) {
      table.set(key!, value);
      reset();
      i++;
    } else {
      reset();
      i++;
    }
  }
  return table;
}

/** Offset of the closing quote of a string whose text starts at `from` (backslash escapes skipped), or -1. */
function quotedEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return -1;
    // The quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    for (let j = quote - 1; j >= from && text.charCodeAt(j) === 0x5c; j--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    i = quote + 1;
  }
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return i;
  }
  return text.length;
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(U[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
  });
}
