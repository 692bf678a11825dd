import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { summarizeProfile } from '../profile/index.js';
import { sysctlView } from '../profile/rosetta.js';
import { terminalText } from '../util/terminal-text.js';
import { chooseProfiles, withProfileOptions, type ProfileArgs } from './profile-options.js';

export function profilesCommandBuilder(y: Argv): Argv {
  return y
    .command(
      'list',
      'List profiles (id, name, arch, macOS, RAM, Rosetta)',
      (c) => withProfileOptions(c.option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const }), { selection: false }),
      (args) => {
        process.stdout.write(listProfiles(args as ProfileArgs & { format: 'text' | 'json' }));
      },
    )
    .command(
      'show <id>',
      'Print one profile as JSON, after extends and --set',
      (c) =>
        withProfileOptions(
          c
            .positional('id', { type: 'string', demandOption: true })
            .option('translated', { type: 'boolean', default: false, describe: 'Show the sysctl values a script sees under Rosetta 2' }),
          { selection: false },
        ),
      (args) => {
        process.stdout.write(showProfile(args as ProfileArgs & { id: string; translated: boolean }));
      },
    )
    .demandCommand(1, 'choose a subcommand: list or show');
}

export function listProfiles(args: ProfileArgs & { format: 'text' | 'json' }): string {
  const profiles = chooseProfiles({ ...args, profile: undefined });
  const rows = profiles.map(summarizeProfile);
  if (args.format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  const table = [['ID', 'NAME', 'ARCH', 'MACOS', 'RAM', 'ROSETTA', 'LAUNCH']];
  for (const r of rows) {
    // A user's profile may name itself anything: shown escaped and short, like every input text on a terminal.
    const name = terminalText(r.name.slice(0, 100));
    const short = name.length > 40 ? `${name.slice(0, isHighSurrogate(name.charCodeAt(38)) ? 38 : 39)}…` : name;
    const cells = [terminalText(r.id), short, terminalText(r.arch), terminalText(r.macos)];
    table.push([...cells, `${Math.round(r.ramBytes / 2 ** 30)} GB`, r.rosetta === null ? '-' : r.rosetta ? 'yes' : 'no', terminalText(r.launch)]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export function showProfile(args: ProfileArgs & { id: string; translated: boolean }): string {
  const [profile] = chooseProfiles({ ...args, profile: [args.id] });
  if (!profile) throw new InputError(`unknown profile '${args.id}'`, { code: 'PROFILE_UNKNOWN' });
  if (args.translated && profile.arch !== 'arm64')
    throw new InputError(`--translated: ${profile.id} is ${profile.arch}, not Apple silicon; it never runs under Rosetta`, { code: 'FLAG_INVALID' });
  const shown = args.translated ? { ...profile, sysctl: sysctlView(profile, true) } : profile;
  return JSON.stringify(shown, null, 2) + '\n';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
