import path from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { readDistributionInput } from '../input/read-input.js';
import { simulateRun } from '../runner/simulate.js';
import { parsePolicies } from '../installer/policy.js';
import type { InputFailure } from '../types.js';
import { withFlag } from './flag-errors.js';
import { chooseProfiles, withProfileOptions, type ProfileArgs } from './profile-options.js';
import { FLAG_RANGES } from './run-command.js';
import { jobsFlag, outputTarget, writeReport } from './test-command.js';

export interface SnapshotArgs extends ProfileArgs {
  files: string[];
  policy?: string[];
  recover: boolean;
  output?: unknown;
  jobs?: unknown;
}

export function snapshotCommandBuilder(y: Argv): Argv<SnapshotArgs> {
  return withProfileOptions(
    y
      .positional('files', { type: 'string', array: true, describe: 'Distribution XML file(s)', demandOption: true })
      .option('policy', {
        type: 'string',
        array: true,
        requiresArg: true,
        describe: 'Set a policy for undocumented Installer behaviour, name=value (recorded in the file)',
      })
      .option('recover', { type: 'boolean', default: false, describe: 'Repair raw < and & in scripts (recorded in the file)' })
      .option('output', {
        alias: 'o',
        type: 'string',
        requiresArg: true,
        describe: 'Write the expectation file here (paths in it are relative to its directory; replaced atomically)',
      })
      .option('jobs', {
        alias: 'j',
        type: 'string',
        requiresArg: true,
        describe: `Worker threads (${FLAG_RANGES.jobs.min} to ${FLAG_RANGES.jobs.max}; default: CPU cores)`,
      }),
  ) as unknown as Argv<SnapshotArgs>;
}

/**
 * `distsim snapshot FILE...`: simulates as `run` does and prints an
 * expectation file of today's outcomes, so that `distsim test` on it exits 0
 * until an outcome changes. Paths in it are relative to the directory of `-o`,
 * or to the current directory when it goes to stdout (`> spec.yaml` here).
 */
export async function snapshotCommand(args: SnapshotArgs): Promise<number> {
  const workers = jobsFlag(args.jobs);
  const output = outputTarget(args.output);
  const policySettings = (args.policy ?? []).map(String);
  const policies = withFlag('--policy ', () => parsePolicies(policySettings));
  const inputs = args.files.map((file) => readDistributionInput(String(file), { recover: args.recover }));
  const failed = inputs.find((input): input is InputFailure => 'error' in input);
  // A file that cannot be read has no outcomes to record.
  if (failed !== undefined)
    throw new InputError(failed.error.message, { code: failed.error.code, ...(failed.error.hint !== null && { hint: failed.error.hint }) });
  const profiles = chooseProfiles(args);
  const report = await simulateRun(inputs, profiles, { policies, ...(workers !== undefined && { workers }) });
  // The YAML writer is loaded only here, so other commands do not pay for it at start-up.
  const { snapshotSpec } = await import('../expect/snapshot.js');
  const text = snapshotSpec(report, {
    specDir: output === undefined ? process.cwd() : path.dirname(path.resolve(output.file)),
    profileFiles: args.profileFile ?? [],
    profileDirs: args.profilesDir ?? [],
    set: args.set ?? [],
    policies: policySettings,
    recover: args.recover,
  });
  writeReport(text, output);
  return 0;
}
