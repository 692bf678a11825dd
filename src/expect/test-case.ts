import type { RunReport } from '../types.js';

/** One checked (Distribution, profile, expectation): an entry of the report's `tests`. */
export type TestCaseResult = NonNullable<RunReport['tests']>[number];

/** Counts of a report's test cases by status. */
export function testCounts(report: RunReport): { total: number; passed: number; failed: number; errors: number } {
  const tests = report.tests ?? [];
  let passed = 0;
  let failed = 0;
  let errors = 0;
  for (const t of tests) {
    if (t.status === 'passed') passed++;
    else if (t.status === 'failed') failed++;
    else errors++;
  }
  return { total: tests.length, passed, failed, errors };
}
