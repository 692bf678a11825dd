import { availableParallelism } from 'node:os';
import type { Distribution } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
import { EvaluationPool } from '../runner/pool.js';
import type { ProfileResult, SimulationReport } from '../types.js';
import { toolVersion } from '../version.js';
import { defaultPolicies, type Policies } from './policy.js';
import { UsageError } from '../errors.js';
import { DEFAULT_LIMITS, DEFAULT_NOW, DEFAULT_SEED, MAX_STACK_BYTES, MIN_STACK_BYTES } from './limits.js';
import type { RunSettings } from './settings.js';

export { DEFAULT_LIMITS, DEFAULT_NOW, DEFAULT_SEED } from './limits.js';

/** How long after the in-engine wall-clock check the pool's watchdog stops a worker. */
const WATCHDOG_MARGIN_MS = 500;

export interface SimulateOptions {
  policies?: Partial<Policies>;
  limits?: Partial<typeof DEFAULT_LIMITS>;
  /** Guest clock, ms since the epoch. */
  now?: number;
  seed?: number;
  /** Worker threads (default: cores). */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Simulates one Distribution on each profile (in the given order). */
export async function simulate(distribution: Distribution, profiles: Profile[], options: SimulateOptions = {}): Promise<SimulationReport> {
  const [report] = await simulateMany([distribution], profiles, options);
  return report!;
}

/** Simulates several Distributions on the same profiles with one pool of workers. */
export async function simulateMany(distributions: Distribution[], profiles: Profile[], options: SimulateOptions = {}): Promise<SimulationReport[]> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (limits.stackBytes > MAX_STACK_BYTES || limits.stackBytes < MIN_STACK_BYTES) {
    throw new UsageError(`stack limit ${limits.stackBytes} bytes is outside ${MIN_STACK_BYTES}..${MAX_STACK_BYTES} (larger limits overflow QuickJS's WebAssembly stack)`);
  }
  const settings: RunSettings = {
    policies: { ...defaultPolicies(), ...options.policies },
    limits,
    now: options.now ?? DEFAULT_NOW,
    seed: options.seed ?? DEFAULT_SEED,
  };
  const jobs = distributions.flatMap((distribution) => profiles.map((profile) => ({ distribution, profile, settings })));
  const pool = new EvaluationPool({
    workers: Math.min(options.workers ?? availableParallelism(), jobs.length),
    // The interrupt handler's own wall-clock check fires at hardTimeoutMs; the watchdog only for a guest stuck in a native call.
    hardTimeoutMs: limits.hardTimeoutMs + WATCHDOG_MARGIN_MS,
    wasmMemoryCap: limits.wasmMemoryBytes,
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
  let results: ProfileResult[];
  try {
    results = await pool.run(jobs);
  } finally {
    pool.close();
  }
  return distributions.map((distribution, d) => ({
    schemaVersion: 1,
    tool: { name: 'distsim', version: toolVersion() },
    distribution: { path: distribution.path, title: distribution.title ?? null },
    diagnostics: distribution.diagnostics,
    results: results.slice(d * profiles.length, (d + 1) * profiles.length),
  }));
}
