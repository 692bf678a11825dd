/**
 * Pattern matching for MATCHES (an ICU regular expression, whole-string
 * match) and LIKE (`*` and `?` wildcards), without backtracking.
 *
 * Why not JavaScript's RegExp: a predicate in a Distribution is hostile
 * input, and a backtracking engine takes exponential time on patterns such
 * as `(a+)+$`. Both operators compile here to a Thompson NFA that is
 * simulated over a set of states, so matching costs at most
 * O(subject length × program size), and a step budget bounds even that.
 *
 * The regex dialect is the ICU subset that needs no backtracking:
 * literals, `.`, classes (`[a-z]`, `[^…]`, `\d \w \s \h \v` and their
 * negations, `\p{…}`), anchors (`^ $ \A \z \Z \b \B`), groups (`(…)`,
 * `(?:…)`, `(?<name>…)`, `(?#comment)`), alternation and the quantifiers
 * `* + ? {n} {n,} {n,m}` (lazy forms too: for a whole-string yes/no they
 * match the same). Refused with a PatternError: backreferences, lookaround,
 * atomic groups, possessive quantifiers, inline flags other than a leading
 * `(?i)`, nested sets and set operations, `\G \X \R \N{…}`.
 */

/** Longest MATCHES pattern accepted. Installer predicates hold short names. */
export const MAX_PATTERN_LENGTH = 1000;
/** Largest compiled program (counted repetition expands it). */
export const MAX_PROGRAM_STATES = 10_000;
/** Most state visits one match may take before it is abandoned. */
export const MAX_MATCH_STEPS = 5_000_000;
/** Deepest group nesting inside a pattern. */
const MAX_GROUP_DEPTH = 100;
/** Largest bound in `{n,m}`. */
const MAX_REPEAT = 1000;

export class PatternError extends Error {
  override readonly name = 'PatternError';
  constructor(
    message: string,
    /** Offset inside the pattern. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Thrown when a match runs past MAX_MATCH_STEPS. */
export class MatchBudgetError extends Error {
  override readonly name = 'MatchBudgetError';
}

type CharTest = (cp: number) => boolean;
type AssertKind = 'start' | 'end' | 'endOrFinalNewline' | 'wordBoundary' | 'notWordBoundary';

type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'assert'; kind: AssertKind }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number };

type State =
  | { kind: 'char'; test: CharTest; next: number }
  | { kind: 'split'; a: number; b: number }
  | { kind: 'assert'; assert: AssertKind; next: number }
  | { kind: 'match' };

export interface Program {
  states: State[];
  start: number;
}

export interface PatternOptions {
  caseInsensitive: boolean;
}

// ---- character classes ----------------------------------------------------

const LINE_TERMINATORS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029]);
const isLineTerminator: CharTest = (cp) => LINE_TERMINATORS.has(cp);
const anyButNewline: CharTest = (cp) => !isLineTerminator(cp);
const anyChar: CharTest = () => true;

// Single-character tests with JavaScript's Unicode property escapes: linear, no backtracking.
const WORD_RE = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\u200c\u200d]$/u;
const DIGIT_RE = /^\p{Nd}$/u;
const SPACE_RE = /^\p{White_Space}$/u;
const HSPACE_RE = /^[\t\p{Zs}]$/u;
const isWord: CharTest = (cp) => WORD_RE.test(String.fromCodePoint(cp));
const isDigit: CharTest = (cp) => DIGIT_RE.test(String.fromCodePoint(cp));
const isSpace: CharTest = (cp) => SPACE_RE.test(String.fromCodePoint(cp));
const isHSpace: CharTest = (cp) => HSPACE_RE.test(String.fromCodePoint(cp));
const isVSpace: CharTest = (cp) => LINE_TERMINATORS.has(cp);
const not =
  (test: CharTest): CharTest =>
  (cp) =>
    !test(cp);

function propertyTest(name: string, negated: boolean, offset: number): CharTest {
  if (!/^[A-Za-z0-9_ =-]{1,60}$/.test(name)) throw new PatternError(`invalid property name \\p{${name}}`, offset);
  let re: RegExp;
  try {
    re = new RegExp(`^\\p{${name.replace(/ /g, '_')}}$`, 'u');
  } catch {
    throw new PatternError(`unknown Unicode property \\p{${name}}`, offset);
  }
  const test: CharTest = (cp) => re.test(String.fromCodePoint(cp));
  return negated ? not(test) : test;
}

function caseless(test: CharTest): CharTest {
  return (cp) => {
    if (test(cp)) return true;
    const s = String.fromCodePoint(cp);
    const lower = s.toLowerCase();
    const upper = s.toUpperCase();
    return (lower !== s && [...lower].length === 1 && test(lower.codePointAt(0)!)) || (upper !== s && [...upper].length === 1 && test(upper.codePointAt(0)!));
  };
}

// ---- regex parser -------------------------------------------------------------

class RegexParser {
  private i = 0;
  private depth = 0;
  readonly cps: number[];
  /** Offsets in the original pattern (UTF-16) of each code point. */
  private readonly offsets: number[];
  caseInsensitive: boolean;

  constructor(pattern: string, options: PatternOptions) {
    this.cps = [];
    this.offsets = [];
    let off = 0;
    for (const ch of pattern) {
      this.cps.push(ch.codePointAt(0)!);
      this.offsets.push(off);
      off += ch.length;
    }
    this.caseInsensitive = options.caseInsensitive;
    // A leading (?i) is the one inline flag accepted: common, and it applies to the whole pattern.
    if (this.lookingAt('(?i)')) {
      this.caseInsensitive = true;
      this.i = 4;
    }
  }

  parse(): Node {
    const node = this.parseAlt();
    if (this.i < this.cps.length) throw this.error(this.peek() === 0x29 ? "unbalanced ')'" : 'unexpected character');
    return node;
  }

  private parseAlt(): Node {
    const items = [this.parseSeq()];
    while (this.peek() === 0x7c /* | */) {
      this.i++;
      items.push(this.parseSeq());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private parseSeq(): Node {
    const items: Node[] = [];
    while (this.i < this.cps.length && this.peek() !== 0x7c && this.peek() !== 0x29) {
      const atom = this.parseAtom();
      if (atom) items.push(this.parseQuantifier(atom));
    }
    return items.length === 1 ? items[0]! : { t: 'cat', items };
  }

  private parseQuantifier(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    const at = this.i;
    if (c === 0x2a /* * */) [min, max] = [0, Infinity];
    else if (c === 0x2b /* + */) [min, max] = [1, Infinity];
    else if (c === 0x3f /* ? */) [min, max] = [0, 1];
    else if (c === 0x7b /* { */) {
      const bounds = this.parseBounds();
      if (!bounds) return atom;
      [min, max] = bounds;
    } else return atom;
    if (c !== 0x7b) this.i++;
    if (atom.t === 'assert') throw this.error('an anchor cannot be repeated', at);
    if (this.peek() === 0x3f)
      this.i++; // lazy: same yes/no answer for a whole-string match
    else if (this.peek() === 0x2b) throw this.error('possessive quantifiers are not supported (they need backtracking semantics)');
    const next = this.peek();
    if (next === 0x2a || next === 0x2b || next === 0x3f || next === 0x7b) throw this.error('a quantifier cannot follow a quantifier');
    return { t: 'repeat', node: atom, min, max };
  }

  /** `{n}`, `{n,}`, `{n,m}`; anything else after `{` is an error, as in ICU. */
  private parseBounds(): [number, number] | undefined {
    const start = this.i;
    this.i++;
    const min = this.readDecimal();
    if (min === undefined) throw this.error("'{' must start a repetition such as {2} or {1,3}", start);
    let max = min;
    if (this.peek() === 0x2c /* , */) {
      this.i++;
      max = this.peek() === 0x7d ? Infinity : (this.readDecimal() ?? NaN);
    }
    if (this.peek() !== 0x7d || Number.isNaN(max)) throw this.error('malformed repetition', start);
    this.i++;
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw this.error(`repetition bounds above ${MAX_REPEAT}`, start);
    if (max < min) throw this.error('repetition with max below min', start);
    return [min, max];
  }

  private readDecimal(): number | undefined {
    const from = this.i;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) this.i++;
    if (this.i === from || this.i - from > 6) return this.i === from ? undefined : Infinity;
    return Number(String.fromCodePoint(...this.cps.slice(from, this.i)));
  }

  private parseAtom(): Node | undefined {
    const c = this.peek();
    const at = this.i;
    switch (c) {
      case 0x28 /* ( */:
        return this.parseGroup();
      case 0x5b /* [ */:
        return { t: 'char', test: this.parseClass() };
      case 0x2e /* . */:
        this.i++;
        return { t: 'char', test: anyButNewline };
      case 0x5e /* ^ */:
        this.i++;
        return { t: 'assert', kind: 'start' };
      case 0x24 /* $ */:
        this.i++;
        return { t: 'assert', kind: 'endOrFinalNewline' };
      case 0x5c /* \ */:
        return this.parseEscape();
      case 0x2a:
      case 0x2b:
      case 0x3f:
      case 0x7b:
        throw this.error('nothing to repeat', at);
      default:
        this.i++;
        return this.literal(c);
    }
  }

  private parseGroup(): Node | undefined {
    const open = this.i;
    this.i++;
    if (this.peek() === 0x3f /* ? */) {
      const rest = this.text(this.i, this.i + 4);
      if (rest.startsWith('?:')) this.i += 2;
      else if (rest.startsWith('?#')) {
        while (this.i < this.cps.length && this.peek() !== 0x29) this.i++;
        if (this.peek() !== 0x29) throw this.error("missing ')' to close the comment", open);
        this.i++;
        return undefined;
      } else if (/^\?P?<[A-Za-z]/.test(rest)) {
        while (this.i < this.cps.length && this.peek() !== 0x3e /* > */) this.i++;
        if (this.peek() !== 0x3e) throw this.error('unterminated group name', open);
        this.i++;
      } else if (/^\?(=|!|<=|<!)/.test(rest)) throw this.error('lookahead and lookbehind are not supported', open);
      else if (rest.startsWith('?>')) throw this.error('atomic groups are not supported', open);
      else throw this.error('inline flags are not supported (except a leading (?i))', open);
    }
    if (++this.depth > MAX_GROUP_DEPTH) throw this.error(`groups nested deeper than ${MAX_GROUP_DEPTH}`, open);
    const inner = this.parseAlt();
    this.depth--;
    if (this.peek() !== 0x29) throw this.error("missing ')'", open);
    this.i++;
    return inner;
  }

  private parseEscape(): Node {
    const at = this.i;
    this.i++;
    const c = this.peek();
    if (c === -1) throw this.error('trailing backslash', at);
    this.i++;
    const ch = String.fromCodePoint(c);
    switch (ch) {
      case 'b':
        return { t: 'assert', kind: 'wordBoundary' };
      case 'B':
        return { t: 'assert', kind: 'notWordBoundary' };
      case 'A':
        return { t: 'assert', kind: 'start' };
      case 'z':
        return { t: 'assert', kind: 'end' };
      case 'Z':
        return { t: 'assert', kind: 'endOrFinalNewline' };
      case 'Q': {
        const items: Node[] = [];
        while (this.i < this.cps.length && !this.lookingAt('\\E')) items.push(this.literal(this.cps[this.i++]!));
        if (this.lookingAt('\\E')) this.i += 2;
        return { t: 'cat', items };
      }
    }
    const test = this.classEscape(ch, at);
    if (test) return this.charNode(test);
    return this.literal(this.literalEscape(ch, at));
  }

  /** `\d \D \w \W \s \S \h \H \v \V \p{…} \P{…}`, or undefined when `ch` is not one. */
  private classEscape(ch: string, at: number): CharTest | undefined {
    switch (ch) {
      case 'd':
        return isDigit;
      case 'D':
        return not(isDigit);
      case 'w':
        return isWord;
      case 'W':
        return not(isWord);
      case 's':
        return isSpace;
      case 'S':
        return not(isSpace);
      case 'h':
        return isHSpace;
      case 'H':
        return not(isHSpace);
      case 'v':
        return isVSpace;
      case 'V':
        return not(isVSpace);
      case 'p':
      case 'P': {
        let name: string;
        if (this.peek() === 0x7b) {
          const close = this.cps.indexOf(0x7d, this.i);
          if (close === -1) throw this.error('unterminated \\p{…}', at);
          name = this.text(this.i + 1, close);
          this.i = close + 1;
        } else {
          if (this.peek() === -1) throw this.error('\\p needs a property name', at);
          name = String.fromCodePoint(this.cps[this.i++]!);
        }
        return propertyTest(name, ch === 'P', this.offsets[at] ?? 0);
      }
    }
    return undefined;
  }

  /** The code point a literal escape stands for (`\n`, `\x41`, `\.`, ...); an error for unsupported escapes. */
  private literalEscape(ch: string, at: number): number {
    const simple: Record<string, number> = { t: 9, n: 10, r: 13, f: 12, a: 7, e: 27 };
    if (Object.hasOwn(simple, ch)) return simple[ch]!;
    if (ch === 'x') {
      if (this.peek() === 0x7b) {
        const close = this.cps.indexOf(0x7d, this.i);
        const hex = close === -1 ? '' : this.text(this.i + 1, close);
        if (!/^[0-9A-Fa-f]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) throw this.error('malformed \\x{…}', at);
        this.i = close + 1;
        return parseInt(hex, 16);
      }
      return this.hexDigits(2, at);
    }
    if (ch === 'u') return this.hexDigits(4, at);
    if (ch === 'U') {
      const cp = this.hexDigits(8, at);
      if (cp > 0x10ffff) throw this.error('code point above U+10FFFF', at);
      return cp;
    }
    if (ch === 'c') {
      const c = this.peek();
      if (c === -1) throw this.error('\\c needs a letter', at);
      this.i++;
      return c & 0x1f;
    }
    if (ch === '0') {
      let value = 0;
      for (let k = 0; k < 3 && this.peek() >= 0x30 && this.peek() <= 0x37; k++) value = value * 8 + (this.cps[this.i++]! - 0x30);
      return value;
    }
    if (/[1-9]/.test(ch)) throw this.error('backreferences are not supported (they need backtracking)', at);
    if (ch === 'k') throw this.error('named backreferences are not supported', at);
    if (/[A-Za-z]/.test(ch)) throw this.error(`unsupported escape \\${ch}`, at);
    return ch.codePointAt(0)!;
  }

  private hexDigits(count: number, at: number): number {
    const hex = this.text(this.i, this.i + count);
    if (!new RegExp(`^[0-9A-Fa-f]{${count}}$`).test(hex)) throw this.error(`expected ${count} hexadecimal digits`, at);
    this.i += count;
    return parseInt(hex, 16);
  }

  private parseClass(): CharTest {
    const open = this.i;
    this.i++;
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.i++;
    }
    const ranges: Array<[number, number]> = [];
    const tests: CharTest[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === -1) throw this.error("missing ']'", open);
      if (c === 0x5d && !first) {
        this.i++;
        break;
      }
      if (c === 0x5b) throw this.error('nested sets and POSIX classes ([:alpha:]) are not supported', this.i);
      if ((c === 0x26 && this.peek(1) === 0x26) || (c === 0x2d && this.peek(1) === 0x2d)) throw this.error('set operations (&&, --) are not supported', this.i);
      first = false;
      const lo = this.classAtom(tests);
      if (lo === undefined) continue;
      if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== -1) {
        const dash = this.i;
        this.i++;
        const hi = this.classAtom(tests);
        if (hi === undefined) throw this.error('a range cannot end in a class escape', dash);
        if (hi < lo) throw this.error('range out of order', dash);
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    const test: CharTest = (cp) => {
      for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
      for (const t of tests) if (t(cp)) return true;
      return false;
    };
    const folded = this.caseInsensitive ? caseless(test) : test;
    return negated ? not(folded) : folded;
  }

  /** One member of a class: a code point, or undefined after pushing a class-escape test. */
  private classAtom(tests: CharTest[]): number | undefined {
    const c = this.peek();
    if (c !== 0x5c) {
      this.i++;
      return c;
    }
    const at = this.i;
    this.i++;
    const e = this.peek();
    if (e === -1) throw this.error('trailing backslash', at);
    this.i++;
    const ch = String.fromCodePoint(e);
    const test = this.classEscape(ch, at);
    if (test) {
      tests.push(test);
      return undefined;
    }
    if (ch === 'b') throw this.error('\\b is not supported inside a set', at);
    return this.literalEscape(ch, at);
  }

  private literal(cp: number): Node {
    return this.charNode((c) => c === cp);
  }

  /** Applies case folding to a test made outside parseClass (which folds its own). */
  private charNode(test: CharTest): Node {
    return { t: 'char', test: this.caseInsensitive ? caseless(test) : test };
  }

  private peek(ahead = 0): number {
    return this.cps[this.i + ahead] ?? -1;
  }

  private lookingAt(s: string): boolean {
    return this.text(this.i, this.i + s.length) === s;
  }

  private text(from: number, to: number): string {
    return String.fromCodePoint(...this.cps.slice(from, Math.min(to, this.cps.length)));
  }

  private error(message: string, at = this.i): PatternError {
    return new PatternError(message, this.offsets[at] ?? this.offsets.length);
  }
}

// ---- compilation --------------------------------------------------------------

class Compiler {
  readonly states: State[] = [];

  constructor(private readonly origin: number) {}

  /** Compiles `node` so that it continues at `next`; returns its entry state. Continuation-passing, built back to front. */
  compile(node: Node, next: number): number {
    switch (node.t) {
      case 'char':
        return this.push({ kind: 'char', test: node.test, next });
      case 'assert':
        return this.push({ kind: 'assert', assert: node.kind, next });
      case 'cat': {
        let entry = next;
        for (let k = node.items.length - 1; k >= 0; k--) entry = this.compile(node.items[k]!, entry);
        return entry;
      }
      case 'alt': {
        let entry = this.compile(node.items[node.items.length - 1]!, next);
        for (let k = node.items.length - 2; k >= 0; k--) entry = this.push({ kind: 'split', a: this.compile(node.items[k]!, next), b: entry });
        return entry;
      }
      case 'repeat': {
        let entry = next;
        if (node.max === Infinity) {
          const loop = this.push({ kind: 'split', a: -1, b: next });
          (this.states[loop] as { a: number }).a = this.compile(node.node, loop);
          entry = loop;
        } else {
          for (let k = node.min; k < node.max; k++) entry = this.push({ kind: 'split', a: this.compile(node.node, entry), b: next });
        }
        for (let k = 0; k < node.min; k++) entry = this.compile(node.node, entry);
        return entry;
      }
    }
  }

  push(state: State): number {
    if (this.states.length >= MAX_PROGRAM_STATES) throw new PatternError(`the pattern compiles to more than ${MAX_PROGRAM_STATES} states`, this.origin);
    this.states.push(state);
    return this.states.length - 1;
  }
}

function build(node: Node): Program {
  const compiler = new Compiler(0);
  const match = compiler.push({ kind: 'match' });
  const start = compiler.compile(node, match);
  return { states: compiler.states, start };
}

/** Compiles an ICU-subset regular expression for a whole-string match. Throws PatternError. */
export function compileRegex(pattern: string, options: PatternOptions): Program {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new PatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`, MAX_PATTERN_LENGTH);
  return build(new RegexParser(pattern, options).parse());
}

/** Compiles a LIKE pattern: `*` any run of characters, `?` one character, `\` escapes the next one. */
export function compileLike(pattern: string, options: PatternOptions): Program {
  const items: Node[] = [];
  const chars = [...pattern];
  for (let k = 0; k < chars.length; k++) {
    const ch = chars[k]!;
    if (ch === '*') items.push({ t: 'repeat', node: { t: 'char', test: anyChar }, min: 0, max: Infinity });
    else if (ch === '?') items.push({ t: 'char', test: anyChar });
    else {
      const literal = ch === '\\' && k + 1 < chars.length ? chars[++k]! : ch;
      const cp = literal.codePointAt(0)!;
      const test: CharTest = (c) => c === cp;
      items.push({ t: 'char', test: options.caseInsensitive ? caseless(test) : test });
    }
  }
  return build({ t: 'cat', items });
}

/** Runs a program over the whole subject. Throws MatchBudgetError past the step budget. */
export function fullMatch(program: Program, subject: string, budget: { steps: number } = { steps: MAX_MATCH_STEPS }): boolean {
  const cps: number[] = [];
  for (const ch of subject) cps.push(ch.codePointAt(0)!);
  const n = cps.length;
  const { states } = program;
  const mark = new Uint32Array(states.length);
  let generation = 0;
  let current: number[] = [];
  let matched = false;
  const stack: number[] = [];

  const assertHolds = (kind: AssertKind, pos: number): boolean => {
    switch (kind) {
      case 'start':
        return pos === 0;
      case 'end':
        return pos === n;
      case 'endOrFinalNewline':
        return pos === n || (pos === n - 1 && isLineTerminator(cps[n - 1]!)) || (pos === n - 2 && cps[n - 2] === 0x0d && cps[n - 1] === 0x0a);
      case 'wordBoundary':
      case 'notWordBoundary': {
        const before = pos > 0 && isWord(cps[pos - 1]!);
        const after = pos < n && isWord(cps[pos]!);
        return (before !== after) === (kind === 'wordBoundary');
      }
    }
  };

  /** Adds `from` and everything reachable from it without consuming input (explicit stack, no recursion). */
  const addClosure = (list: number[], from: number, pos: number): void => {
    stack.push(from);
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (mark[s] === generation) continue;
      mark[s] = generation;
      if (--budget.steps < 0) throw new MatchBudgetError(`pattern matching took more than ${MAX_MATCH_STEPS} steps`);
      const st = states[s]!;
      switch (st.kind) {
        case 'char':
          list.push(s);
          break;
        case 'split':
          stack.push(st.b, st.a);
          break;
        case 'assert':
          if (assertHolds(st.assert, pos)) stack.push(st.next);
          break;
        case 'match':
          if (pos === n) matched = true;
          break;
      }
    }
  };

  generation++;
  addClosure(current, program.start, 0);
  for (let pos = 0; pos < n && current.length > 0; pos++) {
    const cp = cps[pos]!;
    const next: number[] = [];
    generation++;
    for (const s of current) {
      const st = states[s] as { test: CharTest; next: number };
      if (--budget.steps < 0) throw new MatchBudgetError(`pattern matching took more than ${MAX_MATCH_STEPS} steps`);
      if (st.test(cp)) addClosure(next, st.next, pos + 1);
    }
    current = next;
  }
  return matched;
}
