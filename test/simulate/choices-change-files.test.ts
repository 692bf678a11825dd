import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseChoiceChanges, readChoiceChanges, MAX_CHOICE_CHANGES_BYTES } from '../../src/input/choice-changes.js';
import { InputError } from '../../src/errors.js';
import { choicesFixture } from './choices-support.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-choices-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n';
const plist = (body: string) => `${HEAD}<plist version="1.0">${body}</plist>\n`;
const item = (id: string, attribute: string, setting: string) =>
  `<dict><key>choiceIdentifier</key><string>${id}</string><key>choiceAttribute</key><string>${attribute}</string><key>attributeSetting</key>${setting}</dict>`;

function fails(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.code, code, e.message);
    assert.ok(!e.message.includes('\n'), 'one line');
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('choice change files: the forms Apple documents', () => {
  it('reads the attribute form: integers, booleans and customLocation strings, in order', () => {
    assert.deepEqual(readChoiceChanges(choicesFixture('changes-attributes.plist'), 'changes.plist'), [
      { kind: 'set', choice: 'base', attribute: 'selected', value: false, origin: 'changes.plist item 1' },
      { kind: 'set', choice: 'renamed-in-2.0', attribute: 'selected', value: true, origin: 'changes.plist item 2' },
      { kind: 'set', choice: 'plugin', attribute: 'visible', value: false, origin: 'changes.plist item 3' },
    ]);
    const text = plist(
      `<array>${item('a', 'enabled', '<true/>')}${item('b', 'customLocation', '<string>/opt/b</string>')}${item('c', 'selected', '<false/>')}</array>`,
    );
    assert.deepEqual(parseChoiceChanges(text, 'x.plist'), [
      { kind: 'set', choice: 'a', attribute: 'enabled', value: true, origin: 'x.plist item 1' },
      { kind: 'set', choice: 'b', attribute: 'customLocation', value: '/opt/b', origin: 'x.plist item 2' },
      { kind: 'set', choice: 'c', attribute: 'selected', value: false, origin: 'x.plist item 3' },
    ]);
  });

  it('reads the legacy form as toggles, in order', () => {
    assert.deepEqual(
      readChoiceChanges(choicesFixture('changes-legacy.plist')).map((c) => [c.kind, c.choice]),
      [
        ['toggle', 'plugin'],
        ['toggle', 'addon'],
        ['toggle', 'plugin'],
        ['toggle', 'forced'],
      ],
    );
  });

  it('reads -showChoicesXML output as the states it shows, marked as a form installer refuses', () => {
    assert.deepEqual(readChoiceChanges(choicesFixture('changes-outline.plist'), 'settings.plist'), [
      { kind: 'set', choice: 'extras', attribute: 'visible', value: true, origin: 'settings.plist item 2 (-showChoicesXML output)', form: 'showChoicesXML' },
      { kind: 'set', choice: 'extras', attribute: 'enabled', value: true, origin: 'settings.plist item 2 (-showChoicesXML output)', form: 'showChoicesXML' },
      { kind: 'set', choice: 'extras', attribute: 'selected', value: true, origin: 'settings.plist item 2 (-showChoicesXML output)', form: 'showChoicesXML' },
    ]);
  });

  it('an empty array is no change; UTF-8 bytes with a BOM are read', () => {
    assert.deepEqual(parseChoiceChanges(plist('<array/>'), 'e.plist'), []);
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plist(`<array>${item('é', 'selected', '<integer>1</integer>')}</array>`))]);
    assert.equal(parseChoiceChanges(bytes, 'bom.plist')[0]!.choice, 'é');
  });
});

describe('choice change files: refused with one line and a code', () => {
  it('refuses shapes that are not change files', () => {
    fails(() => parseChoiceChanges(plist('<dict/>'), 'd.plist'), 'CHOICE_CHANGES_INVALID', /^d\.plist: the property list must be an array/);
    fails(
      () => parseChoiceChanges(plist(`<array><string>a</string>${item('b', 'selected', '<integer>1</integer>')}</array>`), 'm.plist'),
      'CHOICE_CHANGES_INVALID',
      /only dicts .* or only choice identifiers/,
    );
    fails(
      () => parseChoiceChanges(plist(`<array>${item('a', 'Selected', '<integer>1</integer>')}</array>`), 'c.plist'),
      'CHOICE_CHANGES_INVALID',
      /item 1: choiceAttribute must be/,
    );
    fails(
      () => parseChoiceChanges(plist(`<array>${item('a', 'selected', '<string>1</string>')}</array>`), 's.plist'),
      'CHOICE_CHANGES_INVALID',
      /item 1: attributeSetting must be 1, 0/,
    );
    fails(() => parseChoiceChanges(plist(`<array>${item('a', 'selected', '<integer>2</integer>')}</array>`), 's.plist'), 'CHOICE_CHANGES_INVALID');
    fails(
      () => parseChoiceChanges(plist(`<array>${item('a', 'customLocation', '<string>relative/path</string>')}</array>`), 'l.plist'),
      'CHOICE_CHANGES_INVALID',
      /absolute path/,
    );
    fails(
      () =>
        parseChoiceChanges(
          plist('<array><dict><key>choiceIdentifier</key><string>a</string><key>choiceAttribute</key><string>selected</string></dict></array>'),
          'n.plist',
        ),
      'CHOICE_CHANGES_INVALID',
      /attributeSetting is missing/,
    );
    fails(() => parseChoiceChanges(plist('<array><string></string></array>'), 'e.plist'), 'CHOICE_CHANGES_INVALID', /empty/);
  });

  it('refuses what is not an XML property list', () => {
    fails(() => parseChoiceChanges('', 'empty.plist'), 'CHOICE_CHANGES_MALFORMED');
    fails(() => parseChoiceChanges(Buffer.from('bplist00\u0000\u0001'), 'b.plist'), 'CHOICE_CHANGES_MALFORMED', /binary property list/);
    fails(() => parseChoiceChanges('( a, b )', 'o.plist'), 'CHOICE_CHANGES_MALFORMED', /OpenStep/);
    fails(
      () => parseChoiceChanges(`${HEAD}<plist version="1.0"><array><string>a</array></plist>`, 'x.plist'),
      'CHOICE_CHANGES_MALFORMED',
      /^x\.plist:\d+:\d+: /,
    );
    fails(() => parseChoiceChanges('<html><body/></html>', 'h.plist'), 'CHOICE_CHANGES_MALFORMED', /not a property list/);
    fails(() => parseChoiceChanges(Buffer.from([0x3c, 0x70, 0xff, 0xfe, 0x3e]), 'u.plist'), 'CHOICE_CHANGES_MALFORMED');
  });

  it('refuses entity declarations, unknown entities and a __proto__ key before or inside the XML library', () => {
    fails(
      () => parseChoiceChanges(`<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaa">]><plist><array><string>&a;</string></array></plist>`, 'e.plist'),
      'CHOICE_CHANGES_MALFORMED',
      /entity declarations/,
    );
    fails(() => parseChoiceChanges(plist('<array><string>&nbsp;</string></array>'), 'n.plist'), 'CHOICE_CHANGES_MALFORMED', /an entity other than/);
    fails(() => parseChoiceChanges(plist('<array><dict><key>__proto__</key><dict/></dict></array>'), 'p.plist'), 'CHOICE_CHANGES_MALFORMED');
    const parsed = parseChoiceChanges(
      plist(
        `<array><dict><key>constructor</key><string>x</string><key>choiceIdentifier</key><string>toString</string><key>choiceAttribute</key><string>selected</string><key>attributeSetting</key><integer>1</integer></dict></array>`,
      ),
      'k.plist',
    );
    assert.deepEqual(parsed, [{ kind: 'set', choice: 'toString', attribute: 'selected', value: true, origin: 'k.plist item 1' }]);
  });

  it('bounds nesting, markup and size, each quickly', () => {
    const started = performance.now();
    fails(
      () => parseChoiceChanges(plist('<array>'.repeat(20_000) + '</array>'.repeat(20_000)), 'deep.plist'),
      'CHOICE_CHANGES_MALFORMED',
      /nested deeper than 64/,
    );
    fails(() => parseChoiceChanges(plist(`<array>${'<true/>'.repeat(70_000)}</array>`), 'wide.plist'), 'CHOICE_CHANGES_MALFORMED', /more than 60000 elements/);
    fails(() => parseChoiceChanges(plist(`<array>${'&amp'.repeat(200_000)}</array>`), 'amp.plist'), 'CHOICE_CHANGES_MALFORMED', /an entity other than/);
    fails(() => parseChoiceChanges('x'.repeat(MAX_CHOICE_CHANGES_BYTES + 1), 'big.plist'), 'FILE_TOO_LARGE');
    const big = path.join(dir, 'big.plist');
    writeFileSync(big, Buffer.alloc(MAX_CHOICE_CHANGES_BYTES + 10, 0x20));
    fails(() => readChoiceChanges(big), 'FILE_TOO_LARGE');
    fails(() => readChoiceChanges(dir), 'FILE_NOT_REGULAR');
    fails(() => readChoiceChanges(path.join(dir, 'missing.plist')), 'FILE_UNREADABLE');
    assert.ok(performance.now() - started < 5000, `took ${performance.now() - started} ms`);
  });

  it('caps the number of changes', () => {
    const ids = '<string>a</string>'.repeat(5001);
    fails(() => parseChoiceChanges(plist(`<array>${ids}</array>`), 'many.plist'), 'CHOICE_CHANGES_INVALID', /more than 5000 changes/);
    assert.equal(readFileSync(choicesFixture('changes-legacy.plist'), 'utf8').includes('<string>plugin</string>'), true);
  });
});
