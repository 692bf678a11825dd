/**
 * Names from the XML (string-table languages and keys, element names, choice
 * and pkg-ref ids, attribute names) must never become keys of plain host
 * objects: `__proto__` would pollute Object.prototype, `constructor` and
 * friends would read inherited values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Distribution } from '../../src/distribution/model.js';
import { parseDistribution } from '../../src/distribution/parse.js';
import { parseStringsTable } from '../../src/distribution/strings-table.js';
import { InputError } from '../../src/errors.js';

const wrap = (body: string) => `<?xml version="1.0"?>\n<installer-gui-script minSpecVersion="2">\n${body}\n</installer-gui-script>\n`;

/** Every name JavaScript gives a plain object through its prototype. */
const INHERITED = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

function prototypeSnapshot(): string {
  return JSON.stringify(Object.getOwnPropertyNames(Object.prototype).sort()) + String(Object.keys) + String(Object.assign);
}

function assertPrototypeIntact(before: string): void {
  assert.equal(prototypeSnapshot(), before, 'Object.prototype or Object changed');
  const probe: Record<string, unknown> = {};
  assert.equal(probe.a, undefined);
  assert.equal(probe.polluted, undefined);
}

/**
 * Keys the model may contain: its own field names and diagnostic argument
 * names. Input text never becomes a key.
 */
const MODEL_KEYS = new Set([
  'path',
  'root',
  'minSpecVersion',
  'title',
  'options',
  'customize',
  'allowExternalScripts',
  'hostArchitectures',
  'requireScripts',
  'rootVolumeOnly',
  'evaluables',
  'id',
  'source',
  'code',
  'position',
  'line',
  'column',
  'segments',
  'scripts',
  'installationCheck',
  'script',
  'ramMinGb',
  'volumeCheck',
  'allowedOsVersions',
  'min',
  'before',
  'requiredBundles',
  'all',
  'description',
  'bundles',
  'CFBundleShortVersionString',
  'CFBundleVersion',
  'search',
  'domains',
  'anywhere',
  'currentUserHome',
  'localSystem',
  'outline',
  'choice',
  'children',
  'choices',
  'tooltip',
  'customLocation',
  'attributes',
  'start_visible',
  'start_enabled',
  'start_selected',
  'visible',
  'enabled',
  'selected',
  'pkgRefs',
  'version',
  'installKBytes',
  'active',
  'onConclusion',
  'onConclusionScript',
  'kind',
  'value',
  'evaluable',
  'strings',
  'language',
  'entries',
  'diagnostics',
  'severity',
  'message',
  'location',
  'file',
  'args',
  // keys as written (per-Mac localization), <product>, declarative requirements
  'titleKey',
  'descriptionKey',
  'product',
  'requiredGraphics',
  'hardwareProperties',
  'singleDevice',
  'requirements',
  'predicate',
  'text',
  'sysctlRequirements',
  // diagnostic arguments
  'element',
  'suggestion',
  'char',
  'where',
  'name',
  'member',
  'pkgRef',
  'suppressed',
]);

function assertNoInputKeys(value: unknown, at = 'dist'): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoInputKeys(v, `${at}[${i}]`));
    return;
  }
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${at} is not a plain object`);
  for (const key of Object.keys(value)) {
    assert.ok(MODEL_KEYS.has(key), `${at} has the key ${JSON.stringify(key)}, which is not a model field`);
    assertNoInputKeys((value as Record<string, unknown>)[key], `${at}.${key}`);
  }
}

const table = (dist: Distribution, language: string) => dist.strings.find((t) => t.language === language);

describe('string tables keyed by reserved names', () => {
  for (const language of INHERITED) {
    it(`ignores <strings language="${language}"> with XML_RESERVED_NAME and changes nothing global`, () => {
      const before = prototypeSnapshot();
      const dist = parseDistribution(
        wrap(
          `<title>T</title><localization><strings language="${language}">"T" = "Hijacked"; "keys" = "x"; "polluted" = "yes"; "a" = "b";</strings>` +
            '<strings language="English">"T" = "Title";</strings></localization>',
        ),
        'd.xml',
      );
      assertPrototypeIntact(before);
      assert.equal(dist.title, 'Title');
      assert.deepEqual(dist.strings, [{ language: 'English', entries: [['T', 'Title']] }]);
      const reserved = dist.diagnostics.filter((d) => d.code === 'XML_RESERVED_NAME');
      assert.equal(reserved.length, 1);
      assert.equal(reserved[0]!.severity, 'warning');
      assert.deepEqual(reserved[0]!.args, { element: 'strings', name: language });
      assert.deepEqual(reserved[0]!.location, { file: 'd.xml', line: 3, column: 31 });
      assertNoInputKeys(dist);
    });
  }

  it('keeps reserved names as keys inside a table (they are data) and resolves titles through them', () => {
    const before = prototypeSnapshot();
    const dist = parseDistribution(
      wrap(`<title>__proto__</title><choices-outline><line choice="a"/></choices-outline><choice id="a" title="constructor" description="toString"/>
<localization><strings language="English">"__proto__" = "Proto title"; "constructor" = "Ctor";</strings></localization>`),
      'd.xml',
    );
    assertPrototypeIntact(before);
    assert.equal(dist.title, 'Proto title');
    assert.equal(dist.choices[0]!.title, 'Ctor');
    assert.equal(dist.choices[0]!.description, 'toString');
    assert.deepEqual(table(dist, 'English')?.entries, [
      ['__proto__', 'Proto title'],
      ['constructor', 'Ctor'],
    ]);
    assertNoInputKeys(dist);
  });

  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`a title key '${key}' missing from the table stays the literal text`, () => {
      const dist = parseDistribution(wrap(`<title>${key}</title><localization><strings language="English">"a" = "b";</strings></localization>`), 'd.xml');
      assert.equal(dist.title, key);
      const bare = parseDistribution(wrap(`<title>${key}</title>`), 'd.xml');
      assert.equal(bare.title, key);
    });
  }

  it('merges several tables with one language (a later key wins, first-appearance order)', () => {
    const dist = parseDistribution(
      wrap(
        '<localization><strings language="fr">"a" = "1"; "b" = "2";</strings><strings language="fr">"a" = "3"; "c" = "4";</strings><strings>"z" = "e";</strings></localization>',
      ),
      'd.xml',
    );
    assert.deepEqual(dist.strings, [
      {
        language: 'fr',
        entries: [
          ['a', '3'],
          ['b', '2'],
          ['c', '4'],
        ],
      },
      { language: 'English', entries: [['z', 'e']] },
    ]);
  });

  it('survives structuredClone and a JSON round trip (the model goes to worker threads)', () => {
    const dist = parseDistribution(
      wrap('<title>k</title><localization><strings language="de">"k" = "Titel"; "__proto__" = "p";</strings></localization>'),
      'd.xml',
    );
    assert.deepEqual(structuredClone(dist), dist);
    assert.deepEqual(JSON.parse(JSON.stringify(dist)), dist);
    assert.deepEqual(structuredClone(dist).strings, [
      {
        language: 'de',
        entries: [
          ['k', 'Titel'],
          ['__proto__', 'p'],
        ],
      },
    ]);
  });
});

describe('parseStringsTable', () => {
  it('returns a Map, so any key is data', () => {
    const t = parseStringsTable('"__proto__" = "x"; "constructor" = "y"; "toString" = "z";');
    assert.ok(t instanceof Map);
    assert.deepEqual(
      [...t],
      [
        ['__proto__', 'x'],
        ['constructor', 'y'],
        ['toString', 'z'],
      ],
    );
  });

  it('reads escapes and comments; comment markers inside a quoted string are text', () => {
    const t = parseStringsTable(
      '/* a\n comment */\n"k\\"1" = "line\\nbreak \\U00e9";\n// "skipped" = "yes";\n  "k2"="v2" ;\n"k3" = "a /* not a comment */ b";',
    );
    assert.deepEqual(
      [...t],
      [
        ['k"1', 'line\nbreak é'],
        ['k2', 'v2'],
        ['k3', 'a /* not a comment */ b'],
      ],
    );
  });

  it('skips malformed entries and keeps going', () => {
    const t = parseStringsTable('"a" = ; "b" = "2"; "c" "3"; junk "d" = "4";');
    assert.deepEqual(
      [...t],
      [
        ['b', '2'],
        ['d', '4'],
      ],
    );
  });
});

describe('other names from the XML', () => {
  it('script members named like Object.prototype members are checked without reading inherited properties', () => {
    const before = prototypeSnapshot();
    const dist = parseDistribution(
      wrap(
        '<script>system.constructor.x; system.toString.y; system.__proto__.z; system.files.constructor; my.__proto__; choices.__proto__; choices["constructor"];</script>',
      ),
      'd.xml',
    );
    assertPrototypeIntact(before);
    assert.deepEqual(
      dist.diagnostics.map((d) => [d.code, d.args]),
      [
        ['API_UNKNOWN_MEMBER', { member: 'system.__proto__' }],
        ['API_UNKNOWN_MEMBER', { member: 'my.__proto__' }],
        ['API_UNKNOWN_CHOICE', { choice: '__proto__' }],
      ],
    );
  });

  it('a repeated __proto__ attribute is malformed like any repeated attribute', () => {
    for (const name of ['__proto__', 'constructor', 'id']) {
      assert.throws(
        () => parseDistribution(wrap(`<choice ${name}="1" ${name}="2"/>`), 'd.xml'),
        (e: unknown) => e instanceof InputError && e.message === `d.xml:3:${14 + name.length}: attribute '${name}' is repeated` && e.code === 'XML_MALFORMED',
      );
    }
  });

  it('element names, choice ids, pkg-ref ids and attribute names that JavaScript reserves are ordinary names', () => {
    const before = prototypeSnapshot();
    const dist = parseDistribution(
      wrap(`<__proto__/><constructor a="1"/><hasOwnProperty/>
<choices-outline><line choice="__proto__"/><line choice="constructor"/></choices-outline>
<choice id="__proto__" __proto__="x" constructor="y"><pkg-ref id="constructor"/></choice>
<choice id="constructor" selected="true"><pkg-ref id="__proto__"/></choice>
<pkg-ref id="constructor" version="1">#c.pkg</pkg-ref><pkg-ref id="__proto__" onConclusion="RequireRestart">#p.pkg</pkg-ref>`),
      'd.xml',
    );
    assertPrototypeIntact(before);
    assert.deepEqual(
      dist.diagnostics.filter((d) => d.code === 'XML_UNKNOWN_ELEMENT').map((d) => d.args?.element),
      ['__proto__', 'constructor', 'hasOwnProperty'],
    );
    assert.deepEqual(
      dist.choices.map((c) => [c.id, c.pkgRefs]),
      [
        ['__proto__', ['constructor']],
        ['constructor', ['__proto__']],
      ],
    );
    assert.deepEqual(
      dist.pkgRefs.map((r) => [r.id, r.path, r.version, r.onConclusion]),
      [
        ['constructor', '#c.pkg', '1', undefined],
        ['__proto__', '#p.pkg', undefined, 'RequireRestart'],
      ],
    );
    assert.deepEqual(
      dist.outline.map((n) => n.choice),
      ['__proto__', 'constructor'],
    );
    assert.ok(!dist.diagnostics.some((d) => d.code === 'OUTLINE_UNKNOWN_CHOICE' || d.code === 'PKG_REF_UNDEFINED'), JSON.stringify(dist.diagnostics));
    assertNoInputKeys(dist);
  });
});
