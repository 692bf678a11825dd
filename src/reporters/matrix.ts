import { choiceLetters, outcomeTable, type OutcomeCell, type OutcomeColumn } from '../expect/outcome-table.js';
import { isInputFailure, type RunReport } from '../types.js';
import { terminalText } from '../util/terminal-text.js';
import type { ReporterOptions } from './index.js';

/** Widest column heading; longer choice ids and mountpoints are cut with an ellipsis. */
const MAX_HEADING = 24;
/** Failed expectations listed under a table before the rest are counted. */
const MAX_PROBLEMS = 50;

const LEGEND = [
  'legend: installable ✓ yes, ✗ no; checks ✓ passed, W failed with Warn, ✗ failed (Fatal), ? no such volume;',
  '        choices v visible, e enabled, s selected, - not, ? not in the outline; tests ✓ passed, ✗ failed/total, ! error',
];

/**
 * `--format matrix`: what a person reads at a glance. One table per
 * Distribution, a row per profile, a column for installable, each check and
 * each choice, with compact symbols and a legend; with a test report, a
 * column of expectation results and the failed expectations below. Text from
 * the report is escaped (terminal-safe) and headings are cut short.
 */
export function renderMatrix(report: RunReport, _options: ReporterOptions): string {
  const blocks: string[] = [];
  report.distributions.forEach((entry, index) => {
    if (isInputFailure(entry)) {
      blocks.push(`${t(entry.path)}\n  error ${t(entry.error.code)}: ${t(entry.error.message)}`);
      return;
    }
    const table = outcomeTable(report, index, entry);
    const lines = [`${t(entry.path)}${entry.title === null ? '' : ` "${t(entry.title)}"`}`];
    const grid = [['PROFILE', ...table.columns.map(heading)], ...table.rows.map((row) => [t(row.profile), ...row.cells.map(symbol)])];
    const widths = grid[0]!.map((_, i) => Math.max(...grid.map((cells) => cells[i]!.length)));
    for (const cells of grid)
      lines.push(
        cells
          .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      );
    if (table.problems.length > 0) {
      lines.push('', 'failed expectations:');
      for (const problem of table.problems.slice(0, MAX_PROBLEMS)) {
        const first = problem.failures[0];
        const detail = problem.error
          ? `${problem.error.code}: ${problem.error.message}`
          : first
            ? `${first.assertion}: expected ${first.expected}, got ${first.actual}`
            : '';
        const more = problem.failures.length > 1 ? ` (+${problem.failures.length - 1} more)` : '';
        lines.push(`  ${problem.status === 'failed' ? '✗' : '!'} ${t(problem.profile ?? entry.path)}: ${t(problem.name)} — ${t(detail, 300)}${more}`);
      }
      if (table.problems.length > MAX_PROBLEMS) lines.push(`  … ${table.problems.length - MAX_PROBLEMS} more`);
    }
    blocks.push(lines.join('\n'));
  });
  return `${blocks.join('\n\n')}\n\n${LEGEND.join('\n')}\n`;
}

function heading(column: OutcomeColumn): string {
  switch (column.kind) {
    case 'installable':
      return 'INSTALLABLE';
    case 'installation-check':
      return 'CHECK';
    case 'volume':
      return short(column.mountpoint);
    case 'choice':
      return short(column.id);
    case 'tests':
      return 'TESTS';
  }
}

function symbol(cell: OutcomeCell): string {
  switch (cell.kind) {
    case 'installable':
      return cell.installable ? '✓' : '✗';
    case 'check':
      return cell.check === null ? '?' : cell.check.passed ? '✓' : cell.check.resultType === 'Warn' ? 'W' : '✗';
    case 'choice':
      return cell.state === null ? '?' : choiceLetters(cell.state);
    case 'tests': {
      const total = cell.passed + cell.failed + cell.errors;
      if (total === 0) return '';
      if (cell.errors > 0) return `! ${cell.failed + cell.errors}/${total}`;
      return cell.failed > 0 ? `✗ ${cell.failed}/${total}` : `✓ ${total}`;
    }
  }
}

function t(text: string, max = 2000): string {
  return terminalText(text, max);
}

function short(text: string): string {
  const shown = terminalText(text, 200);
  return shown.length > MAX_HEADING ? `${shown.slice(0, MAX_HEADING - 1)}…` : shown;
}
