import type { ArithmeticOperator, CollectionOperator, ComparisonNode, ComparisonOperator, ExpressionNode, PredicateNode, Span } from './predicate-ast.js';
import { PredicateSyntaxError } from './predicate-error.js';
import { Lexer, type Token } from './predicate-lexer.js';

/** Longest predicate accepted (UTF-16 code units). Real ones are a line or two. */
export const MAX_PREDICATE_LENGTH = 64 * 1024;
/** Deepest nesting of parentheses, braces, NOT and unary minus. Real predicates nest 3 or 4 deep. */
export const MAX_PREDICATE_NESTING = 100;

const COMPARISON_OPS = new Map<string, ComparisonOperator>([
  ['==', '=='],
  ['!=', '!='],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
]);
const COMPARISON_KEYWORDS = new Set<string>(['IN', 'CONTAINS', 'BEGINSWITH', 'ENDSWITH', 'LIKE', 'MATCHES', 'BETWEEN']);
const COLLECTION_OPERATORS = new Set<string>(['count', 'sum', 'avg', 'min', 'max']);
/** NSPredicate's comparison options: c(ase), d(iacritic); n(ormalized) and l(ocale) are accepted and change nothing here. */
const OPTION_LETTERS = /^[cdnl]+$/i;

/** A parenthesised operand that turned out to be an expression, not a predicate. */
interface Bare {
  type: 'bare';
  expression: ExpressionNode;
}
/** A predicate met where an expression was being parsed (inside parentheses). */
interface Wrapped {
  type: 'wrapped';
  predicate: PredicateNode;
  span: Span;
}

/**
 * Recursive descent over a pulled token stream: one token of lookahead, no
 * backtracking, so time is linear in the text. Recursion is bounded by
 * MAX_PREDICATE_NESTING (every construct that nests counts), never by the
 * input's length: long AND/OR chains and operand lists are loops.
 */
export class PredicateParser {
  private readonly lexer: Lexer;
  private token: Token;
  private depth = 0;
  private comparisons = 0;

  constructor(private readonly text: string) {
    if (text.length > MAX_PREDICATE_LENGTH) {
      throw new PredicateSyntaxError(`the predicate is longer than ${MAX_PREDICATE_LENGTH} characters`, MAX_PREDICATE_LENGTH);
    }
    this.lexer = new Lexer(text);
    this.token = this.lexer.next();
  }

  parse(): PredicateNode {
    if (this.token.kind === 'eof') throw new PredicateSyntaxError('the predicate is empty', 0);
    const node = this.parseOr(false) as PredicateNode;
    if (!this.atEnd()) throw this.unexpected('AND, OR or the end of the predicate');
    return node;
  }

  // ---- predicates -------------------------------------------------------

  private parseOr(allowBare: boolean): PredicateNode | Bare {
    const first = this.parseAnd(allowBare);
    if (first.type === 'bare' || !this.isKeyword('OR')) return first;
    const operands: PredicateNode[] = [first];
    while (this.isKeyword('OR')) {
      this.advance();
      operands.push(this.parseAnd(false) as PredicateNode);
    }
    return { type: 'or', operands, span: { start: operands[0]!.span.start, end: operands[operands.length - 1]!.span.end } };
  }

  private parseAnd(allowBare: boolean): PredicateNode | Bare {
    const first = this.parseNot(allowBare);
    if (first.type === 'bare' || !this.isKeyword('AND')) return first;
    const operands: PredicateNode[] = [first];
    while (this.isKeyword('AND')) {
      this.advance();
      operands.push(this.parseNot(false) as PredicateNode);
    }
    return { type: 'and', operands, span: { start: operands[0]!.span.start, end: operands[operands.length - 1]!.span.end } };
  }

  private parseNot(allowBare: boolean): PredicateNode | Bare {
    if (!this.isKeyword('NOT')) return this.parseUnit(allowBare);
    const start = this.token.start;
    this.enter(start);
    this.advance();
    const operand = this.parseNot(false) as PredicateNode;
    this.leave();
    return { type: 'not', operand, span: { start, end: operand.span.end } };
  }

  private parseUnit(allowBare: boolean): PredicateNode | Bare {
    const t = this.token;
    if (t.kind === 'keyword' && (t.text === 'TRUEPREDICATE' || t.text === 'FALSEPREDICATE')) {
      this.advance();
      return { type: 'constant', value: t.text === 'TRUEPREDICATE', span: { start: t.start, end: t.end } };
    }
    if (t.kind === 'keyword' && (t.text === 'ANY' || t.text === 'SOME' || t.text === 'ALL' || t.text === 'NONE')) {
      this.advance();
      const left = this.expectExpression(this.parseAdditive());
      return this.parseComparisonRest(left, t.text === 'SOME' ? 'ANY' : (t.text as 'ANY' | 'ALL' | 'NONE'), t.start);
    }
    const left = this.parseAdditive();
    if (left.type === 'wrapped') {
      if (this.comparisonAhead()) throw new PredicateSyntaxError('a predicate in parentheses cannot be compared; expected AND, OR or )', this.token.start);
      return left.predicate;
    }
    if (this.comparisonAhead()) return this.parseComparisonRest(left, null, left.span.start);
    if (allowBare) return { type: 'bare', expression: left };
    throw this.unexpected('a comparison operator');
  }

  private comparisonAhead(): boolean {
    const t = this.token;
    return (t.kind === 'op' && COMPARISON_OPS.has(t.text)) || (t.kind === 'keyword' && COMPARISON_KEYWORDS.has(t.text));
  }

  private parseComparisonRest(left: ExpressionNode, modifier: ComparisonNode['modifier'], start: number): ComparisonNode {
    if (!this.comparisonAhead()) throw this.unexpected('a comparison operator');
    const opToken = this.token;
    const operator: ComparisonOperator = opToken.kind === 'op' ? COMPARISON_OPS.get(opToken.text)! : (opToken.text as ComparisonOperator);
    this.advance();
    let caseInsensitive = false;
    let diacriticInsensitive = false;
    if (this.isOp('[')) {
      const open = this.token.start;
      this.advance();
      const letters = this.token;
      if (letters.kind !== 'ident' || letters.at || !OPTION_LETTERS.test(letters.text)) {
        throw new PredicateSyntaxError('comparison options are [c], [d] or [cd]', letters.kind === 'eof' ? open : letters.start);
      }
      caseInsensitive = /c/i.test(letters.text);
      diacriticInsensitive = /d/i.test(letters.text);
      this.advance();
      this.expectOp(']');
    }
    const right = this.expectExpression(this.parseAdditive());
    if (operator === 'BETWEEN' && right.type === 'aggregate' && right.items.length !== 2) {
      throw new PredicateSyntaxError('BETWEEN needs two bounds: BETWEEN { lower, upper }', right.span.start);
    }
    return {
      type: 'comparison',
      index: this.comparisons++,
      modifier,
      operator,
      caseInsensitive,
      diacriticInsensitive,
      left,
      right,
      span: { start, end: right.span.end },
    };
  }

  // ---- expressions ------------------------------------------------------

  private expectExpression(node: ExpressionNode | Wrapped): ExpressionNode {
    if (node.type === 'wrapped') throw new PredicateSyntaxError('expected a value, found a predicate in parentheses', node.span.start);
    return node;
  }

  private parseAdditive(): ExpressionNode | Wrapped {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.token.text as ArithmeticOperator;
      this.advance();
      const l = this.expectExpression(left);
      const r = this.expectExpression(this.parseMultiplicative());
      left = { type: 'arithmetic', operator: op, left: l, right: r, span: { start: l.span.start, end: r.span.end } };
    }
    return left;
  }

  private parseMultiplicative(): ExpressionNode | Wrapped {
    let left = this.parsePower();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.token.text as ArithmeticOperator;
      this.advance();
      const l = this.expectExpression(left);
      const r = this.expectExpression(this.parsePower());
      left = { type: 'arithmetic', operator: op, left: l, right: r, span: { start: l.span.start, end: r.span.end } };
    }
    return left;
  }

  /** `**` is right-associative: collected in a loop, folded from the right (no recursion per operand). */
  private parsePower(): ExpressionNode | Wrapped {
    const first = this.parseUnary();
    if (!this.isOp('**')) return first;
    const operands: ExpressionNode[] = [this.expectExpression(first)];
    while (this.isOp('**')) {
      this.advance();
      operands.push(this.expectExpression(this.parseUnary()));
    }
    let node = operands[operands.length - 1]!;
    for (let i = operands.length - 2; i >= 0; i--) {
      const l = operands[i]!;
      node = { type: 'arithmetic', operator: '**', left: l, right: node, span: { start: l.span.start, end: node.span.end } };
    }
    return node;
  }

  private parseUnary(): ExpressionNode | Wrapped {
    if (!this.isOp('-')) return this.parsePrimary();
    const start = this.token.start;
    this.enter(start);
    this.advance();
    const operand = this.expectExpression(this.parseUnary());
    this.leave();
    // A negative number literal stays a literal, so explanations read `-1`, not `-(1)`.
    if (operand.type === 'literal' && typeof operand.value === 'number')
      return { type: 'literal', value: -operand.value, span: { start, end: operand.span.end } };
    return { type: 'negate', operand, span: { start, end: operand.span.end } };
  }

  private parsePrimary(): ExpressionNode | Wrapped {
    const t = this.token;
    const span = { start: t.start, end: t.end };
    switch (t.kind) {
      case 'number':
      case 'string':
        this.advance();
        return { type: 'literal', value: t.value!, span };
      case 'ident':
        if (t.at) throw new PredicateSyntaxError(`${'@' + t.text} must follow a key path (e.g. extensions.@count)`, t.start);
        return this.parseKeyPath(false);
      case 'keyword':
        switch (t.text) {
          case 'TRUE':
          case 'YES':
            this.advance();
            return { type: 'literal', value: true, span };
          case 'FALSE':
          case 'NO':
            this.advance();
            return { type: 'literal', value: false, span };
          case 'NULL':
          case 'NIL':
            this.advance();
            return { type: 'literal', value: null, span };
          case 'SELF':
            return this.parseKeyPath(true);
        }
        throw this.unexpected('a value');
      case 'op':
        if (t.text === '(') return this.parseParenthesised();
        if (t.text === '{') return this.parseAggregate();
        throw this.unexpected('a value');
      case 'eof':
        throw this.unexpected('a value');
    }
  }

  private parseParenthesised(): ExpressionNode | Wrapped {
    const start = this.token.start;
    this.enter(start);
    this.advance();
    const inner = this.parseOr(true);
    const close = this.token;
    this.expectOp(')', start);
    this.leave();
    // Widen the span to the parentheses so clause text reads as written.
    if (inner.type === 'bare') return { ...inner.expression, span: { start, end: close.end } };
    return { type: 'wrapped', predicate: inner, span: { start, end: close.end } };
  }

  private parseAggregate(): ExpressionNode {
    const start = this.token.start;
    this.enter(start);
    this.advance();
    const items: ExpressionNode[] = [];
    if (!this.isOp('}')) {
      for (;;) {
        items.push(this.expectExpression(this.parseAdditive()));
        if (!this.isOp(',')) break;
        this.advance();
      }
    }
    const close = this.token;
    this.expectOp('}', start);
    this.leave();
    return { type: 'aggregate', items, span: { start, end: close.end } };
  }

  private parseKeyPath(self: boolean): ExpressionNode {
    const first = this.token;
    const components: string[] = [];
    let operator: CollectionOperator | null = null;
    let end = first.end;
    if (!self) components.push(first.text);
    this.advance();
    while (this.isOp('.')) {
      const dot = this.token;
      this.advance();
      const part = this.token;
      // A keyword after a dot is a syntax error in NSPredicate unless escaped with '#'.
      if (part.kind !== 'ident')
        throw new PredicateSyntaxError(
          part.kind === 'keyword'
            ? `'${part.text}' is reserved; write #${this.text.slice(part.start, part.end)} to use it as a key`
            : "expected a key after '.'",
          part.kind === 'eof' ? dot.start : part.start,
        );
      if (operator !== null) throw new PredicateSyntaxError(`nothing may follow ${operator}`, part.start);
      if (part.at) {
        if (!COLLECTION_OPERATORS.has(part.text.toLowerCase()))
          throw new PredicateSyntaxError(`unknown collection operator @${part.text} (known: @count, @sum, @avg, @min, @max)`, part.start);
        operator = `@${part.text.toLowerCase()}` as CollectionOperator;
      } else components.push(part.text);
      end = part.end;
      this.advance();
    }
    return { type: 'keyPath', components, operator, self, span: { start: first.start, end } };
  }

  // ---- helpers ----------------------------------------------------------

  private advance(): void {
    this.token = this.lexer.next();
  }

  private atEnd(): boolean {
    return this.token.kind === 'eof';
  }

  private isKeyword(text: string): boolean {
    return this.token.kind === 'keyword' && this.token.text === text;
  }

  private isOp(text: string): boolean {
    return this.token.kind === 'op' && this.token.text === text;
  }

  private expectOp(text: string, openedAt?: number): void {
    if (!this.isOp(text)) {
      if (this.token.kind === 'eof' && openedAt !== undefined) {
        throw new PredicateSyntaxError(`missing '${text}' for the '${text === ')' ? '(' : text === '}' ? '{' : '['}' at offset ${openedAt}`, this.token.start);
      }
      throw this.unexpected(`'${text}'`);
    }
    this.advance();
  }

  private enter(offset: number): void {
    if (++this.depth > MAX_PREDICATE_NESTING) throw new PredicateSyntaxError(`nesting deeper than ${MAX_PREDICATE_NESTING} levels`, offset);
  }

  private leave(): void {
    this.depth--;
  }

  private unexpected(expected: string): PredicateSyntaxError {
    const t = this.token;
    const found = t.kind === 'eof' ? 'the end of the predicate' : `'${this.text.slice(t.start, Math.min(t.end, t.start + 40))}'`;
    return new PredicateSyntaxError(`expected ${expected}, found ${found}`, t.start);
  }
}
