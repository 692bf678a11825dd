/** `diff` of two traced results: which outcomes differ and the first fact behind each (in process). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffResults } from '../../src/explain/diff.js';
import { ARM, INTEL, parse, traced, whyXml } from './fixtures.js';

const ARM_XML = `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
  <options customize="allow" hostArchitectures="x86_64,arm64"/>
  <script>function isArm() { return system.sysctl('hw.optional.arm64') == 1; }</script>
  <choices-outline><line choice="arm"/><line choice="base"/></choices-outline>
  <choice id="arm" title="Arm" visible="isArm()"><pkg-ref id="a"/></choice>
  <choice id="base" title="Base"><pkg-ref id="b"/></choice>
  <pkg-ref id="a" version="1">#a.pkg</pkg-ref>
  <pkg-ref id="b" version="1">#b.pkg</pkg-ref>
</installer-gui-script>
`;

describe('diff', () => {
  it('names hw.optional.arm64 between an Intel and an Apple-silicon Mac', async () => {
    const dist = parse(ARM_XML);
    const d = diffResults(await traced(dist, INTEL), await traced(dist, ARM));
    assert.equal(d.identical, false);
    assert.deepEqual(d.facts, [`evaluated native (x86_64) on ${INTEL} vs native (arm64) on ${ARM}`]);
    assert.deepEqual(d.differences, [
      {
        outcome: 'choice arm.visible',
        a: 'false',
        b: 'true',
        decidedBy: 'choice[arm]@visible',
        firstDifference: "system.sysctl('hw.optional.arm64'): null vs 1",
      },
    ]);
  });

  it('names the translation when the API answers are the same', async () => {
    const dist = parse(whyXml('x86_64'));
    const d = diffResults(await traced(dist, INTEL), await traced(dist, ARM));
    assert.deepEqual(d.facts, [`evaluated native (x86_64) on ${INTEL} vs translated (x86_64, Rosetta 2) on ${ARM}`]);
    // Rosetta answers hw.machine as x86_64, like the Intel Mac: nothing decided differently.
    assert.deepEqual(d.differences, []);
    assert.equal(d.identical, true);
  });

  it('finds nothing between a profile and itself', async () => {
    const dist = parse(ARM_XML);
    const d = diffResults(await traced(dist, ARM), await traced(dist, ARM));
    assert.equal(d.identical, true);
    assert.deepEqual(d.differences, []);
  });

  it('compares a profile with a modified copy of itself', async () => {
    const dist = parse(ARM_XML);
    const d = diffResults(await traced(dist, ARM), await traced(dist, ARM, ['sysctl.hw.optional.arm64=0']), {
      a: ARM,
      b: `${ARM} with sysctl.hw.optional.arm64=0`,
    });
    assert.equal(d.differences[0]!.firstDifference, "system.sysctl('hw.optional.arm64'): 1 vs 0");
  });
});
