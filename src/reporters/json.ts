import type { SimulationReport } from '../types.js';

/** The JSON document: stable key order, no timestamps, so it can be diffed and golden-tested. */
export function renderJson(report: SimulationReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
