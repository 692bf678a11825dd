import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyOverrides, loadProfiles, type Profile } from '../../src/profile/index.js';
import { sysctlView } from '../../src/profile/rosetta.js';
import { predicateFromText } from '../../src/requirements/model.js';
import { evaluateSysctlRequirements, type SysctlSubset } from '../../src/requirements/sysctl.js';

const PROFILES = loadProfiles({});
function profile(id: string, sets: string[] = []): Profile {
  const p = PROFILES.find((x) => x.id === id);
  assert.ok(p, `built-in profile ${id}`);
  return sets.length > 0 ? applyOverrides(p, sets) : p;
}

function evaluate(p: Profile, text: string, translated = false, subset?: SysctlSubset) {
  return evaluateSysctlRequirements(predicateFromText(text), sysctlView(p, translated), {
    osVersion: String(p.systemVersion.ProductVersion),
    ...(subset && { subset }),
  });
}

const AVX2 = 'hw.optional.avx2_0 == 1';

describe("sysctl-requirements hw.optional.avx2_0 == 1 (the issue's acceptance case)", () => {
  it('passes on macbookpro-13-early2015-10.10.5 (Broadwell)', () => {
    const r = evaluate(profile('macbookpro-13-early2015-10.10.5'), AVX2);
    assert.deepEqual([r.status, r.satisfied, r.explanation], ['passed', true, []]);
  });

  it('fails on macbookair-13-mid2012-10.8.5 running 10.15.7 (Ivy Bridge has no AVX2)', () => {
    const r = evaluate(profile('macbookair-13-mid2012-10.8.5', ['systemVersion.ProductVersion=10.15.7']), AVX2);
    assert.deepEqual([r.status, r.satisfied], ['failed', false]);
    assert.match(r.explanation[0]!, /^sysctl-requirements failed `hw\.optional\.avx2_0 == 1` \(hw\.optional\.avx2_0 = (0|nil)/);
  });

  it("is ignored on that Mac's own 10.8.5, as the Installer ignores it before 10.10", () => {
    const r = evaluate(profile('macbookair-13-mid2012-10.8.5'), AVX2);
    assert.deepEqual([r.status, r.satisfied, r.floor], ['ignored', true, '10.10']);
    assert.deepEqual(r.explanation, ['sysctl-requirements ignored: the Installer ignores it before macOS 10.10 (this Mac runs 10.8.5)']);
  });
});

describe('sysctl-requirements under Rosetta 2 see the translated view', () => {
  const m1 = () => profile('macbookair-m1-2020-12.7.6');
  const rows: Array<[string, boolean, boolean]> = [
    // predicate, native result, translated result
    [AVX2, false, false],
    ["hw.machine == 'arm64'", true, false],
    ["hw.machine == 'x86_64'", false, true],
    ['hw.cputype == 7', false, true],
    ['hw.optional.arm64 == 1', true, true],
    ['hw.pagesize == 4096', false, true],
    ['hw.memsize >= 8589934592', true, true],
  ];
  for (const [text, native, translated] of rows) {
    it(`${text}: native ${native}, translated ${translated}`, () => {
      assert.equal(evaluate(m1(), text, false).satisfied, native);
      assert.equal(evaluate(m1(), text, true).satisfied, translated);
    });
  }

  it('explains the translated value', () => {
    assert.deepEqual(evaluate(m1(), AVX2, true).explanation, ['sysctl-requirements failed `hw.optional.avx2_0 == 1` (hw.optional.avx2_0 = 0)']);
  });
});

describe('which sysctl names a predicate may read', () => {
  const intel = () => profile('macmini-2018-14.8.3');

  it("the man page's examples", () => {
    assert.equal(evaluate(intel(), 'hw.physicalcpu > 1').satisfied, true);
    assert.equal(evaluate(intel(), '( hw.optional.aes == 1 AND hw.memsize >= 4294967296 )').satisfied, true);
    assert.equal(evaluate(profile('macbook-late2008-10.6.8'), 'hw.optional.aes == 1', false).status, 'ignored');
  });

  it('hw.* and kern.ostype/osrelease/osrevision/version only, unless the subset is "all"', () => {
    assert.equal(evaluate(intel(), "kern.ostype == 'Darwin' AND kern.osrelease BEGINSWITH '23.'").satisfied, true);
    const machdep = "machdep.cpu.brand_string CONTAINS 'Intel'";
    const documented = evaluate(intel(), machdep);
    assert.equal(documented.satisfied, false);
    assert.deepEqual(documented.outcome?.decisive[0]?.values[0], {
      keyPath: 'machdep.cpu.brand_string',
      value: null,
      present: false,
      missingReason: 'not available to sysctl-requirements (only hw.* and kern.ostype, kern.osrelease, kern.osrevision, kern.version)',
    });
    assert.equal(evaluate(intel(), machdep, false, 'all').satisfied, true);
    assert.equal(evaluate(profile('macbookair-m1-2020-12.7.6'), 'sysctl.proc_translated == 1', true).satisfied, false);
    assert.equal(evaluate(profile('macbookair-m1-2020-12.7.6'), 'sysctl.proc_translated == 1', true, 'all').satisfied, true);
  });

  it('a name the Mac does not have is nil', () => {
    const r = evaluate(intel(), 'hw.optional.arm64 == 1');
    assert.equal(r.satisfied, false);
    assert.deepEqual(r.explanation, ['sysctl-requirements failed `hw.optional.arm64 == 1` (hw.optional.arm64 = nil (no such sysctl on this Mac))']);
    assert.equal(evaluate(intel(), 'hw.optional.arm64 == nil').satisfied, true);
  });
});

describe('sysctl-requirements that do not parse or raise', () => {
  it('a syntax error fails the check and is located in the file', () => {
    const r = evaluateSysctlRequirements({ text: 'hw.ncpu >> 2', position: { line: 40, column: 34 }, segments: [] }, profile('macmini-2018-14.8.3').sysctl, {
      osVersion: '14.8.3',
    });
    assert.deepEqual([r.status, r.satisfied], ['invalid', false]);
    assert.deepEqual(r.syntaxError, { offset: 9, message: "expected a value, found '>'", position: { line: 40, column: 43 } });
    assert.deepEqual(r.explanation, ["sysctl-requirements: the predicate does not parse (expected a value, found '>', at 40:43); the check fails"]);
  });

  it('an evaluation error fails the check', () => {
    const r = evaluate(profile('macmini-2018-14.8.3'), 'ANY hw.physicalcpu == 1');
    assert.deepEqual([r.status, r.satisfied], ['failed', false]);
    assert.deepEqual(r.explanation, ['sysctl-requirements failed evaluation error: ANY needs a collection on its left, found 6']);
  });
});
