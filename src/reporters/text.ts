import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatLocation } from '../diagnostics/diagnostic.js';
import { isInputFailure, type CheckResult, type ChoiceResult, type InputFailure, type ProfileResult, type RunReport, type SimulationReport } from '../types.js';
import { terminalText as t } from '../util/terminal-text.js';
import { createStyle, type Style } from './style.js';

export interface TextOptions {
  color: boolean;
  /** Also list info-level diagnostics (otherwise only counted). */
  verbose: boolean;
}

/**
 * What a person reads at a glance: per input, per profile, installable or not
 * and why, checks, choices, packages; an input that could not be simulated
 * shows its error. Every string taken from the report goes through `t`
 * (terminalText) before distsim adds its own colours, so guest and input text
 * can neither move the cursor nor run past one line of bounded length.
 */
export function renderText(report: RunReport, options: TextOptions): string {
  const s = createStyle(options.color);
  const blocks = report.distributions.map((entry) => (isInputFailure(entry) ? renderFailure(entry, s) : renderSimulation(entry, options, s)));
  return blocks.join('\n');
}

function renderFailure(entry: InputFailure, s: Style): string {
  const { code, message, location, hint } = entry.error;
  const where = location ? s.dim(`  ${t(formatLocation(location))}`) : '';
  const lines = [s.bold(t(entry.path)), `  ${s.red('error')} ${s.dim(t(code))} ${t(message)}${where}`];
  if (hint) lines.push(`  hint: ${t(hint)}`);
  return lines.join('\n') + '\n';
}

function renderSimulation(report: SimulationReport, options: TextOptions, s: Style): string {
  const lines: string[] = [];
  const title = report.title ? ` "${t(report.title)}"` : '';
  lines.push(s.bold(`${t(report.path)}${title}`));
  for (const d of report.diagnostics) if (d.severity !== 'info' || options.verbose) lines.push('  ' + diagnosticLine(d, s));
  for (const result of report.results) {
    lines.push('');
    lines.push(...renderProfile(result, options, s));
  }
  lines.push('');
  lines.push(summary(report, s));
  return lines.join('\n') + '\n';
}

function renderProfile(r: ProfileResult, options: TextOptions, s: Style): string[] {
  const heading = `${s.bold(t(r.profile))}  ${s.dim(t(`${r.mac.name} · ${r.mac.arch} · macOS ${r.mac.macos || '?'}`))}`;
  const out = [heading];
  const verdict = r.installable ? s.green('✓ installable') : s.red('✗ not installable');
  out.push(`  ${verdict}${r.translated ? s.yellow('  (evaluated as x86_64 under Rosetta 2)') : ''}`);
  for (const b of r.blockers) out.push(`    ${s.red('–')} ${t(b.message)}`);
  out.push(`  installation-check  ${check(r.installationCheck, s)}`);
  for (const v of r.volumes) {
    const room = v.insufficientSpace
      ? s.red(`  not enough space: ${v.insufficientSpace.neededKilobytes} KB needed, ${v.insufficientSpace.availableKilobytes} KB free`)
      : '';
    out.push(`  volume ${t(v.mountpoint).padEnd(12)} ${check(v, s)}${room}`);
  }
  const d = r.domains;
  out.push(
    `  domains             ${[d.localSystem && 'local system', d.anywhere && 'anywhere', d.currentUserHome && 'home'].filter(Boolean).join(', ') || s.red('none')}`,
  );
  if (r.choices.length > 0) {
    out.push('  choices');
    // Pre-order puts each parent before its children, so one pass finds every depth.
    const depths = new Map<string, number>();
    for (const c of r.choices) {
      const depth = c.parent === null ? 0 : (depths.get(c.parent) ?? 0) + 1;
      if (!depths.has(c.id)) depths.set(c.id, depth);
      out.push('    ' + choiceLine(c, depth, s));
    }
  }
  const installed = r.packages.filter((pkg) => pkg.install);
  const skipped = r.packages.filter((pkg) => !pkg.install);
  out.push(`  packages            ${installed.length === 0 ? s.dim('none') : installed.map((pkg) => t(pkg.id)).join(', ')}`);
  if (skipped.length > 0) out.push(`  not installed       ${s.dim(skipped.map((pkg) => t(pkg.id) + (pkg.active ? '' : ' (inactive)')).join(', '))}`);
  if (r.restartAction !== 'None') out.push(`  restart             ${t(r.restartAction)}`);
  for (const line of r.log.slice(0, 20)) out.push(`  ${s.dim('JS:')} ${t(line)}`);
  if (r.log.length > 20) out.push(s.dim(`  … ${r.log.length - 20} more log lines (see --format json)`));
  const shown = r.diagnostics.filter((x) => x.severity !== 'info' || options.verbose);
  const hidden = r.diagnostics.length - shown.length;
  for (const x of shown) out.push('  ' + diagnosticLine(x, s));
  if (hidden > 0) out.push(s.dim(`  ${hidden} info diagnostic${hidden === 1 ? '' : 's'} (--verbose to list)`));
  return out;
}

function check(c: CheckResult, s: Style): string {
  if (c.passed) return s.green('passed');
  const type = c.resultType === 'Warn' ? s.yellow('Warn') : s.red('Fatal');
  const text = [c.title, c.message]
    .filter((x) => x !== null && x !== '')
    .map((x) => t(String(x)))
    .join(': ');
  return `${s.red('failed')} (${type})${text ? ` ${text}` : ''}`;
}

function choiceLine(c: ChoiceResult, depth: number, s: Style): string {
  const mark = c.selected ? s.green('☑') : '☐';
  const flags = [c.visible ? 'visible' : s.yellow('hidden'), c.enabled ? 'enabled' : s.yellow('disabled'), c.selected ? 'selected' : s.dim('not selected')];
  const title = c.title && c.title !== c.id ? s.dim(` "${t(c.title)}"`) : '';
  return `${'  '.repeat(depth)}${mark} ${t(c.id)}${title}  ${flags.join(', ')}`;
}

function diagnosticLine(d: Diagnostic, s: Style): string {
  const sev = d.severity === 'error' ? s.red('error') : d.severity === 'warning' ? s.yellow('warning') : s.cyan('info');
  const where = t(formatLocation(d.location));
  return `${sev} ${s.dim(t(d.code))} ${t(d.message)}${where ? s.dim(`  ${where}`) : ''}`;
}

function summary(report: SimulationReport, s: Style): string {
  const n = report.results.length;
  const ok = report.results.filter((r) => r.installable).length;
  const all = [...report.diagnostics, ...report.results.flatMap((r) => r.diagnostics)];
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  return (
    s.bold(`${n} profile${n === 1 ? '' : 's'}: ${ok} installable, ${n - ok} not installable`) +
    s.dim(`; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`)
  );
}
