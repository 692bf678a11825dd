import { InputError } from '../errors.js';
import type { Distribution, Position } from './model.js';
import { ModelBuilder } from './model-builder.js';
import { repairScriptEscapes, type RepairResult } from './recover.js';
import { LineIndex } from './source-text.js';
import { StaticDiagnostics } from './static-diagnostics.js';
import { checkDocument } from './well-formed.js';
import type { WellFormednessProblem } from './xml-scan.js';

export interface ParseOptions {
  /** Repair raw `<`/`&` in scripts and JavaScript attributes instead of rejecting the file. */
  recover?: boolean;
}

/**
 * Parses Distribution XML text. Malformed XML throws an InputError whose
 * message is `FILE:LINE:COL: reason` (code XML_MALFORMED, with its location).
 * Every pass is linear in the text, and the findings are bounded in number
 * and size (see StaticDiagnostics), whatever the input.
 */
export function parseDistribution(text: string, path: string, options: ParseOptions = {}): Distribution {
  if (text.trim() === '') throw new InputError(`${path}:1:1: the file is empty`, { code: 'XML_MALFORMED', location: { file: path, line: 1, column: 1 } });
  const originalIndex = new LineIndex(text);
  const first = attempt(text, path, (offset) => originalIndex.position(offset), new StaticDiagnostics());
  if (!('problem' in first)) return first.distribution;

  const problem = first.problem;
  const repair = repairScriptEscapes(text);
  const firstRepair = repair.count > 0 ? repair.repair(0) : undefined;
  if (options.recover && firstRepair) {
    const sink = new StaticDiagnostics();
    reportRepairs(repair, path, originalIndex, sink);
    const second = attempt(repair.text, path, (offset) => originalIndex.position(repair.toOriginal(offset)), sink);
    if (!('problem' in second)) return second.distribution;
  }
  const where = originalIndex.position(problem.offset);
  let hint: string | undefined;
  if (firstRepair) {
    const at = originalIndex.position(firstRepair.offset);
    const inWhat = firstRepair.where === 'script' ? 'a <script>' : `the JavaScript attribute '${firstRepair.where}'`;
    hint =
      `raw '${firstRepair.char}' inside ${inWhat} at ${path}:${at.line}:${at.column}: wrap scripts in <![CDATA[ ... ]]> or write &lt; and &amp;` +
      (options.recover ? '' : ' (--recover repairs this and simulates the rest)');
  }
  throw new InputError(`${path}:${where.line}:${where.column}: ${problem.reason}`, {
    code: 'XML_MALFORMED',
    location: { file: path, ...where },
    ...(hint !== undefined && { hint }),
  });
}

/** Checks and builds in one pass; the model is kept only if the text is well-formed. */
function attempt(
  source: string,
  path: string,
  position: (offset: number) => Position,
  sink: StaticDiagnostics,
): { problem: WellFormednessProblem } | { distribution: Distribution } {
  const builder = new ModelBuilder(source, path, position, sink);
  const problem = checkDocument(source, builder);
  return problem ? { problem } : { distribution: builder.result() };
}

function reportRepairs(repair: RepairResult, path: string, index: LineIndex, sink: StaticDiagnostics): void {
  for (let k = 0; k < repair.count; k++) {
    if (sink.isFull('XML_SCRIPT_ESCAPE_REPAIRED')) {
      sink.countMore('XML_SCRIPT_ESCAPE_REPAIRED', repair.count - k);
      return;
    }
    const r = repair.repair(k);
    const inWhat = r.where === 'script' ? '<script>' : `attribute '${r.where}'`;
    sink.report(
      'XML_SCRIPT_ESCAPE_REPAIRED',
      () => `raw '${r.char}' in ${inWhat} escaped; the real Installer rejects this file as malformed XML`,
      () => ({
        location: { file: path, ...index.position(r.offset) },
        args: { char: r.char, where: r.where },
      }),
    );
  }
}
