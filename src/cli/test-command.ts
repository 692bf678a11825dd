import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { renderTestText } from '../expect/render-text.js';
import { runSpecs, testExitCode } from '../expect/run-specs.js';
import { renderJson } from '../reporters/json.js';
import { renderJunit } from '../reporters/junit.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { renderMatrix } from '../reporters/matrix.js';
import type { RunReport } from '../types.js';
import { withFlag } from './flag-errors.js';
import { integerFlag, lastValue } from './flag-values.js';
import { prepareOutput, type OutputTarget } from './output-file.js';
import { FLAG_RANGES } from './run-command.js';

export const TEST_FORMATS = ['text', 'json', 'junit', 'markdown', 'matrix'] as const;
export type TestFormat = (typeof TEST_FORMATS)[number];

export interface TestArgs {
  specs: string[];
  format: TestFormat;
  /** Flags arrive as text and are checked here. */
  output?: unknown;
  jobs?: unknown;
}

export function testCommandBuilder(y: Argv): Argv<TestArgs> {
  return y
    .positional('specs', { type: 'string', array: true, describe: 'Expectation file(s), YAML or JSON', demandOption: true })
    .option('format', { alias: 'f', choices: TEST_FORMATS, default: 'text' as const, describe: 'Output format' })
    .option('output', {
      alias: 'o',
      type: 'string',
      requiresArg: true,
      describe: 'Write the report to this file instead of stdout (replaced atomically when complete)',
    })
    .option('jobs', {
      alias: 'j',
      type: 'string',
      requiresArg: true,
      describe: `Worker threads (${FLAG_RANGES.jobs.min} to ${FLAG_RANGES.jobs.max}; default: CPU cores)`,
    }) as unknown as Argv<TestArgs>;
}

/**
 * `distsim test SPEC...`: 0 when every expectation holds, 1 when any fails
 * (a Distribution that cannot be read fails its checks), and an InputError
 * (exit 2) for a bad expectation file, located `file:line:col: message (at path)`.
 */
export async function testCommand(args: TestArgs): Promise<number> {
  // Flags and the output file are refused before any spec is read or any simulation runs.
  const workers = jobsFlag(args.jobs);
  const output = outputTarget(args.output);
  // The YAML reader is loaded only here, so other commands do not pay for it at start-up.
  const { loadSpec } = await import('../expect/load-spec.js');
  const specs = args.specs.map((file) => loadSpec(String(file)));
  const report = await runSpecs(specs, { ...(workers !== undefined && { workers }) });
  writeReport(renderTest(report, args.format), output);
  return testExitCode(report);
}

/** A test report in one of the formats (`text` is the failure list and summary; the others are the shared reporters). */
export function renderTest(report: RunReport, format: TestFormat): string {
  const options = { color: false, verbose: false };
  switch (format) {
    case 'text':
      return renderTestText(report);
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report, options);
    case 'markdown':
      return renderMarkdown(report, options);
    case 'matrix':
      return renderMatrix(report, options);
  }
}

/** `-o FILE`, checked before any work (an InputError naming the flag); undefined for stdout. */
export function outputTarget(raw: unknown): OutputTarget | undefined {
  const value = lastValue(raw);
  if (value === undefined) return undefined;
  if (String(value) === '') throw new InputError('-o: empty file name', { code: 'FLAG_INVALID' });
  return withFlag('-o ', () => prepareOutput(String(value)));
}

/** `-j N`, as for `run`; undefined for one worker per core. */
export function jobsFlag(raw: unknown): number | undefined {
  return raw === undefined ? undefined : integerFlag('--jobs', raw, FLAG_RANGES.jobs, 1);
}

/** The report to stdout, or whole to the `-o` file once it is complete. */
export function writeReport(text: string, output: OutputTarget | undefined): void {
  if (output === undefined) process.stdout.write(text);
  else withFlag('-o ', () => output.write(text));
}
