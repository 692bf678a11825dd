import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { diffLines, diffResults } from '../explain/diff.js';
import { readDistribution } from '../input/read-input.js';
import { applyOverrides } from '../profile/index.js';
import { terminalLines } from '../util/terminal-text.js';
import { withFlag } from './flag-errors.js';
import { chooseProfiles, withProfileOptions, type ProfileArgs } from './profile-options.js';
import { tracedResult } from './traced-run.js';

export interface DiffArgs extends ProfileArgs {
  file: string;
  setB?: string[];
  format: 'text' | 'json';
  policy?: string[];
  recover: boolean;
}

export function diffCommandBuilder(y: Argv): Argv<DiffArgs> {
  return withProfileOptions(
    y
      .positional('file', { type: 'string', describe: 'Distribution XML file or flat package (.pkg)' })
      .option('set-b', {
        type: 'string',
        array: true,
        requiresArg: true,
        describe: 'Compare the profile with a copy of itself changed by PATH=VALUE (repeatable; give one --profile)',
      })
      .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
      .option('policy', { type: 'string', array: true, requiresArg: true, describe: 'Set a policy for undocumented Installer behaviour, name=value' })
      .option('recover', { type: 'boolean', default: false, describe: 'Repair raw < and & in scripts instead of rejecting the file' }),
  ) as unknown as Argv<DiffArgs>;
}

/** `distsim diff FILE --profile A --profile B` (or `--profile A --set-b PATH=VALUE`): exit 0 identical, 1 different. */
export async function diffCommand(args: DiffArgs): Promise<number> {
  const setB = (args.setB ?? []).map(String);
  const wanted = setB.length > 0 ? 1 : 2;
  if (!args.profile || args.profile.length !== wanted) {
    throw new InputError(setB.length > 0 ? 'diff: give one --profile ID with --set-b' : 'diff: give two --profile IDs (or one with --set-b PATH=VALUE)', {
      code: 'USAGE',
    });
  }
  const dist = readDistribution(String(args.file), { recover: args.recover });
  const profiles = chooseProfiles(args);
  const pa = profiles[0]!;
  const pb = setB.length > 0 ? withFlag('--set-b ', () => applyOverrides(pa, setB)) : profiles[1]!;
  const a = await tracedResult(dist, pa, args.policy);
  const b = await tracedResult(dist, pb, args.policy);
  const labels = setB.length > 0 ? { a: pa.id, b: `${pa.id} with ${setB.join(' ')}` } : { a: pa.id, b: pb.id };
  const report = diffResults(a, b, labels);
  if (args.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${terminalLines(diffLines(report).join('\n'))}\n`);
  return report.identical ? 0 : 1;
}
