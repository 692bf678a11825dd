import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDistribution } from '../../src/distribution/parse.js';
import { codes, fixture, installs, profile, simulateOne, simulateXml } from '../helpers.js';

const INTEL_1014 = 'macbookpro-15-mid2015-10.14.6';
const M4_26 = 'macmini-m4-2024-26.5.2';
const TWO_VOLUMES = 'macmini-2018-14.8.3';
const EXAMPLE_APP_RUNNING = 'macbookair-m1-2020-12.7.6-example-app-1.0';

describe('<must-close> and <bundle-version>', () => {
  it('are read into the pkg-ref model, merged across pkg-ref elements, each app once', () => {
    const dist = parseDistribution(readFileSync(fixture('fidelity/must-close.xml'), 'utf8'), 'must-close.xml');
    const app = dist.pkgRefs.find((r) => r.id === 'com.example.app')!;
    assert.equal(app.path, '#App.pkg');
    assert.deepEqual(app.mustClose, ['com.example.app', 'com.apple.Safari']);
    assert.deepEqual(app.bundleVersions, [
      { id: 'com.example.app', path: 'Applications/Example.app', CFBundleShortVersionString: '1.0', CFBundleVersion: '100' },
      { id: 'com.example.helper', path: 'Applications/Example.app/Contents/Helpers/Helper.app', CFBundleShortVersionString: null, CFBundleVersion: null },
    ]);
    const plugin = dist.pkgRefs.find((r) => r.id === 'com.example.plugin')!;
    assert.deepEqual(plugin.mustClose, ['com.apple.finder']);
    assert.deepEqual(plugin.bundleVersions, []);
    assert.equal(
      dist.diagnostics.some((d) => d.code === 'XML_UNKNOWN_ELEMENT'),
      false,
    );
  });

  it('report which applications the Installer asks to quit and whether they run; a running one of an installed package is a warning', async () => {
    const r = await simulateOne('fidelity/must-close.xml', EXAMPLE_APP_RUNNING);
    const app = r.packages.find((p) => p.id === 'com.example.app')!;
    assert.equal(app.install, true);
    // com.example.app runs on this profile; Safari is in the base system's applications but not running in its session.
    assert.deepEqual(app.mustClose, [
      { id: 'com.example.app', running: true },
      { id: 'com.apple.Safari', running: false },
    ]);
    assert.deepEqual(app.bundleVersions, [
      { id: 'com.example.app', path: 'Applications/Example.app', CFBundleShortVersionString: '1.0', CFBundleVersion: '100' },
      { id: 'com.example.helper', path: 'Applications/Example.app/Contents/Helpers/Helper.app', CFBundleShortVersionString: null, CFBundleVersion: null },
    ]);
    // The Finder runs on every Mac (base system), but the plug-in package is not selected: no warning for it.
    const plugin = r.packages.find((p) => p.id === 'com.example.plugin')!;
    assert.equal(plugin.install, false);
    assert.deepEqual(plugin.mustClose, [{ id: 'com.apple.finder', running: true }]);
    assert.deepEqual(plugin.bundleVersions, []);
    const warnings = r.diagnostics.filter((d) => d.code === 'MUST_CLOSE_RUNNING');
    assert.deepEqual(
      warnings.map((d) => [d.severity, d.args]),
      [['warning', { package: 'com.example.app', app: 'com.example.app' }]],
    );
  });

  it('a profile where nothing listed runs gets the list without a warning; packages without the elements carry neither field', async () => {
    const r = await simulateOne('fidelity/must-close.xml', M4_26);
    assert.deepEqual(r.packages.find((p) => p.id === 'com.example.app')!.mustClose, [
      { id: 'com.example.app', running: false },
      { id: 'com.apple.Safari', running: false },
    ]);
    assert.equal(codes(r).includes('MUST_CLOSE_RUNNING'), false);
    const other = await simulateOne('fidelity/install-size.xml', M4_26);
    for (const p of other.packages) {
      assert.equal('mustClose' in p, false);
      assert.equal('bundleVersions' in p, false);
    }
  });

  it('selecting the Finder plug-in asks to quit the Finder, which runs on every Mac', async () => {
    const xml = readFileSync(fixture('fidelity/must-close.xml'), 'utf8').replace('start_selected="false"', '');
    const r = await simulateOne(xml, INTEL_1014);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.code === 'MUST_CLOSE_RUNNING').map((d) => d.args),
      [{ package: 'com.example.plugin', app: 'com.apple.finder' }],
    );
  });

  it('keeps at most 256 apps per pkg-ref', () => {
    const apps = Array.from({ length: 1000 }, (_, i) => `<app id="a${i}"/>`).join('');
    const dist = parseDistribution(`<installer-gui-script><pkg-ref id="p"><must-close>${apps}</must-close></pkg-ref></installer-gui-script>`, 'many.xml');
    assert.equal(dist.pkgRefs[0]!.mustClose!.length, 256);
    assert.equal(dist.pkgRefs[0]!.mustClose![255], 'a255');
  });
});

describe('installKBytes against free space', () => {
  // 2 × 62,914,560 KB of selected packages: 125,829,120 KB; the deselected package does not count.
  const NEEDED = 125_829_120;

  it('a volume with less free space than the installed packages need is not eligible', async () => {
    const r = await simulateXml('fidelity/install-size.xml', [TWO_VOLUMES, INTEL_1014]);
    const mini = r.get(TWO_VOLUMES)!;
    // '/' has 115,343,360 KB free, the external volume 1,610,612,736 KB.
    assert.deepEqual(
      mini.volumes.map((v) => [v.mountpoint, v.passed, v.eligible, v.insufficientSpace]),
      [
        ['/', true, false, { neededKilobytes: NEEDED, availableKilobytes: 115_343_360 }],
        ['/Volumes/External', true, true, undefined],
      ],
    );
    // anywhere is on: the external volume can still be chosen.
    assert.equal(mini.installable, true);
    assert.deepEqual(
      mini.diagnostics.filter((d) => d.code === 'INSTALL_SIZE_EXCEEDS_FREE_SPACE').map((d) => [d.severity, d.args]),
      [['warning', { volume: '/', needed: NEEDED, available: 115_343_360 }]],
    );

    const mbp = r.get(INTEL_1014)!; // 209,715,200 KB free: room enough
    assert.deepEqual(
      mbp.volumes.map((v) => v.eligible),
      [true],
    );
    assert.equal(codes(mbp).includes('INSTALL_SIZE_EXCEEDS_FREE_SPACE'), false);
  });

  it('without room on any volume the Mac is refused, and the blocker says why', async () => {
    const r = await simulateOne('fidelity/install-size.xml', profile(INTEL_1014, ['volumes[0].availableKilobytes=1000']));
    assert.equal(r.installable, false);
    assert.deepEqual(r.blockers, [
      { code: 'NO_ELIGIBLE_VOLUME', message: `no volume passes the volume check (/: not enough space: ${NEEDED} KB needed, 1000 KB free)` },
    ]);
  });

  it('a volume the check refused gets the fact but no space warning', async () => {
    const xml = readFileSync(fixture('fidelity/install-size.xml'), 'utf8').replace(
      '<choices-outline>',
      `<volume-check script="my.result.type = 'Fatal'; false"/><choices-outline>`,
    );
    const r = await simulateOne(xml, profile(INTEL_1014, ['volumes[0].availableKilobytes=1000']));
    assert.equal(r.volumes[0]!.passed, false);
    assert.deepEqual(r.volumes[0]!.insufficientSpace, { neededKilobytes: NEEDED, availableKilobytes: 1000 });
    assert.equal(codes(r).includes('INSTALL_SIZE_EXCEEDS_FREE_SPACE'), false);
  });
});

describe('nothing would be installed', () => {
  it('an outline whose only choice is undefined installs nothing: a warning and a blocker', async () => {
    const r = await simulateOne('fidelity/nothing-installed.xml', M4_26);
    assert.deepEqual(r.packages, []);
    assert.equal(r.installable, false);
    assert.deepEqual(r.blockers, [{ code: 'NOTHING_INSTALLED', message: 'nothing would be installed: no choice in the outline references a package' }]);
    const d = r.diagnostics.find((x) => x.code === 'NOTHING_INSTALLED')!;
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.args, { packages: 0 });
  });

  it('every package unselected or inactive installs nothing', async () => {
    const r = await simulateOne('fidelity/nothing-selected.xml', INTEL_1014);
    assert.deepEqual(installs(r), []);
    assert.deepEqual(
      r.packages.map((p) => [p.id, p.active, p.install]),
      [
        ['com.example.a', true, false],
        ['com.example.b', false, false],
      ],
    );
    assert.deepEqual(r.blockers, [{ code: 'NOTHING_INSTALLED', message: 'nothing would be installed: every package is unselected or inactive' }]);
  });

  it('one installed package is enough', async () => {
    const r = await simulateOne('fidelity/must-close.xml', M4_26);
    assert.equal(r.installable, true);
    assert.equal(codes(r).includes('NOTHING_INSTALLED'), false);
  });
});
