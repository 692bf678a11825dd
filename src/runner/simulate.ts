import { availableParallelism } from 'node:os';
import type { Distribution } from '../distribution/model.js';
import type { ChoiceChange } from '../input/choice-changes.js';
import { InputError } from '../errors.js';
import type { Profile } from '../profile/types.js';
import { getEngine, retireEngine, setWasmMemoryCap } from '../sandbox/engine.js';
import { defaultPolicies, type Policies } from '../installer/policy.js';
import { DEFAULT_LIMITS, DEFAULT_NOW, DEFAULT_SEED, MAX_STACK_BYTES, MIN_STACK_BYTES } from '../simulate/limits.js';
import { EngineFault, quickjsSessions, runProfile } from '../simulate/run-profile.js';
import type { RunSettings } from '../simulate/settings.js';
import { isInputFailure, type InputFailure, type ProfileResult, type RunReport, type SimulationReport } from '../types.js';
import { toolVersion } from '../version.js';
import { runOnMainThread } from './main-thread.js';
import { MAIN_THREAD_BUDGET_MS, usesMainThread } from './small-run.js';
import { EvaluationPool, type Job } from './pool.js';

export interface SimulateOptions {
  policies?: Partial<Policies>;
  limits?: Partial<typeof DEFAULT_LIMITS>;
  /** Guest clock, ms since the epoch. */
  now?: number;
  seed?: number;
  /**
   * Worker threads (default: cores). By default a small run (at most
   * MAIN_THREAD_MAX_JOBS jobs, a stack limit up to 384 KiB, see
   * small-run.ts) evaluates on the calling thread under a vm timeout instead,
   * which still stops a guest stuck in a native call; DISTSIM_NO_MAIN_THREAD=1
   * turns that off. `0` runs every profile on the calling thread: the same
   * results, no thread start-up, but no watchdog for a guest stuck inside one
   * long native call (the in-engine wall-clock check still stops interpreted
   * code).
   */
  workers?: number;
  /** User clicks and an Apple choice-changes file, applied after the default choice state (see src/input/choice-changes.ts). */
  choiceChanges?: ChoiceChange[];
  onProgress?: (done: number, total: number) => void;
  /** Record each profile's evaluations, API calls and log lines in `ProfileResult.trace`, up to maxEvents per profile. */
  trace?: { maxEvents: number };
}

/** How long after the in-engine wall-clock check the pool's watchdog stops a worker. */
const WATCHDOG_MARGIN_MS = 500;

/** Simulates one Distribution on each profile (in the given order). */
export async function simulate(distribution: Distribution, profiles: Profile[], options: SimulateOptions = {}): Promise<SimulationReport> {
  const report = await simulateRun([distribution], profiles, options);
  return report.distributions[0] as SimulationReport;
}

/**
 * Simulates several inputs on the same profiles with one pool of workers and
 * returns the report document. An input that could not be read is passed as
 * an InputFailure and reported in place, so one bad file never hides the
 * others' results.
 */
export async function simulateRun(inputs: Array<Distribution | InputFailure>, profiles: Profile[], options: SimulateOptions = {}): Promise<RunReport> {
  const settings = runSettings(options);
  const distributions = inputs.filter((input): input is Distribution => !isInputFailure(input));
  const jobs = distributions.flatMap((distribution) => profiles.map((profile) => ({ distribution, profile, settings })));
  let results: ProfileResult[];
  if (options.workers === 0) {
    results = await runInProcess(jobs, settings, options.onProgress);
  } else if (usesMainThread(jobs.length, settings.limits, options.workers)) {
    results = await runSmall(jobs, settings, options.onProgress);
  } else {
    results = await runPool(jobs, settings, options.workers, options.onProgress);
  }
  let next = 0;
  return {
    schemaVersion: 2,
    tool: { name: 'distsim', version: toolVersion() },
    distributions: inputs.map((input) => {
      if (isInputFailure(input)) return input;
      const distribution = input;
      const start = next;
      next += profiles.length;
      return {
        path: distribution.path,
        title: distribution.title ?? null,
        diagnostics: distribution.diagnostics,
        ...(distribution.package && { package: distribution.package }),
        results: results.slice(start, next),
      };
    }),
  };
}

/** The pool's watchdog: an evaluation's wall-clock limit plus the margin past the interrupt handler's own check. */
function watchdogMs(settings: RunSettings): number {
  return settings.limits.hardTimeoutMs! + WATCHDOG_MARGIN_MS;
}

async function runPool(
  jobs: Job[],
  settings: RunSettings,
  workers: number | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<ProfileResult[]> {
  const pool = new EvaluationPool({
    workers: Math.min(workers ?? availableParallelism(), Math.max(1, jobs.length)),
    // The interrupt handler's own wall-clock check fires at hardTimeoutMs; the watchdog only for a guest stuck in a native call.
    hardTimeoutMs: watchdogMs(settings),
    wasmMemoryCap: wasmMemoryCap(settings),
    ...(onProgress && { onProgress }),
  });
  try {
    return await pool.run(jobs);
  } finally {
    pool.close();
  }
}

/** A small run: on this thread under a vm timeout; what faults there finishes in the pool. */
async function runSmall(jobs: Job[], settings: RunSettings, onProgress?: (done: number, total: number) => void): Promise<ProfileResult[]> {
  const { results, handover } = await runOnMainThread(jobs, {
    hardTimeoutMs: watchdogMs(settings),
    wasmMemoryCap: wasmMemoryCap(settings),
    budgetMs: MAIN_THREAD_BUDGET_MS,
    ...(onProgress && { onProgress: (done: number) => onProgress(done, jobs.length) }),
  });
  if (handover.length === 0) return results;
  const done = results.length;
  const rest = await runPool(handover, settings, undefined, onProgress && ((n) => onProgress(done + n, jobs.length)));
  return [...results, ...rest];
}

/** The settings every job of a run shares; limits are checked here (library errors carry data, not flag names). */
export function runSettings(options: SimulateOptions): RunSettings {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (!(limits.stackBytes >= MIN_STACK_BYTES && limits.stackBytes <= MAX_STACK_BYTES)) {
    throw new InputError(
      `stack limit ${limits.stackBytes} bytes is outside ${MIN_STACK_BYTES}..${MAX_STACK_BYTES} (larger limits overflow QuickJS's WebAssembly stack)`,
      { code: 'LIMIT_OUT_OF_RANGE' },
    );
  }
  return {
    policies: { ...defaultPolicies(), ...options.policies },
    limits,
    now: options.now ?? DEFAULT_NOW,
    seed: options.seed ?? DEFAULT_SEED,
    ...(options.choiceChanges && { choiceChanges: options.choiceChanges }),
    ...(options.trace && { trace: { maxEvents: options.trace.maxEvents } }),
  };
}

/** QuickJS's heap limit misses large strings; the WebAssembly memory cap is the hard one. */
function wasmMemoryCap(settings: RunSettings): number {
  return Math.max(DEFAULT_LIMITS.wasmMemoryBytes, settings.limits.memoryBytes * 2);
}

async function runInProcess(jobs: Job[], settings: RunSettings, onProgress?: (done: number, total: number) => void): Promise<ProfileResult[]> {
  setWasmMemoryCap(wasmMemoryCap(settings));
  const results: ProfileResult[] = [];
  for (const job of jobs) {
    const poisoned: NonNullable<RunSettings['poisoned']> = {};
    for (let attempt = 0; ; attempt++) {
      const engine = await getEngine();
      try {
        const result = runProfile(quickjsSessions(engine), job.distribution, job.profile, { ...job.settings, poisoned });
        if (result.diagnostics.some((d) => d.code === 'SANDBOX_TEARDOWN_ABORT')) retireEngine();
        // A result crosses no thread here, but it is cloned the same way so callers cannot tell the two paths apart.
        results.push(JSON.parse(JSON.stringify(result)) as ProfileResult);
        break;
      } catch (error) {
        // As in a worker: a fault of the engine retires the module, and the profile is evaluated again with that evaluation failed.
        retireEngine();
        if (!(error instanceof EngineFault) || attempt >= 8) throw error;
        poisoned[error.evaluable] = { kind: error.kind };
      }
    }
    onProgress?.(results.length, jobs.length);
  }
  return results;
}
