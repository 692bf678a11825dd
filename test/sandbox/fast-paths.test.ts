import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDistribution } from '../../src/distribution/parse.js';
import { ImageSessions } from '../../src/mocks/image-sessions.js';
import { defaultPolicies } from '../../src/installer/policy.js';
import { engineLayout, getEngine, retireEngine, setLayoutForTesting } from '../../src/sandbox/engine.js';
import { setFastPaths } from '../../src/sandbox/fast-paths.js';
import { readLayout, type MemoryLayout } from '../../src/sandbox/layout.js';
import { seededRandom } from '../../src/sandbox/determinism.js';
import { DEFAULT_LIMITS } from '../../src/simulate/limits.js';
import { quickjsSessions, runProfile } from '../../src/simulate/run-profile.js';
import type { RunSettings } from '../../src/simulate/settings.js';
import { builtinProfiles, CORPUS, ROOT } from '../helpers.js';

const settings: RunSettings = { policies: defaultPolicies(), limits: DEFAULT_LIMITS, now: Date.UTC(2026, 0, 1), seed: 7 };
const FIRST_RANDOM = seededRandom(7)();

/**
 * Each profile checks that it starts clean, then pollutes everything it can:
 * globals, prototypes, intrinsics the host relies on, Math.random, the heap.
 * `clean` decides the installation check and the choice's visibility.
 */
const POLLUTER = `<?xml version="1.0"?>
<installer-gui-script minSpecVersion="1">
<script><![CDATA[
var clean = typeof __polluted === 'undefined'
  && !('__p' in Object.prototype)
  && typeof Array.prototype.push === 'function'
  && ' a '.trim() === 'a'
  && JSON.stringify([1]) === '[1]'
  && Math.random() === ${FIRST_RANDOM}
  && new Date().getTime() === ${settings.now}
  && typeof big === 'undefined'
  && my.result.type === undefined;
globalThis.__polluted = true;
Object.prototype.__p = 1;
Array.prototype.push = null;
String.prototype.trim = function () { return 'polluted'; };
JSON.stringify = function () { return 'polluted'; };
Math.random = function () { return 42; };
var big = [];
for (var i = 0; i < 3000; i++) big[i] = 'x' + i + 'y'.repeat(50);
system.applications.all();
my.result.type = 'Fatal';
]]></script>
<installation-check script="clean"/>
<choices-outline><line choice="a"/></choices-outline>
<choice id="a" title="A" visible="clean"/>
</installer-gui-script>`;

after(() => setFastPaths(true));

describe('memory images between profiles', () => {
  it('every one of 1,000 profiles starts clean, and the module is byte-identical to its image after each', async () => {
    const engine = await getEngine();
    const images = new ImageSessions(engine);
    const sessions = quickjsSessions(engine, images);
    const dist = parseDistribution(POLLUTER, 'polluter.xml');
    const profiles = builtinProfiles();
    let dirty = 0;
    for (let i = 0; i < 1000; i++) {
      const result = runProfile(sessions, dist, profiles[i % profiles.length]!, settings);
      if (!result.installationCheck.passed || result.choices[0]?.visible !== true) dirty++;
      const left = images.imageDifferences();
      assert.equal(left, 0, `profile ${i}: ${left} of the image checks fail`);
    }
    assert.equal(dirty, 0);
    assert.deepEqual(images.status(), { images: undefined, directCalls: undefined, unexpected: false });
  });

  it('changes nothing outside the regions it copies (whole-memory comparison over the corpus)', async () => {
    const engine = await getEngine();
    const layout = engineLayout();
    assert.equal(typeof layout, 'object', String(layout));
    if (typeof layout === 'string') return;
    const images = new ImageSessions(engine);
    const sessions = quickjsSessions(engine, images);
    const dists = corpusSample(12);
    const profiles = builtinProfiles().slice(0, 3);
    // The first profile takes the image; the comparison starts from the module as it is right after that restore.
    runProfile(sessions, dists[0]!, profiles[0]!, settings);
    const memory = engine.getWasmMemory() as unknown as { buffer: ArrayBuffer };
    // The C stack [staticEnd, heapBase) is dead between calls: everything else must come back.
    const outsideStack = () => {
      const all = Buffer.from(memory.buffer);
      return [Buffer.from(all.subarray(0, layout.staticEnd)), Buffer.from(all.subarray(layout.heapBase))];
    };
    const reference = outsideStack();
    for (const dist of dists) {
      for (const profile of profiles) {
        runProfile(sessions, dist, profile, settings);
        const now = outsideStack();
        assert.equal(Buffer.compare(now[0]!, reference[0]!), 0, `${dist.path}: static data differs`);
        // The heap may have grown (memory.grow); what it grew into must be zero again.
        assert.equal(Buffer.compare(now[1]!.subarray(0, reference[1]!.length), reference[1]!), 0, `${dist.path}: heap differs`);
        assert.ok(
          now[1]!.subarray(reference[1]!.length).every((b) => b === 0),
          `${dist.path}: memory above the old end is not zero`,
        );
      }
    }
  });

  it('gives the same results as fresh runtimes on the corpus', async () => {
    const engine = await getEngine();
    const dists = corpusSample(20);
    const profiles = builtinProfiles().filter((_, i) => i % 5 === 0);
    const run = () => dists.flatMap((d) => profiles.map((p) => JSON.stringify(runProfile(quickjsSessions(engine), d, p, settings))));
    const fast = run();
    setFastPaths(false);
    try {
      const slow = run();
      assert.deepEqual(fast, slow);
    } finally {
      setFastPaths(true);
    }
  });

  for (const [what, breakLayout, reason] of [
    ['a break address that is not the sbrk word', (l: MemoryLayout) => ({ ...l, breakAddress: l.breakAddress + 4 }), /sbrk break 0 is outside the heap/],
    ['a static region that misses most statics', (l: MemoryLayout) => ({ ...l, staticEnd: 4096 }), /of the memory image's checks fail after a restore/],
  ] as const) {
    it(`drops a module whose self-check fails, given ${what}; profiles then run in fresh runtimes, with SANDBOX_FAST_PATH_OFF and the same results`, async () => {
      const real = engineLayout();
      if (typeof real === 'string') assert.fail(real);
      const dist = parseDistribution(POLLUTER, 'polluter.xml');
      const profile = builtinProfiles()[0]!;
      const good = runProfile(quickjsSessions(await getEngine()), dist, profile, settings);
      setLayoutForTesting(breakLayout(real));
      try {
        const engine = await getEngine();
        const images = new ImageSessions(engine);
        const result = runProfile(quickjsSessions(engine, images), dist, profile, settings);
        assert.equal(images.status().unexpected, true);
        assert.match(images.status().images ?? '', reason);
        const off = result.diagnostics.filter((d) => d.code === 'SANDBOX_FAST_PATH_OFF');
        assert.equal(off.length, 1);
        assert.match(off[0]!.message, reason);
        assert.deepEqual({ ...result, diagnostics: result.diagnostics.filter((d) => d !== off[0]) }, good);
      } finally {
        setLayoutForTesting(undefined);
      }
    });
  }
});

describe('a module loaded for a small run', () => {
  it('skips the image proof, runs profiles in fresh runtimes and says nothing about it', async () => {
    retireEngine();
    try {
      const engine = await getEngine({ images: false });
      const images = new ImageSessions(engine);
      const result = runProfile(quickjsSessions(engine, images), parseDistribution(POLLUTER, 'polluter.xml'), builtinProfiles()[0]!, settings);
      assert.deepEqual(images.status(), {
        images: 'the module was loaded without proving them (a small run, or not by getEngine())',
        directCalls: undefined,
        unexpected: false,
      });
      assert.equal(result.installationCheck.passed, true);
      assert.ok(!result.diagnostics.some((d) => d.code === 'SANDBOX_FAST_PATH_OFF'));
    } finally {
      retireEngine();
    }
  });

  it('stops a runaway script at exactly the same point as a module with images (the same interrupt phase)', async () => {
    const looping = parseDistribution(
      `<installer-gui-script><script>var n = 0; function f() { while (true) n++; }</script><installation-check script="f()"/>
       <choices-outline><line choice="a"/></choices-outline><choice id="a" visible="system.log(String(n)) || true"/></installer-gui-script>`,
      'loop.xml',
    );
    const budget = { ...settings, limits: { ...DEFAULT_LIMITS, timeoutMs: 100 } };
    const profile = builtinProfiles()[0]!;
    retireEngine();
    const small = runProfile(quickjsSessions(await getEngine({ images: false })), looping, profile, budget);
    retireEngine();
    const imaged = runProfile(quickjsSessions(await getEngine()), looping, profile, budget);
    const again = runProfile(quickjsSessions(await getEngine()), looping, profile, budget);
    assert.equal(small.log.length, 1);
    assert.ok(Number(small.log[0]) > 1000);
    assert.deepEqual(imaged.log, small.log);
    assert.deepEqual(again.log, small.log);
  });
});

describe('guards against a quickjs-emscripten upgrade', () => {
  it('the pinned build has the layout the memory image was verified on', () => {
    const require = createRequire(createRequire(path.join(ROOT, 'package.json')).resolve('quickjs-emscripten'));
    const version = (
      JSON.parse(readFileSync(path.join(path.dirname(require.resolve('quickjs-emscripten/package.json')), 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const layout = readLayout(readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));
    // On an upgrade: re-run this file; if the layout changed, check src/sandbox/layout.ts's assumptions (data, then stack,
    // then heap; one static sbrk word; statics within STATIC_ALLOWANCE) and src/sandbox/image.ts's use of hostRefs.
    assert.equal(version, '0.32.0', 'quickjs-emscripten was upgraded: re-verify the fast paths (see this test)');
    assert.deepEqual(layout, { staticEnd: 98304, heapBase: 5333088, breakAddress: 86864 });
  });

  it('refuses binaries it does not understand, with a reason', () => {
    assert.equal(readLayout(new Uint8Array([1, 2, 3])), 'not a WebAssembly binary');
    const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
    assert.match(String(readLayout(new Uint8Array(header))), /stack pointer/);
    // A global section whose first global is an immutable i32.
    assert.match(String(readLayout(new Uint8Array([...header, 6, 6, 1, 0x7f, 0, 0x41, 1, 0x0b]))), /stack pointer/);
    // A section that claims more bytes than there are.
    assert.equal(readLayout(new Uint8Array([...header, 6, 100, 1])), 'the WebAssembly binary is truncated');
  });

  it('both fast paths are on for the pinned build', async () => {
    const images = new ImageSessions(await getEngine());
    const sessions = quickjsSessions(await getEngine(), images);
    runProfile(sessions, parseDistribution(POLLUTER, 'polluter.xml'), builtinProfiles()[0]!, settings);
    assert.deepEqual(images.status(), { images: undefined, directCalls: undefined, unexpected: false });
  });
});

function corpusSample(n: number) {
  const dists = [];
  for (const name of readdirSync(CORPUS).sort()) {
    if (name === 'PROVENANCE.json') continue;
    try {
      dists.push(parseDistribution(readFileSync(path.join(CORPUS, name), 'utf8'), name));
    } catch {
      // Malformed corpus files are tested elsewhere.
    }
    if (dists.length === n) break;
  }
  assert.equal(dists.length, n);
  return dists;
}
