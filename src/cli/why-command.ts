import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { explain, explanationLines } from '../explain/why.js';
import { readDistribution } from '../input/read-input.js';
import { terminalLines } from '../util/terminal-text.js';
import { chooseProfiles, withProfileOptions, type ProfileArgs } from './profile-options.js';
import { oneProfile, tracedResult } from './traced-run.js';

export interface WhyArgs extends ProfileArgs {
  file: string;
  target: string;
  format: 'text' | 'json';
  policy?: string[];
  recover: boolean;
}

export function whyCommandBuilder(y: Argv): Argv<WhyArgs> {
  return withProfileOptions(
    y
      .positional('file', { type: 'string', describe: 'Distribution XML file or flat package (.pkg)' })
      .positional('target', {
        type: 'string',
        describe: 'installable, installation-check, volume-check[:MOUNTPOINT], package:ID, or a choice id[.visible|.enabled|.selected]',
      })
      .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
      .option('policy', { type: 'string', array: true, requiresArg: true, describe: 'Set a policy for undocumented Installer behaviour, name=value' })
      .option('recover', { type: 'boolean', default: false, describe: 'Repair raw < and & in scripts instead of rejecting the file' }),
  ) as unknown as Argv<WhyArgs>;
}

/** `distsim why FILE TARGET --profile ID`: the causal story of one outcome on one Mac. Exit 0. */
export async function whyCommand(args: WhyArgs): Promise<number> {
  if (!args.profile || args.profile.length !== 1) throw new InputError('why: give exactly one --profile ID', { code: 'USAGE' });
  const dist = readDistribution(String(args.file), { recover: args.recover });
  const profile = oneProfile(chooseProfiles(args), '--profile');
  const result = await tracedResult(dist, profile, args.policy);
  const explanation = explain(dist, result, String(args.target));
  if (args.format === 'json') process.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
  else process.stdout.write(`${terminalLines(explanationLines(explanation).join('\n'))}\n`);
  return 0;
}
