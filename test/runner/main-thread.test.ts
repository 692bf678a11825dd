import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseDistribution } from '../../src/distribution/parse.js';
import { MAIN_THREAD_MAX_JOBS, MAIN_THREAD_MAX_STACK_BYTES, NO_MAIN_THREAD_ENV, usesMainThread } from '../../src/runner/small-run.js';
import { runOnMainThread } from '../../src/runner/main-thread.js';
import { runSettings, simulateRun, type SimulateOptions } from '../../src/runner/simulate.js';
import type { RunReport, SimulationReport } from '../../src/types.js';
import { builtinProfileIds } from '../../src/profile/load.js';
import { CLI, fixture, profile, ROOT } from '../helpers.js';

const INTEL = 'macbookpro-15-mid2015-10.14.6';
const M4 = 'macmini-m4-2024-26.5.2';

/** Short limits: the hostile evaluations end in about a second each, and the memory bomb still runs out of memory first. */
const SHORT = { timeoutMs: 200, hardTimeoutMs: 1500 };

function distributionOf(file: string, text = readFileSync(file, 'utf8')) {
  return parseDistribution(text, path.relative(ROOT, file), {});
}

/** The same simulation on the default path (the main thread for a small run) and on the pool (`workers: 1`). */
async function bothPaths(file: string, ids: string[], options: SimulateOptions = {}, text?: string): Promise<[RunReport, RunReport]> {
  const dist = distributionOf(file, text);
  const profiles = ids.map((id) => profile(id));
  const main = await simulateRun([dist], profiles, options);
  const pool = await simulateRun([dist], profiles, { ...options, workers: 1 });
  return [main, pool];
}

/** Each choice's diagnostics as [source, code, kind], sorted: what a hostile run must agree on whichever path ran it. */
function perChoice(report: RunReport): Array<Array<[string, string, string]>> {
  return (report.distributions[0] as SimulationReport).results.map((r) =>
    r.diagnostics.map((d): [string, string, string] => [d.source ?? '', d.code, String(d.args?.kind ?? '')]).sort(),
  );
}

/** The CLI under test (CLI_UNDER_TEST points at another build of bin/distsim.js). */
function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.env.CLI_UNDER_TEST ?? CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

describe('a small run evaluates on the main thread', () => {
  it('only by default, for at most 32 jobs (one file on every built-in profile), with a stack limit up to 384 KiB, and not when opted out', () => {
    const stack = (kib: number) => ({ stackBytes: kib * 1024 });
    assert.equal(MAIN_THREAD_MAX_JOBS, 32);
    assert.ok(builtinProfileIds().length <= MAIN_THREAD_MAX_JOBS, 'distsim run FILE must stay a small run');
    assert.equal(MAIN_THREAD_MAX_STACK_BYTES, 384 * 1024);
    assert.equal(usesMainThread(1, stack(256), undefined, {}), true);
    assert.equal(usesMainThread(32, stack(256), undefined, {}), true);
    assert.equal(usesMainThread(33, stack(256), undefined, {}), false);
    assert.equal(usesMainThread(0, stack(256), undefined, {}), false);
    assert.equal(usesMainThread(1, stack(384), undefined, {}), true);
    assert.equal(usesMainThread(1, stack(385), undefined, {}), false);
    assert.equal(usesMainThread(1, stack(1024), undefined, {}), false);
    // workers: 0 keeps meaning "in process, no watchdog"; any explicit count means the pool.
    assert.equal(usesMainThread(1, stack(256), 0, {}), false);
    assert.equal(usesMainThread(1, stack(256), 1, {}), false);
    assert.equal(usesMainThread(1, stack(256), undefined, { [NO_MAIN_THREAD_ENV]: '1' }), false);
    assert.equal(usesMainThread(1, stack(256), undefined, { [NO_MAIN_THREAD_ENV]: '0' }), true);
  });

  it('gives byte-identical reports to the pool for ordinary Distributions', async () => {
    for (const file of [path.join(ROOT, 'examples', 'example-app.xml'), fixture('packages.xml'), fixture('exceptions.xml'), fixture('volumes.xml')]) {
      const [main, pool] = await bothPaths(file, [M4, INTEL]);
      assert.equal(JSON.stringify(main), JSON.stringify(pool), file);
    }
  });

  it('the hostile fixture: one diagnostic per hostile choice, the same as the pool gives, in seconds', async () => {
    const started = performance.now();
    const [main, pool] = await bothPaths(fixture('hostile.xml'), [INTEL], { limits: SHORT });
    assert.ok(performance.now() - started < 30_000, 'took too long');
    const expected = [
      ['choice[loop]@selected', 'SCRIPT_TIMEOUT', 'timeout'],
      ['choice[memory]@selected', 'SCRIPT_OUT_OF_MEMORY', 'out-of-memory'],
      ['choice[native-loop]@selected', 'SCRIPT_TIMEOUT', 'hard-timeout'],
      ['choice[recursion]@selected', 'SCRIPT_STACK_OVERFLOW', 'stack-overflow'],
      ['choice[throws]@selected', 'SCRIPT_EXCEPTION', 'exception'],
    ];
    assert.deepEqual(perChoice(main), [expected]);
    assert.deepEqual(perChoice(pool), [expected]);
    const states = (r: RunReport) => (r.distributions[0] as SimulationReport).results[0]!.choices.map((c) => [c.id, c.selected]);
    assert.deepEqual(states(main), states(pool));
  });

  it('stops a guest stuck in one long native call and replays it as the pool does', async () => {
    // QuickJS searches naively and polls no interrupt inside indexOf: this one call runs for seconds.
    const stuck = "'a'.repeat(1e6).indexOf('a'.repeat(3000) + 'b') &lt; 0";
    const xml = `<installer-gui-script><options hostArchitectures="x86_64,arm64"/><choices-outline><line choice="before"/><line choice="stuck"/><line choice="after"/></choices-outline><choice id="before" selected="system.sysctl('hw.ncpu') &gt; 0"><pkg-ref id="p"/></choice><choice id="stuck" start_selected="false" selected="${stuck}"/><choice id="after" selected="choices.before.selected"><pkg-ref id="q"/></choice><pkg-ref id="p">#p.pkg</pkg-ref><pkg-ref id="q">#q.pkg</pkg-ref></installer-gui-script>`;
    const started = performance.now();
    const [main, pool] = await bothPaths(path.join(ROOT, 'stuck.xml'), [M4], { limits: { hardTimeoutMs: 300 } }, xml);
    assert.ok(performance.now() - started < 30_000, 'took too long');
    assert.deepEqual(perChoice(main), [[['choice[stuck]@selected', 'SCRIPT_TIMEOUT', 'hard-timeout']]]);
    assert.deepEqual(perChoice(main), perChoice(pool));
    const result = (r: RunReport) => (r.distributions[0] as SimulationReport).results[0]!;
    assert.deepEqual(
      result(main).choices.map((c) => [c.id, c.selected]),
      [
        ['before', true],
        ['stuck', false],
        ['after', true],
      ],
    );
    assert.deepEqual(result(main).choices, result(pool).choices);
    assert.deepEqual(result(main).packages, result(pool).packages);
  });

  it('hands the jobs it has not started to the pool once its time is up, untouched, with the same report as the pool', async () => {
    const distribution = parseDistribution(readFileSync(fixture('packages.xml'), 'utf8'), 'packages.xml', {});
    const settings = runSettings({});
    const jobs = [M4, INTEL, M4].map((id) => ({ distribution, profile: profile(id), settings }));
    const { results, handover } = await runOnMainThread(jobs, { hardTimeoutMs: 6500, wasmMemoryCap: 128 * 1024 * 1024, budgetMs: 0 });
    assert.equal(results.length, 1);
    assert.deepEqual(handover, jobs.slice(1));
    const profiles = builtinProfileIds()
      .slice(0, 12)
      .map((id) => profile(id));
    const [main, pool] = await Promise.all([simulateRun([distribution], profiles), simulateRun([distribution], profiles, { workers: 1 })]);
    assert.equal(JSON.stringify(main), JSON.stringify(pool));
  });

  it('hands a job whose engine faults (the host stack overflowed) to the pool with that evaluation failed, and the jobs after it untouched', async () => {
    // Above MAIN_THREAD_MAX_STACK_BYTES a deep guest recursion overflows this thread's own stack: an EngineFault.
    const xml = `<installer-gui-script><options hostArchitectures="x86_64,arm64"/><script>function deep(n) { return deep(n + 1) + 1; }</script><choices-outline><line choice="a"/></choices-outline><choice id="a" start_selected="false" selected="deep(0)"/></installer-gui-script>`;
    const distribution = parseDistribution(xml, 'deep.xml', {});
    const settings = runSettings({ limits: { stackBytes: 1024 * 1024 } });
    const jobs = [M4, INTEL].map((id) => ({ distribution, profile: profile(id), settings }));
    const { results, handover } = await runOnMainThread(jobs, { hardTimeoutMs: 6500, wasmMemoryCap: 128 * 1024 * 1024 });
    assert.deepEqual(results, []);
    assert.equal(handover.length, 2);
    const deep = distribution.evaluables.find((e) => e.source === 'choice[a]@selected')!.id;
    assert.deepEqual(handover[0]!.settings.poisoned, { [deep]: { kind: 'stack-overflow' } });
    assert.equal(handover[0]!.profile.id, M4);
    assert.equal(handover[1], jobs[1]);
  });

  it('the CLI: one file on one profile prints what the pool path prints', async () => {
    const args = ['run', 'examples/example-app.xml', '-p', M4, '--format', 'json'];
    const cold = await runCli(args);
    const pool = await runCli(args, { [NO_MAIN_THREAD_ENV]: '1' });
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(cold.stderr, '');
    assert.equal(cold.stdout, pool.stdout);
  });

  it('the CLI: the hostile fixture on one profile ends in seconds with the pool path’s diagnostics', async () => {
    const args = ['run', 'test/fixtures/hostile.xml', '-p', INTEL, '--format', 'json', '--timeout', '200', '--hard-timeout', '1500'];
    const cold = await runCli(args);
    assert.equal(cold.code, 0, cold.stderr);
    assert.ok(cold.ms < 30_000, `took ${cold.ms} ms`);
    const pool = await runCli(args, { [NO_MAIN_THREAD_ENV]: '1' });
    assert.equal(pool.code, 0, pool.stderr);
    assert.equal(perChoice(JSON.parse(cold.stdout) as RunReport).length, 1);
    assert.deepEqual(perChoice(JSON.parse(cold.stdout) as RunReport), perChoice(JSON.parse(pool.stdout) as RunReport));
  });
});
