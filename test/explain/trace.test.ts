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

  it('caps guest-controlled text: the code, call arguments and answers', async () => {
    const long = 'a'.repeat(5000);
    const xml = `<?xml version="1.0"?>
<installer-gui-script minSpecVersion="2">
  <installation-check script="system.sysctl('${long}') == null &amp;&amp; '${long}'.length &gt; 0"/>
  <choices-outline><line choice="c"/></choices-outline>
  <choice id="c" title="C"><pkg-ref id="p"/></choice>
  <pkg-ref id="p" version="1">#p.pkg</pkg-ref>
</installer-gui-script>`;
    const report = await simulate(parse(xml), [profile(INTEL)], { workers: 0, trace: { maxEvents: 100 } });
    const trace = report.results[0]!.trace!;
    const evaluation = trace.find((e) => e.kind === 'evaluation')!;
    const call = trace.find((e) => e.kind === 'call')!;
    assert.equal(evaluation.kind === 'evaluation' && evaluation.code.length, 201);
    assert.equal(call.kind === 'call' && call.args[0]!.length, 201);
    assert.equal(call.kind === 'call' && call.absent, true);
  });

  it('crosses the worker boundary like the result', async () => {
    const report = await simulate(dist, [profile(INTEL)], { workers: 1, trace: { maxEvents: 10_000 } });
    const inProcess = await simulate(dist, [profile(INTEL)], { workers: 0, trace: { maxEvents: 10_000 } });
    assert.deepEqual(report.results[0]!.trace, inProcess.results[0]!.trace);
  });
});
