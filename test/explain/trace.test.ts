/** The trace recorder: off by default, bounded, plain data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulate } from '../../src/runner/simulate.js';
import { profile } from '../helpers.js';
import { INTEL, parse, whyXml } from './fixtures.js';

describe('trace', () => {
  const dist = parse(whyXml('x86_64'));

  it('is absent without RunSettings.trace', async () => {
    const report = await simulate(dist, [profile(INTEL)], { workers: 0 });
    assert.equal('trace' in report.results[0]!, false);
  });

  it('records evaluations, calls and their answers in order', async () => {
    const report = await simulate(dist, [profile(INTEL)], { workers: 0, trace: { maxEvents: 10_000 } });
    const trace = report.results[0]!.trace!;
    assert.deepEqual(trace.slice(1, 3), [
      {
        kind: 'evaluation',
        source: 'installation-check@script',
        location: { line: 10, column: 31 },
        code: 'hasPlugin()',
        purpose: 'check',
        outcome: { ok: true, type: 'boolean', truthy: false },
        coerced: false,
      },
      { kind: 'call', source: 'installation-check@script', op: 'files.exists', args: ['/Library/Front Row/Plugin.bundle'], answer: 'false', absent: true },
    ]);
  });

  it('stops at maxEvents with one TRACE_LIMIT_EXCEEDED', async () => {
    const report = await simulate(dist, [profile(INTEL)], { workers: 0, trace: { maxEvents: 3 } });
    const r = report.results[0]!;
    assert.equal(r.trace!.length, 3);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.code === 'TRACE_LIMIT_EXCEEDED').map((d) => d.args),
      [{ maxEvents: 3 }],
    );
  });

  it('crosses the worker boundary like the result', async () => {
    const report = await simulate(dist, [profile(INTEL)], { workers: 1, trace: { maxEvents: 10_000 } });
    const inProcess = await simulate(dist, [profile(INTEL)], { workers: 0, trace: { maxEvents: 10_000 } });
    assert.deepEqual(report.results[0]!.trace, inProcess.results[0]!.trace);
  });
});
