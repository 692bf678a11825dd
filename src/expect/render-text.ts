import { formatLocation } from '../diagnostics/diagnostic.js';
import { isInputFailure, type RunReport } from '../types.js';
import { terminalText as t } from '../util/terminal-text.js';
import { testCounts } from './test-case.js';

/**
 * `distsim test` as text: each failed or unchecked expectation with its
 * profile, place in the expectation file, and expected against actual (and
 * the explanation of the actual value, when there is one); then one summary
 * line. Passed expectations are only counted. All text from the report
 * (messages, ids, paths) is shown escaped, so a Distribution cannot repaint
 * the verdict.
 */
export function renderTestText(report: RunReport): string {
  const lines: string[] = [];
  for (const test of report.tests ?? []) {
    if (test.status === 'passed') continue;
    const entry = report.distributions[test.distribution];
    const where = test.location ? `  (${t(formatLocation(test.location))})` : '';
    if (test.profile === null) {
      lines.push(`ERROR ${t(entry?.path ?? '?')}${where}`);
      if (test.error) lines.push(`  ${t(test.error.code)}: ${t(test.error.message)}`);
      if (entry && isInputFailure(entry) && entry.error.hint) lines.push(`  hint: ${t(entry.error.hint)}`);
      continue;
    }
    lines.push(`${test.status === 'failed' ? 'FAIL' : 'ERROR'} ${t(entry?.path ?? '?')}  ${t(test.profile)}: ${t(test.name)}${where}`);
    if (test.error) lines.push(`  ${t(test.error.code)}: ${t(test.error.message)}`);
    for (const f of test.failures) {
      const at = f.location ? ` (line ${f.location.line})` : '';
      lines.push(`  ${t(f.assertion)}${at}: expected ${t(f.expected)}, got ${t(f.actual)}`);
      if (f.why !== null) lines.push(`    why: ${t(f.why)}`);
    }
  }
  const c = testCounts(report);
  const profiles = new Set((report.tests ?? []).map((x) => x.profile).filter((p) => p !== null)).size;
  const verdict = c.failed + c.errors === 0 ? 'ok' : 'FAILED';
  const parts = [`${c.passed} passed`, `${c.failed} failed`, ...(c.errors > 0 ? [`${c.errors} error${c.errors === 1 ? '' : 's'}`] : [])];
  if (lines.length > 0) lines.push('');
  lines.push(
    `${verdict}: ${parts.join(', ')} (${c.total} check${c.total === 1 ? '' : 's'} on ${report.distributions.length} Distribution${report.distributions.length === 1 ? '' : 's'} × ${profiles} profile${profiles === 1 ? '' : 's'})`,
  );
  return lines.join('\n') + '\n';
}
