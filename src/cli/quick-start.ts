import { setFlagsFromString } from 'node:v8';
import { NO_MAIN_THREAD_ENV } from '../runner/small-run.js';

/** Flags after which a `run` always uses worker threads (many profiles, or a stack the main thread cannot give). */
const LARGE_RUN_FLAGS = new Set(['--where', '--profiles-dir', '--profile-file', '--jobs', '-j', '--stack-limit']);

/**
 * A guess, from the raw arguments before they are parsed, of how `run` will
 * evaluate (undefined for other commands): `large` when it will use the worker
 * pool, `small` when it will surely take the main-thread path (small-run.ts),
 * which needs -p/--profile and at most four plain words (files, profile ids,
 * flag values) in all: then files × profiles is at most 4. A wrong `large`
 * only costs time (a worker started for nothing); `small` is never wrong.
 */
export function guessRunSize(argv: readonly string[], env: NodeJS.ProcessEnv): 'small' | 'large' | undefined {
  if (argv[0] !== 'run') return undefined;
  if (env[NO_MAIN_THREAD_ENV] === '1') return 'large';
  let profiles = 0;
  let words = 0;
  for (const arg of argv.slice(1)) {
    const flag = arg.startsWith('-') ? arg.split('=', 1)[0]! : undefined;
    if (flag === undefined) words++;
    else if (LARGE_RUN_FLAGS.has(flag)) return 'large';
    else if (flag === '-p' || flag === '--profile') {
      profiles++;
      if (arg.includes('=')) words++;
    } else if (/^-[^-]/.test(flag) && flag !== '-f' && flag !== '-o' && flag !== '-v') return 'large';
  }
  return profiles > 0 && words <= 4 ? 'small' : 'large';
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
