import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { inputFailure, readDistributionInput } from '../input/read-input.js';
import { readProductRequirements } from '../input/read-product.js';
import { isInputError } from '../errors.js';
import type { Distribution } from '../distribution/model.js';
import type { InputFailure } from '../types.js';
import { exitCode, FAIL_ON_CHOICES, type FailOn } from '../reporters/exit-code.js';
import { isInputFailure } from '../types.js';
import { terminalLines } from '../util/terminal-text.js';
import { checkSingleResult, diagnosticLines, SINGLE_RESULT_FORMATS } from '../reporters/choices-xml.js';
import { choiceChangesFromArgs, withChoiceOptions, type ChoiceArgs } from './choice-options.js';
import { FORMATS, render, type Format } from '../reporters/index.js';
import { simulateRun } from '../runner/simulate.js';
import { usesMainThread } from '../runner/small-run.js';
import { baselineWasmOnly } from './quick-start.js';
import { DEFAULT_LIMITS, DEFAULT_SEED, MAX_STACK_BYTES, MIN_STACK_BYTES } from '../simulate/limits.js';
import { parsePolicies } from '../installer/policy.js';
import { withFlag } from './flag-errors.js';
import { dateFlag, integerFlag, lastValue } from './flag-values.js';
import { prepareOutput } from './output-file.js';
import { chooseProfiles, withProfileOptions, type ProfileArgs } from './profile-options.js';
import { progressBar } from './progress.js';

export interface RunArgs extends ProfileArgs, ChoiceArgs {
  files: string[];
  product?: string;
  resources?: string;
  format: Format;
  policy?: string[];
  recover: boolean;
  /** Numeric flags arrive as text and are checked by {@link runSettings}. */
  timeout?: unknown;
  hardTimeout?: unknown;
  memoryLimit?: unknown;
  stackLimit?: unknown;
  jobs?: unknown;
  now?: unknown;
  seed?: unknown;
  verbose: boolean;
  color?: boolean;
  output?: unknown;
  failOn: FailOn;
  trace?: boolean;
}

/** Events kept per profile by `run --trace`. */
export const RUN_TRACE_EVENTS = 10_000;

/** Accepted ranges. Each bound has a reason: past it a limit either stops protecting or breaks the engine. */
export const FLAG_RANGES = {
  /** Milliseconds; beyond ten minutes one evaluation is not a check any more. */
  timeout: { min: 1, max: 600_000 },
  hardTimeout: { min: 1, max: 600_000 },
  /** MiB; the WebAssembly cap is twice this, and 32-bit WebAssembly memory ends at 4 GiB (4096 trapped, 4097 wrapped to 1 MiB). */
  memoryLimit: { min: 1, max: 1024 },
  /** KiB; more overflows QuickJS's own WebAssembly stack. */
  stackLimit: { min: MIN_STACK_BYTES / 1024, max: MAX_STACK_BYTES / 1024 },
  jobs: { min: 1, max: 64 },
  /** The guest Math.random seed is a 32-bit unsigned integer. */
  seed: { min: 0, max: 2 ** 32 - 1 },
} as const;

export function runCommandBuilder(y: Argv): Argv<RunArgs> {
  const r = FLAG_RANGES;
  return withChoiceOptions(
    withProfileOptions(
      y
        .positional('files', { type: 'string', array: true, describe: 'Distribution XML file(s) or flat packages (.pkg)' })
        .option('resources', {
          type: 'string',
          requiresArg: true,
          describe: 'Folder of <lang>.lproj string tables (or a pkgutil --expand folder) for bare Distributions',
        })
        .option('product', { type: 'string', requiresArg: true, describe: 'Also simulate the Distribution productbuild writes for this requirements plist' })
        .option('format', { alias: 'f', choices: FORMATS, default: 'text' as Format, describe: 'Output format' })
        .option('policy', {
          type: 'string',
          array: true,
          requiresArg: true,
          describe: 'Set a policy for undocumented Installer behaviour, name=value (see README)',
        })
        .option('recover', { type: 'boolean', default: false, describe: 'Repair raw < and & in scripts (with a warning) instead of rejecting the file' })
        .option('timeout', {
          type: 'string',
          requiresArg: true,
          describe: `Time limit of one evaluation, ms of deterministic work (${r.timeout.min} to ${r.timeout.max}; default ${DEFAULT_LIMITS.timeoutMs})`,
        })
        .option('hard-timeout', {
          type: 'string',
          requiresArg: true,
          describe: `Wall-clock limit enforced by stopping the worker, ms (${r.hardTimeout.min} to ${r.hardTimeout.max}; default ${DEFAULT_LIMITS.hardTimeoutMs})`,
        })
        .option('memory-limit', {
          type: 'string',
          requiresArg: true,
          describe: `JavaScript heap per profile, MiB (${r.memoryLimit.min} to ${r.memoryLimit.max}; default ${DEFAULT_LIMITS.memoryBytes / 1048576})`,
        })
        .option('stack-limit', {
          type: 'string',
          requiresArg: true,
          describe: `JavaScript stack, KiB (${r.stackLimit.min} to ${r.stackLimit.max}; default ${DEFAULT_LIMITS.stackBytes / 1024})`,
        })
        .option('jobs', { alias: 'j', type: 'string', requiresArg: true, describe: `Worker threads (${r.jobs.min} to ${r.jobs.max}; default: CPU cores)` })
        .option('now', {
          type: 'string',
          requiresArg: true,
          describe: 'Guest clock (ISO date, UTC unless an offset is given); default 2026-01-01T00:00:00Z for reproducible runs',
        })
        .option('seed', {
          type: 'string',
          requiresArg: true,
          describe: `Seed of the guest Math.random (${r.seed.min} to ${r.seed.max}; default ${DEFAULT_SEED})`,
        })
        .option('trace', {
          type: 'boolean',
          default: false,
          describe: `Add each profile's evaluations, Installer API calls and answers to the JSON report (results[].trace, up to ${RUN_TRACE_EVENTS} events)`,
        })
        .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'List info-level diagnostics in text output' })
        .option('color', { type: 'boolean', describe: 'Colour text output (default: when stdout is a terminal and NO_COLOR is unset)' })
        .option('fail-on', {
          choices: FAIL_ON_CHOICES,
          default: 'never' as FailOn,
          describe: 'Exit 1 when the completed run has: an error diagnostic, a warning or error, a profile that cannot install, or never',
        })
        .option('output', {
          alias: 'o',
          type: 'string',
          requiresArg: true,
          describe: 'Write the report to this file instead of stdout (replaced atomically when complete)',
        }),
    ),
  ) as unknown as Argv<RunArgs>;
}

/** Every flag of `run`, checked: an InputError naming the flag for the first bad one. */
export function runSettings(args: RunArgs) {
  // Read each flag once, as an own property: nothing later can be steered through an inherited one.
  const flag = (name: keyof RunArgs): unknown => (Object.hasOwn(args, name) ? args[name] : undefined);
  const r = FLAG_RANGES;
  const policyFlags = flag('policy');
  const policies = withFlag('--policy ', () =>
    parsePolicies(Array.isArray(policyFlags) ? policyFlags.map(String) : policyFlags === undefined ? [] : [String(policyFlags)]),
  );
  const memoryMiB = integerFlag('--memory-limit', flag('memoryLimit'), r.memoryLimit, DEFAULT_LIMITS.memoryBytes / 1048576);
  const limits = {
    timeoutMs: integerFlag('--timeout', flag('timeout'), r.timeout, DEFAULT_LIMITS.timeoutMs),
    hardTimeoutMs: integerFlag('--hard-timeout', flag('hardTimeout'), r.hardTimeout, DEFAULT_LIMITS.hardTimeoutMs),
    memoryBytes: memoryMiB * 1048576,
    stackBytes: integerFlag('--stack-limit', flag('stackLimit'), r.stackLimit, DEFAULT_LIMITS.stackBytes / 1024) * 1024,
    // QuickJS's heap limit misses large strings; the WebAssembly cap is the hard one.
    wasmMemoryBytes: Math.max(DEFAULT_LIMITS.wasmMemoryBytes, memoryMiB * 2 * 1048576),
  };
  const jobs = flag('jobs') === undefined ? undefined : integerFlag('--jobs', flag('jobs'), r.jobs, 1);
  const seed = integerFlag('--seed', flag('seed'), r.seed, DEFAULT_SEED);
  const now = dateFlag('--now', flag('now'));
  const outputFlag = lastValue(flag('output'));
  if (outputFlag !== undefined && String(outputFlag) === '') throw new InputError('-o: empty file name', { code: 'FLAG_INVALID' });
  return {
    policies,
    limits,
    seed,
    ...(now !== undefined && { now }),
    ...(jobs !== undefined && { workers: jobs }),
    output: outputFlag === undefined ? undefined : String(outputFlag),
  };
}

export async function runCommand(args: RunArgs, argv?: readonly string[]): Promise<number> {
  // Everything that can be refused is refused before the first simulation: flags, the output file, inputs, profiles.
  const { output: outputFile, ...options } = runSettings(args);
  const output = outputFile === undefined ? undefined : withFlag('-o ', () => prepareOutput(outputFile));
  // A bad input is reported in place (and makes the exit code 2) after every other input has been simulated.
  const files = (args.files ?? []).map(String);
  const product = lastValue(Object.hasOwn(args, 'product') ? args.product : undefined);
  if (files.length === 0 && product === undefined) throw new InputError('nothing to simulate: give Distribution files or --product FILE', { code: 'USAGE' });
  const resources = lastValue(Object.hasOwn(args, 'resources') ? args.resources : undefined);
  const inputs = files.map((file) =>
    readDistributionInput(file, {
      recover: args.recover,
      ...(resources !== undefined && { resourcesDir: String(resources) }),
      ...(options.now !== undefined && { now: options.now }),
    }),
  );
  if (product !== undefined) inputs.push(productInput(String(product)));
  for (const input of inputs) {
    if (!isInputFailure(input)) continue;
    process.stderr.write(`${terminalLines(`distsim: ${input.error.message}`)}\n${input.error.hint ? `${terminalLines(`hint: ${input.error.hint}`)}\n` : ''}`);
  }
  const distributions = inputs;
  const profiles = chooseProfiles(args);
  checkSingleResult(args.format, inputs.length, profiles.length);
  const choiceChanges = choiceChangesFromArgs(args, argv);
  const jobs = distributions.filter((d) => !isInputFailure(d)).length * profiles.length;
  if (usesMainThread(jobs, options.limits, options.workers)) baselineWasmOnly();
  const progress = progressBar(jobs);
  let report;
  try {
    report = await simulateRun(distributions, profiles, {
      ...options,
      ...(choiceChanges && { choiceChanges }),
      ...(args.trace === true && { trace: { maxEvents: RUN_TRACE_EVENTS } }),
      ...(progress && { onProgress: progress.update }),
    });
  } finally {
    progress?.done();
  }
  const color = args.color ?? (output === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR);
  const choicesFile = lastValue(Object.hasOwn(args, 'choices') ? args.choices : undefined);
  const text = render(args.format, report, {
    color,
    verbose: args.verbose,
    ...(choicesFile !== undefined && { choicesFile: String(choicesFile) }),
    ...(args.failOn !== 'never' && { junitFailOn: [args.failOn] }),
  });
  // The plist and installer formats carry no diagnostics: their warnings go to stderr.
  if (SINGLE_RESULT_FORMATS.has(args.format))
    for (const line of diagnosticLines(report, { verbose: args.verbose })) process.stderr.write(`${terminalLines(line)}\n`);
  if (output !== undefined) withFlag('-o ', () => output.write(text));
  else process.stdout.write(text);
  return exitCode(report, { failOn: args.failOn });
}

/** `--product FILE`: the synthesized Distribution, or the plist's problem as an input failure. */
function productInput(file: string): Distribution | InputFailure {
  try {
    return readProductRequirements(file);
  } catch (error) {
    if (!isInputError(error)) throw error;
    return inputFailure(file, error);
  }
}
