import { isMainThread } from 'node:worker_threads';
import type { RunSettings } from '../simulate/settings.js';

/**
 * A small run evaluates on the calling thread: starting a worker thread and
 * loading the simulation into it costs more than evaluating a few dozen
 * profiles (one file on every built-in profile: 0.51 s on this thread against
 * 0.67 s through the pool, measured). The hard stop stays: the job runs under
 * node:vm's `timeout`, whose termination reaches into a long native
 * WebAssembly call (measured: a guest stuck in one native call stopped 2 ms
 * past a 300 ms limit).
 */
export const MAIN_THREAD_MAX_JOBS = 32;

/**
 * A small run that turns out slow (expensive scripts, limits hit) hands the
 * jobs it has not started to the worker pool after this much time on the
 * main thread, so it still uses every core. Results do not depend on where a
 * job runs.
 */
export const MAIN_THREAD_BUDGET_MS = 300;

/**
 * QuickJS recursion runs on the host thread's own stack: above this JavaScript
 * stack limit a deep guest recursion overflows the main thread's stack before
 * QuickJS's own check (workers get a 4 MiB stack).
 */
export const MAIN_THREAD_MAX_STACK_BYTES = 384 * 1024;

/** Set to 1 to evaluate every profile on worker threads, as large runs do. */
export const NO_MAIN_THREAD_ENV = 'DISTSIM_NO_MAIN_THREAD';

/**
 * Whether a run of `jobs` (input × profile) evaluations takes the main-thread
 * path: only by default (`workers` not given), only for a few jobs, only on
 * the main thread of the process and with a stack limit the main thread's
 * stack can hold, and not when DISTSIM_NO_MAIN_THREAD=1.
 */
export function usesMainThread(
  jobs: number,
  limits: Pick<RunSettings['limits'], 'stackBytes'>,
  workers: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return (
    workers === undefined &&
    jobs >= 1 &&
    jobs <= MAIN_THREAD_MAX_JOBS &&
    limits.stackBytes <= MAIN_THREAD_MAX_STACK_BYTES &&
    isMainThread &&
    env[NO_MAIN_THREAD_ENV] !== '1'
  );
}
