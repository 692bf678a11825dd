import type { RunReport } from '../types.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';

/** What every reporter may be told; each reads only what it needs. */
export interface ReporterOptions {
  /** ANSI colour (text reporters). */
  color: boolean;
  /** List info-level diagnostics too (text reporters). */
  verbose: boolean;
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
} as const satisfies Record<string, Reporter>;

export type Format = keyof typeof REPORTERS;

export const FORMATS = Object.keys(REPORTERS) as Format[];

export function render(format: Format, report: RunReport, options: ReporterOptions): string {
  return REPORTERS[format](report, options);
}
