import type { ProfileResult, TraceCall } from '../types.js';
import { TraceIndex } from './trace-index.js';
import { apiCall } from './why.js';

/** One outcome that differs between the two results. */
export interface OutcomeDifference {
  /** `installable`, `installation-check`, `volume-check:/`, `choice arm-build.visible`, `package:ID`, `blockers`, `evaluatedArch`. */
  outcome: string;
  a: string;
  b: string;
  /** The evaluation that decided it, when one did (its last run on each side). */
  decidedBy: string | null;
  /** The first Installer API answer or profile fact that differed, as a person reads it. */
  firstDifference: string | null;
}

export interface DiffReport {
  a: string;
  b: string;
  /** No outcome differs (facts may still: they are listed for information). */
  identical: boolean;
  /** Profile facts that differ and shape every evaluation (translation). */
  facts: string[];
  differences: OutcomeDifference[];
}

/** Ancestors searched for the attribute that decided a child's state. */
const MAX_ANCESTORS = 32;

/** Compares two traced results of one Distribution (pure: outcome by outcome, then their deciding evaluations' calls). */
export function diffResults(a: ProfileResult, b: ProfileResult, labels: { a: string; b: string } = { a: a.profile, b: b.profile }): DiffReport {
  const facts: string[] = [];
  if (a.translated !== b.translated || a.evaluatedArch !== b.evaluatedArch)
    facts.push(`evaluated ${archText(a)} on ${labels.a} vs ${archText(b)} on ${labels.b}`);
  const differences: OutcomeDifference[] = [];
  const ia = new TraceIndex(a.trace ?? []);
  const ib = new TraceIndex(b.trace ?? []);
  const add = (outcome: string, va: string, vb: string, sources: string[], target?: string) => {
    if (va === vb) return;
    differences.push({ outcome, a: va, b: vb, ...firstDifference(ia, ib, sources, target, facts) });
  };
  add('installable', String(a.installable), String(b.installable), []);
  add('blockers', a.blockers.map((x) => x.code).join(',') || 'none', b.blockers.map((x) => x.code).join(',') || 'none', []);
  add('installation-check', checkText(a.installationCheck), checkText(b.installationCheck), ['installation-check@script']);
  const volumes = new Set([...a.volumes.map((v) => v.mountpoint), ...b.volumes.map((v) => v.mountpoint)]);
  for (const mp of volumes) {
    const va = a.volumes.find((v) => v.mountpoint === mp);
    const vb = b.volumes.find((v) => v.mountpoint === mp);
    add(
      `volume-check:${mp}`,
      va ? (va.eligible ? 'eligible' : 'not eligible') : 'absent',
      vb ? (vb.eligible ? 'eligible' : 'not eligible') : 'absent',
      ['volume-check@script'],
      mp,
    );
  }
  const choicesA = new Map(a.choices.map((c) => [c.id, c]));
  const choicesB = new Map(b.choices.map((c) => [c.id, c]));
  for (const ca of a.choices) {
    const cb = choicesB.get(ca.id);
    if (!cb) continue;
    for (const flag of ['visible', 'enabled', 'selected'] as const) {
      if (ca[flag] === cb[flag]) continue;
      const sources = [`choice[${ca.id}]@${flag}`, `choice[${ca.id}]@start_${flag}`];
      // A child hidden by its parent: the parent's own attribute decides; follow the outline up (bounded: outlines are shallow, input is not).
      let depth = 0;
      for (let p = ca.parent; p !== null && depth < MAX_ANCESTORS; p = choicesA.get(p)?.parent ?? null, depth++) sources.push(`choice[${p}]@${flag}`);
      add(`choice ${ca.id}.${flag}`, String(ca[flag]), String(cb[flag]), sources);
    }
  }
  const packagesB = new Map(b.packages.map((p) => [p.id, p]));
  for (const pa of a.packages) {
    const pb = packagesB.get(pa.id);
    if (!pb) continue;
    add(`package:${pa.id}`, pa.install ? 'installs' : 'does not install', pb.install ? 'installs' : 'does not install', [
      `pkg-ref[${pa.id}]@active`,
      ...pa.choices.map((c) => `choice[${c}]@selected`),
    ]);
  }
  // A blocker on one side only says itself why; installable points at it, else at the first decided difference or the differing fact.
  const blockers = differences.find((d) => d.outcome === 'blockers');
  if (blockers) {
    const onlyA = a.blockers.find((x) => !b.blockers.some((y) => y.code === x.code));
    const onlyB = b.blockers.find((x) => !a.blockers.some((y) => y.code === x.code));
    const first = onlyA ? `${labels.a}: ${onlyA.message}` : onlyB ? `${labels.b}: ${onlyB.message}` : null;
    if (first) blockers.firstDifference = first;
  }
  const decided = differences.find((d) => d.firstDifference !== null && d.outcome !== 'installable');
  for (const d of differences)
    if (d.firstDifference === null && d.decidedBy === null)
      d.firstDifference = decided ? `see ${decided.outcome}: ${decided.firstDifference}` : (facts[0] ?? null);
  return { a: labels.a, b: labels.b, identical: differences.length === 0, facts, differences };
}

function archText(r: ProfileResult): string {
  return r.translated ? `translated (${r.evaluatedArch}, Rosetta 2)` : `native (${r.evaluatedArch})`;
}

function checkText(c: ProfileResult['installationCheck']): string {
  return c.passed ? 'passed' : `failed (${c.resultType ?? 'Fatal'})`;
}

interface Found {
  source: string;
  result: string;
  calls: TraceCall[];
}

/** The last evaluation of the first of `sources` that was evaluated (bound to volume `target` when given). */
function lastEvaluation(index: TraceIndex, sources: string[], target: string | undefined): Found | undefined {
  for (const source of sources) {
    const i = index.lastOf(source, target);
    if (i === undefined) continue;
    const e = index.evaluation(i);
    const result = e.outcome.ok ? (e.coerced !== undefined ? String(e.coerced) : e.outcome.type) : `threw ${e.outcome.error.name}`;
    return { source, result, calls: index.madeBy(i).calls };
  }
  return undefined;
}

function firstDifference(
  a: TraceIndex,
  b: TraceIndex,
  sources: string[],
  target: string | undefined,
  facts: string[],
): { decidedBy: string | null; firstDifference: string | null } {
  if (sources.length === 0) return { decidedBy: null, firstDifference: null };
  const ea = lastEvaluation(a, sources, target);
  const eb = lastEvaluation(b, sources, target);
  const decidedBy = ea?.source ?? eb?.source ?? null;
  if (!ea || !eb) return { decidedBy, firstDifference: ea || eb ? `${decidedBy} was evaluated on one side only` : (facts[0] ?? null) };
  const n = Math.max(ea.calls.length, eb.calls.length);
  for (let i = 0; i < n; i++) {
    const ca = ea.calls[i];
    const cb = eb.calls[i];
    const sa = ca ? apiCall(ca.op, ca.args) : undefined;
    const sb = cb ? apiCall(cb.op, cb.args) : undefined;
    if (sa === sb && ca!.answer === cb!.answer) continue;
    if (sa === sb) return { decidedBy, firstDifference: `${sa}: ${answerText(ca!)} vs ${answerText(cb!)}` };
    return {
      decidedBy,
      firstDifference: `${sa ? `${sa} = ${answerText(ca!)}` : 'no further call'} vs ${sb ? `${sb} = ${answerText(cb!)}` : 'no further call'}`,
    };
  }
  if (facts.length > 0) return { decidedBy, firstDifference: facts[0]! };
  return { decidedBy, firstDifference: ea.result !== eb.result ? `${decidedBy} returned ${ea.result} vs ${eb.result} with the same API answers` : null };
}

function answerText(c: TraceCall): string {
  return `${c.answer ?? 'undefined'}${c.absent ? ' (not in the profile)' : ''}`;
}

/** The diff as text lines. */
export function diffLines(d: DiffReport): string[] {
  if (d.identical) return [`${d.a} and ${d.b}: identical outcomes`, ...d.facts.map((f) => `  ${f}`)];
  const lines = [`${d.a} vs ${d.b}: ${d.differences.length} outcome${d.differences.length === 1 ? '' : 's'} differ`];
  for (const f of d.facts) lines.push(`  ${f}`);
  for (const x of d.differences) {
    lines.push(`  ${x.outcome}: ${x.a} vs ${x.b}`);
    if (x.decidedBy) lines.push(`    decided by ${x.decidedBy}`);
    if (x.firstDifference) lines.push(`    first difference: ${x.firstDifference}`);
  }
  return lines;
}
