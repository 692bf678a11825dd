import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseDistribution } from '../../src/distribution/parse.js';
import { decodeXmlBytes } from '../../src/distribution/source-text.js';
import { InputError } from '../../src/errors.js';
import { parsePackageInfo } from '../../src/package/package-info.js';
import { componentFactsByPkgRef, readPackageContents, synthesizeComponentDistribution } from '../../src/package/product.js';
import { openXar } from '../../src/package/xar.js';
import { componentMembers, DISTRIBUTION, PACKAGE_INFO, productMembers, tempDir } from './fixtures.js';
import { writeXar, type XarFileSpec } from './xar-writer.js';

const tmp = tempDir();
after(() => tmp.cleanup());

function contentsOf(files: XarFileSpec[], name: string) {
  const archive = openXar(tmp.write(name, writeXar(files)));
  try {
    return readPackageContents(archive, { file: name });
  } finally {
    archive.close();
  }
}

const WIDGET_INFO = {
  path: 'Widget Core.pkg/PackageInfo',
  identifier: 'com.example.widget',
  version: '2.5.1',
  formatVersion: '2',
  installLocation: '/Applications',
  auth: 'root',
  postinstallAction: 'restart',
  installKBytes: 12345,
  numberOfFiles: 42,
  bundles: [
    { id: 'com.example.Widget', path: './Widget.app', CFBundleShortVersionString: '2.5.1', CFBundleVersion: '251' },
    { id: 'com.example.Widget.Helper', path: './Contents/PlugIns/Helper.appex', CFBundleShortVersionString: '2.5', CFBundleVersion: '250' },
  ],
  bundleVersionIds: ['com.example.Widget'],
};

describe('product archives and component packages', () => {
  it('reads a product archive: its Distribution and each component PackageInfo', () => {
    const contents = contentsOf(productMembers(), 'widget.pkg');
    assert.equal(contents.kind, 'product');
    if (contents.kind !== 'product') return;
    assert.equal(contents.distributionName, 'widget.pkg/Distribution');
    assert.equal(contents.distribution.toString('utf8'), DISTRIBUTION);
    assert.deepEqual([...contents.components.keys()], ['Widget Core.pkg']);
    assert.deepEqual(contents.components.get('Widget Core.pkg'), WIDGET_INFO);
    assert.deepEqual(contents.diagnostics, []);
    const dist = parseDistribution(decodeXmlBytes(contents.distribution, contents.distributionName), contents.distributionName);
    const { facts, diagnostics } = componentFactsByPkgRef(dist.pkgRefs, contents, 'widget.pkg');
    assert.deepEqual([...facts.keys()], ['com.example.widget']);
    assert.equal(facts.get('com.example.widget')!.installKBytes, 12345);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.args]),
      [['PKG_REF_COMPONENT_MISSING', { pkgRef: 'com.example.missing', url: '#Missing.pkg' }]],
    );
  });

  it('reports an unreadable component PackageInfo and a damaged Distribution as diagnostics', () => {
    const members = productMembers().map((m) => (m.path === 'Widget Core.pkg/PackageInfo' ? { ...m, content: '<pkg-info' } : m));
    const bytes = writeXar(members);
    const contents = (() => {
      const archive = openXar(tmp.write('bad-info.pkg', bytes));
      try {
        return readPackageContents(archive);
      } finally {
        archive.close();
      }
    })();
    assert.equal(contents.kind, 'product');
    if (contents.kind !== 'product') return;
    assert.equal(contents.components.size, 0);
    assert.match(contents.unreadableComponents.get('Widget Core.pkg')!, /PackageInfo/);
    const { diagnostics } = componentFactsByPkgRef([{ id: 'com.example.widget', path: '#Widget%20Core.pkg' }], contents, 'w.pkg');
    assert.match(diagnostics[0]!.message, /whose PackageInfo cannot be read/);
    const damaged = writeXar([{ path: 'Distribution', content: DISTRIBUTION, encoding: 'none' }]);
    damaged[damaged.length - 3] = 0x41;
    const archive = openXar(tmp.write('damaged.pkg', damaged));
    try {
      assert.deepEqual(
        readPackageContents(archive).diagnostics.map((d) => d.code),
        ['PKG_MEMBER_CHECKSUM_MISMATCH'],
      );
    } finally {
      archive.close();
    }
  });

  it('synthesizes a one-choice Distribution for a component package, as productbuild --synthesize writes it', () => {
    const contents = contentsOf(componentMembers(), 'Widget Core.pkg');
    assert.equal(contents.kind, 'component');
    if (contents.kind !== 'component') return;
    assert.deepEqual(contents.packageInfo, { ...WIDGET_INFO, path: 'PackageInfo' });
    assert.deepEqual(
      contents.diagnostics.map((d) => d.code),
      ['PKG_COMPONENT_SYNTHESIZED'],
    );
    assert.equal(
      contents.distribution,
      `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="1">
    <pkg-ref id="com.example.widget">
        <bundle-version>
            <bundle CFBundleShortVersionString="2.5.1" CFBundleVersion="251" id="com.example.Widget" path="./Widget.app"/>
        </bundle-version>
    </pkg-ref>
    <options customize="never" require-scripts="false" hostArchitectures="x86_64,arm64"/>
    <choices-outline>
        <line choice="default">
            <line choice="com.example.widget"/>
        </line>
    </choices-outline>
    <choice id="default"/>
    <choice id="com.example.widget" visible="false">
        <pkg-ref id="com.example.widget"/>
    </choice>
    <pkg-ref id="com.example.widget" version="2.5.1" onConclusion="RequireRestart" installKBytes="12345">#Widget Core.pkg</pkg-ref>
    <product id="com.example.widget" version="2.5.1"/>
</installer-gui-script>
`,
    );
    const dist = parseDistribution(contents.distribution, contents.distributionName);
    assert.deepEqual(
      dist.choices.map((c) => c.id),
      ['default', 'com.example.widget'],
    );
    assert.deepEqual(
      dist.pkgRefs.map((p) => [p.id, p.version, p.installKBytes, p.path, p.onConclusion]),
      [['com.example.widget', '2.5.1', 12345, '#Widget Core.pkg', 'RequireRestart']],
    );
    assert.deepEqual(dist.options.hostArchitectures, ['x86_64', 'arm64']);
  });

  it('escapes hostile PackageInfo values in the synthesized XML', () => {
    const info = parsePackageInfo('<pkg-info identifier="a&quot;&lt;b" version="1&amp;2"><payload installKBytes="nope"/></pkg-info>', 'PackageInfo');
    assert.equal(info.installKBytes, null);
    const xml = synthesizeComponentDistribution(info, { fileName: 'x<y>.pkg', hostArchitectures: null });
    const dist = parseDistribution(xml, 'x.pkg/Distribution');
    assert.equal(dist.pkgRefs[0]!.id, 'a"<b');
    assert.equal(dist.pkgRefs[0]!.version, '1&2');
    assert.equal(dist.pkgRefs[0]!.path, '#x<y>.pkg');
    assert.equal(dist.options.hostArchitectures, undefined);
  });

  it('refuses a xar archive that is not an installer package, and malformed PackageInfo', () => {
    assert.throws(
      () => contentsOf([{ path: 'readme.txt', content: 'hi' }], 'other.xar'),
      (e: unknown) => e instanceof InputError && e.code === 'PKG_NOT_INSTALLER_PACKAGE',
    );
    assert.throws(
      () => contentsOf([{ path: 'PackageInfo', content: '<wrong/>' }], 'c.pkg'),
      (e: unknown) => e instanceof InputError && e.code === 'PKG_PACKAGEINFO_INVALID',
    );
    assert.throws(
      () => contentsOf([{ path: 'PackageInfo', content: '<!DOCTYPE x [<!ENTITY e "e">]><pkg-info/>' }], 'c.pkg'),
      (e: unknown) => e instanceof InputError && e.code === 'PKG_PACKAGEINFO_INVALID',
    );
    assert.throws(
      () => contentsOf([{ path: 'PackageInfo', content: Buffer.from([0x3c, 0xff]) }], 'c.pkg'),
      (e: unknown) => e instanceof InputError && e.code === 'PKG_PACKAGEINFO_INVALID',
    );
    assert.equal(parsePackageInfo(PACKAGE_INFO, 'PackageInfo').identifier, 'com.example.widget');
  });
});
