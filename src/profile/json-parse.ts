import { InputError } from '../errors.js';

/**
 * Deepest nesting of objects and arrays accepted in a profile. Real profiles
 * nest five or six levels (a plist inside `defaults`); validation, merging
 * and copying walk the data recursively, so the bound keeps them far from the
 * stack's limit.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses JSON text. On a syntax error throws an InputError
 * `<source>:<line>:<col>: <reason>` (1-based line and column), which
 * `JSON.parse` alone cannot give reliably on Node 20. Nesting deeper than
 * `maxDepth` is refused the same way, before anything is built.
 */
export function parseJsonText(text: string, source: string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deep = nestingExceeds(body, maxDepth);
  if (deep !== undefined) {
    const { line, column } = lineColumn(body, deep);
    throw new InputError(`${source}:${line}:${column}: nested deeper than ${maxDepth} levels`, {
      code: 'JSON_TOO_DEEP',
      location: { file: source, line, column },
    });
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    const found = findSyntaxError(body);
    if (found === undefined) {
      throw new InputError(`${source}:1:1: ${error instanceof Error ? error.message : String(error)}`, {
        code: 'JSON_SYNTAX',
        location: { file: source, line: 1, column: 1 },
      });
    }
    const { line, column } = lineColumn(body, found.position);
    throw new InputError(`${source}:${line}:${column}: ${found.reason}`, { code: 'JSON_SYNTAX', location: { file: source, line, column } });
  }
}

/**
 * Offset of the first `{` or `[` that opens level `maxDepth + 1`, or
 * undefined. One linear pass that skips strings; it does not check syntax.
 */
export function nestingExceeds(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** 1-based line and column of a UTF-16 offset; a line ends at LF, CR or CRLF. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

interface SyntaxProblem {
  position: number;
  reason: string;
}

class Fail extends Error {
  constructor(readonly problem: SyntaxProblem) {
    super(problem.reason);
  }
}

/**
 * Strict RFC 8259 scanner; returns the first syntax error, or undefined if
 * the text is valid JSON. Containers are tracked on an explicit stack, so
 * any nesting depth costs heap, not call stack.
 */
export function findSyntaxError(text: string): SyntaxProblem | undefined {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new Fail({ position: at, reason });
  };
  const describe = (at: number): string => {
    if (at >= text.length) return 'end of input';
    return `character ${JSON.stringify(text[at])}`;
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return;
    }
    fail(`unexpected ${describe(i)}`);
  };
  const digits = (): number => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    return i - start;
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') {
      i++;
      if (text[i] !== undefined && text[i]! >= '0' && text[i]! <= '9') fail('leading zeros are not allowed in numbers');
    } else if (digits() === 0) {
      fail(`expected a digit, found ${describe(i)}`);
    }
    if (text[i] === '.') {
      i++;
      if (digits() === 0) fail(`expected a digit after the decimal point, found ${describe(i)}`);
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (digits() === 0) fail(`expected a digit in the exponent, found ${describe(i)}`);
    }
  };
  const string = (): void => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return;
      }
      if (code < 0x20) fail('unescaped control character in string (use \\n, \\t, ...)');
      if (code === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape: expected 4 hex digits');
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail(`invalid escape sequence "\\${next ?? ''}"`);
        i += 2;
        continue;
      }
      i++;
    }
  };
  /** An object's first property name and its colon; `i` is just after the `{` or `,`. */
  const propertyName = (): void => {
    ws();
    if (text[i] !== '"') {
      if (text[i] === '}') fail('trailing comma before "}"');
      fail(`expected a double-quoted property name, found ${describe(i)}`);
    }
    string();
    ws();
    if (text[i] !== ':') fail(`expected ":" after the property name, found ${describe(i)}`);
    i++;
  };
  /** Open containers, innermost last: '{' or '['. */
  const open: string[] = [];
  /**
   * Scans one value. A scalar is consumed whole; an empty container too; a
   * non-empty container is pushed, with `i` left at its first member.
   * Returns true when a value was completed.
   */
  const startValue = (): boolean => {
    ws();
    const c = text[i];
    if (c === undefined) return fail('unexpected end of input: expected a value');
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        return true;
      }
      open.push(c);
      if (c === '{') propertyName();
      return false;
    }
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else if (c === "'") fail('strings must use double quotes');
    else fail(`unexpected ${describe(i)}: expected a value`);
    return true;
  };
  try {
    for (;;) {
      // Scan a value, then close every container it completes.
      let completed = startValue();
      while (completed && open.length > 0) {
        ws();
        const inObject = open.at(-1) === '{';
        if (text[i] === ',') {
          i++;
          if (inObject) propertyName();
          else {
            ws();
            if (text[i] === ']') fail('trailing comma before "]"');
          }
          completed = false;
        } else if (text[i] === (inObject ? '}' : ']')) {
          i++;
          open.pop();
        } else {
          fail(
            inObject ? `expected "," or "}" after a property value, found ${describe(i)}` : `expected "," or "]" after an array element, found ${describe(i)}`,
          );
        }
      }
      if (completed) break;
    }
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Fail) return error.problem;
    throw error;
  }
}
