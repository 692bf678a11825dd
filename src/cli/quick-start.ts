import { setFlagsFromString } from 'node:v8';
import { NO_MAIN_THREAD_ENV } from '../runner/small-run.js';

/** Flags after which a `run` always uses worker threads (many profiles, or a stack the main thread cannot give). */
const LARGE_RUN_FLAGS = new Set(['--where', '--profiles-dir', '--profile-file', '--jobs', '-j', '--stack-limit']);

/**
 * A guess, from the raw arguments before they are parsed, whether `run` will
 * use the worker pool: then a worker is started at once. Without -p/--profile
 * every built-in profile runs. A wrong guess only costs time (a worker started
 * for nothing, or started later): the run itself decides from parsed flags.
 */
export function likelyLargeRun(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv[0] !== 'run') return false;
  if (env[NO_MAIN_THREAD_ENV] === '1') return true;
  let profiles = 0;
  let other = 0;
  for (const arg of argv.slice(1)) {
    const flag = arg.startsWith('--') ? arg.split('=', 1)[0]! : arg;
    if (LARGE_RUN_FLAGS.has(flag)) return true;
    if (flag === '-p' || flag === '--profile') profiles++;
    else if (!arg.startsWith('-')) other++;
  }
  // Values of -p and the files to simulate are both plain words; more than a few of them is more than a few jobs.
  return profiles === 0 || other > 4;
}

/**
 * For a run that evaluates on this thread: V8 compiles QuickJS's WebAssembly
 * with its baseline compiler only. Otherwise it optimises the module in the
 * background and the process waits for that at exit (measured: ~160 ms after
 * the report was written), more than a few profiles gain from it (the
 * optimised code is 8-15% faster). V8 reads the flag when a module compiles:
 * it must be set before the first QuickJS module of the process.
 */
export function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}
