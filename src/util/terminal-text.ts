/**
 * Text from a Distribution, a profile or a guest script, made safe to print
 * on a terminal.
 *
 * A terminal obeys control characters: ESC starts CSI sequences (clear the
 * screen, move the cursor) and OSC sequences (set the window title, write
 * hyperlinks, on some terminals the clipboard), and the C1 controls U+0080 to
 * U+009F are 8-bit forms of the same. Bidirectional overrides and isolates
 * reorder what follows them, so a line can show something other than the
 * bytes it holds. Any of these in guest text could repaint a verdict, so each
 * one is shown as a visible escape (`\x1b`, `\u202e`); ordinary Unicode,
 * including emoji and other scripts, is kept.
 */

/** Longest line shown for one piece of input text, in UTF-16 code units after escaping. */
export const MAX_TERMINAL_LINE = 2000;

/** Shows control and reordering characters as escapes and caps the length; see the top of this file. */
export function terminalText(text: string, maxLength: number = MAX_TERMINAL_LINE): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let piece: string;
    let width = 1;
    if (isHighSurrogate(code) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one character (an emoji, a rare CJK ideograph): kept whole.
      piece = text.slice(i, i + 2);
      width = 2;
    } else {
      piece = needsEscape(code) ? escapeCode(code) : text[i]!;
    }
    if (out.length + piece.length > maxLength) break;
    out += piece;
    i += width;
  }
  if (i < text.length) out += `… (${text.length - i} more characters)`;
  return out;
}

/** Each line of a multi-line message through {@link terminalText}, the line breaks kept. */
export function terminalLines(text: string, maxLength: number = MAX_TERMINAL_LINE): string {
  return text
    .split('\n')
    .map((line) => terminalText(line, maxLength))
    .join('\n');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function needsEscape(code: number): boolean {
  return (
    code < 0x20 || // C0 controls, ESC among them
    (code >= 0x7f && code <= 0x9f) || // DEL and the C1 controls (0x9b is a one-byte CSI)
    code === 0x2028 || // line and paragraph separators
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) || // bidi embeddings and overrides
    (code >= 0x2066 && code <= 0x2069) || // bidi isolates
    code === 0x200e || // left-to-right and right-to-left marks
    code === 0x200f ||
    code === 0x061c || // Arabic letter mark
    (code >= 0xd800 && code <= 0xdfff) // a surrogate not in a pair prints as U+FFFD: show what it is
  );
}

const NAMED: ReadonlyMap<number, string> = new Map([
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
]);

function escapeCode(code: number): string {
  const named = NAMED.get(code);
  if (named !== undefined) return named;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}
