import { formatLocation } from '../diagnostics/diagnostic.js';
import type { TestCaseResult } from '../expect/test-case.js';
import { isInputFailure, type DistributionReport, type ProfileResult, type RunReport, type SimulationReport } from '../types.js';
import type { ReporterOptions } from './index.js';

/** What makes a profile's test case fail in a `run` report (a `test` report fails on its expectations). */
export type JunitFailReason = 'not-installable' | 'error' | 'warning';

export interface JunitOptions {
  /**
   * For `run` reports: a profile's case fails when it is not installable
   * (`not-installable`), has an error diagnostic (`error`), or an error or a
   * warning (`warning`). Default: `not-installable` and `error`; `[]` makes
   * every completed profile pass.
   */
  junitFailOn?: readonly JunitFailReason[];
}

const DEFAULT_FAIL_ON: readonly JunitFailReason[] = ['not-installable', 'error'];
/** The tool lost the evaluation: an `<error>`, not a `<failure>` of the Distribution. */
const TOOL_ERROR_CODES: ReadonlySet<string> = new Set(['SANDBOX_WORKER_LOST']);
/** Longest attribute value (a failure's one-line message). */
const MAX_ATTRIBUTE = 1000;
/** Longest element text (every unmet assertion of one case). */
const MAX_BODY = 64 * 1024;

interface Case {
  name: string;
  outcome: { kind: 'passed' } | { kind: 'failure' | 'error'; type: string; message: string; body: string };
}

/**
 * `--format junit`: JUnit XML as CI test tabs read it. One `<testsuite>` per
 * Distribution. For a `test` report, one `<testcase>` per (profile,
 * expectation), with a `<failure>` listing each unmet assertion (expected and
 * actual, and where it is in the expectation file) or an `<error>` when it
 * could not be checked. For a `run` report, one `<testcase>` per profile,
 * failing as `junitFailOn` says. A Distribution that could not be read is one
 * case with an `<error>`. No timestamps, durations or host names: the same
 * report gives the same bytes. Text is escaped, and characters XML 1.0 does
 * not allow are written as visible escapes (`\u001b`).
 */
export function renderJunit(report: RunReport, options: ReporterOptions & JunitOptions): string {
  const failOn = new Set(options.junitFailOn ?? DEFAULT_FAIL_ON);
  const suites = report.distributions.map((entry, index) => ({
    name: entry.path,
    cases:
      report.tests !== undefined
        ? testCases(
            report.tests.filter((t) => t.distribution === index),
            entry,
          )
        : runCases(entry, failOn),
  }));
  const count = (cases: Case[], kind: 'failure' | 'error'): number => cases.filter((c) => c.outcome.kind === kind).length;
  const all = suites.flatMap((s) => s.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="distsim" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}">`,
  ];
  for (const suite of suites) {
    lines.push(
      `  <testsuite name="${attr(suite.name)}" tests="${suite.cases.length}" failures="${count(suite.cases, 'failure')}" errors="${count(suite.cases, 'error')}" skipped="0">`,
    );
    for (const c of suite.cases) {
      const open = `    <testcase classname="${attr(suite.name)}" name="${attr(c.name)}"`;
      if (c.outcome.kind === 'passed') {
        lines.push(`${open}/>`);
        continue;
      }
      const { kind, type, message, body } = c.outcome;
      lines.push(`${open}>`, `      <${kind} type="${attr(type)}" message="${attr(message)}">${text(body)}</${kind}>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

function testCases(tests: TestCaseResult[], entry: DistributionReport): Case[] {
  return tests.map((t): Case => {
    const name = t.profile === null ? t.name : `${t.profile}: ${t.name}`;
    if (t.status === 'passed') return { name, outcome: { kind: 'passed' } };
    const failures = t.failures.map((f) => {
      const at = f.location ? ` (${formatLocation(f.location)})` : '';
      return `${f.assertion}${at}: expected ${f.expected}, got ${f.actual}${f.why === null ? '' : `\n  why: ${f.why}`}`;
    });
    if (t.status === 'error') {
      const error = t.error ?? { code: 'ERROR', message: 'not checked' };
      const hint = t.profile === null && isInputFailure(entry) && entry.error.hint ? `\nhint: ${entry.error.hint}` : '';
      return { name, outcome: { kind: 'error', type: error.code, message: error.message, body: [error.message + hint, ...failures].join('\n') } };
    }
    const first = t.failures[0];
    const message = first
      ? `${first.assertion}: expected ${first.expected}, got ${first.actual}${t.failures.length > 1 ? ` (and ${t.failures.length - 1} more)` : ''}`
      : 'failed';
    return { name, outcome: { kind: 'failure', type: 'EXPECTATION_FAILED', message, body: failures.join('\n') } };
  });
}

function runCases(entry: DistributionReport, failOn: ReadonlySet<JunitFailReason>): Case[] {
  if (isInputFailure(entry)) {
    // Parse errors carry their place in the message already (FILE:LINE:COL: reason).
    const location = entry.error.location ? formatLocation(entry.error.location) : '';
    const where = location !== '' && !entry.error.message.startsWith(location) ? `${location}: ` : '';
    const hint = entry.error.hint ? `\nhint: ${entry.error.hint}` : '';
    return [
      {
        name: `read ${entry.path}`,
        outcome: { kind: 'error', type: entry.error.code, message: entry.error.message, body: `${where}${entry.error.message}${hint}` },
      },
    ];
  }
  return entry.results.map((r) => profileCase(entry, r, failOn));
}

function profileCase(entry: SimulationReport, r: ProfileResult, failOn: ReadonlySet<JunitFailReason>): Case {
  const diagnostics = [...entry.diagnostics, ...r.diagnostics];
  const lost = r.diagnostics.find((d) => TOOL_ERROR_CODES.has(d.code));
  if (lost !== undefined) return { name: r.profile, outcome: { kind: 'error', type: lost.code, message: lost.message, body: lost.message } };
  const reasons: Array<{ type: string; line: string }> = [];
  if (failOn.has('not-installable') && !r.installable) {
    for (const b of r.blockers) reasons.push({ type: 'NOT_INSTALLABLE', line: `not installable: ${b.code}: ${b.message}` });
    if (r.blockers.length === 0) reasons.push({ type: 'NOT_INSTALLABLE', line: 'not installable' });
  }
  const wanted = failOn.has('warning') ? new Set(['error', 'warning']) : failOn.has('error') ? new Set(['error']) : new Set<string>();
  // A blocker already listed (ARCH_UNSUPPORTED is both a blocker and an error diagnostic) is not listed twice.
  const listed = new Set<string>(reasons.length > 0 ? r.blockers.map((b) => b.code) : []);
  for (const d of diagnostics) {
    if (!wanted.has(d.severity) || listed.has(d.code)) continue;
    const at = d.location ? ` (${formatLocation(d.location)})` : '';
    reasons.push({ type: d.code, line: `${d.severity} ${d.code}: ${d.message}${at}` });
  }
  if (reasons.length === 0) return { name: r.profile, outcome: { kind: 'passed' } };
  const message = reasons.length === 1 ? reasons[0]!.line : `${reasons[0]!.line} (and ${reasons.length - 1} more)`;
  return { name: r.profile, outcome: { kind: 'failure', type: reasons[0]!.type, message, body: reasons.map((x) => x.line).join('\n') } };
}

/** Element text: `&`, `<`, `>` escaped, forbidden characters made visible, bounded. */
function text(value: string): string {
  return escape(cap(value, MAX_BODY), false);
}

/** Attribute value (double-quoted): also quotes and line breaks escaped, so the value survives attribute normalisation. */
function attr(value: string): string {
  return escape(cap(value, MAX_ATTRIBUTE), true);
}

function cap(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = isHighSurrogate(value.charCodeAt(max - 1)) ? max - 1 : max;
  return `${value.slice(0, cut)}… (${value.length - cut} more characters)`;
}

function escape(value: string, attribute: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isHighSurrogate(code) && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      out += value[i]! + value[i + 1]!;
      i++;
      continue;
    }
    switch (code) {
      case 0x26:
        out += '&amp;';
        continue;
      case 0x3c:
        out += '&lt;';
        continue;
      case 0x3e:
        out += '&gt;';
        continue;
      case 0x22:
        out += attribute ? '&quot;' : '"';
        continue;
      case 0x09:
      case 0x0a:
      case 0x0d:
        out += attribute ? `&#${code};` : value[i]!;
        continue;
    }
    // XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]: anything else is shown, not written.
    const allowed = (code >= 0x20 && code < 0xd800) || (code >= 0xe000 && code <= 0xfffd);
    out += allowed ? value[i]! : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
