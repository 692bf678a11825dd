import type { ComparisonNode, ExpressionNode, PredicateNode, Span } from './predicate-ast.js';
import { MAX_MATCH_STEPS, MatchBudgetError, PatternError, compileLike, compileRegex, fullMatch } from './regex.js';
import {
  compareValues,
  elementsOf,
  foldString,
  formatValue,
  isCollection,
  numberOf,
  valuesEqual,
  type Facts,
  type StringOptions,
  type Value,
} from './value.js';

/** A key path a comparison read, and what it found. */
export interface KeyPathValue {
  /** As written, e.g. `limits.GL_MAX_TEXTURE_SIZE`. */
  keyPath: string;
  /** nil (null) when absent. */
  value: Value;
  present: boolean;
  /** Why it is absent, when the facts say more than "not there". */
  missingReason?: string;
}

/** One comparison of the predicate and how it came out. */
export interface ClauseReport {
  /** Position among the predicate's comparisons, in source order. */
  index: number;
  /** The comparison as written. */
  text: string;
  span: Span;
  result: boolean;
  values: KeyPathValue[];
  /** What the values alone do not say: nil cannot be ordered, kinds differ, how many elements matched an ANY/ALL. */
  note?: string;
}

export interface PredicateOutcome {
  satisfied: boolean;
  /**
   * The comparisons that decided the outcome: when not satisfied, every one
   * that came out false where that made the predicate false; when satisfied,
   * the ones that made it true. In source order.
   */
  decisive: ClauseReport[];
  /** Every comparison that was evaluated, in source order. */
  clauses: ClauseReport[];
  /** The evaluation raised (ANY over a non-collection, a bad MATCHES pattern, a limit): the predicate fails. */
  error?: { message: string; span: Span };
}

/** A problem that makes the evaluation raise, as NSPredicate would throw an exception. */
class EvaluationError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

const MAX_CLAUSE_TEXT = 200;

/**
 * Evaluates a parsed predicate against one set of facts.
 *
 * Semantics (NSPredicate's where documented; choices marked):
 * - a key path with no value is nil; `== nil` is true only for nil, `!= nil`
 *   only for a value;
 * - `<`, `<=`, `>`, `>=` and BETWEEN with nil on either side are false
 *   (choice: NSPredicate's nil handling here is undocumented), as are
 *   orderings between different kinds (a string and a number);
 * - numbers compare by value whatever their spelling (`version >= 2` and
 *   `>= 2.0` agree), booleans are 1 and 0;
 * - IN, CONTAINS, BEGINSWITH, ENDSWITH, LIKE and MATCHES with nil, or with
 *   operands of the wrong kind, are false (choice: NSPredicate would raise
 *   for some of these; false keeps one odd clause from deciding the rest);
 * - ANY/SOME, ALL and NONE need a collection on the left: nil or a scalar
 *   there raises (NSPredicate raises NSInvalidArgumentException), and a
 *   raise makes the whole predicate fail;
 * - AND and OR stop at the first operand that decides them, as
 *   NSCompoundPredicate does; the remaining operands are still evaluated for
 *   the explanation, and what they raise is ignored.
 */
export function evaluateParsed(text: string, root: PredicateNode, facts: Facts): PredicateOutcome {
  const ev = new Evaluator(text, facts);
  let satisfied: boolean;
  let error: PredicateOutcome['error'];
  try {
    satisfied = ev.node(root);
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    satisfied = false;
    error = { message: e.message, span: e.span };
  }
  const clauses = [...ev.reports.values()].sort((a, b) => a.index - b.index);
  const decisive = error ? [] : ev.decisive(root, satisfied);
  return { satisfied, decisive, clauses, ...(error && { error }) };
}

class Evaluator {
  readonly reports = new Map<number, ClauseReport>();
  private readonly results = new Map<PredicateNode, boolean>();
  private readonly budget = { steps: MAX_MATCH_STEPS };

  constructor(
    private readonly text: string,
    private readonly facts: Facts,
  ) {}

  node(n: PredicateNode): boolean {
    let result: boolean;
    switch (n.type) {
      case 'constant':
        result = n.value;
        break;
      case 'not':
        result = !this.node(n.operand);
        break;
      case 'and':
      case 'or': {
        // The value that decides the compound: false for AND, true for OR.
        const decider = n.type === 'or';
        result = !decider;
        for (const operand of n.operands) {
          if (result === decider) this.speculate(operand);
          else if (this.node(operand) === decider) result = decider;
        }
        break;
      }
      case 'comparison':
        result = this.comparison(n);
        break;
    }
    this.results.set(n, result);
    return result;
  }

  /** Evaluates an operand only for the explanation: what it raises does not count. */
  private speculate(n: PredicateNode): void {
    try {
      this.node(n);
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
    }
  }

  /** The comparisons that made `n` come out as `outcome`. Recursion follows the parse tree, whose depth the parser caps. */
  decisive(n: PredicateNode, outcome: boolean): ClauseReport[] {
    const found = new Map<number, ClauseReport>();
    const visit = (node: PredicateNode, want: boolean): void => {
      if (this.results.get(node) !== want) return;
      switch (node.type) {
        case 'constant':
          return;
        case 'not':
          return visit(node.operand, !want);
        case 'comparison': {
          const report = this.reports.get(node.index);
          if (report) found.set(report.index, report);
          return;
        }
        case 'and':
        case 'or':
          // AND false / OR true: the operands that decided it; AND true / OR false: all of them.
          for (const operand of node.operands) visit(operand, want);
      }
    };
    visit(n, outcome);
    return [...found.values()].sort((a, b) => a.index - b.index);
  }

  private comparison(n: ComparisonNode): boolean {
    const values: KeyPathValue[] = [];
    const report: ClauseReport = { index: n.index, text: this.clauseText(n.span), span: n.span, result: false, values };
    this.reports.set(n.index, report);
    const left = this.expression(n.left, values);
    const right = this.expression(n.right, values);
    const options: StringOptions = { caseInsensitive: n.caseInsensitive, diacriticInsensitive: n.diacriticInsensitive };
    let result: boolean;
    let note: string | undefined;
    if (n.modifier) {
      if (!isCollection(left)) {
        throw new EvaluationError(`${n.modifier} needs a collection on its left, found ${left === null ? 'nil' : formatValue(left)}`, n.left.span);
      }
      const elements = elementsOf(left);
      let matches = 0;
      for (const element of elements) if (this.compare(element, n, right, options).result) matches++;
      result = n.modifier === 'ANY' ? matches > 0 : n.modifier === 'ALL' ? matches === elements.length : matches === 0;
      note = `${matches} of ${elements.length} element${elements.length === 1 ? '' : 's'} match`;
    } else {
      ({ result, note } = this.compare(left, n, right, options));
    }
    report.result = result;
    if (note !== undefined) report.note = note;
    return result;
  }

  private compare(left: Value, n: ComparisonNode, right: Value, options: StringOptions): { result: boolean; note?: string } {
    switch (n.operator) {
      case '==':
        return { result: valuesEqual(left, right, options) };
      case '!=':
        return { result: !valuesEqual(left, right, options) };
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const c = compareValues(left, right, options);
        if (c === undefined) return { result: false, note: orderingNote(left, right) };
        const result = n.operator === '<' ? c < 0 : n.operator === '<=' ? c <= 0 : n.operator === '>' ? c > 0 : c >= 0;
        return { result };
      }
      case 'BETWEEN': {
        if (!Array.isArray(right) || right.length !== 2) throw new EvaluationError('BETWEEN needs two bounds: { lower, upper }', n.right.span);
        const bounds = right as readonly Value[];
        const lo = compareValues(left, bounds[0]!, options);
        const hi = compareValues(left, bounds[1]!, options);
        if (lo === undefined || hi === undefined) return { result: false, note: orderingNote(left, lo === undefined ? bounds[0]! : bounds[1]!) };
        return { result: lo >= 0 && hi <= 0 };
      }
      case 'IN':
        return this.membership(right, left, options, 'IN');
      case 'CONTAINS':
        return this.membership(left, right, options, 'CONTAINS');
      case 'BEGINSWITH':
      case 'ENDSWITH': {
        if (typeof left !== 'string' || typeof right !== 'string') return { result: false, note: stringNote(n.operator, left, right) };
        const l = foldString(left, options);
        const r = foldString(right, options);
        return { result: n.operator === 'BEGINSWITH' ? l.startsWith(r) : l.endsWith(r) };
      }
      case 'LIKE':
      case 'MATCHES': {
        if (typeof left !== 'string' || typeof right !== 'string') return { result: false, note: stringNote(n.operator, left, right) };
        const subject = foldString(left, { caseInsensitive: false, diacriticInsensitive: options.diacriticInsensitive });
        const pattern = foldString(right, { caseInsensitive: false, diacriticInsensitive: options.diacriticInsensitive });
        try {
          const program = n.operator === 'LIKE' ? compileLike(pattern, options) : compileRegex(pattern, options);
          return { result: fullMatch(program, subject, this.budget) };
        } catch (e) {
          if (e instanceof PatternError) throw new EvaluationError(`${n.operator} pattern: ${e.message} (at offset ${e.offset} of the pattern)`, n.right.span);
          if (e instanceof MatchBudgetError) throw new EvaluationError(e.message, n.span);
          throw e;
        }
      }
    }
  }

  /** `element IN collection` / `collection CONTAINS element`; with two strings, a substring test. */
  private membership(collection: Value, element: Value, options: StringOptions, op: 'IN' | 'CONTAINS'): { result: boolean; note?: string } {
    if (isCollection(collection)) {
      for (const e of elementsOf(collection)) if (valuesEqual(e, element, options)) return { result: true };
      return { result: false };
    }
    if (typeof collection === 'string' && typeof element === 'string') {
      return { result: foldString(collection, options).includes(foldString(element, options)) };
    }
    const side = op === 'IN' ? 'right' : 'left';
    return { result: false, note: collection === null ? `the ${side} side of ${op} is nil` : `the ${side} side of ${op} is neither a collection nor a string` };
  }

  private expression(e: ExpressionNode, values: KeyPathValue[]): Value {
    switch (e.type) {
      case 'literal':
        return e.value;
      case 'aggregate':
        return e.items.map((item) => this.expression(item, values));
      case 'negate': {
        const v = numberOf(this.expression(e.operand, values));
        if (v === undefined) throw new EvaluationError('unary minus needs a number', e.span);
        return -v;
      }
      case 'arithmetic': {
        const l = numberOf(this.expression(e.left, values));
        const r = numberOf(this.expression(e.right, values));
        if (l === undefined || r === undefined) throw new EvaluationError(`arithmetic (${e.operator}) needs numbers`, e.span);
        switch (e.operator) {
          case '+':
            return l + r;
          case '-':
            return l - r;
          case '*':
            return l * r;
          case '/':
            if (r === 0) throw new EvaluationError('division by zero', e.span);
            return l / r;
          default:
            return l ** r;
        }
      }
      case 'keyPath':
        return this.keyPath(e, values);
    }
  }

  private keyPath(e: Extract<ExpressionNode, { type: 'keyPath' }>, values: KeyPathValue[]): Value {
    const found = this.facts.lookup(e.components);
    const keyPath = this.text.slice(e.span.start, e.span.end);
    let value: Value = found ?? null;
    if (e.operator !== null) value = applyCollectionOperator(e.operator, value, e.span);
    const entry: KeyPathValue = { keyPath, value, present: found !== undefined };
    if (found === undefined) {
      const why = this.facts.whyMissing?.(e.components);
      if (why !== undefined) entry.missingReason = why;
    }
    if (!values.some((v) => v.keyPath === keyPath)) values.push(entry);
    return value;
  }

  private clauseText(span: Span): string {
    const raw = this.text.slice(span.start, span.end).replace(/\s+/g, ' ');
    return raw.length > MAX_CLAUSE_TEXT ? `${raw.slice(0, MAX_CLAUSE_TEXT)}…` : raw;
  }
}

function applyCollectionOperator(op: string, value: Value, span: Span): Value {
  if (value === null) return null;
  if (!isCollection(value)) throw new EvaluationError(`${op} needs a collection, found ${formatValue(value)}`, span);
  const elements = elementsOf(value);
  if (op === '@count') return elements.length;
  const numbers: number[] = [];
  for (const element of elements) {
    const n = numberOf(element);
    if (n === undefined) throw new EvaluationError(`${op} needs numbers, found ${formatValue(element)}`, span);
    numbers.push(n);
  }
  switch (op) {
    case '@sum':
      return numbers.reduce((a, b) => a + b, 0);
    case '@avg':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case '@min':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => Math.min(a, b));
    default:
      return numbers.length === 0 ? null : numbers.reduce((a, b) => Math.max(a, b));
  }
}

function orderingNote(left: Value, right: Value): string {
  if (left === null || right === null) return 'nil cannot be ordered: the comparison is false';
  return `${kindOf(left)} and ${kindOf(right)} cannot be ordered: the comparison is false`;
}

function stringNote(op: string, left: Value, right: Value): string {
  if (left === null || right === null) return `${op} with nil is false`;
  return `${op} compares strings; the comparison is false`;
}

function kindOf(v: Value): string {
  if (typeof v === 'number' || typeof v === 'boolean') return 'a number';
  if (typeof v === 'string') return 'a string';
  return Array.isArray(v) ? 'an array' : 'a dictionary';
}
