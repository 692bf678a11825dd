/**
 * Message and title patterns of expectation files.
 *
 * A pattern is a regular expression searched in the text, as grep does:
 * `requires macOS` matches anywhere, `^Example App requires` only at the
 * start, `^…$` the whole text, and a leading `(?i)` ignores case. Patterns
 * come from a file that may be hostile, and JavaScript's backtracking RegExp
 * takes exponential time on patterns such as `(a+)+$`; so they run on the
 * Thompson-automaton matcher the Installer-predicate code uses, which never
 * backtracks (time at most text length × pattern size). That matcher takes
 * the ICU subset that needs no backtracking: no backreferences, lookaround,
 * atomic groups or possessive quantifiers; at most 900 characters (the
 * schema's bound; the search wrapper below takes the rest of the matcher's
 * 1000).
 */
import { compileRegex, fullMatch, MatchBudgetError, PatternError, type Program } from '../requirements/regex.js';
import { MAX_MATCH_SUBJECT } from './limits.js';

export interface MessagePattern {
  /** The pattern as written. */
  readonly source: string;
  readonly program: Program;
}

/** Compiles a pattern for searching; throws a PatternError (with the offset in the pattern) when it cannot. */
export function compilePattern(source: string): MessagePattern {
  const caseInsensitive = source.startsWith('(?i)');
  const body = caseInsensitive ? source.slice(4) : source;
  // Compiled alone first: a pattern such as `a)(b` must not close the group it is wrapped in below.
  try {
    compileRegex(body, { caseInsensitive });
  } catch (error) {
    if (error instanceof PatternError && caseInsensitive) throw new PatternError(error.message, error.offset + 4);
    throw error;
  }
  const program = compileRegex(`[\\s\\S]*(?:${body})[\\s\\S]*`, { caseInsensitive });
  return { source, program };
}

export { PatternError };

/**
 * Whether the pattern occurs in the text. `budget.steps` is shared by every
 * match of a run and decreases; undefined when it runs out (the caller
 * reports that instead of a verdict).
 */
export function searchPattern(pattern: MessagePattern, text: string, budget: { steps: number }): boolean | undefined {
  if (budget.steps <= 0) return undefined;
  try {
    return fullMatch(pattern.program, text.length > MAX_MATCH_SUBJECT ? text.slice(0, MAX_MATCH_SUBJECT) : text, budget);
  } catch (error) {
    if (error instanceof MatchBudgetError) {
      budget.steps = 0;
      return undefined;
    }
    throw error;
  }
}
