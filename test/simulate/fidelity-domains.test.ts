import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codes, simulateOne, simulateXml } from '../helpers.js';

const INTEL_1014 = 'macbookpro-15-mid2015-10.14.6';
const M4_26 = 'macmini-m4-2024-26.5.2';
const TWO_VOLUMES = 'macmini-2018-14.8.3';

describe('domains, read per attribute', () => {
  it('an omitted enable_* takes its documented default (policy omitted-domain=default), each reported', async () => {
    const r = await simulateOne('fidelity/domains-anywhere-false.xml', M4_26);
    assert.deepEqual(r.domains, { anywhere: false, currentUserHome: false, localSystem: true });
    assert.equal(r.installable, true);
    assert.deepEqual(r.blockers, []);
    const defaulted = r.diagnostics.filter((d) => d.code === 'DOMAIN_ATTRIBUTE_DEFAULTED');
    assert.deepEqual(
      defaulted.map((d) => [d.severity, d.args]),
      [
        ['info', { attribute: 'enable_currentUserHome', value: false }],
        ['info', { attribute: 'enable_localSystem', value: true }],
      ],
    );
    assert.deepEqual(defaulted[0]!.location, { file: 'fidelity/domains-anywhere-false.xml', line: 6, column: 3 });
  });

  it('omitted-domain=off turns an omitted attribute off, as before: nothing can be installed', async () => {
    const r = await simulateOne('fidelity/domains-anywhere-false.xml', M4_26, { policies: { 'omitted-domain': 'off' } });
    assert.deepEqual(r.domains, { anywhere: false, currentUserHome: false, localSystem: false });
    assert.equal(r.installable, false);
    assert.deepEqual(
      r.blockers.map((b) => b.code),
      ['NO_ENABLED_DOMAIN'],
    );
    assert.deepEqual(
      r.diagnostics.filter((d) => d.code === 'DOMAIN_ATTRIBUTE_DEFAULTED').map((d) => d.args),
      [
        { attribute: 'enable_currentUserHome', value: false },
        { attribute: 'enable_localSystem', value: false },
      ],
    );
  });

  it('without <domains> nothing is reported and anywhere and localSystem are on', async () => {
    const r = await simulateOne('fidelity/must-close.xml', M4_26);
    assert.deepEqual(r.domains, { anywhere: true, currentUserHome: false, localSystem: true });
    assert.equal(codes(r).includes('DOMAIN_ATTRIBUTE_DEFAULTED'), false);
  });

  it('a home-only install still needs the boot volume to pass its volume-check', async () => {
    const r = await simulateOne('fidelity/domains-home-only.xml', INTEL_1014);
    assert.deepEqual(r.domains, { anywhere: false, currentUserHome: true, localSystem: false });
    assert.deepEqual(
      r.volumes.map((v) => [v.mountpoint, v.passed, v.eligible]),
      [['/', false, false]],
    );
    assert.equal(r.installable, false);
    assert.deepEqual(r.blockers, [
      {
        code: 'NO_ELIGIBLE_VOLUME',
        message: 'the home domain installs on the boot volume, which cannot be chosen: no volume passes the volume check (/: Not on this volume.)',
      },
    ]);
  });

  it('a home-only install is installable when the boot volume passes', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <domains enable_currentUserHome="true" enable_anywhere="false" enable_localSystem="false"/>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, INTEL_1014);
    assert.equal(r.installable, true);
    assert.equal(codes(r).includes('DOMAIN_ATTRIBUTE_DEFAULTED'), false);
  });

  it('rootVolumeOnly="true" limits the choice to the boot volume, even with anywhere on', async () => {
    const r = await simulateXml('fidelity/root-volume-only.xml', [TWO_VOLUMES]);
    const result = r.get(TWO_VOLUMES)!;
    assert.equal(result.domains.anywhere, true);
    assert.deepEqual(
      result.volumes.map((v) => [v.mountpoint, v.eligible, v.message]),
      [
        ['/', true, null],
        ['/Volumes/External', false, 'rootVolumeOnly: only the boot volume can be chosen'],
      ],
    );
    assert.equal(result.installable, true);
  });

  it('rootVolumeOnly refuses the Mac when only another volume would pass', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64" rootVolumeOnly="true"/>
      <volume-check script="my.result.type = 'Fatal'; my.target.mountpoint != '/'"/>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, TWO_VOLUMES);
    assert.deepEqual(
      r.volumes.map((v) => v.eligible),
      [false, false],
    );
    assert.deepEqual(
      r.blockers.map((b) => b.code),
      ['NO_ELIGIBLE_VOLUME'],
    );
  });
});
