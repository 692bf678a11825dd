import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEBUG_SYNC, newQuickJSWASMModule } from 'quickjs-emscripten';
import { parseDistribution } from '../../src/distribution/parse.js';
import { defaultPolicies } from '../../src/installer/policy.js';
import { quickjsSessions, runProfile } from '../../src/simulate/run-profile.js';
import { DEFAULT_LIMITS } from '../../src/simulate/limits.js';
import { simulate } from '../../src/runner/simulate.js';
import { readFileSync } from 'node:fs';
import { codes, fixture, profile, simulateOne } from '../helpers.js';

const INTEL = 'macbookpro-15-mid2015-10.14.6';
const script = (code: string) => `<installer-gui-script><script><![CDATA[${code}]]></script></installer-gui-script>`;

describe('the guest cannot reach the host', () => {
  it('sees no Node globals, by any route to the global object', async () => {
    const r = await simulateOne(
      script(`
var g1 = Function('return this')();
var g2 = (function () { return this; })();
var g3 = ({}).constructor.constructor('return globalThis')();
var names = ['process', 'require', 'module', 'Buffer', 'global', 'setTimeout', 'fetch', 'WebAssembly', 'os', 'std'];
var seen = [];
[g1, g2, g3].forEach(function (g) { names.forEach(function (n) { if (typeof g[n] !== 'undefined') seen.push(n); }); });
system.log('seen:' + seen.join(','));`),
      INTEL,
    );
    assert.deepEqual(r.log, ['seen:']);
  });

  it('never runs promise jobs, so a dynamic import() can never load anything', async () => {
    // import() only returns a pending Promise; loading would happen in a job, and jobs never run.
    const r = await simulateOne(
      `<installer-gui-script><script><![CDATA[
var p = eval('import("fs")');
system.log('import gave ' + typeof p);
p.then(function () { system.log('import resolved'); }, function () { system.log('import rejected'); });
Promise.resolve().then(function () { system.log('a job ran'); });
]]></script><installation-check script="system.log('check ran'); true"/></installer-gui-script>`,
      INTEL,
    );
    assert.deepEqual(r.log, ['import gave object', 'check ran']);
  });

  it('cannot redefine or tamper with system, my and choices', async () => {
    const r = await simulateOne(
      script(`
system = 1; my = 2; choices = 3;
var attempts = [];
try { Object.defineProperty(globalThis, 'system', { value: 1 }); } catch (e) { attempts.push(e.name); }
try { delete globalThis.system; } catch (e) { attempts.push(e.name); }
system.sysctl = function () { return 'pwned'; };
system.version.ProductVersion = '99.0';
system.log([typeof system.sysctl('hw.ncpu'), typeof my.result, typeof choices, attempts.join('+')].join(' '));`),
      INTEL,
    );
    assert.deepEqual(r.log, ['number object object TypeError']);
  });

  it('keeps each profile isolated: pollution in one run is invisible in the next run in the same worker', async () => {
    const dist = parseDistribution(
      script(`
system.log('before: ' + (typeof leaked) + ' ' + ({}).polluted + ' ' + system.version.ProductVersion);
leaked = true;
Object.prototype.polluted = 'yes';
Array.prototype.push = function () { return -1; };
JSON.parse = function () { return { ProductVersion: 'forged' }; };
system.version.ProductVersion = 'mutated';`),
      'pollute.xml',
    );
    const report = await simulate(dist, [profile(INTEL), profile('macmini-m4-2024-26.5.2'), profile(INTEL, ['id=again'])], { workers: 1 });
    assert.deepEqual(
      report.results.map((x) => x.log[0]),
      ['before: undefined undefined 10.14.6', 'before: undefined undefined 26.5.2', 'before: undefined undefined 10.14.6'],
    );
  });

  it('refuses huge strings passed to the API, and survives re-entrant calls', async () => {
    const r = await simulateOne(
      script(`
var huge = 'x'.repeat(4 * 1024 * 1024);
var outcome = 'none';
try { system.sysctl(huge); } catch (e) { outcome = e.name; }
var nested = system.sysctl({ toString: function () { return system.sysctl('hw.machine') == 'x86_64' ? 'hw.ncpu' : 'hw.nope'; } });
var thrower = 'none';
try { system.sysctl({ toString: function () { throw new RangeError('no'); } }); } catch (e) { thrower = e.name; }
system.log(outcome + ' ' + nested + ' ' + thrower);`),
      INTEL,
    );
    assert.deepEqual(r.log, ['TypeError 8 RangeError']);
    assert.ok(codes(r).includes('API_ARGUMENT_REFUSED'));
  });

  it('a hostile my.result (a getter that never returns) fails the check with a diagnostic instead of hanging', async () => {
    const r = await simulateOne(
      `<installer-gui-script><script>function check() { my.result = { get type() { while (true) {} } }; return false; }</script><installation-check script="check()"/></installer-gui-script>`,
      INTEL,
      { limits: { timeoutMs: 200 } },
    );
    assert.equal(r.installationCheck.passed, false);
    assert.ok(codes(r).includes('SCRIPT_TIMEOUT'));
  });

  it("leaks no QuickJS handle (checked with the debug build's leak sanitizer)", async () => {
    // TestQuickJSWASMModule.assertNoMemoryAllocated() reports every runtime as leaked in 0.32.0,
    // even a bare newRuntime()+dispose(), so the sanitizer is asked directly.
    const module = await newQuickJSWASMModule(DEBUG_SYNC);
    const sessions = quickjsSessions(module);
    const settings = { policies: defaultPolicies(), limits: { ...DEFAULT_LIMITS, timeoutMs: 300 }, now: 0, seed: 1 };
    for (const name of ['api.xml', 'exceptions.xml', 'choice-dependencies.xml', 'volumes.xml', 'upgrade.xml', 'packages.xml', 'legacy-root.xml']) {
      const dist = parseDistribution(readFileSync(fixture(name), 'utf8'), name);
      for (const id of [INTEL, 'macmini-2018-14.8.3', 'macbookair-m1-2020-12.7.6-example-app-1.0']) runProfile(sessions, dist, profile(id), settings);
    }
    const extra = parseDistribution(
      script(
        `var d = new Date(); Math.random(); system.ioregistry.matchingClass('IOPCIDevice'); system.ioregistry.childrenOf(system.ioregistry.matchingClass('IOPlatformExpertDevice')[0]); system.files.bundleAtPath('/Applications/Example.app'); system.applications.all; system.users.desktopSessionCount; my.result = { type: 'Warn' }; try { system.sysctl('x'.repeat(2e6)); } catch (e) {}`,
      ),
      'extra.xml',
    );
    runProfile(sessions, extra, profile('macbookair-m1-2020-12.7.6-example-app-1.0'), settings);
    assert.equal(module.getFFI().QTS_RecoverableLeakCheck(), 0, 'the leak sanitizer found leaked memory (see stderr)');
  });
});
