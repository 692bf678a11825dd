import type { Value } from './value.js';

/** A source range inside the predicate text: [start, end) in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
}

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'CONTAINS' | 'BEGINSWITH' | 'ENDSWITH' | 'LIKE' | 'MATCHES' | 'BETWEEN';

/** ANY and SOME are the same operator; NSPredicate spells it both ways. */
export type AggregateModifier = 'ANY' | 'ALL' | 'NONE';

export type PredicateNode =
  | { type: 'constant'; value: boolean; span: Span }
  | { type: 'not'; operand: PredicateNode; span: Span }
  | { type: 'and' | 'or'; operands: PredicateNode[]; span: Span }
  | ComparisonNode;

export interface ComparisonNode {
  type: 'comparison';
  /** Index among the predicate's comparisons, in source order (explanations refer to it). */
  index: number;
  modifier: AggregateModifier | null;
  operator: ComparisonOperator;
  caseInsensitive: boolean;
  diacriticInsensitive: boolean;
  left: ExpressionNode;
  right: ExpressionNode;
  span: Span;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '**';

export type ExpressionNode =
  | { type: 'literal'; value: Value; span: Span }
  /** `components` are identifiers; `operator` is a trailing collection operator (`@count`, `@sum`, ...). */
  | { type: 'keyPath'; components: string[]; operator: CollectionOperator | null; self: boolean; span: Span }
  | { type: 'aggregate'; items: ExpressionNode[]; span: Span }
  | { type: 'arithmetic'; operator: ArithmeticOperator; left: ExpressionNode; right: ExpressionNode; span: Span }
  | { type: 'negate'; operand: ExpressionNode; span: Span };

export type CollectionOperator = '@count' | '@sum' | '@avg' | '@min' | '@max';
