/**
 * The NSPredicate format-string subset of the Installer's declarative
 * requirements (`<required-gl-renderer>`, `<required-cl-device>`,
 * `<required-metal-device>`, `<sysctl-requirements>`): parse once, evaluate
 * against each device's facts, explain which comparison failed and why.
 *
 * Grammar (keywords case-insensitive):
 *   predicate  := or
 *   or         := and (("OR" | "||") and)*
 *   and        := not (("AND" | "&&") not)*
 *   not        := ("NOT" | "!") not | unit
 *   unit       := "(" predicate ")" | TRUEPREDICATE | FALSEPREDICATE
 *               | ["ANY" | "SOME" | "ALL" | "NONE"] expr op expr
 *   op         := = == != <> < <= =< > >= => IN CONTAINS BEGINSWITH ENDSWITH LIKE MATCHES BETWEEN, then [c] [d] [cd]
 *   expr       := sum; sum := product (("+"|"-") product)*; product := power (("*"|"/") power)*
 *   power      := unary ("**" unary)*  (right-associative); unary := "-" unary | primary
 *   primary    := number | string | TRUE | YES | FALSE | NO | NULL | NIL | SELF[.path]
 *               | keypath | "(" expr ")" | "{" [expr ("," expr)*] "}"
 *   keypath    := name ("." name)* ["." "@count" | "@sum" | "@avg" | "@min" | "@max"]; name := identifier | "#" identifier
 *   number     := 12  2.5  9.2e-5  0x0D33  0o17  0b101
 *   string     := '…' or "…" with \n \t \r \0 \xHH \uHHHH escapes (any other escaped character stands for itself)
 *
 * Limits: MAX_PREDICATE_LENGTH characters and MAX_PREDICATE_NESTING levels
 * (parse errors beyond them); MATCHES/LIKE through the linear matcher in
 * regex.ts.
 */
import type { PredicateNode } from './predicate-ast.js';
import { evaluateParsed, type ClauseReport, type PredicateOutcome } from './predicate-eval.js';
import { PredicateParser } from './predicate-parser.js';
import { formatValue, type Facts } from './value.js';

export { MAX_PREDICATE_LENGTH, MAX_PREDICATE_NESTING } from './predicate-parser.js';
export { PredicateSyntaxError } from './predicate-error.js';
export type { ClauseReport, KeyPathValue, PredicateOutcome } from './predicate-eval.js';
export type { ComparisonNode, ComparisonOperator, ExpressionNode, PredicateNode, Span } from './predicate-ast.js';

export interface ParsedPredicate {
  /** The predicate text as given. */
  text: string;
  root: PredicateNode;
  /** Number of comparisons (ClauseReport.index runs from 0 to this - 1). */
  comparisons: number;
}

/** Parses a predicate. Throws PredicateSyntaxError (with `offset` into `text`). */
export function parsePredicate(text: string): ParsedPredicate {
  const root = new PredicateParser(text).parse();
  return { text, root, comparisons: countComparisons(root) };
}

/** Evaluates a parsed predicate against one set of facts. Never throws for any predicate or facts. */
export function evaluatePredicate(predicate: ParsedPredicate, facts: Facts): PredicateOutcome {
  return evaluateParsed(predicate.text, predicate.root, facts);
}

/** One line for a report: "`argumentBuffersTier == 1` (argumentBuffersTier = 0)". */
export function formatClause(clause: ClauseReport): string {
  const parts = clause.values.map((v) => `${v.keyPath} = ${formatValue(v.value)}${v.missingReason ? ` (${v.missingReason})` : v.present ? '' : ' (absent)'}`);
  if (clause.note) parts.push(clause.note);
  return `\`${clause.text}\`${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

/** Why an outcome is what it is, one line per decisive comparison (or the evaluation error). */
export function explainOutcome(outcome: PredicateOutcome): string[] {
  if (outcome.error) return [`evaluation error: ${outcome.error.message}`];
  return outcome.decisive.map(formatClause);
}

function countComparisons(root: PredicateNode): number {
  let count = 0;
  const stack: PredicateNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'comparison') count++;
    else if (n.type === 'not') stack.push(n.operand);
    else if (n.type === 'and' || n.type === 'or') for (const o of n.operands) stack.push(o);
  }
  return count;
}
