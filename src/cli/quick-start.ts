import { setFlagsFromString } from 'node:v8';
import { NO_MAIN_THREAD_ENV } from '../runner/small-run.js';

/** Flags whose value is an output choice, not a file or a profile id. */
const OUTPUT_FLAGS = new Set(['-f', '--format', '-o', '--output']);

/** Flags after which a `run` always uses worker threads (many profiles, or a stack the main thread cannot give). */
const LARGE_RUN_FLAGS = new Set(['--where', '--profiles-dir', '--profile-file', '--jobs', '-j', '--stack-limit']);

/**
 * A guess, from the raw arguments before they are parsed, of how `run` will
 * evaluate (undefined for other commands): `large` when it will use the worker
 * pool, `small` when it will surely take the main-thread path (small-run.ts),
 * which needs either -p/--profile and at most four plain words (files,
 * profile ids, flag values other than the format and output file) in all,
 * so that files × profiles is at most 4, or no -p and a single file (every
 * built-in profile). A wrong `large` only costs time (a worker started for
 * nothing); `small` is never wrong.
 */
export function guessRunSize(argv: readonly string[], env: NodeJS.ProcessEnv): 'small' | 'large' | undefined {
  if (argv[0] !== 'run') return undefined;
  if (env[NO_MAIN_THREAD_ENV] === '1') return 'large';
  let profiles = 0;
  let words = 0;
  let skipValue = false;
  for (const arg of argv.slice(1)) {
    const flag = arg.startsWith('-') ? arg.split('=', 1)[0]! : undefined;
    if (skipValue && flag === undefined) {
      skipValue = false;
      continue;
    }
    skipValue = false;
    if (flag !== undefined && OUTPUT_FLAGS.has(flag) && !arg.includes('=')) skipValue = true;
    else if (flag === undefined) words++;
    else if (LARGE_RUN_FLAGS.has(flag)) return 'large';
    else if (flag === '-p' || flag === '--profile') {
      profiles++;
      if (arg.includes('=')) words++;
    } else if (/^-[^-]/.test(flag) && flag !== '-f' && flag !== '-o' && flag !== '-v') return 'large';
  }
  // No -p: one file on every built-in profile (26, at most MAIN_THREAD_MAX_JOBS; a test keeps it so).
  if (profiles === 0) return words === 1 ? 'small' : 'large';
  return words <= 4 ? 'small' : 'large';
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
