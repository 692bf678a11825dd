import { choiceLetters, outcomeTable, type OutcomeCell, type OutcomeColumn } from '../expect/outcome-table.js';
import { testCounts } from '../expect/test-case.js';
import { isInputFailure, type RunReport } from '../types.js';
import { terminalText } from '../util/terminal-text.js';
import type { ReporterOptions } from './index.js';

/** Longest text in one cell (a blocker list, a Mac name), after escaping. */
const MAX_CELL = 300;
/** Longest column heading (choice ids, mountpoints). */
const MAX_HEADING = 40;
/** Failed expectations listed per Distribution before the rest are counted: a step summary is capped at 1 MiB. */
const MAX_PROBLEMS = 100;

const LEGEND =
  'Installable ✅ yes, ❌ no. Checks ✅ passed, ⚠️ failed with Warn, ❌ failed (Fatal), ? no such volume. ' +
  'Choices: v visible, e enabled, s selected, - not (? not in the outline). Tests: ✅ all passed, ❌ failed of total.';

/**
 * `--format markdown`: the matrix as GitHub-flavoured Markdown tables, with
 * the blockers of each profile, for `$GITHUB_STEP_SUMMARY` or a pull-request
 * comment. With a test report, a summary line, a tests column and the failed
 * expectations. Every text from the report is escaped for a table cell:
 * control characters shown as escapes, Markdown and HTML punctuation
 * backslash-escaped (`|` among them), and cut to a bounded length.
 */
export function renderMarkdown(report: RunReport, _options: ReporterOptions): string {
  const out: string[] = [];
  if (report.tests !== undefined) {
    const c = testCounts(report);
    const ok = c.failed + c.errors === 0;
    out.push(
      `**distsim test: ${ok ? '✅ passed' : '❌ failed'}** — ${c.passed} passed, ${c.failed} failed${c.errors > 0 ? `, ${c.errors} errors` : ''} of ${c.total} checks`,
      '',
    );
  }
  report.distributions.forEach((entry, index) => {
    if (isInputFailure(entry)) {
      out.push(`### ${md(entry.path)}`, '', `❌ **${md(entry.error.code)}**: ${md(entry.error.message)}`, '');
      return;
    }
    const table = outcomeTable(report, index, entry);
    out.push(`### ${md(entry.path)}${entry.title === null ? '' : ` — ${md(entry.title)}`}`, '');
    const headings = ['Profile', 'Arch', 'macOS', ...table.columns.map(heading), 'Blockers'];
    const aligns = ['---', '---', '---', ...table.columns.map(() => ':-:'), '---'];
    out.push(row(headings), row(aligns));
    for (const r of table.rows) {
      const blockers = r.blockers.map((b) => `${md(b.code, 60)}: ${md(b.message, 120)}`).join('<br>');
      out.push(row([md(r.profile), md(r.mac.arch), md(r.mac.macos), ...r.cells.map(symbol), blockers === '' ? '' : capCell(blockers)]));
    }
    out.push('');
    if (table.problems.length > 0) {
      out.push('Failed expectations:', '');
      for (const p of table.problems.slice(0, MAX_PROBLEMS)) {
        const head = `- ${p.status === 'failed' ? '❌' : '⚠️'} **${md(p.profile ?? entry.path)}** ${md(p.name)}`;
        if (p.error) out.push(`${head}: ${md(p.error.code)}: ${md(p.error.message)}`);
        else out.push(`${head}: ${p.failures.map((f) => `${md(f.assertion, 120)} expected ${md(f.expected, 120)}, got ${md(f.actual, 120)}`).join('; ')}`);
      }
      if (table.problems.length > MAX_PROBLEMS) out.push(`- … ${table.problems.length - MAX_PROBLEMS} more`);
      out.push('');
    }
  });
  out.push(`<sub>${LEGEND}</sub>`);
  return out.join('\n') + '\n';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function heading(column: OutcomeColumn): string {
  switch (column.kind) {
    case 'installable':
      return 'Installable';
    case 'installation-check':
      return 'installation-check';
    case 'volume':
      return md(column.mountpoint, MAX_HEADING);
    case 'choice':
      return md(column.id, MAX_HEADING);
    case 'tests':
      return 'Tests';
  }
}

function symbol(cell: OutcomeCell): string {
  switch (cell.kind) {
    case 'installable':
      return cell.installable ? '✅' : '❌';
    case 'check':
      return cell.check === null ? '?' : cell.check.passed ? '✅' : cell.check.resultType === 'Warn' ? '⚠️ Warn' : '❌ Fatal';
    case 'choice':
      return cell.state === null ? '?' : md(choiceLetters(cell.state));
    case 'tests': {
      const total = cell.passed + cell.failed + cell.errors;
      if (total === 0) return '';
      return cell.failed + cell.errors > 0 ? `❌ ${cell.failed + cell.errors} of ${total}` : `✅ ${total}`;
    }
  }
}

/** Characters with a meaning in GitHub Markdown inline text or HTML, escaped with a backslash (CommonMark escapes any ASCII punctuation). */
const SPECIAL = /[\\`*_{}[\]<>|~&$#!]/g;

/**
 * Report text as one table cell: control and reordering characters shown as
 * escapes (so a newline cannot end the row), cut to `max` characters, then
 * Markdown punctuation escaped (so `|` cannot add a column and `<` cannot
 * open a tag).
 */
function md(text: string, max = MAX_CELL): string {
  let shown = terminalText(text, 10 * max);
  if (shown.length > max) shown = `${shown.slice(0, max - 1)}…`;
  return shown.replace(SPECIAL, (c) => `\\${c}`);
}

/** A cell assembled from escaped parts, cut without splitting an escape or a `<br>`. */
function capCell(cell: string): string {
  if (cell.length <= MAX_CELL * 2) return cell;
  const cut = cell.lastIndexOf('<br>', MAX_CELL * 2);
  return `${cell.slice(0, cut > 0 ? cut : MAX_CELL * 2).replace(/\\$/, '')} …`;
}
