import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareVersions } from '../../src/installer/versions.js';
import { builtinProfiles, choice, CORPUS, simulateOne, simulateXml } from '../helpers.js';

/** The "done when" list, one test each, on the built-in profiles. */
describe('fidelity on real installers: done when', () => {
  it("Red Hat OpenShift Local's Distribution is installable wherever its OS check passes", async () => {
    const xml = readFileSync(path.join(CORPUS, 'crc-org__crc__packaging_darwin_Distribution.in'), 'utf8');
    const profiles = builtinProfiles();
    const results = await simulateXml(xml, profiles);
    let installable = 0;
    for (const p of profiles) {
      const r = results.get(p.id)!;
      const version = String(p.systemVersion.ProductVersion);
      const supportedArch = p.arch === 'x86_64' || p.arch === 'arm64';
      if (supportedArch && compareVersions(version, '12.0.0') >= 0) {
        assert.deepEqual(r.blockers, [], p.id);
        assert.equal(r.installable, true, p.id);
        installable++;
      } else if (supportedArch) {
        assert.deepEqual(
          r.installationCheck,
          { passed: false, resultType: 'Fatal', title: 'Unable to install', message: 'Red Hat OpenShift Local requires macOS 12 or later.' },
          p.id,
        );
        assert.equal(r.installable, false, p.id);
      } else {
        assert.deepEqual(
          r.blockers.map((b) => b.code),
          ['ARCH_UNSUPPORTED', 'INSTALLATION_CHECK_FAILED'],
          p.id,
        );
      }
    }
    assert.ok(installable >= 10, `installable on ${installable} profiles`);
  });

  it('system.applications.all() returns an array of the running applications (and the property form still reads)', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <script><![CDATA[
        var apps = system.applications.all();
        system.log(Array.isArray(apps) + ' ' + apps.map(function (a) { return a.CFBundleIdentifier; }).sort().join(','));
        system.log('property ' + (system.applications.all.length === apps.length));
      ]]></script>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, 'macbookair-m1-2020-12.7.6-example-app-1.0');
    const [all, property] = r.log;
    assert.match(all!, /^true /);
    const ids = all!.slice('true '.length).split(',');
    for (const id of ['com.apple.dock', 'com.apple.finder', 'com.example.app']) assert.ok(ids.includes(id), `${id} in ${all}`);
    assert.equal(property, 'property true');
  });

  it("fileExistsAtPath('/usr/bin/gcc') is true on 10.9 and later, and '/APPLICATIONS/Safari.app' resolves", async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="i386,x86_64,arm64,ppc"/>
      <script><![CDATA[
        system.log('gcc ' + system.files.fileExistsAtPath('/usr/bin/gcc'));
        system.log('safari ' + system.files.fileExistsAtPath('/APPLICATIONS/Safari.app'));
        var b = system.files.bundleAtPath('/APPLICATIONS/Safari.app');
        system.log('bundle ' + (b && b.CFBundleIdentifier));
      ]]></script>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const profiles = builtinProfiles();
    const results = await simulateXml(xml, profiles);
    for (const p of profiles) {
      const r = results.get(p.id)!;
      const modern = compareVersions(String(p.systemVersion.ProductVersion), '10.9') >= 0;
      if (modern) assert.equal(r.log[0], 'gcc true', p.id);
      assert.deepEqual(r.log.slice(1), ['safari true', 'bundle com.apple.Safari'], p.id);
    }
  });

  it('<domains enable_anywhere="false"/> leaves the boot volume installable', async () => {
    const r = await simulateOne('fidelity/domains-anywhere-false.xml', 'macbookpro-15-mid2015-10.14.6');
    assert.equal(r.installable, true);
    assert.deepEqual(
      r.volumes.map((v) => [v.mountpoint, v.eligible]),
      [['/', true]],
    );
    assert.deepEqual(r.domains, { anywhere: false, currentUserHome: false, localSystem: true });
  });

  it('a throwing visible= hides its choice', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <choices-outline><line choice="a"/></choices-outline>
      <choice id="a" visible="undefinedFunction()"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, 'macmini-m4-2024-26.5.2');
    assert.equal(choice(r, 'a').visible, false);
    assert.ok(r.diagnostics.some((d) => d.code === 'SCRIPT_EXCEPTION' && d.source === 'choice[a]@visible'));
  });

  it('a Distribution whose only choice is unknown to its outline reports that nothing would be installed', async () => {
    const r = await simulateOne('fidelity/nothing-installed.xml', 'macmini-m4-2024-26.5.2');
    assert.equal(r.installable, false);
    assert.deepEqual(
      r.blockers.map((b) => b.code),
      ['NOTHING_INSTALLED'],
    );
    assert.ok(r.diagnostics.some((d) => d.code === 'NOTHING_INSTALLED' && d.severity === 'warning'));
  });
});
