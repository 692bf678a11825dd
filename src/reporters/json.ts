import type { RunReport } from '../types.js';

/** The report document as JSON: stable key order, no timestamps, so it can be diffed and golden-tested. */
export function renderJson(report: RunReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
