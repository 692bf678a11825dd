import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Distribution } from '../src/distribution/model.js';
import { loadProfiles } from '../src/profile/index.js';
import { packageRoot } from '../src/package-root.js';
import type { Profile } from '../src/profile/types.js';
import { getEngine, setWasmMemoryCap } from '../src/sandbox/engine.js';
import { setFastPaths } from '../src/sandbox/fast-paths.js';
import { defaultPolicies } from '../src/installer/policy.js';
import { quickjsSessions, runProfile, type SessionFactory } from '../src/simulate/run-profile.js';
import { DEFAULT_LIMITS } from '../src/simulate/limits.js';
import { simulateRun } from '../src/runner/simulate.js';
import type { RunSettings } from '../src/simulate/settings.js';
import { corpusDistributions } from './corpus.js';
import { vmSessions } from './vm-sessions.js';

/**
 * npm run bench: every figure measured in this run, medians of several
 * rounds, each compared with its baseline measured alongside. Not a test:
 * it never fails; docs/performance.md records results and targets.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const root = packageRoot();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const line = (label: string, text: string) => console.log(`${label.padEnd(22)} ${text}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

setWasmMemoryCap(DEFAULT_LIMITS.wasmMemoryBytes);
const distributions = corpusDistributions();
const profiles = loadProfiles({});
const settings: RunSettings = { policies: defaultPolicies(), limits: DEFAULT_LIMITS, now: 0, seed: 1 };
const engine = await getEngine();
const quickjs = quickjsSessions(engine);
const nodeVm = vmSessions();

function rate(sessions: SessionFactory, dists: Distribution[], profs: Profile[], how: RunSettings = settings): number {
  const start = performance.now();
  let n = 0;
  for (const d of dists) {
    for (const p of profs) {
      runProfile(sessions, d, p, how);
      n++;
    }
  }
  return (n / (performance.now() - start)) * 1000;
}

/** The same, with the fast paths (memory images, direct host calls) switched off: a fresh runtime and context per profile. */
function slowRate(dists: Distribution[], profs: Profile[]): number {
  setFastPaths(false);
  try {
    return rate(quickjsSessions(engine), dists, profs);
  } finally {
    setFastPaths(true);
  }
}

/** The floor of the slow path: creating and disposing a bare QuickJS runtime and context, nothing evaluated. */
function floorRate(n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const runtime = engine.newRuntime();
    runtime.newContext().dispose();
    runtime.dispose();
  }
  return (n / (performance.now() - start)) * 1000;
}

// Warm both engines, then alternate rounds so machine noise hits both alike.
rate(quickjs, distributions, profiles.slice(0, 3));
rate(nodeVm, distributions, profiles.slice(0, 3));
const q: number[] = [];
const v: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  q.push(rate(quickjs, distributions, profiles));
  v.push(rate(nodeVm, distributions, profiles));
}
const jobs = distributions.length * profiles.length;
line(
  'corpus',
  `${distributions.length} well-formed Distributions × ${profiles.length} built-in profiles = ${jobs} profile evaluations per round, ${ROUNDS} rounds`,
);
line('throughput distsim', `${fmt(median(q))} profile evaluations/s (1 thread, QuickJS sandbox; rounds ${q.map(fmt).join(', ')})`);
line('throughput node:vm', `${fmt(median(v))} profile evaluations/s (1 thread, same mocks in node:vm; rounds ${v.map(fmt).join(', ')})`);
// Rounds alternate, so each pair saw the same machine load: the median of the paired ratios resists drift.
const ratios = q.map((x, i) => x / v[i]!);
line('ratio', `distsim / node:vm = ${median(ratios).toFixed(2)} (median of paired rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ≥ 2.50)`);

const typicalName = 'golang__go__misc_dist_darwin_Distribution.xml';
const typical = distributions.filter((d) => d.path === typicalName);
// 16 × 26 = 416 evaluations per round (~0.1 s): shorter rounds were dominated by single GC pauses.
const many = Array.from({ length: 16 }, () => profiles).flat();
const traced: RunSettings = { ...settings, trace: { maxEvents: 10_000 } };
const t: number[] = [];
const slow: number[] = [];
const withTrace: number[] = [];
const floor: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  t.push(rate(quickjs, typical, many));
  slow.push(slowRate(typical, many));
  withTrace.push(rate(quickjs, typical, many, traced));
  floor.push(floorRate(many.length));
}
const pairs = (xs: number[]) => t.map((x, i) => x / xs[i]!);
line('typical Distribution', `${fmt(median(t))} profile evaluations/s per core on ${typicalName} (target ≥ 3,000; rounds ${t.map(fmt).join(', ')})`);
line(
  '  without fast paths',
  `${fmt(median(slow))}/s with a fresh runtime and context per profile (DISTSIM_FAST_PATHS=0); fast paths × ${median(pairs(slow)).toFixed(2)}`,
);
line('  runtime floor', `${fmt(median(floor))}/s bare QuickJS runtime + context create and dispose, nothing evaluated (the slow path's ceiling)`);
line(
  '  with --trace',
  `${fmt(median(withTrace))}/s recording every evaluation and API call (× ${median(withTrace.map((x, i) => x / t[i]!)).toFixed(2)} of the untraced rate, paired rounds)`,
);

// Cold start: whole processes.
const cli = path.join(root, 'bin', 'distsim.js');
const example = path.join(root, 'examples', 'example-app.xml');
const time = (args: string[]) => {
  const s = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - s;
};
const cold: number[] = [];
const bare: number[] = [];
for (let r = 0; r < Math.max(ROUNDS, 7); r++) {
  bare.push(time(['-e', '0']));
  cold.push(time([cli, 'run', example, '-p', 'macmini-m4-2024-26.5.2', '--format', 'json']));
}
line(
  'cold start',
  `distsim run (1 file, 1 profile) ${fmt(median(cold))} ms median; node -e 0 ${fmt(median(bare))} ms; ratio ${median(cold.map((c, i) => c / bare[i]!)).toFixed(2)} (median of paired runs; target ≤ 3)`,
);

// Peak memory of 10,000 evaluations, in a fresh process.
const child = path.join(root, '.test-build', 'bench', 'memory-child.js');
const mem = JSON.parse(execFileSync(process.execPath, [child, '10000'], { encoding: 'utf8' })) as { maxRssBytes: number };
line('memory', `10,000 evaluations: peak RSS ${fmt(mem.maxRssBytes / 1048576)} MB (target < 200 MB)`);

// Scaling: the same matrix through the worker pool.
const cores = availableParallelism();
const scale = async (workers: number) => {
  const s = performance.now();
  await simulateRun(distributions, profiles, { workers });
  return (jobs / (performance.now() - s)) * 1000;
};
const one: number[] = [];
const all: number[] = [];
for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
  one.push(await scale(1));
  all.push(await scale(cores));
}
const speedups = all.map((x, i) => x / one[i]!);
line(
  'scaling',
  `worker pool: 1 worker ${fmt(median(one))}/s; ${cores} workers ${fmt(median(all))}/s; speedup ${median(speedups).toFixed(2)}× on ${cores} cores (paired rounds ${speedups.map((r) => r.toFixed(2)).join(', ')})`,
);
