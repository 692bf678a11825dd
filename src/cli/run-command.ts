import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { renderJson } from '../reporters/json.js';
import { renderText } from '../reporters/text.js';
import { parsePolicies } from '../simulate/policy.js';
import { MAX_STACK_BYTES, MIN_STACK_BYTES } from '../simulate/limits.js';
import { DEFAULT_LIMITS, simulateMany } from '../simulate/simulate.js';
import { chooseProfiles, withProfileOptions, type ProfileArgs } from './profile-options.js';
import { progressBar } from './progress.js';
import { readDistribution } from './read-distribution.js';

export interface RunArgs extends ProfileArgs {
  files: string[];
  format: 'text' | 'json';
  policy?: string[];
  recover: boolean;
  timeout: number;
  hardTimeout?: number;
  memoryLimit: number;
  stackLimit: number;
  jobs?: number;
  now?: string;
  seed: number;
  verbose: boolean;
  color?: boolean;
  output?: string;
}

export function runCommandBuilder(y: Argv): Argv<RunArgs> {
  return withProfileOptions(
    y
      .positional('files', { type: 'string', array: true, describe: 'Distribution XML file(s)', demandOption: true })
      .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
      .option('policy', { type: 'string', array: true, requiresArg: true, describe: 'Set a policy for undocumented Installer behaviour, name=value (see README)' })
      .option('recover', { type: 'boolean', default: false, describe: 'Repair raw < and & in scripts (with a warning) instead of rejecting the file' })
      .option('timeout', { type: 'number', default: DEFAULT_LIMITS.timeoutMs, describe: 'Time limit of one evaluation, ms' })
      .option('hard-timeout', { type: 'number', describe: `Wall-clock limit enforced by stopping the worker, ms (default ${DEFAULT_LIMITS.hardTimeoutMs})` })
      .option('memory-limit', { type: 'number', default: DEFAULT_LIMITS.memoryBytes / 1048576, describe: 'JavaScript heap per profile, MiB' })
      .option('stack-limit', { type: 'number', default: DEFAULT_LIMITS.stackBytes / 1024, describe: `JavaScript stack, KiB (${MIN_STACK_BYTES / 1024} to ${MAX_STACK_BYTES / 1024})` })
      .option('jobs', { alias: 'j', type: 'number', describe: 'Worker threads (default: CPU cores)' })
      .option('now', { type: 'string', describe: 'Guest clock (ISO date); default 2026-01-01T00:00:00Z for reproducible runs' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed of the guest Math.random' })
      .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'List info-level diagnostics in text output' })
      .option('color', { type: 'boolean', describe: 'Colour text output (default: when stdout is a terminal and NO_COLOR is unset)' })
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write the report to this file instead of stdout' }),
  ) as unknown as Argv<RunArgs>;
}

export async function runCommand(args: RunArgs): Promise<number> {
  const policies = parsePolicies(args.policy ?? []);
  const limits = {
    timeoutMs: positive(args.timeout, '--timeout'),
    memoryBytes: positive(args.memoryLimit, '--memory-limit') * 1048576,
    stackBytes: inRange(args.stackLimit, '--stack-limit', MIN_STACK_BYTES / 1024, MAX_STACK_BYTES / 1024) * 1024,
    ...(args.hardTimeout !== undefined && { hardTimeoutMs: positive(args.hardTimeout, '--hard-timeout') }),
  };
  // QuickJS's heap limit misses large strings; the WebAssembly cap is the hard one.
  const wasmMemoryBytes = Math.max(DEFAULT_LIMITS.wasmMemoryBytes, limits.memoryBytes * 2);
  let now: number | undefined;
  if (args.now !== undefined) {
    now = Date.parse(args.now);
    if (Number.isNaN(now)) throw new UsageError(`--now ${args.now}: not a date (use ISO 8601, e.g. 2026-03-01T12:00:00Z)`);
  }
  const distributions = args.files.map((file) => readDistribution(file, { recover: args.recover }));
  const profiles = chooseProfiles(args);
  const progress = progressBar(distributions.length * profiles.length);
  let reports;
  try {
    reports = await simulateMany(distributions, profiles, {
      policies,
      limits: { ...limits, wasmMemoryBytes },
      ...(now !== undefined && { now }),
      seed: args.seed,
      ...(args.jobs !== undefined && { workers: positive(args.jobs, '--jobs') }),
      ...(progress && { onProgress: progress.update }),
    });
  } finally {
    progress?.done();
  }
  const toFile = args.output !== undefined;
  const color = args.color ?? (!toFile && process.stdout.isTTY === true && !process.env.NO_COLOR);
  const byId = new Map(profiles.map((p) => [p.id, p]));
  // One file: the report document. Several: a JSON array of them, in the order given.
  const text =
    args.format === 'json'
      ? reports.length === 1
        ? renderJson(reports[0]!)
        : JSON.stringify(reports, null, 2) + '\n'
      : reports.map((report) => renderText(report, { color, verbose: args.verbose, profiles: byId })).join('\n');
  if (toFile) writeFileSync(args.output!, text);
  else process.stdout.write(text);
  return 0;
}

function inRange(value: number, flag: string, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`${flag} ${value}: must be between ${min} and ${max}`);
  return value;
}

function positive(value: number, flag: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} ${value}: must be a positive number`);
  return value;
}
