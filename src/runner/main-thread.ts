import vm from 'node:vm';
import type { GuestError } from '../sandbox/guest-errors.js';
import { getEngine, retireEngine, setWasmMemoryCap } from '../sandbox/engine.js';
import { EngineFault, quickjsSessions, runProfile } from '../simulate/run-profile.js';
import type { Poison } from '../simulate/settings.js';
import type { ProfileResult } from '../types.js';
import type { Job } from './pool.js';

export interface MainThreadOptions {
  /** Wall-clock limit of one evaluation, as the pool's watchdog enforces it. */
  hardTimeoutMs: number;
  wasmMemoryCap: number;
  /** After this long on the main thread the jobs not yet started go to the pool. */
  budgetMs?: number;
  onProgress?: (done: number) => void;
}

/**
 * The whole job runs under one vm timeout, so it gets more than one
 * evaluation's limit: this factor of it. When the timeout fires, the
 * evaluation in progress is the culprit only if it alone ran past the limit
 * (it is then failed in the pool's replay, as after a watchdog kill);
 * otherwise the pool runs the job again from the start.
 */
const JOB_TIMEOUT_FACTOR = 1.5;

/**
 * The vm script calls the job through this global (a registry symbol, set only
 * while the job runs): running in this context spares creating a new one.
 */
const JOB = Symbol.for('distsim.mainThreadJob');
const globals = globalThis as unknown as Record<symbol, (() => ProfileResult) | undefined>;

/** vm's error for a script stopped by its timeout. */
const TIMEOUT_CODE = 'ERR_SCRIPT_EXECUTION_TIMEOUT';

interface Progress {
  evaluable: number | undefined;
  started: number;
  polls: number;
  limited: Record<number, Poison>;
}

/**
 * The main-thread path of a small run (small-run.ts decides when): jobs run
 * on this thread under node:vm's `timeout`, so the hard stop of a stuck
 * guest stays. Runs jobs on this thread, in order, until the first fault, and returns
 * their results and the jobs left for the pool (the rest, in order). A fault (the
 * vm timeout stopping a stuck evaluation, an EngineFault, a teardown abort)
 * retires the QuickJS module and hands that job and every later one to the
 * pool: the job with the evaluation to fail (as the pool replays a worker its
 * watchdog killed), the rest untouched. A stop can land in host code, so
 * nothing more runs on this thread after one.
 */
export async function runOnMainThread(jobs: Job[], options: MainThreadOptions): Promise<{ results: ProfileResult[]; handover: Job[] }> {
  const results: ProfileResult[] = [];
  const script = new vm.Script("globalThis[Symbol.for('distsim.mainThreadJob')]()", { filename: 'distsim-main-thread-job' });
  const deadline = performance.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  for (let index = 0; index < jobs.length; index++) {
    // Out of time: the rest goes to the pool as it is (the module stays good).
    if (index > 0 && performance.now() > deadline) return { results, handover: jobs.slice(index) };
    const job = jobs[index]!;
    const outcome = await runJob(job, options, script);
    if ('result' in outcome) {
      results.push(outcome.result);
      options.onProgress?.(results.length);
      if (!outcome.retire) continue;
      retireEngine();
      return { results, handover: jobs.slice(index + 1) };
    }
    retireEngine();
    return { results, handover: [{ ...job, settings: { ...job.settings, poisoned: outcome.poisoned } }, ...jobs.slice(index + 1)] };
  }
  return { results, handover: [] };
}

type Outcome = { result: ProfileResult; retire: boolean } | { poisoned: Record<number, Poison> };

async function runJob(job: Job, options: MainThreadOptions, script: vm.Script): Promise<Outcome> {
  // A few profiles never pay back proving memory images on the module: each gets a fresh runtime (the same results).
  const engine = await getEngine({ images: false });
  const progress: Progress = { evaluable: undefined, started: 0, polls: 0, limited: {} };
  const hook = {
    starting(evaluable: number) {
      progress.evaluable = evaluable;
      progress.started = Date.now();
      progress.polls = 0;
    },
    polled(count: number) {
      progress.polls = count;
    },
    limited(evaluable: number, kind: GuestError['kind']) {
      progress.limited[evaluable] = { kind };
    },
  };
  // The cap patches this thread's WebAssembly.Memory: lifted again at once, so the caller's own modules never meet it.
  setWasmMemoryCap(options.wasmMemoryCap);
  globals[JOB] = () => runProfile(quickjsSessions(engine), job.distribution, job.profile, job.settings, hook);
  try {
    const result = script.runInThisContext({ timeout: Math.ceil(options.hardTimeoutMs * JOB_TIMEOUT_FACTOR) }) as ProfileResult;
    // The pool's results cross a thread as JSON; cloning the same way keeps the two paths indistinguishable.
    return {
      result: JSON.parse(JSON.stringify(result)) as ProfileResult,
      retire: result.diagnostics.some((d) => d.code === 'SANDBOX_TEARDOWN_ABORT'),
    };
  } catch (error) {
    const original = { ...job.settings.poisoned };
    // As a worker reports it: the pool fails that evaluation in its replay.
    if (error instanceof EngineFault) return { poisoned: { ...original, [error.evaluable]: { kind: error.kind } } };
    const stuck = progress.evaluable;
    if ((error as NodeJS.ErrnoException)?.code === TIMEOUT_CODE && stuck !== undefined && Date.now() - progress.started >= options.hardTimeoutMs) {
      // What the pool records when its watchdog kills a worker: the limits hit so far and the stuck evaluation with its polls.
      return { poisoned: { ...original, ...progress.limited, [stuck]: { kind: 'hard-timeout', polls: progress.polls } } };
    }
    // Any other stop or error: the pool runs the job from the start and decides.
    return { poisoned: original };
  } finally {
    delete globals[JOB];
    setWasmMemoryCap(Number.POSITIVE_INFINITY);
  }
}
