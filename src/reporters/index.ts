import type { RunReport } from '../types.js';
import { renderChoiceChanges } from './choice-changes.js';
import { renderChoicesXml } from './choices-xml.js';
import { renderInstaller } from './installer.js';
import { renderJson } from './json.js';
import { renderJunit, type JunitFailReason } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderMatrix } from './matrix.js';
import { renderText } from './text.js';

/** What every reporter may be told; each reads only what it needs. */
export interface ReporterOptions {
  /** ANSI colour (text reporters). */
  color: boolean;
  /** List info-level diagnostics too (text reporters). */
  verbose: boolean;
  /** The choice-changes file as the user named it (`installer` reports that it was applied). */
  choicesFile?: string;
  /** JUnit for `run`: what makes a profile's test case fail (default: not installable, or an error diagnostic). */
  junitFailOn?: readonly JunitFailReason[];
}

/** A reporter turns the report document into text. Pure: no I/O, no clock. */
export type Reporter = (report: RunReport, options: ReporterOptions) => string;

/**
 * The output formats. Adding one is one module and one line here; the CLI's
 * `--format` choices come from this table.
 */
export const REPORTERS = {
  text: renderText,
  json: renderJson,
  'choices-xml': renderChoicesXml,
  'choice-changes': renderChoiceChanges,
  installer: renderInstaller,
  junit: renderJunit,
  markdown: renderMarkdown,
  matrix: renderMatrix,
} as const satisfies Record<string, Reporter>;

export type Format = keyof typeof REPORTERS;

export const FORMATS = Object.keys(REPORTERS) as Format[];

export function render(format: Format, report: RunReport, options: ReporterOptions): string {
  return REPORTERS[format](report, options);
}
