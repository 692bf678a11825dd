import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDistribution } from '../../src/distribution/parse.js';
import { choice, codes, fixture, installs, profile, simulateOne, simulateXml } from '../helpers.js';

const INTEL_1014 = 'macbookpro-15-mid2015-10.14.6';
const INTEL_1015 = 'imac-27-2019-10.15.7';
const INTEL_109 = 'macbookpro-13-late2013-10.9.5';
const INTEL_1010 = 'macbookpro-13-early2015-10.10.5';
const M1_ROSETTA = 'macbookair-m1-2020-12.7.6';
const M1_NO_ROSETTA = 'macbookair-m1-2020-11.7.10';
const M4_26 = 'macmini-m4-2024-26.5.2';
const M4_ROSETTA_SHELL = 'macmini-m4-2024-26.5.2-rosetta-shell';
const M3_14 = 'macbookpro-14-m3pro-2023-14.8.3';
const G5 = 'powermac-g5-late2005-10.5.8';
const TWO_VOLUMES = 'macmini-2018-14.8.3';
const UPGRADE = 'macbookair-m1-2020-12.7.6-example-app-1.0';

describe('installation-check: OS gate', () => {
  it('compares versions numerically and reports the Fatal result', async () => {
    const r = await simulateXml('os-gate.xml', [INTEL_109, INTEL_1010, INTEL_1014, INTEL_1015, M4_26]);
    for (const id of [INTEL_109, INTEL_1010, INTEL_1014]) {
      const ic = r.get(id)!.installationCheck;
      assert.deepEqual(ic, { passed: false, resultType: 'Fatal', title: 'Too old', message: 'Requires macOS 10.15 or later.' }, id);
      assert.equal(r.get(id)!.installable, false, id);
      assert.deepEqual(
        r.get(id)!.blockers.map((b) => b.code),
        ['INSTALLATION_CHECK_FAILED'],
      );
    }
    for (const id of [INTEL_1015, M4_26]) {
      assert.equal(r.get(id)!.installationCheck.passed, true, id);
      assert.equal(r.get(id)!.installable, true, id);
    }
  });

  it('shows the string-comparison bug the way the Installer would run it', async () => {
    const r = await simulateXml('os-gate.xml', [INTEL_1014, INTEL_109, M4_26]);
    assert.deepEqual(r.get(INTEL_1014)!.log, ['string gate false']); // '10.14.6' >= '10.9' is false as strings
    assert.deepEqual(r.get(INTEL_109)!.log, ['string gate true']);
    assert.deepEqual(r.get(M4_26)!.log, ['string gate true']);
  });
});

describe('architecture gate and Rosetta', () => {
  const LOG_INTEL = 'machine=x86_64 cputype=7 translated=null arm64=null';
  const LOG_TRANSLATED = 'machine=x86_64 cputype=7 translated=1 arm64=1';
  const LOG_NATIVE_ARM = 'machine=arm64 cputype=16777228 translated=0 arm64=1';

  it('without hostArchitectures, Apple silicon evaluates translated and needs Rosetta', async () => {
    const r = await simulateXml('arch-none.xml', [INTEL_1014, M1_ROSETTA, M1_NO_ROSETTA, G5]);
    const intel = r.get(INTEL_1014)!;
    assert.equal(intel.evaluatedArch, 'x86_64');
    assert.equal(intel.translated, false);
    assert.deepEqual(intel.log, [LOG_INTEL]);
    assert.equal(intel.installable, true);

    const m1 = r.get(M1_ROSETTA)!;
    assert.equal(m1.evaluatedArch, 'x86_64');
    assert.equal(m1.translated, true);
    assert.deepEqual(m1.log, [LOG_TRANSLATED]);
    assert.equal(m1.installable, true);
    assert.ok(codes(m1).includes('ARCH_TRANSLATED'));

    const noRosetta = r.get(M1_NO_ROSETTA)!;
    assert.equal(noRosetta.installable, false);
    assert.deepEqual(
      noRosetta.blockers.map((b) => b.code),
      ['ARCH_ROSETTA_MISSING'],
    );
    assert.ok(codes(noRosetta).includes('ARCH_ROSETTA_MISSING'));
    // The rest is still evaluated.
    assert.deepEqual(noRosetta.log, [LOG_TRANSLATED]);
    assert.equal(noRosetta.installationCheck.passed, true);

    const g5 = r.get(G5)!;
    assert.equal(g5.evaluatedArch, 'ppc');
    assert.deepEqual(g5.log, ['machine=Power Macintosh cputype=18 translated=null arm64=null']);
  });

  it('with arm64 listed, Apple silicon evaluates natively; a Rosetta shell still translates', async () => {
    const r = await simulateXml('arch-universal.xml', [M1_ROSETTA, M1_NO_ROSETTA, M4_ROSETTA_SHELL]);
    for (const id of [M1_ROSETTA, M1_NO_ROSETTA]) {
      assert.equal(r.get(id)!.evaluatedArch, 'arm64', id);
      assert.equal(r.get(id)!.translated, false, id);
      assert.deepEqual(r.get(id)!.log, [LOG_NATIVE_ARM], id);
      assert.equal(r.get(id)!.installable, true, id);
      assert.ok(!codes(r.get(id)!).includes('ARCH_TRANSLATED'));
    }
    const shell = r.get(M4_ROSETTA_SHELL)!;
    assert.equal(shell.translated, true);
    assert.ok(codes(shell).includes('ARCH_ROSETTA_SHELL'));
    assert.deepEqual(shell.log, [LOG_TRANSLATED]);
  });

  it('refuses hosts that hostArchitectures does not allow', async () => {
    const arm = await simulateXml('arch-arm64-only.xml', [INTEL_1014, M1_ROSETTA, M4_ROSETTA_SHELL]);
    assert.deepEqual(
      arm.get(INTEL_1014)!.blockers.map((b) => b.code),
      ['ARCH_UNSUPPORTED'],
    );
    assert.equal(arm.get(M1_ROSETTA)!.installable, true);
    assert.deepEqual(
      arm.get(M4_ROSETTA_SHELL)!.blockers.map((b) => b.code),
      ['ARCH_UNSUPPORTED'],
    );
    const ppc = await simulateXml('arch-ppc-only.xml', [INTEL_1014, G5]);
    assert.deepEqual(
      ppc.get(INTEL_1014)!.blockers.map((b) => b.code),
      ['ARCH_UNSUPPORTED'],
    );
    assert.equal(ppc.get(G5)!.installable, true);
  });
});

describe('choices', () => {
  it('keeps visible, enabled and selected independent; hidden or disabled selected choices install', async () => {
    const r = await simulateOne('hidden-choice.xml', INTEL_1014);
    assert.deepEqual(choice(r, 'visible-main'), { visible: true, enabled: true, selected: true });
    assert.deepEqual(choice(r, 'hidden-selected'), { visible: false, enabled: true, selected: true });
    assert.deepEqual(choice(r, 'disabled-selected'), { visible: true, enabled: false, selected: true });
    assert.deepEqual(choice(r, 'hidden-unselected'), { visible: false, enabled: true, selected: false });
    assert.deepEqual(installs(r), ['pkg.main', 'pkg.hidden', 'pkg.disabled']);
    assert.deepEqual(
      r.choices.map((c) => [c.id, c.parent]),
      [
        ['visible-main', null],
        ['hidden-selected', 'visible-main'],
        ['disabled-selected', 'visible-main'],
        ['hidden-unselected', 'visible-main'],
      ],
    );
  });

  it('re-evaluates choice expressions until nothing changes, in outline order, with globals kept', async () => {
    const r = await simulateOne('choice-dependencies.xml', INTEL_1014);
    assert.deepEqual(
      r.choices.map((c) => c.id),
      ['addon-docs', 'addon', 'base', 'counter'],
    );
    assert.equal(choice(r, 'base').selected, false);
    assert.deepEqual(choice(r, 'addon'), { visible: true, enabled: false, selected: false });
    // A single pass would leave addon-docs selected: it is evaluated before addon changes.
    assert.equal(choice(r, 'addon-docs').selected, false);
    assert.equal(choice(r, 'counter').selected, true);
    assert.deepEqual(installs(r), ['pkg.counter']);
    assert.ok(!codes(r).includes('CHOICES_DID_NOT_SETTLE'));
  });

  it('reports choices that never settle', async () => {
    const r = await simulateOne('choice-oscillates.xml', INTEL_1014, { limits: { maxChoicePasses: 5 } });
    assert.ok(codes(r).includes('CHOICES_DID_NOT_SETTLE'));
  });

  it('start_* and packageUpgradeAction see the receipts on the target', async () => {
    const clean = await simulateOne('upgrade.xml', M1_ROSETTA);
    assert.deepEqual(choice(clean, 'app'), { visible: true, enabled: true, selected: true });
    assert.equal(choice(clean, 'migrate').selected, false);
    const upgrade = await simulateOne('upgrade.xml', UPGRADE);
    assert.equal(choice(upgrade, 'app').selected, true);
    assert.deepEqual(choice(upgrade, 'migrate'), { visible: false, enabled: true, selected: true });
    const same = await simulateOne('upgrade.xml', profile(M1_ROSETTA, ['volumes[0].receipts.com.example.app=2.0']));
    assert.equal(choice(same, 'app').selected, false, 'same version installed: packageUpgradeAction is installed');
  });
});

describe('exceptions and policies', () => {
  it('logs exceptions, fails the check, reads a throwing choice expression as false and goes on', async () => {
    const r = await simulateOne('exceptions.xml', INTEL_1014);
    assert.equal(r.installationCheck.passed, false);
    assert.equal(r.installationCheck.resultType, 'Fatal');
    assert.match(r.installationCheck.message ?? '', /^Package Authoring: error running installation-check script: TypeError/);
    assert.equal(choice(r, 'throws-keep').selected, false);
    // choice-exception=false: JavaScriptCore answers undefined for a script that threw, which the Installer reads as false.
    assert.equal(choice(r, 'throws-start').selected, false);
    assert.equal(choice(r, 'fine').selected, true, 'script[1] stopped at the throw, script[2] ran');
    const exceptions = r.diagnostics.filter((d) => d.code === 'SCRIPT_EXCEPTION');
    // Located where the guest threw (script[2]'s `.property` for the three callers of crash()),
    // attributed to the evaluation that called it.
    assert.deepEqual(
      exceptions.map((d) => d.location && [d.location.line, d.location.column]),
      [
        [7, 1],
        [12, 31],
        [12, 31],
        [12, 31],
      ],
    );
    assert.deepEqual(
      exceptions.map((d) => d.source),
      ['script[1]', 'installation-check@script', 'choice[throws-start]@start_selected', 'choice[throws-keep]@selected'],
    );
  });

  it('honours the exception policies', async () => {
    const keep = await simulateOne('exceptions.xml', INTEL_1014, { policies: { 'choice-exception': 'keep' } });
    assert.equal(choice(keep, 'throws-start').selected, true, 'keep: the start default stays');
    const r = await simulateOne('exceptions.xml', INTEL_1014, { policies: { 'check-exception': 'pass', 'choice-exception': 'false' } });
    assert.equal(r.installationCheck.passed, true);
    assert.equal(choice(r, 'throws-start').selected, false);
    assert.equal(choice(r, 'throws-keep').selected, false);
    const t = await simulateOne('exceptions.xml', INTEL_1014, { policies: { 'choice-exception': 'true' } });
    assert.equal(choice(t, 'throws-keep').selected, true);
  });

  const resultCases: Array<[string, Record<string, string>, 'Warn' | 'Fatal', boolean, string | undefined]> = [
    ['result-type-warn.xml', {}, 'Warn', true, undefined],
    ['result-type-warning.xml', {}, 'Warn', true, 'CHECK_RESULT_TYPE_WARNING_SPELLING'],
    ['result-type-warning.xml', { 'warning-result-type': 'fatal' }, 'Fatal', false, 'CHECK_RESULT_TYPE_WARNING_SPELLING'],
    ['result-type-fatal.xml', {}, 'Fatal', false, undefined],
    ['result-type-none.xml', {}, 'Warn', true, 'CHECK_RESULT_TYPE_MISSING'],
    ['result-type-none.xml', { 'missing-result-type': 'fatal' }, 'Fatal', false, 'CHECK_RESULT_TYPE_MISSING'],
  ];
  for (const [file, policies, type, installable, code] of resultCases) {
    it(`${file} ${JSON.stringify(policies)} → ${type}`, async () => {
      const r = await simulateOne(file, INTEL_1014, { policies });
      assert.equal(r.installationCheck.passed, false);
      assert.equal(r.installationCheck.resultType, type);
      assert.equal(r.installationCheck.message, 'check said no');
      assert.equal(r.installable, installable);
      if (code) assert.ok(codes(r).includes(code), code);
    });
  }
});

describe('declarative requirements', () => {
  it('ram min-gb counts 10^9-byte gigabytes', async () => {
    const r = await simulateXml('ram.xml', [M1_ROSETTA, G5, INTEL_1014]);
    assert.equal(r.get(M1_ROSETTA)!.installationCheck.passed, true, '8 GiB = 8.59e9 bytes ≥ 8.5 GB');
    assert.equal(r.get(INTEL_1014)!.installationCheck.passed, true);
    assert.equal(r.get(G5)!.installationCheck.passed, false);
    assert.equal(r.get(G5)!.installationCheck.resultType, 'Fatal');
  });

  it('volume-check runs per volume with my.target bound, and allowed-os-versions ranges apply', async () => {
    const r = await simulateXml('volumes.xml', [INTEL_1014, INTEL_1015, M1_NO_ROSETTA, M1_ROSETTA, TWO_VOLUMES]);
    assert.equal(r.get(INTEL_1014)!.volumes[0]!.passed, true);
    assert.equal(r.get(INTEL_1015)!.volumes[0]!.passed, false, '10.15 is excluded by before="10.15"');
    assert.equal(r.get(M1_NO_ROSETTA)!.volumes[0]!.passed, false);
    assert.equal(r.get(M1_ROSETTA)!.volumes[0]!.passed, true);
    assert.deepEqual(
      r.get(INTEL_1015)!.blockers.map((b) => b.code),
      ['NO_ELIGIBLE_VOLUME'],
    );
    const two = r.get(TWO_VOLUMES)!;
    assert.deepEqual(
      two.volumes.map((v) => [v.mountpoint, v.passed]),
      [
        ['/', true],
        ['/Volumes/External', false],
      ],
    );
    assert.match(two.volumes[1]!.message ?? '', /no macOS on this volume/);
    assert.ok(
      two.log.some((l) => l.startsWith('/Volumes/External os=none')),
      'my.target.systemVersion is absent on a volume without an OS',
    );
    const tiny = await simulateOne('volumes.xml', profile(TWO_VOLUMES, ['volumes[1].availableKilobytes=500']));
    assert.deepEqual(tiny.volumes[1], {
      mountpoint: '/Volumes/External',
      passed: false,
      resultType: 'Fatal',
      title: null,
      message: 'Not enough space on /Volumes/External',
      eligible: false,
    });
  });

  it('reads allowed-os-versions directly under the root, as real files put it', async () => {
    const r = await simulateXml('root-allowed-os.xml', [M1_ROSETTA, M3_14]);
    assert.equal(r.get(M1_ROSETTA)!.installable, false);
    assert.deepEqual(
      r.get(M1_ROSETTA)!.blockers.map((b) => b.code),
      ['NO_ELIGIBLE_VOLUME'],
    );
    assert.equal(r.get(M3_14)!.installable, true);
  });
});

describe('packages, domains and restart action', () => {
  it('installs selected active packages and takes the highest restart action', async () => {
    const r = await simulateXml('packages.xml', [M1_ROSETTA, M4_26]);
    const old = r.get(M1_ROSETTA)!;
    assert.deepEqual(old.domains, { anywhere: false, currentUserHome: true, localSystem: false });
    assert.equal(old.installable, true, 'the home domain is enough');
    assert.deepEqual(
      old.packages.map((p) => [p.id, p.active, p.install]),
      [
        ['pkg.main', true, true],
        ['pkg.inactive', false, false],
        ['pkg.logout', true, true],
        ['pkg.shutdown', true, false],
      ],
    );
    assert.equal(old.packages[2]!.version, '1.0', 'pkg-ref elements with one id are merged');
    assert.equal(old.packages[2]!.path, '#logout.pkg');
    assert.equal(old.restartAction, 'RequireRestart');
    const recent = r.get(M4_26)!;
    assert.deepEqual(recent.domains, { anywhere: false, currentUserHome: true, localSystem: true });
    assert.equal(recent.restartAction, 'RequireLogout');
  });
});

describe('the Installer API', () => {
  it('answers from the profile and reports what it cannot answer', async () => {
    const r = await simulateOne('api.xml', INTEL_1014);
    const line = r.log[0]!;
    for (const part of [
      'missing=null',
      'typeofMissing=object',
      'ncpu=number',
      'cmp=1,0,-1',
      'run=undefined',
      'loc=null',
      'exists=true',
      'plist=10.14.6',
      'noFile=false',
      'ioreg=null',
      'apps=null',
      'users=1',
      'unknownMember=undefined',
      'date=2026-01-01T00:00:00.000Z',
    ]) {
      assert.ok(line.includes(part), `${part} in ${line}`);
    }
    for (const code of ['API_UNKNOWN_SYSCTL', 'API_RUN_REFUSED', 'API_NO_STRING_TABLE', 'API_UNKNOWN_PATH', 'API_UNKNOWN_IOREGISTRY']) {
      assert.ok(codes(r).includes(code), code);
    }
    assert.equal(choice(r, 'main').selected, true);
    assert.equal(r.diagnostics.filter((d) => d.code === 'API_UNKNOWN_SYSCTL').length, 1, 'reported once per name');
  });

  it('reports unknown API members and choices once per Distribution, with their location, even on paths no profile runs', () => {
    const d = parseDistribution(readFileSync(fixture('api.xml'), 'utf8'), 'api.xml');
    const found = d.diagnostics
      .filter((x) => x.code === 'API_UNKNOWN_MEMBER' || x.code === 'API_UNKNOWN_CHOICE')
      .map((x) => [x.code, x.args?.member ?? x.args?.choice, x.location?.line]);
    assert.deepEqual(found, [
      ['API_UNKNOWN_MEMBER', 'system.isSandboxed', 20],
      ['API_UNKNOWN_CHOICE', 'nope', 29],
    ]);
    const dead = parseDistribution(
      `<installer-gui-script><script>function never() { return system.files.exists('/x') || my.search || choices['missing'].selected; } // system.commented</script></installer-gui-script>`,
      'd.xml',
    );
    assert.deepEqual(
      dead.diagnostics.map((x) => x.args?.member ?? x.args?.choice),
      ['system.files.exists', 'my.search', 'missing'],
    );
  });

  it('is deterministic, and --seed/--now change the guest clock and random numbers', async () => {
    const a = (await simulateOne('api.xml', INTEL_1014)).log[0];
    const b = (await simulateOne('api.xml', INTEL_1014)).log[0];
    assert.equal(a, b);
    const c = (await simulateOne('api.xml', INTEL_1014, { seed: 42, now: Date.UTC(2030, 5, 1) })).log[0]!;
    assert.notEqual(a, c);
    assert.ok(c.includes('date=2030-06-01T00:00:00.000Z'));
  });

  it('parses the legacy installer-script root with entity-escaped scripts, comments and //CDATA', async () => {
    const r = await simulateOne('legacy-root.xml', G5);
    assert.equal(r.installationCheck.passed, true);
    assert.deepEqual(installs(r), ['com.example.legacy']);
    assert.equal(r.packages[0]!.path, 'file:./Contents/Packages/legacy.pkg');
  });
});
