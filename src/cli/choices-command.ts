import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { choiceGraph, renderDot, renderMermaid } from '../explain/choice-graph.js';
import { readDistribution } from '../input/read-input.js';

export interface ChoicesArgs {
  file: string;
  graph: boolean;
  format: 'mermaid' | 'dot';
  recover: boolean;
}

/** `distsim choices FILE --graph [--format mermaid|dot]`. */
export function choicesCommandBuilder(y: Argv): Argv<ChoicesArgs> {
  return y
    .positional('file', { type: 'string', demandOption: true, describe: 'Distribution XML file' })
    .option('graph', { type: 'boolean', default: false, describe: 'Print which choice attributes read which choices (what a click changes)' })
    .option('format', { alias: 'f', choices: ['mermaid', 'dot'] as const, default: 'mermaid' as const, describe: 'Graph format' })
    .option('recover', {
      type: 'boolean',
      default: false,
      describe: 'Repair raw < and & in scripts instead of rejecting the file',
    }) as unknown as Argv<ChoicesArgs>;
}

/**
 * Prints the choice graph of one Distribution: no simulation, the same on
 * every Mac. Returns the exit code (0); bad input throws an InputError,
 * which the CLI turns into one line and exit 2.
 */
export function choicesCommand(args: ChoicesArgs, write: (text: string) => void = (text) => process.stdout.write(text)): number {
  if (!args.graph)
    throw new UsageError('choices: nothing to show; add --graph', { code: 'FLAG_MISSING', hint: 'distsim choices FILE --graph [--format mermaid|dot]' });
  const dist = readDistribution(String(args.file), { recover: args.recover === true });
  const graph = choiceGraph(dist);
  write(args.format === 'dot' ? renderDot(graph) : renderMermaid(graph));
  return 0;
}
