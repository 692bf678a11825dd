import yargs from 'yargs';
import { isInputError } from '../errors.js';
import { terminalLines } from '../util/terminal-text.js';
import { toolVersion } from '../version.js';
import { choicesCommand, choicesCommandBuilder, type ChoicesArgs } from './choices-command.js';
import { extractCommand, extractCommandBuilder, type ExtractArgs } from './extract-command.js';
import { infoCommand, infoCommandBuilder, type InfoArgs } from './info-command.js';
import { manifestCommand, manifestCommandBuilder, type ManifestArgs } from './manifest-command.js';
import { profilesCommandBuilder } from './profiles-command.js';
import { snapshotCommand, snapshotCommandBuilder, type SnapshotArgs } from './snapshot-command.js';
import { testCommand, testCommandBuilder, type TestArgs } from './test-command.js';
import { synthesizeCommand, synthesizeCommandBuilder, type SynthesizeArgs } from './synthesize-command.js';
import { runCommand, runCommandBuilder, type RunArgs } from './run-command.js';
import { whyCommand, whyCommandBuilder, type WhyArgs } from './why-command.js';
import { diffCommand, diffCommandBuilder, type DiffArgs } from './diff-command.js';

/**
 * The command line. Exit codes: 0 success, 1 expectations failed (`test`),
 * 2 usage or input error, 3 internal error.
 */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode = 0;
  try {
    await withoutHelpCache(yargs(argv))
      .scriptName('distsim')
      .usage("$0 <command> [options]\n\nSimulate the macOS Installer's Distribution JavaScript on simulated Macs.")
      .command('run [files..]', 'Simulate Distribution files on hardware profiles', runCommandBuilder, async (args) => {
        exitCode = await runCommand(args as unknown as RunArgs, argv);
      })
      .command('test <specs..>', 'Check expectation files (exit 1 when an expected outcome changed)', testCommandBuilder, async (args) => {
        exitCode = await testCommand(args as unknown as TestArgs);
      })
      .command('snapshot <files..>', "Print an expectation file of today's outcomes", snapshotCommandBuilder, async (args) => {
        exitCode = await snapshotCommand(args as unknown as SnapshotArgs);
      })
      .command(
        'why <file> <target>',
        'Explain one outcome on one profile: the deciding evaluation, its API calls and their answers',
        whyCommandBuilder,
        async (args) => {
          exitCode = await whyCommand(args as unknown as WhyArgs);
        },
      )
      .command(
        'diff <file>',
        'Compare the outcomes on two profiles and name the first fact that differs (exit 1 when they differ)',
        diffCommandBuilder,
        async (args) => {
          exitCode = await diffCommand(args as unknown as DiffArgs);
        },
      )
      .command('choices <file>', 'Show which choice attributes read which choices (--graph)', choicesCommandBuilder, (args) => {
        exitCode = choicesCommand(args as unknown as ChoicesArgs);
      })
      .command('synthesize', 'Print the Distribution productbuild writes for a requirements plist', synthesizeCommandBuilder, (args) => {
        exitCode = synthesizeCommand(args as unknown as SynthesizeArgs);
      })
      .command('info <pkg>', 'Show a flat package: members, Distribution, components, checksum and signature facts', infoCommandBuilder, (args) => {
        exitCode = infoCommand(args as unknown as InfoArgs);
      })
      .command('extract <pkg>', 'Print or write members of a flat package (no Mac needed)', extractCommandBuilder, async (args) => {
        exitCode = await extractCommand(args as unknown as ExtractArgs);
      })
      .command('manifest <pkg>', 'Write (or --check) the MDM InstallApplication manifest of a package', manifestCommandBuilder, (args) => {
        exitCode = manifestCommand(args as unknown as ManifestArgs);
      })
      .command('profiles', 'List and inspect hardware profiles', profilesCommandBuilder)
      .option('debug', { type: 'boolean', describe: 'Show stack traces of internal errors' })
      .demandCommand(1, 'choose a command: run, test, snapshot, why, diff, choices, synthesize, info, extract, manifest or profiles')
      .strict()
      .version(toolVersion())
      .help()
      .alias('h', 'help')
      .wrap(Math.min(110, process.stdout.columns ?? 100))
      .fail((message, error) => {
        if (error) throw error;
        throw new UsageFailure(message);
      })
      .parseAsync();
  } catch (error) {
    return report(error, debug);
  }
  return exitCode;
}

class UsageFailure extends Error {}

interface YargsInternals {
  getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } };
}

/**
 * yargs lays out the whole help text of a command right after starting its
 * handler, so that a later failure can print it (measured: ~30 ms of a cold
 * `run`). distsim's fail() never prints help, and `--help` lays it out on
 * demand, so the copy is not made.
 */
function withoutHelpCache<T>(instance: T): T {
  const usage = (instance as unknown as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  return instance;
}

/**
 * Error messages quote input (file names, flag values, XML text), so they are
 * shown like any input text: control characters escaped, each line capped.
 */
function report(error: unknown, debug: boolean): number {
  const say = (text: string): void => {
    process.stderr.write(`${terminalLines(text)}\n`);
  };
  if (error instanceof UsageFailure) {
    say(`distsim: ${error.message}`);
    say("Run 'distsim --help' for usage.");
    return 2;
  }
  if (isInputError(error)) {
    say(`distsim: ${error.message}`);
    if (error.hint) say(`hint: ${error.hint}`);
    return 2;
  }
  const e = error as Error;
  say(`distsim: internal error: ${e?.message ?? String(error)}`);
  say(debug && e?.stack ? e.stack : 'Run again with --debug for the stack trace, and please report it.');
  return 3;
}
