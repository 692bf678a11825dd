import { build, type PlistValue } from 'plist';
import { InputError } from '../errors.js';
import { isInputFailure, type ChoiceResult, type PackageResult, type ProfileResult, type RunReport, type SimulationReport } from '../types.js';
import { terminalText } from '../util/terminal-text.js';

/**
 * `--format choices-xml`: what `installer -showChoicesXML -pkg X -target /`
 * prints, for one Distribution on one profile. An array holding one dict, a
 * synthetic root choice `__ROOT_CHOICE_IDENT_<title>` whose `childItems`
 * follow the choices-outline. Each dict has its keys in alphabetical order,
 * as Apple's output does: childItems, choiceDescription and choiceTitle
 * (when the choice has them), choiceIdentifier, choiceIsEnabled,
 * choiceIsSelected (1, 0, or -1 for a parent whose children differ),
 * choiceIsVisible, choiceSizeInKilobytes (installKBytes of the choice's own
 * active packages), pathsOfActivePackagesInChoice (`file://localhost<path
 * of the input>#<component>.pkg`; relative when the input path is).
 * Sources: real outputs in public test fixtures and Homebrew casks (the
 * OneDrive and NetBeans packages).
 */
export function renderChoicesXml(report: RunReport): string {
  const { simulation, result } = singleResult(report, 'choices-xml');
  const byChoice = packagesByChoice(result.packages);
  const nodes = new Map<string, { choice: ChoiceResult; children: Array<Record<string, PlistValue>> }>();
  const top: Array<Record<string, PlistValue>> = [];
  const topStates: number[] = [];
  // Pre-order: a parent's entry exists before its children's.
  for (const choice of result.choices) {
    const children: Array<Record<string, PlistValue>> = [];
    const active = (byChoice.get(choice.id) ?? []).filter((p) => p.active);
    const dict: Record<string, PlistValue> = { childItems: children };
    if (choice.description !== null) dict.choiceDescription = xmlText(choice.description);
    dict.choiceIdentifier = xmlText(choice.id);
    dict.choiceIsEnabled = choice.enabled;
    dict.choiceIsSelected = choice.selectedState;
    dict.choiceIsVisible = choice.visible;
    dict.choiceSizeInKilobytes = active.reduce((sum, p) => sum + kilobytes(p.installKBytes), 0);
    if (choice.title !== null) dict.choiceTitle = xmlText(choice.title);
    dict.pathsOfActivePackagesInChoice = active.flatMap((p) => (p.path === null ? [] : [packageUrl(simulation.path, p.path)]));
    nodes.set(choice.id, { choice, children });
    const parent = choice.parent === null ? undefined : nodes.get(choice.parent);
    if (parent) parent.children.push(dict);
    else {
      top.push(dict);
      topStates.push(choice.selectedState);
    }
  }
  const title = simulation.title;
  const root: Record<string, PlistValue> = {
    childItems: top,
    choiceIdentifier: xmlText(`__ROOT_CHOICE_IDENT_${title ?? ''}`),
    choiceIsEnabled: true,
    choiceIsSelected: combined(topStates),
    choiceIsVisible: true,
    choiceSizeInKilobytes: 0,
    ...(title !== null && { choiceTitle: xmlText(title) }),
    pathsOfActivePackagesInChoice: [],
  };
  return build([root], { indent: '\t' }) + '\n';
}

/**
 * The one simulation result a plist or installer format describes. Several
 * files or profiles have no single answer: an InputError
 * `FORMAT_NEEDS_ONE_RESULT` (the CLI can check the counts before simulating
 * with {@link checkSingleResult}). An input that could not be read is
 * thrown as its own InputError, so the run still exits 2 with its message.
 */
export function singleResult(report: RunReport, format: string): { simulation: SimulationReport; result: ProfileResult } {
  const [entry] = report.distributions;
  if (report.distributions.length === 1 && entry && isInputFailure(entry)) {
    const { code, message, location, hint } = entry.error;
    throw new InputError(message, { code, ...(hint !== null && { hint }), ...(location !== null && { location }) });
  }
  checkSingleResult(format, report.distributions.length, entry && !isInputFailure(entry) ? entry.results.length : 0);
  const simulation = entry as SimulationReport;
  return { simulation, result: simulation.results[0]! };
}

/** The formats that describe exactly one Distribution on one profile. */
export const SINGLE_RESULT_FORMATS: ReadonlySet<string> = new Set(['choices-xml', 'choice-changes', 'installer']);

/** Throws InputError FORMAT_NEEDS_ONE_RESULT unless there is one input and one profile (a no-op for other formats). */
export function checkSingleResult(format: string, inputs: number, profiles: number): void {
  if (!SINGLE_RESULT_FORMATS.has(format) || (inputs === 1 && profiles === 1)) return;
  throw new InputError(
    `the ${format} format describes one Distribution on one profile; this run has ${inputs} input${inputs === 1 ? '' : 's'} and ${profiles} profile${profiles === 1 ? '' : 's'}`,
    {
      code: 'FORMAT_NEEDS_ONE_RESULT',
      hint: 'give one file and choose one profile with -p ID (installer answers for the Mac it runs on)',
    },
  );
}

/**
 * The findings a plist or installer output has no room for, one line each
 * for stderr: `FILE: warning CODE: message` for warnings and errors (infos
 * too with `verbose`), parse-time ones first, then each profile's. Input
 * text in them is shown escaped.
 */
export function diagnosticLines(report: RunReport, options: { verbose?: boolean } = {}): string[] {
  const lines: string[] = [];
  for (const entry of report.distributions) {
    if (isInputFailure(entry)) continue;
    for (const d of [...entry.diagnostics, ...entry.results.flatMap((r) => r.diagnostics)]) {
      if (d.severity === 'info' && !options.verbose) continue;
      lines.push(`${terminalText(entry.path)}: ${d.severity} ${d.code}: ${terminalText(d.message)}`);
    }
  }
  return lines;
}

/** The packages each choice references, in the report's (outline) order. */
function packagesByChoice(packages: readonly PackageResult[]): Map<string, PackageResult[]> {
  const out = new Map<string, PackageResult[]>();
  for (const p of packages) {
    for (const id of p.choices) {
      const list = out.get(id);
      if (list) list.push(p);
      else out.set(id, [p]);
    }
  }
  return out;
}

/** Parent-style combination: 1 when all are 1, 0 when all are 0, else -1 (mixed); no choices at all show as selected. */
function combined(states: readonly number[]): 1 | 0 | -1 {
  if (states.every((s) => s === 1)) return 1;
  return states.every((s) => s === 0) ? 0 : -1;
}

function kilobytes(value: number | null): number {
  return value !== null && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/**
 * A pkg-ref's component as a URL: `#name.pkg` is a member of the product
 * archive (the input), `file:./x.pkg` and bare relative paths sit beside it,
 * and anything else with a scheme is kept.
 */
export function packageUrl(inputPath: string, ref: string): string {
  if (ref.startsWith('#')) return `${fileUrl(inputPath)}#${encode(ref.slice(1))}`;
  let rest = ref;
  if (ref.startsWith('file:')) {
    if (ref.startsWith('file://')) return xmlText(ref);
    rest = ref.slice('file:'.length);
  } else if (/^[A-Za-z][A-Za-z0-9+.-]{0,31}:/.test(ref)) return xmlText(ref);
  const slash = inputPath.lastIndexOf('/');
  let dir = slash === -1 ? '' : inputPath.slice(0, slash + 1);
  const relative = rest.replace(/^(\.\/)+/, '');
  // A bundle metapackage's paths are relative to the bundle; its Distribution is X.mpkg/Contents/distribution.dist.
  if (relative.startsWith('Contents/') && dir.endsWith('/Contents/')) dir = dir.slice(0, -'Contents/'.length);
  return fileUrl(rest.startsWith('/') ? rest : `${dir}${relative}`);
}

function fileUrl(path: string): string {
  const encoded = path.split('/').map(encode).join('/');
  return path.startsWith('/') ? `file://localhost${encoded}` : encoded;
}

function encode(segment: string): string {
  return encodeURIComponent(wellFormed(segment)).replace(/%2F/gi, '/');
}

/**
 * Text as XML 1.0 can carry it: the report may hold characters a plist
 * cannot (controls, lone surrogates), which would make the output
 * unreadable; each becomes U+FFFD.
 */
export function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding those characters is the point
  return wellFormed(text).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
