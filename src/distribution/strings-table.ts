/**
 * Parses the `.strings` format used in `<localization><strings>` and in
 * `Localizable.strings`: `"KEY" = "VALUE";`, with C comments and backslash
 * escapes. Malformed entries are skipped (the Installer shows the key then).
 */
export function parseStringsTable(text: string): Record<string, string> {
  const table: Record<string, string> = {};
  const entry = /"((?:[^"\\]|\\.)*)"\s*=\s*"((?:[^"\\]|\\.)*)"\s*;/gs;
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  for (const m of withoutComments.matchAll(entry)) table[unescape(m[1]!)] = unescape(m[2]!);
  return table;
}

function unescape(s: string): string {
  return s.replace(/\\(U[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
  });
}
