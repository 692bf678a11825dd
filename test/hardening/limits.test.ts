import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RunReport, SimulationReport } from '../../src/types.js';

/** The one simulation of a run's JSON report. */
const only = (stdout: string) => (JSON.parse(stdout) as RunReport).distributions[0] as SimulationReport;
import { choice, codes, runCli, simulateOne, tempDir } from '../helpers.js';

const INTEL = 'macbookpro-15-mid2015-10.14.6';
const M4 = 'macmini-m4-2024-26.5.2';

describe('limits hold against hostile scripts', () => {
  it('an infinite loop, a native-call loop, a memory bomb, deep recursion and a throw: one diagnostic each, correct results for the rest, in seconds', async () => {
    const started = performance.now();
    const r = await runCli(['run', 'test/fixtures/hostile.xml', '-p', INTEL, '-p', M4, '--format', 'json']);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seconds < 30, `took ${seconds.toFixed(1)} s`);
    const report = only(r.stdout);
    for (const result of report.results) {
      const found = result.diagnostics.map((d) => [d.source, d.code, d.args?.kind]).sort();
      assert.deepEqual(
        found,
        [
          ['choice[loop]@selected', 'SCRIPT_TIMEOUT', 'timeout'],
          ['choice[memory]@selected', 'SCRIPT_OUT_OF_MEMORY', 'out-of-memory'],
          ['choice[native-loop]@selected', 'SCRIPT_TIMEOUT', 'hard-timeout'],
          ['choice[recursion]@selected', 'SCRIPT_STACK_OVERFLOW', 'stack-overflow'],
          ['choice[throws]@selected', 'SCRIPT_EXCEPTION', 'exception'],
        ],
        result.profile,
      );
      const states = Object.fromEntries(result.choices.map((c) => [c.id, c.selected]));
      assert.deepEqual(
        states,
        { before: true, loop: false, 'native-loop': false, memory: false, recursion: false, throws: false, after: true, 'after-off': false },
        result.profile,
      );
      assert.deepEqual(
        result.packages.filter((p) => p.install).map((p) => p.id),
        ['pkg.before', 'pkg.after'],
      );
    }
  });

  it('a hard-killed worker does not disturb the other profiles in the run', async () => {
    const hostile = await runCli([
      'run',
      'test/fixtures/hostile.xml',
      '--where',
      'id=macbookpro-13-*',
      '--format',
      'json',
      '--timeout',
      '200',
      '--hard-timeout',
      '800',
      '--jobs',
      '2',
    ]);
    assert.equal(hostile.code, 0, hostile.stderr);
    const results = only(hostile.stdout).results;
    assert.ok(results.length >= 4);
    for (const result of results) {
      assert.equal(choice(result, 'after').selected, true, result.profile);
      const kind = (source: string) => result.diagnostics.find((d) => d.source === source)?.args?.kind;
      assert.equal(kind('choice[native-loop]@selected'), 'hard-timeout', result.profile);
      // With an 800 ms hard limit the memory bomb may be stopped by the watchdog before it exhausts memory.
      assert.ok(['out-of-memory', 'hard-timeout'].includes(String(kind('choice[memory]@selected'))), result.profile);
    }
  });

  it('deep recursion at the largest allowed stack limit is a clean stack overflow, with nothing on stderr', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'deep.xml');
    writeFileSync(
      file,
      `<installer-gui-script><options hostArchitectures="x86_64,arm64"/><script>function deep(n) { return deep(n + 1) + 1; }</script><choices-outline><line choice="a"/><line choice="b"/></choices-outline><choice id="a" start_selected="false" selected="deep(0)"/><choice id="b" selected="system.sysctl('hw.ncpu') &gt; 0"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref></installer-gui-script>`,
    );
    const r = await runCli(['run', file, '-p', M4, '--stack-limit', '1024', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const result = only(r.stdout).results[0]!;
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['SCRIPT_STACK_OVERFLOW'],
    );
    assert.deepEqual(
      result.choices.map((c) => [c.id, c.selected]),
      [
        ['a', false],
        ['b', true],
      ],
    );
  });

  it('caps system.log output per profile', async () => {
    const r = await simulateOne(
      `<installer-gui-script><script>for (var i = 0; i &lt; 100000; i++) system.log('line ' + i + ' ' + 'x'.repeat(100));</script></installer-gui-script>`,
      INTEL,
      { limits: { logBytes: 10_000 } },
    );
    assert.ok(codes(r).includes('LOG_LIMIT_EXCEEDED'));
    assert.ok(r.log.length > 10 && r.log.length < 120, `${r.log.length} lines kept`);
    assert.equal(r.diagnostics.filter((d) => d.code === 'LOG_LIMIT_EXCEEDED').length, 1);
  });

  it('stops a profile that spends its whole time budget, with a diagnostic, and still reports the profile', async () => {
    const slow = (id: string) => `<choice id="${id}" selected="var t = Date.now(); var n = 0; while (n &lt; 3e6) n++; true"/>`;
    const r = await simulateOne(
      `<installer-gui-script><choices-outline><line choice="a"/><line choice="b"/><line choice="c"/></choices-outline>${slow('a')}${slow('b')}${slow('c')}</installer-gui-script>`,
      INTEL,
      { limits: { profileBudgetMs: 1 } },
    );
    assert.ok(codes(r).includes('PROFILE_TIME_BUDGET_EXCEEDED'));
    assert.equal(r.choices.length, 3);
  });

  it('a stack overflow inside the guest is a diagnostic, not a host crash, and the engine stays usable', async () => {
    const r = await simulateOne(
      `<installer-gui-script><script>function f(n) { return f(n + 1) + 1; } var x = 0; try { f(0); } catch (e) { x = 1; } system.log('recovered ' + x);</script></installer-gui-script>`,
      INTEL,
    );
    assert.deepEqual(r.log, ['recovered 1']);
    const again = await simulateOne(`<installer-gui-script><script>system.log('still fine');</script></installer-gui-script>`, INTEL);
    assert.deepEqual(again.log, ['still fine']);
  });
});
