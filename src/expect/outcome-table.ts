/**
 * One Distribution's outcomes as a table: a row per profile; columns for
 * installable, the installation-check, each volume (by mountpoint) and each
 * choice (by id, in outline order, as first met across the profiles), and
 * the expectation results when the report has them. The matrix and Markdown
 * reporters draw it, each with its own symbols.
 */
import type { CheckResult, MacSummary, RunReport, SimulationReport } from '../types.js';
import type { TestCaseResult } from './test-case.js';

export type OutcomeColumn =
  { kind: 'installable' } | { kind: 'installation-check' } | { kind: 'volume'; mountpoint: string } | { kind: 'choice'; id: string } | { kind: 'tests' };

export type OutcomeCell =
  | { kind: 'installable'; installable: boolean }
  | { kind: 'check'; check: Pick<CheckResult, 'passed' | 'resultType'> | null }
  | { kind: 'choice'; state: { visible: boolean; enabled: boolean; selected: boolean } | null }
  | { kind: 'tests'; passed: number; failed: number; errors: number };

interface OutcomeRow {
  profile: string;
  mac: MacSummary;
  blockers: Array<{ code: string; message: string }>;
  cells: OutcomeCell[];
}

export interface OutcomeTable {
  columns: OutcomeColumn[];
  rows: OutcomeRow[];
  /** The failed or unchecked expectations of this Distribution, in report order. */
  problems: TestCaseResult[];
}

/** The table for `report.distributions[index]` (a simulation, not an input failure). */
export function outcomeTable(report: RunReport, index: number, entry: SimulationReport): OutcomeTable {
  const volumes = new Set<string>();
  const choices = new Set<string>();
  for (const r of entry.results) {
    for (const v of r.volumes) volumes.add(v.mountpoint);
    for (const c of r.choices) choices.add(c.id);
  }
  const tests = report.tests?.filter((t) => t.distribution === index);
  const columns: OutcomeColumn[] = [
    { kind: 'installable' },
    { kind: 'installation-check' },
    ...[...volumes].map((mountpoint): OutcomeColumn => ({ kind: 'volume', mountpoint })),
    ...[...choices].map((id): OutcomeColumn => ({ kind: 'choice', id })),
    ...(tests === undefined ? [] : [{ kind: 'tests' } as const]),
  ];
  const byProfile = new Map<string, { passed: number; failed: number; errors: number }>();
  for (const t of tests ?? []) {
    if (t.profile === null) continue;
    const counts = byProfile.get(t.profile) ?? { passed: 0, failed: 0, errors: 0 };
    if (t.status === 'passed') counts.passed++;
    else if (t.status === 'failed') counts.failed++;
    else counts.errors++;
    byProfile.set(t.profile, counts);
  }
  const rows = entry.results.map((r): OutcomeRow => {
    const volumeOf = new Map<string, CheckResult>();
    for (const v of r.volumes) if (!volumeOf.has(v.mountpoint)) volumeOf.set(v.mountpoint, v);
    const choiceOf = new Map<string, { visible: boolean; enabled: boolean; selected: boolean }>();
    for (const c of r.choices) if (!choiceOf.has(c.id)) choiceOf.set(c.id, c);
    const cells = columns.map((column): OutcomeCell => {
      switch (column.kind) {
        case 'installable':
          return { kind: 'installable', installable: r.installable };
        case 'installation-check':
          return { kind: 'check', check: r.installationCheck };
        case 'volume':
          return { kind: 'check', check: volumeOf.get(column.mountpoint) ?? null };
        case 'choice':
          return { kind: 'choice', state: choiceOf.get(column.id) ?? null };
        case 'tests':
          return { kind: 'tests', ...(byProfile.get(r.profile) ?? { passed: 0, failed: 0, errors: 0 }) };
      }
    });
    return { profile: r.profile, mac: r.mac, blockers: r.blockers, cells };
  });
  return { columns, rows, problems: (tests ?? []).filter((t) => t.status !== 'passed') };
}

/** visible, enabled, selected as three characters: a letter when true, `-` when false (`ves`, `-e-`). */
export function choiceLetters(state: { visible: boolean; enabled: boolean; selected: boolean }): string {
  return `${state.visible ? 'v' : '-'}${state.enabled ? 'e' : '-'}${state.selected ? 's' : '-'}`;
}
