import { isInputFailure, type RunReport } from '../types.js';

/** When a completed simulation fails a CI step (`--fail-on`). */
export type FailOn = 'error' | 'warning' | 'not-installable' | 'never';
export const FAIL_ON_CHOICES: readonly FailOn[] = ['error', 'warning', 'not-installable', 'never'];

/**
 * The exit code of a run: 2 when any input could not be read or parsed (the
 * other inputs are still reported), else 1 when `failOn` finds what it looks
 * for, else 0. `error`: an error diagnostic anywhere; `warning`: a warning or
 * an error; `not-installable`: a profile on which the product cannot be
 * installed; `never` (the default): a completed simulation is a success.
 */
export function exitCode(report: RunReport, options: { failOn?: FailOn } = {}): 0 | 1 | 2 {
  if (report.distributions.some(isInputFailure)) return 2;
  const failOn = options.failOn ?? 'never';
  if (failOn === 'never') return 0;
  for (const entry of report.distributions) {
    if (isInputFailure(entry)) continue;
    const diagnostics = [...entry.diagnostics, ...entry.results.flatMap((r) => r.diagnostics)];
    if (failOn === 'not-installable' && entry.results.some((r) => !r.installable)) return 1;
    if (failOn === 'error' && diagnostics.some((d) => d.severity === 'error')) return 1;
    if (failOn === 'warning' && diagnostics.some((d) => d.severity !== 'info')) return 1;
  }
  return 0;
}
