import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { decodeStringsBytes, listLocalizations, readLocalizations } from '../../src/package/localizations.js';
import { openXar } from '../../src/package/xar.js';
import { ENGLISH_STRINGS, FRENCH_STRINGS, productMembers, tempDir, utf16be, utf16le } from './fixtures.js';
import { writeXar, type XarFileSpec } from './xar-writer.js';

const tmp = tempDir();
after(() => tmp.cleanup());

let counter = 0;
function localizationsOf(files: XarFileSpec[]) {
  const archive = openXar(tmp.write(`l${counter++}.pkg`, writeXar(files)));
  try {
    return { listed: listLocalizations(archive), read: readLocalizations(archive, { file: 'widget.pkg' }) };
  } finally {
    archive.close();
  }
}

describe('package localizations', () => {
  it('reads the English (UTF-16LE with BOM) and French (UTF-8) tables of a product archive', () => {
    const { listed, read } = localizationsOf(productMembers());
    assert.deepEqual(listed, [
      { language: 'en', path: 'Resources/en.lproj/Localizable.strings' },
      { language: 'fr', path: 'Resources/fr.lproj/Localizable.strings' },
    ]);
    assert.deepEqual([...read.tables.keys()], ['en', 'fr']);
    assert.deepEqual(
      [...read.tables.get('en')!],
      [
        ['WIDGET_TITLE', 'Widget'],
        ['OS_TOO_OLD', 'Widget needs macOS %@ or later.'],
        ['QUOTED', 'a "quoted" word\nand a new line'],
      ],
    );
    assert.equal(read.tables.get('fr')!.get('OS_TOO_OLD'), 'Gadget nécessite macOS %@ ou ultérieur.');
    assert.equal(read.sources.get('fr'), 'Resources/fr.lproj/Localizable.strings');
    assert.deepEqual(read.diagnostics, []);
  });

  it('decodes every encoding real tables use', () => {
    const text = '"K" = "Välue ✓";';
    assert.equal(decodeStringsBytes(utf16le(text)), text);
    assert.equal(decodeStringsBytes(utf16be(text)), text);
    assert.equal(decodeStringsBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), text);
    assert.equal(decodeStringsBytes(Buffer.from(text)), text);
    assert.equal(decodeStringsBytes(Buffer.from(text, 'utf16le')), text);
    assert.equal(decodeStringsBytes(Buffer.from(Buffer.from(text, 'utf16le')).swap16()), text);
    assert.throws(
      () => decodeStringsBytes(Buffer.from([0x22, 0xff, 0x22, 0x41, 0x22])),
      (e: unknown) => e instanceof InputError && e.code === 'PKG_STRINGS_UNREADABLE',
    );
    assert.throws(
      () => decodeStringsBytes(Buffer.from('bplist00\0\0\0\0')),
      (e: unknown) => e instanceof InputError && e.code === 'PKG_STRINGS_UNREADABLE',
    );
  });

  it('skips unreadable tables with a diagnostic and keeps the rest', () => {
    const { read } = localizationsOf([
      { path: 'Resources/English.lproj/Localizable.strings', content: utf16be(ENGLISH_STRINGS) },
      { path: 'Resources/de.lproj/Localizable.strings', content: Buffer.from('bplist00 binary') },
      { path: 'Resources/fr.lproj/Localizable.strings', content: FRENCH_STRINGS, encoding: 'application/x-bzip2' },
      { path: 'Resources/ja.lproj/Localizable.strings', content: Buffer.from([0x22, 0xc3, 0x28, 0x22]) },
    ]);
    assert.deepEqual([...read.tables.keys()], ['English']);
    assert.deepEqual(
      read.diagnostics.map((d) => [d.code, d.args!.member]),
      [
        ['PKG_STRINGS_UNREADABLE', 'Resources/de.lproj/Localizable.strings'],
        ['PKG_STRINGS_UNREADABLE', 'Resources/fr.lproj/Localizable.strings'],
        ['PKG_STRINGS_UNREADABLE', 'Resources/ja.lproj/Localizable.strings'],
      ],
    );
    assert.match(read.diagnostics[1]!.message, /^widget\.pkg\/Resources\/fr\.lproj\/Localizable\.strings: .*application\/x-bzip2/);
  });

  it('reads an XML property-list table and ignores strings files elsewhere', () => {
    const plist =
      '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
      '<plist version="1.0"><dict><key>A</key><string>Alpha &amp; more</string><key>N</key><integer>3</integer><key>B</key><string>Beta</string></dict></plist>';
    const { listed, read } = localizationsOf([
      { path: 'Resources/es.lproj/Localizable.strings', content: plist },
      { path: 'Resources/es.lproj/Other.strings', content: '"X" = "Y";' },
      { path: 'Resources/nested/it.lproj/Localizable.strings', content: '"X" = "Y";' },
      { path: 'Localizable.strings', content: '"X" = "Y";' },
    ]);
    assert.deepEqual(
      listed.map((l) => l.language),
      ['es'],
    );
    assert.deepEqual(
      [...read.tables.get('es')!],
      [
        ['A', 'Alpha & more'],
        ['B', 'Beta'],
      ],
    );
  });

  it('flags a table whose checksum does not match but still reads it', () => {
    const bytes = writeXar([{ path: 'Resources/en.lproj/Localizable.strings', content: '"K" = "V";', encoding: 'none' }]);
    bytes[bytes.length - 3] = 0x57; // "V" → "W"
    const archive = openXar(tmp.write('tampered-strings.pkg', bytes));
    try {
      const read = readLocalizations(archive);
      assert.equal(read.tables.get('en')!.get('K'), 'W');
      assert.deepEqual(
        read.diagnostics.map((d) => d.code),
        ['PKG_MEMBER_CHECKSUM_MISMATCH'],
      );
    } finally {
      archive.close();
    }
  });
});
