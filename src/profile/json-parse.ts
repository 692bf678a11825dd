import { InputError } from '../errors.js';

/**
 * Parses JSON text. On a syntax error throws an InputError
 * `<source>:<line>:<col>: <reason>` (1-based line and column), which
 * `JSON.parse` alone cannot give reliably on Node 20.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const found = findSyntaxError(body);
    if (found === undefined) {
      throw new InputError(`${source}:1:1: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { line, column } = lineColumn(body, found.position);
    throw new InputError(`${source}:${line}:${column}: ${found.reason}`);
  }
}

/** 1-based line and column of a UTF-16 offset. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
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

/** Strict RFC 8259 scanner; returns the first syntax error, or undefined if the text is valid JSON. */
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
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === undefined) fail('unexpected end of input: expected a value');
    else if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else if (c === "'") fail('strings must use double quotes');
    else fail(`unexpected ${describe(i)}: expected a value`);
  };
  const object = (): void => {
    i++; // {
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        if (text[i] === '}') fail('trailing comma before "}"');
        fail(`expected a double-quoted property name, found ${describe(i)}`);
      }
      string();
      ws();
      if (text[i] !== ':') fail(`expected ":" after the property name, found ${describe(i)}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected "," or "}" after a property value, found ${describe(i)}`);
    }
  };
  const array = (): void => {
    i++; // [
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma before "]"');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected "," or "]" after an array element, found ${describe(i)}`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Fail) return error.problem;
    throw error;
  }
}
