import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDistribution } from '../../src/distribution/parse.js';
import { decodeXmlBytes } from '../../src/distribution/source-text.js';
import { InputError } from '../../src/errors.js';
import { codeToSource } from '../../src/simulate/locations.js';
import { fixture } from '../helpers.js';

const wrap = (body: string) => `<?xml version="1.0"?>\n<installer-gui-script minSpecVersion="2">\n${body}\n</installer-gui-script>\n`;

function parseError(text: string, options = {}): InputError {
  try {
    parseDistribution(text, 'd.xml', options);
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('expected an InputError');
}

describe('parseDistribution', () => {
  it('keeps several <script> elements in order, CDATA or plain, entities decoded', () => {
    const d = parseDistribution(wrap('<script>var a = 1 &lt; 2 &amp;&amp; true;</script>\n<script><![CDATA[var b = a && 1 < 2;]]></script>'), 'd.xml');
    assert.deepEqual(
      d.scripts.map((i) => d.evaluables[i]!.code),
      ['var a = 1 < 2 && true;', 'var b = a && 1 < 2;'],
    );
    assert.deepEqual(
      d.scripts.map((i) => d.evaluables[i]!.source),
      ['script[1]', 'script[2]'],
    );
  });

  it('removes XML comments inside a script and tolerates //<![CDATA[', () => {
    const d = parseDistribution(wrap('<script>var x = 1;\n<!-- gone -->\nvar y = 2;</script>\n<script>//<![CDATA[\nvar z = 1 < 2;\n//]]></script>'), 'd.xml');
    const [first, second] = d.scripts.map((i) => d.evaluables[i]!.code);
    assert.ok(!first!.includes('gone'));
    assert.equal(second, '//\nvar z = 1 < 2;\n//');
  });

  it('maps code positions back to the XML file', () => {
    const text = wrap('  <script>\nvar a;\n  <![CDATA[\nfoo();\n]]></script>');
    const d = parseDistribution(text, 'd.xml');
    const ev = d.evaluables[0]!;
    const line = ev.code.split('\n').findIndex((l) => l.includes('foo')) + 1;
    // foo() is on line 6 of the file, column 1
    assert.deepEqual(codeToSource(ev, line, 1), { line: 6, column: 1 });
  });

  it('treats literal true/false attributes as literals and everything else as script', () => {
    const d = parseDistribution(
      wrap('<choices-outline><line choice="a"/></choices-outline><choice id="a" visible="false" selected=" true " enabled="check();"/>'),
      'd.xml',
    );
    const a = d.choices[0]!.attributes;
    assert.deepEqual(a.visible, { kind: 'literal', value: false });
    assert.deepEqual(a.selected, { kind: 'literal', value: true });
    assert.equal(a.enabled?.kind, 'script');
    assert.equal(d.evaluables[0]!.source, 'choice[a]@enabled');
  });

  it('nests the choices-outline and merges pkg-ref elements with one id', () => {
    const d = parseDistribution(
      wrap(`<choices-outline><line choice="p"><line choice="c"/></line></choices-outline>
<choice id="p"/><choice id="c"><pkg-ref id="x"/></choice>
<pkg-ref id="x" version="2"><must-close><app id="a"/></must-close></pkg-ref>
<pkg-ref id="x" onConclusion="RequireRestart">  #x.pkg  </pkg-ref>`),
      'd.xml',
    );
    assert.equal(d.outline[0]!.choice, 'p');
    assert.equal(d.outline[0]!.children[0]!.choice, 'c');
    assert.deepEqual(
      d.pkgRefs.map((r) => [r.id, r.version, r.onConclusion, r.path]),
      [['x', '2', 'RequireRestart', '#x.pkg']],
    );
  });

  it('reads options, domains, installation-check and volume-check (also allowed-os-versions at the root)', () => {
    const d = parseDistribution(
      wrap(`<options hostArchitectures="x86_64, arm64" allow-external-scripts="yes" rootVolumeOnly="true"/>
<domains enable_anywhere="false" enable_localSystem="f()"/>
<installation-check script="ic()"><ram min-gb="4"/></installation-check>
<volume-check script="vc()"><allowed-os-versions><os-version min="10.15" before="12"/></allowed-os-versions></volume-check>
<allowed-os-versions><os-version min="11"/></allowed-os-versions>`),
      'd.xml',
    );
    assert.deepEqual(d.options, { allowExternalScripts: true, rootVolumeOnly: true, hostArchitectures: ['x86_64', 'arm64'] });
    assert.deepEqual(d.domains?.anywhere, { kind: 'literal', value: false });
    assert.equal(d.domains?.localSystem?.kind, 'script');
    assert.equal(d.installationCheck?.ramMinGb, 4);
    assert.deepEqual(d.volumeCheck?.allowedOsVersions, [[{ min: '10.15', before: '12' }], [{ min: '11' }]]);
  });

  it('reports unknown elements with a suggestion, as the Installer ignores them', () => {
    const d = parseDistribution(wrap('<volume-check><allowed-os-version><os-version min="10"/></allowed-os-version></volume-check>'), 'd.xml');
    const diag = d.diagnostics.find((x) => x.code === 'XML_UNKNOWN_ELEMENT');
    assert.equal(diag?.args?.suggestion, 'allowed-os-versions');
  });

  it('resolves the title through an inline string table', () => {
    const d = parseDistribution(
      wrap('<title>SU_TITLE</title><localization><strings language="English"><![CDATA["SU_TITLE" = "My Product";]]></strings></localization>'),
      'd.xml',
    );
    assert.equal(d.title, 'My Product');
  });
});

describe('malformed input', () => {
  it('gives FILE:LINE:COL and a hint for a raw < in a plain <script>', () => {
    const e = parseError(readFileSync(fixture('malformed-raw-lt.xml'), 'utf8'));
    assert.match(e.message, /^d\.xml:7:\d+: /);
    assert.match(e.hint ?? '', /raw '<' inside a <script> at d\.xml:7:\d+.*CDATA.*--recover/);
  });

  it('rejects raw & and < in JavaScript attributes, which the validator alone would accept', () => {
    assert.match(parseError(wrap('<choice id="a" selected="x && y"/>')).message, /^d\.xml:3:\d+: '&' in the value of attribute 'selected'/);
    assert.match(parseError(wrap('<choice id="a" selected="x < y"/>')).message, /^d\.xml:3:\d+: '<' is not allowed/);
  });

  it('--recover repairs only script escaping, reports each repair and simulates the rest', () => {
    const d = parseDistribution(readFileSync(fixture('malformed-raw-lt.xml'), 'utf8'), 'd.xml', { recover: true });
    const repairs = d.diagnostics.filter((x) => x.code === 'XML_SCRIPT_ESCAPE_REPAIRED');
    assert.deepEqual(
      repairs.map((r) => [r.location?.line, r.args?.char, r.args?.where]),
      [
        [7, '<', 'script'],
        [11, '&', 'selected'],
        [11, '&', 'selected'],
      ],
    );
    assert.equal(d.evaluables[0]!.code.includes("system.sysctl('hw.memsize') < 8000000000"), true);
    assert.equal(repairs[0]!.severity, 'warning');
    // Positions still point into the original file.
    assert.equal(d.evaluables[1]!.position.line, 11);
  });

  it('--recover does not hide other malformations', () => {
    assert.match(parseError(wrap('<script>if (a < b) {}</script><choice id="a">'), { recover: true }).message, /^d\.xml:/);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['unclosed', '<installer-gui-script>', /d\.xml:1:1: Unclosed tag/],
    ['two roots', '<installer-gui-script/>\n<installer-gui-script/>', /d\.xml:2:1: extra content after the root element/],
    ['not a distribution', '<plist/>', /root element <plist> is not a Distribution/],
    ['undefined entity', wrap('<title>&nbsp;</title>'), /entity 'nbsp' is not defined/],
    ['entity declarations', '<!DOCTYPE x [<!ENTITY a "b">]><installer-gui-script/>', /entity declarations are not supported/],
    ['empty', '', /^d\.xml:1:1: the file is empty/],
  ];
  for (const [name, text, pattern] of cases) {
    it(`rejects ${name}`, () => assert.match(parseError(text).message, pattern));
  }

  it('gives malformed XML the code XML_MALFORMED and its location, and a wrong root NOT_A_DISTRIBUTION', () => {
    const malformed = parseError(wrap('<title>&nbsp;</title>'));
    assert.equal(malformed.code, 'XML_MALFORMED');
    assert.deepEqual(malformed.location, { file: 'd.xml', line: 3, column: 8 });
    const wrongRoot = parseError('<plist/>');
    assert.equal(wrongRoot.code, 'NOT_A_DISTRIBUTION');
    assert.deepEqual(wrongRoot.location, { file: 'd.xml', line: 1, column: 1 });
  });

  const wellFormedness: Array<[string, string, string]> = [
    ['a repeated attribute', '<choice id="a" id="b"/>', "d.xml:3:16: attribute 'id' is repeated"],
    ['attributes without white space between them', '<choice id="a"title="b"/>', 'd.xml:3:15: attributes of <choice> need white space between them'],
    ['an attribute without a value', '<choice id/>', 'd.xml:3:11: attribute \'id\' of <choice> has no value (write id="...")'],
    ['an unquoted value', '<choice id=a/>', "d.xml:3:12: the value of attribute 'id' is not in quotes"],
    ['a mismatched end tag', '<title>x</titel>', 'd.xml:3:9: expected </title> (for the <title> at line 3, column 1) instead of </titel>'],
    [
      'an end tag never opened',
      '</choice>',
      'd.xml:3:1: expected </installer-gui-script> (for the <installer-gui-script> at line 2, column 1) instead of </choice>',
    ],
    ['a DOCTYPE inside the root', '<!DOCTYPE x>', 'd.xml:3:1: a DOCTYPE after the root element started'],
    [
      'an XML declaration not at the start',
      '<?xml version="1.0"?>',
      'd.xml:3:1: the XML declaration <?xml ...?> is only allowed at the very start of the file',
    ],
  ];
  for (const [name, body, message] of wellFormedness) {
    it(`rejects ${name}`, () => assert.equal(parseError(wrap(body)).message, message));
  }

  it('rejects text outside the root element, and accepts white space, comments and PIs there', () => {
    assert.equal(
      parseError('<installer-gui-script/>\nx').message,
      "d.xml:2:1: 'x' outside the root element (only white space, comments and processing instructions may surround it)",
    );
    assert.equal(
      parseDistribution('\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<?pi x?>\n<installer-gui-script/>\n<!-- after -->\n', 'd.xml').root,
      'installer-gui-script',
    );
  });

  it('decodes UTF-16 with a BOM and rejects invalid UTF-8 and NUL bytes with a location', () => {
    const text = wrap('<title>Ünïcode</title>');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.equal(parseDistribution(decodeXmlBytes(utf16, 'u.xml'), 'u.xml').title, 'Ünïcode');
    assert.throws(() => decodeXmlBytes(Buffer.from([0x3c, 0x61, 0xff, 0x3e]), 'bad.xml'), /bad\.xml:1:3: invalid UTF-8/);
    assert.throws(() => decodeXmlBytes(Buffer.from('<a>\n\u0000</a>'), 'nul.xml'), /nul\.xml:2:1: NUL character/);
  });
});
