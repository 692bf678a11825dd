/**
 * Declarative requirements end to end (issue 16's "Done when"): graphics and
 * sysctl predicates decide installability per Mac, the Installer's OS floors
 * apply, and a requirements plist simulates exactly like the Distribution
 * `distsim synthesize` writes for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInputFailure, type ProfileResult, type RunReport } from '../../src/types.js';
import { codes, fixture, runCli, simulateOne, writeTemp } from '../helpers.js';

/** Something to install, so NOTHING_INSTALLED stays out of what each test checks. */
const PACKAGE = '<choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>';
const graphics = (predicate: string) =>
  `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/><installation-check><required-graphics><required-metal-device><![CDATA[${predicate}]]></required-metal-device></required-graphics></installation-check>${PACKAGE}</installer-gui-script>`;
const sysctl = (predicate: string) =>
  `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/><installation-check><hardware-properties><sysctl-requirements><![CDATA[${predicate}]]></sysctl-requirements></hardware-properties></installation-check>${PACKAGE}</installer-gui-script>`;

function results(stdout: string): ProfileResult[] {
  const report = JSON.parse(stdout) as RunReport;
  const entry = report.distributions[0]!;
  assert.ok(!isInputFailure(entry), JSON.stringify(entry));
  return entry.results;
}

describe('declarative requirements', () => {
  it('a Metal argument-buffers tier 2 device: not on the Intel UHD 630 Mac mini, yes on the Mac Pro with an AMD GPU', async () => {
    const mini = await simulateOne(graphics('argumentBuffersTier == 1'), 'macmini-2018-14.8.3');
    assert.equal(mini.installable, false);
    assert.deepEqual(
      mini.blockers.map((b) => b.code),
      ['INSTALLATION_CHECK_FAILED'],
    );
    assert.match(mini.installationCheck.message!, /Intel UHD Graphics 630 failed `argumentBuffersTier == 1` \(argumentBuffersTier = 0\)/);
    assert.deepEqual(codes(mini), ['REQUIREMENT_UNSATISFIED']);
    const pro = await simulateOne(graphics('argumentBuffersTier == 1'), 'macpro-2019-13.7.8');
    assert.equal(pro.installable, true);
    assert.deepEqual(codes(pro), []);
  });

  it('sysctl-requirements: AVX2 passes on a 2015 MacBook Pro, fails on a 2012 MacBook Air on 10.15.7, and is ignored on its own 10.8.5', async () => {
    const xml = sysctl('hw.optional.avx2_0 == 1');
    const broadwell = await simulateOne(xml, 'macbookpro-13-early2015-10.10.5');
    assert.equal(broadwell.installationCheck.passed, true);
    const ivy = await simulateOne(xml, 'macbookair-13-mid2012-10.8.5');
    assert.equal(ivy.installationCheck.passed, true);
    assert.deepEqual(codes(ivy), ['REQUIREMENT_IGNORED_OS']);
    const ivyUpgraded = await simulateOne(
      xml,
      await import('../helpers.js').then((h) => h.profile('macbookair-13-mid2012-10.8.5', ['systemVersion.ProductVersion=10.15.7'])),
    );
    assert.equal(ivyUpgraded.installationCheck.passed, false);
    assert.deepEqual(codes(ivyUpgraded), ['REQUIREMENT_UNSATISFIED']);
  });

  it('sysctl-requirements see the translated view under Rosetta', async () => {
    // No arm64 in hostArchitectures: evaluated as x86_64, where hw.optional.arm64 is still 1 but hw.machine reads x86_64.
    const xml = `<installer-gui-script minSpecVersion="2"><installation-check><hardware-properties><sysctl-requirements><![CDATA[hw.machine == "x86_64"]]></sysctl-requirements></hardware-properties></installation-check>${PACKAGE}</installer-gui-script>`;
    const r = await simulateOne(xml, 'macmini-m4-2024-26.5.2');
    assert.equal(r.translated, true);
    assert.equal(r.installationCheck.passed, true);
  });

  it('a predicate that does not parse fails the check with an error located inside the CDATA', async () => {
    const r = await simulateOne(
      `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/><installation-check>\n<hardware-properties><sysctl-requirements><![CDATA[hw.ncpu >>= 2]]></sysctl-requirements></hardware-properties></installation-check></installer-gui-script>`,
      'macmini-m4-2024-26.5.2',
    );
    assert.equal(r.installationCheck.passed, false);
    const d = r.diagnostics.find((x) => x.code === 'REQUIREMENT_PREDICATE_SYNTAX_ERROR');
    assert.deepEqual([d?.location?.line, d?.location?.column], [2, 61]);
  });

  it('run --product simulates exactly what run does on the output of synthesize --product', async () => {
    const plist = fixture('requirements/all-keys.plist');
    const synthesized = await runCli(['synthesize', '--product', plist]);
    assert.equal(synthesized.code, 0, synthesized.stderr);
    const xml = writeTemp('synthesized.xml', synthesized.stdout);
    const args = ['-p', 'macpro-2019-13.7.8', '-p', 'macmini-2018-14.8.3', '-p', 'macbookpro-15-mid2015-12.7.6', '-p', 'macmini-m4-2024-26.5.2', '-f', 'json'];
    const viaProduct = await runCli(['run', '--product', plist, ...args]);
    const viaFile = await runCli(['run', xml, ...args]);
    assert.equal(viaProduct.code, 0, viaProduct.stderr);
    assert.equal(viaFile.code, 0, viaFile.stderr);
    const strip = (rs: ProfileResult[]) => JSON.stringify(rs).split(xml).join('FILE').split(plist).join('FILE');
    assert.equal(strip(results(viaProduct.stdout)), strip(results(viaFile.stdout)));
  });

  it('a malformed requirements plist or an unknown key is exit 2 with the key path', async () => {
    const bad = writeTemp(
      'bad.plist',
      '<?xml version="1.0"?><plist version="1.0"><dict><key>arch</key><array><string>x86_64</string></array><key>colour</key><string>red</string></dict></plist>',
    );
    const r = await runCli(['synthesize', '--product', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /colour/);
    assert.match(r.stderr, /^distsim: \S+bad\.plist: colour: unknown key\nhint: known keys: os, arch, /);
    assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
  });
});
