import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readDistribution } from '../../src/input/read-input.js';
import { readResourcesDirectory } from '../../src/input/read-resources.js';
import { PACKAGE_INFO, tempDir, utf16be, utf16le } from '../package/fixtures.js';
import { writeXar } from '../package/xar-writer.js';
import { BARE_REFS_DISTRIBUTION, EN_STRINGS, FR_STRINGS, localizedMembers, LOCALIZED_DISTRIBUTION } from './pkg-fixtures.js';

const tmp = tempDir();
after(() => tmp.cleanup());

let counter = 0;
/** A folder with the given files (path → content) under a fresh directory. */
function folder(files: Record<string, string | Buffer>): string {
  const root = path.join(tmp.dir, `r${counter++}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

describe('--resources: string tables for a bare Distribution', () => {
  it('reads <lang>.lproj/Localizable.strings: UTF-16 either order, UTF-8, the XML property-list form', () => {
    const dir = folder({
      'en.lproj/Localizable.strings': utf16le(EN_STRINGS),
      'fr.lproj/Localizable.strings': FR_STRINGS,
      'de.lproj/Localizable.strings': utf16be('"WIDGET_TITLE" = "Apparat";'),
      'ja.lproj/Localizable.strings': '<?xml version="1.0"?><plist version="1.0"><dict><key>WIDGET_TITLE</key><string>ウィジェット</string></dict></plist>',
      'Base.lproj/License.rtf': '{\\rtf1}',
      'notes.txt': 'not a table',
    });
    const found = readResourcesDirectory(dir);
    assert.deepEqual(
      found.tables.map((t) => [t.language, t.entries[0]]),
      [
        ['de', ['WIDGET_TITLE', 'Apparat']],
        ['en', ['WIDGET_TITLE', 'Widget']],
        ['fr', ['WIDGET_TITLE', 'Gadget']],
        ['ja', ['WIDGET_TITLE', 'ウィジェット']],
      ],
    );
    assert.deepEqual(found.diagnostics, []);
    assert.equal(found.components.size, 0, 'a folder of .lproj folders says nothing about components');
  });

  it('a table that cannot be read is a diagnostic; the others still count', () => {
    const dir = folder({
      'en.lproj/Localizable.strings': EN_STRINGS,
      'fr.lproj/Localizable.strings': Buffer.from('bplist00\u0000\u0001', 'binary'),
      'it.lproj/Localizable.strings': Buffer.from([0xc3, 0x28, 0x22]),
    });
    symlinkSync('/dev/zero', path.join(dir, 'es.lproj'));
    mkdirSync(path.join(dir, 'pt.lproj'));
    symlinkSync('/dev/zero', path.join(dir, 'pt.lproj', 'Localizable.strings'));
    const found = readResourcesDirectory(dir, [], 'res');
    assert.deepEqual(
      found.tables.map((t) => t.language),
      ['en'],
    );
    assert.deepEqual(
      found.diagnostics.map((d) => [d.code, d.args?.member]),
      [
        ['PKG_STRINGS_UNREADABLE', 'res/fr.lproj/Localizable.strings'],
        ['PKG_STRINGS_UNREADABLE', 'res/it.lproj/Localizable.strings'],
        ['PKG_STRINGS_UNREADABLE', 'res/pt.lproj/Localizable.strings'],
      ],
    );
  });

  it('an expanded package: Resources/ and each component PackageInfo, as the .pkg would give them', () => {
    const dir = folder({
      Distribution: BARE_REFS_DISTRIBUTION,
      'Resources/en.lproj/Localizable.strings': utf16le(EN_STRINGS),
      'Widget Core.pkg/PackageInfo': PACKAGE_INFO,
    });
    const dist = readDistribution(path.join(dir, 'Distribution'), { resourcesDir: dir });
    assert.equal(dist.title, 'Widget');
    assert.deepEqual(
      [dist.pkgRefs[0]!.version, dist.pkgRefs[0]!.installKBytes, dist.pkgRefs[0]!.component?.packageInfo],
      ['2.5.1', 12345, 'Widget Core.pkg/PackageInfo'],
    );
    assert.deepEqual(dist.diagnostics, []);
  });

  it('an expanded package missing a component says so, as the .pkg reader does', () => {
    const dir = folder({ Distribution: LOCALIZED_DISTRIBUTION, 'Resources/en.lproj/Localizable.strings': EN_STRINGS });
    const dist = readDistribution(path.join(dir, 'Distribution'), { resourcesDir: dir });
    assert.deepEqual(
      dist.diagnostics.map((d) => [d.code, d.args?.pkgRef]),
      [['PKG_REF_COMPONENT_MISSING', 'com.example.widget']],
    );
  });

  it('a component name that would leave the folder is never looked up', () => {
    const dir = folder({ 'en.lproj/Localizable.strings': EN_STRINGS });
    const found = readResourcesDirectory(dir, [
      { id: 'a', path: '#..%2F..%2Fetc' },
      { id: 'b', path: '#..' },
      { id: 'c', path: 'file:../x.pkg' },
    ]);
    assert.equal(found.components.size, 0);
    assert.deepEqual(found.diagnostics, []);
  });

  it('a missing folder or a file is an InputError RESOURCES_UNREADABLE', () => {
    assert.throws(() => readResourcesDirectory(path.join(tmp.dir, 'missing')), { code: 'RESOURCES_UNREADABLE' });
    const file = tmp.write('file.strings', Buffer.from(EN_STRINGS));
    assert.throws(() => readResourcesDirectory(file), { code: 'RESOURCES_UNREADABLE', message: `resources ${file}: not a directory` });
    const xml = tmp.write('d.xml', Buffer.from(LOCALIZED_DISTRIBUTION));
    assert.throws(() => readDistribution(xml, { resourcesDir: file }), { code: 'RESOURCES_UNREADABLE' });
  });

  it('with a package, a resources folder adds tables that win per key for one language', () => {
    const dir = folder({ 'en.lproj/Localizable.strings': '"WIDGET_TITLE" = "Override";' });
    const pkg = tmp.write('o.pkg', writeXar(localizedMembers()));
    const dist = readDistribution(pkg, { resourcesDir: dir });
    assert.equal(dist.title, 'Override');
    assert.deepEqual(
      dist.resources!.map((t) => t.language),
      ['en', 'fr', 'en'],
    );
    assert.equal(dist.choices[1]!.title, 'Widget Core', 'the package table still answers the keys the folder lacks');
  });
});
