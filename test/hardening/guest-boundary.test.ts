/**
 * Hardening round 2, the guest boundary: each test is a fresh input of one
 * class of attack that failed before the fix (issue "Hardening, round 2",
 * classes 1, 3, 4, 5, 9, 10, 11, 12, 13).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunReport, SimulationReport } from '../../src/types.js';
import { DEFAULT_NOW } from '../../src/simulate/limits.js';
import { codes, runCli, simulateOne, writeTemp } from '../helpers.js';

const INTEL = 'macbookpro-15-mid2015-10.14.6';
const M4 = 'macmini-m4-2024-26.5.2';
/** Something to install, so NOTHING_INSTALLED stays out of the way of what each test checks. */
const PACKAGE = '<choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>';
const script = (code: string, rest = '') =>
  `<installer-gui-script><options allow-external-scripts="true"/><script><![CDATA[${code}]]></script>${rest}${PACKAGE}</installer-gui-script>`;

describe('class 1: lookups keyed by guest text find only own entries', () => {
  it('sysctl, gestalt, receipts, run answers and strings answer nothing for inherited names', async () => {
    const r = await simulateOne(
      script(
        `var out = [];
['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'].forEach(function (k) {
  out.push(k + '=' + [system.sysctl(k), system.gestalt(k), system.localizedString(k), typeof system.run(k)].join('|'));
});
system.log(out.join(' '));`,
        `<volume-check script="system.log('receipt=' + my.target.receiptForIdentifier('constructor') + ',' + my.target.receiptForIdentifier('__proto__')); true"/>`,
      ),
      INTEL,
    );
    assert.equal(r.log[0], ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'].map((k) => `${k}=|||undefined`).join(' '));
    assert.equal(r.log[1], 'receipt=null,null');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('onConclusion="constructor" is an unknown restart action, reported', async () => {
    const r = await simulateOne(
      `<installer-gui-script><choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p" onConclusion="constructor">#p.pkg</pkg-ref></installer-gui-script>`,
      INTEL,
    );
    assert.equal(r.restartAction, 'None');
    assert.deepEqual(codes(r), ['RESTART_ACTION_UNKNOWN']);
  });
});

describe('class 3: the guest never reaches the host clock', () => {
  it('replacing Object.defineProperty or adding setters before the first Date use still gives the fixed clock', async () => {
    const r = await simulateOne(
      script(`Object.defineProperty = function () { throw new Error('no'); };
Object.defineProperty.call = null;
Function.prototype.__defineSetter__('now', function () {});
system.log(String(Date.now()) + ' ' + new Date().getTime() + ' ' + Date.prototype.constructor.now());`),
      INTEL,
    );
    assert.deepEqual(r.log, [`${DEFAULT_NOW} ${DEFAULT_NOW} ${DEFAULT_NOW}`]);
  });
});

describe("class 4: my.result is read with the host's own marshalling", () => {
  it('a replaced JSON.stringify or String cannot forge or break the result; fields are strings', async () => {
    const r = await simulateOne(
      `<installer-gui-script><script><![CDATA[
JSON.stringify = function () { return '{"type":["Warn"],"title":{"x":1},"message":null}'; };
String = function () { return 'forged'; };
function check() { my.result = { type: 'Fatal', title: { toString: function () { return 'T'; } }, message: [1, 2] }; return false; }
]]></script><installation-check script="check()"/></installer-gui-script>`,
      INTEL,
    );
    assert.deepEqual(r.installationCheck, { passed: false, resultType: 'Fatal', title: 'T', message: '1,2' });
  });
});

describe('class 5: guest-controlled text is bounded', () => {
  it('a 10 MB message is cut with OUTPUT_TRUNCATED; thousands of distinct unknown names give a bounded diagnostic list', async () => {
    const r = await simulateOne(
      `<installer-gui-script><script><![CDATA[
for (var i = 0; i < 5000; i++) system.sysctl('hw.nope.' + i + 'x'.repeat(500));
function check() { my.result.type = 'Fatal'; my.result.message = 'm'.repeat(10 * 1024 * 1024); return false; }
]]></script><installation-check script="check()"/></installer-gui-script>`,
      INTEL,
    );
    assert.ok(r.installationCheck.message!.length < 20_000, `${r.installationCheck.message!.length} characters kept`);
    const sysctl = r.diagnostics.filter((d) => d.code === 'API_UNKNOWN_SYSCTL');
    assert.equal(sysctl.length, 50);
    assert.ok(sysctl.every((d) => d.message.length <= 1000));
    const suppressed = r.diagnostics.find((d) => d.code === 'DIAGNOSTICS_SUPPRESSED');
    assert.deepEqual(suppressed?.args, { code: 'API_UNKNOWN_SYSCTL', suppressed: 4950 });
    assert.ok(codes(r).includes('OUTPUT_TRUNCATED'));
    assert.ok(JSON.stringify(r).length < 200_000, `${JSON.stringify(r).length} bytes of JSON`);
  });

  it('a huge exception message is capped', async () => {
    const r = await simulateOne(script(`throw new Error('e'.repeat(5 * 1024 * 1024));`), INTEL);
    const d = r.diagnostics.find((x) => x.code === 'SCRIPT_EXCEPTION')!;
    assert.ok(d.message.length <= 1000 && String(d.args!.error).length <= 200);
  });
});

describe('class 9: guest code never runs inside a host operation outside an evaluation', () => {
  it('setters on Object.prototype and Array.prototype do not run when the host binds targets or builds answers', async () => {
    const r = await simulateOne(
      script(
        `Object.defineProperty(Object.prototype, 'receiptForIdentifier', { set: function () { while (true) {} } });
Object.defineProperty(Object.prototype, 'mountpoint', { set: function () { while (true) {} } });
Object.defineProperty(Array.prototype, '0', { set: function () { while (true) {} } });
var found = system.ioregistry.matchingClass('IOPlatformExpertDevice');
system.log('entries ' + found.length);`,
        `<installation-check script="true"/><volume-check script="my.target.mountpoint.length &gt; 0"/>`,
      ),
      INTEL,
      { limits: { timeoutMs: 200 } },
    );
    assert.deepEqual(r.log, ['entries 1']);
    assert.deepEqual(codes(r), []);
    assert.equal(r.installable, true);
  });
});

describe('class 12: an interrupt cannot be caught by the guest', () => {
  it('a loop in Symbol.toPrimitive called by a host conversion is a SCRIPT_TIMEOUT even when the guest catches it', async () => {
    const r = await simulateOne(
      script(`var swallowed = false;
try { system.sysctl({ [Symbol.toPrimitive]: function () { while (true) {} } }); } catch (e) { swallowed = true; }
system.log('after ' + swallowed);`),
      INTEL,
      { limits: { timeoutMs: 100 } },
    );
    assert.deepEqual(codes(r), ['SCRIPT_TIMEOUT']);
    assert.equal(r.diagnostics[0]!.args!.kind, 'timeout');
  });
});

describe('class 13: strings cross the boundary whole', () => {
  it('NUL and lone surrogates survive both directions', async () => {
    const r = await simulateOne(
      script(`var a = system.sysctl('hw.ncpu\\u0000x');
system.log('nul:' + a + ':' + 'a\\u0000b'.length);
system.log('x\\u0000y');
system.log('\\ud800z');`),
      INTEL,
    );
    assert.deepEqual(r.log, ['nul:null:3', 'x\u0000y', '\ud800z']);
    assert.equal(r.diagnostics.find((d) => d.code === 'API_UNKNOWN_SYSCTL')?.args?.name, 'hw.ncpu\u0000x');
  });
});

describe('classes 10 and 11: limits are deterministic', () => {
  const loop = (body: string) =>
    `<installer-gui-script><options hostArchitectures="x86_64,arm64"/><script><![CDATA[
var declared = 'yes';
system.log('before the loop');
var n = 0;
while (true) { ${body} n++; }
]]></script><installation-check script="declared == 'yes'"/>${PACKAGE}</installer-gui-script>`;

  it('a loop that runs until the limit gives identical JSON on every run and with -j 1 and -j 2', async () => {
    const file = writeTemp(
      'count.xml',
      `<installer-gui-script><options hostArchitectures="x86_64,arm64"/><script><![CDATA[var i = 0; while (true) { if (i % 1000 === 0) system.log('i=' + i); i++; }]]></script></installer-gui-script>`,
    );
    const args = ['run', file, '-p', INTEL, '-p', M4, '-p', 'macmini-2018-14.8.3', '-f', 'json', '--timeout', '200'];
    const runs = [await runCli([...args, '-j', '1']), await runCli([...args, '-j', '2']), await runCli([...args, '-j', '2'])];
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(runs[0]!.stdout, runs[1]!.stdout);
    assert.equal(runs[1]!.stdout, runs[2]!.stdout);
    const report = JSON.parse(runs[0]!.stdout) as RunReport;
    assert.ok((report.distributions[0] as SimulationReport).results[0]!.log.length > 5, 'the loop ran for a while');
  });

  it("an interpreted loop and a loop of native calls keep the script's effects before the stop and give the same outcome", async () => {
    const interpreted = await simulateOne(loop(''), INTEL, { limits: { timeoutMs: 100 } });
    const native = await simulateOne(loop(`new Array(20000).join('x');`), INTEL, { limits: { timeoutMs: 100000, hardTimeoutMs: 800 } });
    for (const r of [interpreted, native]) {
      assert.deepEqual(r.log, ['before the loop']);
      assert.equal(r.installable, true);
      assert.deepEqual(codes(r), ['SCRIPT_TIMEOUT']);
    }
    assert.equal(interpreted.diagnostics[0]!.args!.kind, 'timeout');
    assert.equal(native.diagnostics[0]!.args!.kind, 'hard-timeout');
    assert.equal(native.diagnostics[0]!.args!.machineSpeedDependent, true);
  });
});
