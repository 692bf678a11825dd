import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CheckResult, ProfileResult } from '../types.js';
import { abbreviate } from '../util/abbreviate.js';
import { MAX_QUOTED } from './limits.js';
import { searchPattern } from './pattern.js';
import type { Assertion } from './spec-model.js';

/** An unmet assertion, as the report records it (the `why` is filled in by an explainer, when one is given). */
export interface AssertionFailure {
  assertion: string;
  expected: string;
  actual: string;
}

/**
 * Checks one assertion against one profile's outcome. `parseDiagnostics` are
 * the Distribution's own (parse-time) findings, which count for every
 * profile. `budget` is the pattern-matching budget shared by the run.
 * Returns undefined when the assertion holds.
 */
export function checkAssertion(
  assertion: Assertion,
  result: ProfileResult,
  parseDiagnostics: readonly Diagnostic[],
  budget: { steps: number },
): AssertionFailure | undefined {
  const failure = (expected: string, actual: string): AssertionFailure => ({
    assertion: assertion.what,
    expected: quoteCap(expected),
    actual: quoteCap(actual),
  });
  switch (assertion.kind) {
    case 'installable':
      return result.installable === assertion.expected ? undefined : failure(String(assertion.expected), String(result.installable));
    case 'blockers': {
      const actual = [...new Set(result.blockers.map((b) => b.code))].sort();
      const expected = [...assertion.expected].sort();
      return sameList(actual, expected) ? undefined : failure(listText(expected), listText(result.blockers.map((b) => b.code)));
    }
    case 'check-flag':
    case 'check-result-type':
    case 'check-text': {
      const check = checkResult(result, assertion.volume);
      if (check === undefined)
        return failure(
          assertion.kind === 'check-text' ? `/${assertion.pattern.source}/` : String(expectedOf(assertion)),
          `no volume ${JSON.stringify(assertion.volume)}`,
        );
      if (assertion.kind === 'check-flag') {
        const actual = assertion.field === 'eligible' ? (check as { eligible?: boolean }).eligible === true : check.passed;
        return actual === assertion.expected ? undefined : failure(String(assertion.expected), String(actual));
      }
      if (assertion.kind === 'check-result-type') {
        return check.resultType === assertion.expected ? undefined : failure(String(assertion.expected), String(check.resultType));
      }
      const text = check[assertion.field];
      const found = text === null ? false : searchPattern(assertion.pattern, text, budget);
      if (found === true) return undefined;
      const actual = text === null ? 'null' : JSON.stringify(text);
      return failure(`/${assertion.pattern.source}/`, found === undefined ? `${actual} (not checked: the run's pattern-matching budget ran out)` : actual);
    }
    case 'choice': {
      const choice = result.choices.find((c) => c.id === assertion.choice);
      if (choice === undefined) return failure(`${assertion.field} ${String(assertion.expected)}`, `no choice ${JSON.stringify(assertion.choice)}`);
      return choice[assertion.field] === assertion.expected ? undefined : failure(String(assertion.expected), String(choice[assertion.field]));
    }
    case 'package': {
      const pkg = result.packages.find((p) => p.id === assertion.id);
      const want = assertion.installed ? 'installed' : 'not installed';
      if (pkg === undefined) return failure(want, `no pkg-ref ${JSON.stringify(assertion.id)}`);
      if (pkg.install === assertion.installed) return undefined;
      return failure(want, pkg.install ? 'installed' : pkg.active ? 'not installed (no selected choice references it)' : 'not installed (not active)');
    }
    case 'restart-action':
      return result.restartAction === assertion.expected ? undefined : failure(assertion.expected, result.restartAction);
    case 'log-exact':
      return sameList(result.log, assertion.expected) ? undefined : failure(listText(assertion.expected), listText(result.log));
    case 'log-contains':
      return result.log.includes(assertion.line)
        ? undefined
        : failure(`a line ${JSON.stringify(assertion.line)}`, result.log.length === 0 ? 'no log lines' : listText(result.log));
    case 'no-errors': {
      const errors = [...parseDiagnostics, ...result.diagnostics].filter((d) => d.severity === 'error');
      if ((errors.length === 0) === assertion.expected) return undefined;
      return failure(assertion.expected ? 'no error diagnostics' : 'an error diagnostic', errors.length === 0 ? 'none' : diagnosticsText(errors));
    }
    case 'diagnostic': {
      const found = [...parseDiagnostics, ...result.diagnostics].filter((d) => d.code === assertion.code);
      if (found.length > 0 === assertion.present) return undefined;
      return assertion.present ? failure(assertion.code, 'absent') : failure(`no ${assertion.code}`, diagnosticsText(found));
    }
  }
}

function checkResult(result: ProfileResult, volume: string | null): CheckResult | undefined {
  return volume === null ? result.installationCheck : result.volumes.find((v) => v.mountpoint === volume);
}

function expectedOf(assertion: Assertion): unknown {
  return 'expected' in assertion ? assertion.expected : undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function listText(items: readonly string[]): string {
  if (items.length === 0) return '[]';
  const shown = items.slice(0, 50).map((s) => JSON.stringify(abbreviate(s, 200)));
  return `[${shown.join(', ')}${items.length > 50 ? `, … (${items.length - 50} more)` : ''}]`;
}

function diagnosticsText(diagnostics: readonly Diagnostic[]): string {
  const shown = diagnostics.slice(0, 3).map((d) => `${d.code}: ${abbreviate(d.message, 160)}`);
  return diagnostics.length > 3 ? `${shown.join('; ')}; … (${diagnostics.length - 3} more)` : shown.join('; ');
}

function quoteCap(text: string): string {
  return abbreviate(text, MAX_QUOTED);
}
