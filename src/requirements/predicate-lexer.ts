import { PredicateSyntaxError } from './predicate-error.js';

/**
 * Tokens of the NSPredicate format-string subset the Installer's
 * requirement predicates use. The lexer is pulled one token at a time by the
 * parser and never looks back, so it is linear in the text.
 */
export type TokenKind = 'ident' | 'keyword' | 'string' | 'number' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Offset of the first character (0-based, UTF-16 code units). */
  start: number;
  end: number;
  /** ident: the name (without a leading `#`); keyword: upper-case spelling; op: the canonical operator text. */
  text: string;
  /** string and number literals. */
  value?: string | number;
  /** ident written as `@name` (a collection operator such as @count). */
  at?: boolean;
}

/** Keywords the subset understands, matched case-insensitively. */
export const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'CONTAINS',
  'BEGINSWITH',
  'ENDSWITH',
  'LIKE',
  'MATCHES',
  'BETWEEN',
  'ANY',
  'SOME',
  'ALL',
  'NONE',
  'TRUE',
  'YES',
  'FALSE',
  'NO',
  'NULL',
  'NIL',
  'SELF',
  'TRUEPREDICATE',
  'FALSEPREDICATE',
]);

/** Reserved by NSPredicate but outside the subset: a clear error instead of a confusing one. */
const UNSUPPORTED = new Set(['FIRST', 'LAST', 'SIZE', 'ANYKEY', 'SUBQUERY', 'FETCH', 'CAST', 'CASEINSENSITIVE', 'CI']);

const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_]/;

/** Multi-character operators first so `==` wins over `=`. */
const OPERATORS: Array<[string, string]> = [
  ['**', '**'],
  ['==', '=='],
  ['!=', '!='],
  ['<>', '!='],
  ['<=', '<='],
  ['=<', '<='],
  ['>=', '>='],
  ['=>', '>='],
  ['&&', 'AND'],
  ['||', 'OR'],
  ['=', '=='],
  ['<', '<'],
  ['>', '>'],
  ['!', 'NOT'],
  ['(', '('],
  [')', ')'],
  ['{', '{'],
  ['}', '}'],
  [',', ','],
  ['[', '['],
  [']', ']'],
  ['.', '.'],
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
];

export class Lexer {
  private pos = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    const t = this.text;
    while (this.pos < t.length && isSpace(t.charCodeAt(this.pos))) this.pos++;
    const start = this.pos;
    if (start >= t.length) return { kind: 'eof', start, end: start, text: '' };
    const c = t[start]!;
    if (c === "'" || c === '"') return this.string(c);
    if (c >= '0' && c <= '9') return this.number();
    if (IDENT_START.test(c)) return this.word();
    if (c === '#' || c === '@') {
      this.pos++;
      if (!IDENT_START.test(t[this.pos] ?? '')) throw new PredicateSyntaxError(`'${c}' must be followed by a name`, start);
      const name = this.identifier();
      return { kind: 'ident', start, end: this.pos, text: name, ...(c === '@' && { at: true }) };
    }
    if (c === '$') throw new PredicateSyntaxError('variables ($NAME) are not substituted in a stored predicate', start);
    if (c === '%') throw new PredicateSyntaxError('format specifiers (%@, %K) are not substituted in a stored predicate', start);
    for (const [spelling, canonical] of OPERATORS) {
      if (t.startsWith(spelling, start)) {
        this.pos += spelling.length;
        const kind: TokenKind = canonical === 'AND' || canonical === 'OR' || canonical === 'NOT' ? 'keyword' : 'op';
        return { kind, start, end: this.pos, text: canonical };
      }
    }
    if (c === '&' || c === '|') throw new PredicateSyntaxError(`'${c}' is not an operator (use ${c}${c} or ${c === '&' ? 'AND' : 'OR'})`, start);
    throw new PredicateSyntaxError(`unexpected character ${describeChar(t.codePointAt(start)!)}`, start);
  }

  private identifier(): string {
    const t = this.text;
    const from = this.pos;
    while (this.pos < t.length && IDENT_CHAR.test(t[this.pos]!)) this.pos++;
    return t.slice(from, this.pos);
  }

  private word(): Token {
    const start = this.pos;
    const name = this.identifier();
    const upper = name.toUpperCase();
    if (KEYWORDS.has(upper)) return { kind: 'keyword', start, end: this.pos, text: upper };
    if (UNSUPPORTED.has(upper)) throw new PredicateSyntaxError(`${upper} is an NSPredicate keyword outside the subset installer predicates use`, start);
    if (upper === 'UTI' && /^-(CONFORMS-TO|EQUALS)/i.test(this.text.slice(this.pos, this.pos + 12))) {
      throw new PredicateSyntaxError('UTI-CONFORMS-TO and UTI-EQUALS are outside the subset installer predicates use', start);
    }
    return { kind: 'ident', start, end: this.pos, text: name };
  }

  private number(): Token {
    const t = this.text;
    const start = this.pos;
    const prefix = t.slice(start, start + 2).toLowerCase();
    let value: number;
    if (prefix === '0x' || prefix === '0o' || prefix === '0b') {
      const radix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : 2;
      const digit = radix === 16 ? /[0-9A-Fa-f]/ : radix === 8 ? /[0-7]/ : /[01]/;
      this.pos += 2;
      const from = this.pos;
      while (this.pos < t.length && digit.test(t[this.pos]!)) this.pos++;
      if (this.pos === from)
        throw new PredicateSyntaxError(
          `'${t.slice(start, start + 2)}' must be followed by ${radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary'} digits`,
          start,
        );
      // BigInt keeps every digit, then Number rounds once (like a C double).
      value = Number(BigInt(`${prefix}${t.slice(from, this.pos)}`));
    } else {
      while (this.pos < t.length && isDigit(t[this.pos]!)) this.pos++;
      if (t[this.pos] === '.' && isDigit(t[this.pos + 1] ?? '')) {
        this.pos++;
        while (this.pos < t.length && isDigit(t[this.pos]!)) this.pos++;
      }
      if ((t[this.pos] === 'e' || t[this.pos] === 'E') && /^[eE][+-]?[0-9]/.test(t.slice(this.pos, this.pos + 3))) {
        this.pos++;
        if (t[this.pos] === '+' || t[this.pos] === '-') this.pos++;
        while (this.pos < t.length && isDigit(t[this.pos]!)) this.pos++;
      }
      value = Number(t.slice(start, this.pos));
    }
    if (IDENT_CHAR.test(t[this.pos] ?? '')) throw new PredicateSyntaxError(`malformed number '${t.slice(start, this.pos + 1)}'`, start);
    return { kind: 'number', start, end: this.pos, text: t.slice(start, this.pos), value };
  }

  private string(quote: string): Token {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const close = indexOfEither(t, quote, '\\', this.pos);
      if (close === -1) throw new PredicateSyntaxError('unterminated string literal', start);
      out += t.slice(runStart, close);
      if (t[close] === quote) {
        this.pos = close + 1;
        return { kind: 'string', start, end: this.pos, text: t.slice(start, this.pos), value: out };
      }
      if (close + 1 >= t.length) throw new PredicateSyntaxError('unterminated string literal', start);
      const [decoded, length] = decodeEscape(t, close);
      out += decoded;
      this.pos = close + length;
      runStart = this.pos;
    }
  }
}

function indexOfEither(t: string, a: string, b: string, from: number): number {
  for (let i = from; i < t.length; i++) {
    const c = t[i];
    if (c === a || c === b) return i;
  }
  return -1;
}

/** C-style escapes; an unknown escaped character stands for itself. Returns [text, length consumed]. */
function decodeEscape(t: string, at: number): [string, number] {
  const c = t[at + 1]!;
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', a: '\x07', '0': '\0' };
  if (Object.hasOwn(simple, c)) return [simple[c]!, 2];
  if (c === 'x' || c === 'u') {
    const width = c === 'x' ? 2 : 4;
    const hex = t.slice(at + 2, at + 2 + width);
    if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(hex)) throw new PredicateSyntaxError(`\\${c} must be followed by ${width} hexadecimal digits`, at);
    return [String.fromCharCode(parseInt(hex, 16)), 2 + width];
  }
  return [c, 2];
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0xfeff;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function describeChar(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp >= 0x20 && cp !== 0x7f ? `'${String.fromCodePoint(cp)}' (${hex})` : hex;
}
