import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatLocation } from '../diagnostics/diagnostic.js';
import type { Profile } from '../profile/types.js';
import type { CheckResult, ChoiceResult, ProfileResult, SimulationReport } from '../types.js';
import { terminalText as t } from '../util/terminal-text.js';
import { createStyle, type Style } from './style.js';

export interface TextOptions {
  color: boolean;
  /** Also list info-level diagnostics (otherwise only counted). */
  verbose: boolean;
  /** Profiles by id, for names and OS versions in headings. */
  profiles: Map<string, Profile>;
}

/**
 * What a person reads at a glance: per profile, installable or not and why,
 * checks, choices, packages. Every string taken from the report or a profile
 * goes through `t` (terminalText) before distsim adds its own colours, so
 * guest text can neither move the cursor nor run past one line of bounded
 * length.
 */
export function renderText(report: SimulationReport, options: TextOptions): string {
  const s = createStyle(options.color);
  const lines: string[] = [];
  const title = report.distribution.title ? ` "${t(report.distribution.title)}"` : '';
  lines.push(s.bold(`${t(report.distribution.path)}${title}`));
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
  const p = options.profiles.get(r.profile);
  const os = p ? String(p.systemVersion.ProductVersion ?? '?') : '?';
  const heading = `${s.bold(t(r.profile))}  ${s.dim(t(`${p?.name ?? ''} · ${p?.arch ?? '?'} · macOS ${os}`))}`;
  const out = [heading];
  const verdict = r.installable ? s.green('✓ installable') : s.red('✗ not installable');
  out.push(`  ${verdict}${r.translated ? s.yellow('  (evaluated as x86_64 under Rosetta 2)') : ''}`);
  for (const b of r.blockers) out.push(`    ${s.red('–')} ${t(b.message)}`);
  out.push(`  installation-check  ${check(r.installationCheck, s)}`);
  for (const v of r.volumes) out.push(`  volume ${t(v.mountpoint).padEnd(12)} ${check(v, s)}`);
  const d = r.domains;
  out.push(`  domains             ${[d.localSystem && 'local system', d.anywhere && 'anywhere', d.currentUserHome && 'home'].filter(Boolean).join(', ') || s.red('none')}`);
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
  const text = [c.title, c.message].filter((x) => x !== null && x !== '').map((x) => t(String(x))).join(': ');
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
  return s.bold(`${n} profile${n === 1 ? '' : 's'}: ${ok} installable, ${n - ok} not installable`) + s.dim(`; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
}
