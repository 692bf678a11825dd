import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { parseDistribution } from '../../src/distribution/parse.js';
import { InputError } from '../../src/errors.js';
import { packageRoot } from '../../src/package-root.js';
import { loadProfiles } from '../../src/profile/index.js';
import { sysctlView } from '../../src/profile/rosetta.js';
import { evaluateRequiredGraphics, type RequiredGraphicsInput } from '../../src/requirements/graphics.js';
import { predicateFromText, type GraphicsKind } from '../../src/requirements/model.js';
import { MAX_REQUIREMENTS_PLIST_BYTES, parseProductRequirements, type ProductRequirements } from '../../src/requirements/product-plist.js';
import { evaluateSysctlRequirements } from '../../src/requirements/sysctl.js';
import { synthesizeDistribution } from '../../src/requirements/synthesize.js';

const FIXTURES = path.join(packageRoot(), 'test', 'fixtures', 'requirements');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const plist = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n${body}\n</plist>\n`;
const dict = (entries: string) => plist(`<dict>${entries}</dict>`);

const ALL_KEYS: ProductRequirements = {
  os: ['10.13.6', '10.15', '12.0'],
  arch: ['x86_64', 'arm64'],
  ram: 4,
  bundle: [
    { id: 'com.example.host', path: 'Applications/Host.app', CFBundleShortVersionString: '2.0', search: true },
    { id: 'com.example.other', path: 'Applications/Other & Co.app' },
  ],
  allBundles: false,
  glRenderer: 'version >= 4.1 AND limits.GL_MAX_TEXTURE_SIZE >= 16384',
  clDevice: "'cl_khr_fp64' IN extensions",
  metalDevice: "argumentBuffersTier == 1 AND NOT (deviceName CONTAINS ']]>')",
  singleGraphicsDevice: true,
  sysctlRequirements: 'hw.optional.avx2_0 == 1 && hw.memsize >= 8589934592',
  home: true,
};

describe('parseProductRequirements', () => {
  it('reads every key of the man page', () => {
    assert.deepEqual(parseProductRequirements(fixture('all-keys.plist'), 'all-keys.plist'), ALL_KEYS);
  });

  it('accepts text and bytes, with or without a byte-order mark', () => {
    const text = dict('<key>ram</key><real>1.5</real>');
    assert.deepEqual(parseProductRequirements(text, 'r.plist'), { ram: 1.5 });
    assert.deepEqual(parseProductRequirements(new TextEncoder().encode(`\uFEFF${text}`), 'r.plist'), { ram: 1.5 });
    assert.deepEqual(parseProductRequirements(dict(''), 'r.plist'), {});
  });

  const bad: Array<[string, string | Uint8Array, string, RegExp]> = [
    ['empty', '', 'REQUIREMENTS_PLIST_MALFORMED', /^x\.plist: the requirements property list is empty$/],
    ['binary', new TextEncoder().encode('bplist00\u0000\u0001'), 'REQUIREMENTS_PLIST_MALFORMED', /binary property list; only XML/],
    ['OpenStep', '{ os = ("10.9"); }', 'REQUIREMENTS_PLIST_MALFORMED', /OpenStep/],
    ['not UTF-8', new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]), 'REQUIREMENTS_PLIST_MALFORMED', /not UTF-8/],
    ['malformed XML', '<plist><dict><key>os</key></plist>', 'REQUIREMENTS_PLIST_MALFORMED', /^x\.plist:1:\d+: /],
    ['not a plist', '<foo/>', 'REQUIREMENTS_PLIST_MALFORMED', /not a property list/],
    [
      'entity declaration',
      '<!DOCTYPE plist [<!ENTITY x "yyyy">]>\n<plist><dict/></plist>',
      'REQUIREMENTS_PLIST_MALFORMED',
      /^x\.plist:1:1: entity declarations/,
    ],
    ['undefined entity', dict('<key>home</key><string>&x;</string>'), 'REQUIREMENTS_PLIST_MALFORMED', /^x\.plist:3:\d+: an entity other than/],
    ['deep nesting', plist(`${'<array>'.repeat(17)}${'</array>'.repeat(17)}`), 'REQUIREMENTS_PLIST_MALFORMED', /nested deeper than 16/],
    ['root array', plist('<array/>'), 'REQUIREMENTS_PLIST_INVALID_VALUE', /^x\.plist: \(root\): the property list must be a dictionary$/],
    ['unknown key', dict('<key>minimum-os</key><string>10.9</string>'), 'REQUIREMENTS_PLIST_UNKNOWN_KEY', /^x\.plist: minimum-os: unknown key$/],
    ['constructor key', dict('<key>constructor</key><true/>'), 'REQUIREMENTS_PLIST_UNKNOWN_KEY', /^x\.plist: constructor: unknown key$/],
    [
      'unknown bundle key',
      dict('<key>bundle</key><array><dict><key>id</key><string>a</string><key>path</key><string>b</string><key>version</key><string>1</string></dict></array>'),
      'REQUIREMENTS_PLIST_UNKNOWN_KEY',
      /^x\.plist: bundle\[0\]\.version: unknown key$/,
    ],
    [
      'bundle without path',
      dict('<key>bundle</key><array><dict><key>id</key><string>a</string></dict></array>'),
      'REQUIREMENTS_PLIST_INVALID_VALUE',
      /^x\.plist: bundle\[0\]\.path: missing \(required\)$/,
    ],
    [
      'bundle not a dict',
      dict('<key>bundle</key><array><string>a</string></array>'),
      'REQUIREMENTS_PLIST_INVALID_VALUE',
      /^x\.plist: bundle\[0\]: expected a dictionary/,
    ],
    ['os not an array', dict('<key>os</key><string>10.9</string>'), 'REQUIREMENTS_PLIST_INVALID_VALUE', /^x\.plist: os: expected an array of strings$/],
    [
      'os entry not a version',
      dict('<key>os</key><array><string>10.9</string><string>ten</string></array>'),
      'REQUIREMENTS_PLIST_INVALID_VALUE',
      /^x\.plist: os\[1\]: 'ten' is not a version/,
    ],
    [
      'os entry not a string',
      dict('<key>os</key><array><integer>11</integer></array>'),
      'REQUIREMENTS_PLIST_INVALID_VALUE',
      /^x\.plist: os\[0\]: expected a string$/,
    ],
    [
      'unknown arch',
      dict('<key>arch</key><array><string>sparc</string></array>'),
      'REQUIREMENTS_PLIST_INVALID_VALUE',
      /^x\.plist: arch\[0\]: 'sparc' is not an architecture/,
    ],
    ['ram as a string', dict('<key>ram</key><string>4</string>'), 'REQUIREMENTS_PLIST_INVALID_VALUE', /^x\.plist: ram: expected a number/],
    ['ram zero', dict('<key>ram</key><real>0</real>'), 'REQUIREMENTS_PLIST_INVALID_VALUE', /^x\.plist: ram: 0 GB is not a plausible minimum$/],
    ['home as a string', dict('<key>home</key><string>yes</string>'), 'REQUIREMENTS_PLIST_INVALID_VALUE', /^x\.plist: home: expected <true\/> or <false\/>$/],
    ['predicate not a string', dict('<key>metal-device</key><true/>'), 'REQUIREMENTS_PLIST_INVALID_VALUE', /^x\.plist: metal-device: expected a string$/],
    [
      'predicate syntax',
      dict('<key>gl-renderer</key><string>version &gt;= </string>'),
      'REQUIREMENTS_PLIST_PREDICATE_SYNTAX',
      /^x\.plist: gl-renderer: the predicate does not parse at offset 11: expected a value/,
    ],
    ['character XML cannot hold', dict('<key>sysctl-requirements</key><string>hw.x == &#1;1</string>'), 'REQUIREMENTS_PLIST_INVALID_VALUE', /contains U\+0001/],
    ['too large', ' '.repeat(MAX_REQUIREMENTS_PLIST_BYTES + 1), 'REQUIREMENTS_PLIST_TOO_LARGE', /larger than/],
  ];
  for (const [name, input, code, message] of bad) {
    it(`refuses ${name} with ${code}`, () => {
      assert.throws(
        () => parseProductRequirements(input, 'x.plist'),
        (e: unknown) => e instanceof InputError && e.code === code && message.test(e.message),
      );
    });
  }

  it('gives malformed XML a location', () => {
    assert.throws(
      () => parseProductRequirements('<plist>\n<dict>\n<key>os</key>\n</plist>', 'x.plist'),
      (e: unknown) => e instanceof InputError && e.location?.file === 'x.plist' && e.location.line === 4,
    );
  });

  it('refuses hostile input quickly', () => {
    const start = performance.now();
    const outcomes: string[] = [];
    for (const input of [
      plist('<array>'.repeat(30_000)),
      `<plist>${'<!-- x -->'.repeat(25_000)}<dict/></plist>`,
      dict(`<key>sysctl-requirements</key><string>${'('.repeat(5000)}</string>`),
      `<plist><dict>${'<key>home</key><true/>'.repeat(250)}</dict></plist>`,
      `<plist><dict>${'<key>home</key><true/>'.repeat(600)}</dict></plist>`,
    ]) {
      try {
        outcomes.push(JSON.stringify(parseProductRequirements(input, 'x.plist')));
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
        outcomes.push(e.code);
      }
    }
    const ms = performance.now() - start;
    assert.deepEqual(outcomes, [
      'REQUIREMENTS_PLIST_MALFORMED',
      'REQUIREMENTS_PLIST_MALFORMED',
      'REQUIREMENTS_PLIST_PREDICATE_SYNTAX',
      '{"home":true}',
      'REQUIREMENTS_PLIST_MALFORMED',
    ]);
    assert.ok(ms < 1500, `took ${ms} ms`);
  });
});

describe('synthesizeDistribution', () => {
  it('writes the Distribution productbuild would for every key (golden file)', () => {
    const xml = synthesizeDistribution(ALL_KEYS, { identifier: 'com.example.app', version: '1.0', title: 'Example' });
    assert.equal(xml, fixture('all-keys.xml').toString('utf8'));
    assert.equal(synthesizeDistribution(ALL_KEYS, { identifier: 'com.example.app', version: '1.0', title: 'Example' }), xml, 'deterministic');
  });

  it('round-trips through parseDistribution', () => {
    const xml = fixture('all-keys.xml').toString('utf8');
    const d = parseDistribution(xml, 'all-keys.xml');
    assert.equal(d.minSpecVersion, '2');
    assert.equal(d.title, 'Example');
    assert.deepEqual(d.options.hostArchitectures, ['x86_64', 'arm64']);
    assert.deepEqual(d.volumeCheck?.allowedOsVersions, [[{ min: '12.0' }, { min: '10.15', before: '10.16' }]]);
    assert.deepEqual(d.volumeCheck?.requiredBundles, [
      {
        all: false,
        bundles: [
          { id: 'com.example.host', path: 'Applications/Host.app', CFBundleShortVersionString: '2.0', search: true },
          { id: 'com.example.other', path: 'Applications/Other & Co.app', search: false },
        ],
      },
    ]);
    assert.equal(d.installationCheck?.ramMinGb, 4);
    assert.deepEqual(d.domains && [d.domains.anywhere, d.domains.currentUserHome, d.domains.localSystem], [
      { kind: 'literal', value: true },
      { kind: 'literal', value: true },
      { kind: 'literal', value: true },
    ]);
    assert.deepEqual(
      d.choices.map((c) => [c.id, c.attributes.visible, c.pkgRefs]),
      [
        ['default', undefined, []],
        ['com.example.app', { kind: 'literal', value: false }, ['com.example.app']],
      ],
    );
    assert.deepEqual(
      d.pkgRefs.map((r) => [r.id, r.version, r.path, r.onConclusion]),
      [['com.example.app', '1.0', '#com.example.app.pkg', 'none']],
    );
  });

  it('keeps every predicate byte for byte through CDATA, even one containing ]]>', () => {
    const xml = fixture('all-keys.xml').toString('utf8');
    const found = readPredicates(xml);
    assert.deepEqual(found, {
      'required-gl-renderer': ALL_KEYS.glRenderer,
      'required-cl-device': ALL_KEYS.clDevice,
      'required-metal-device': ALL_KEYS.metalDevice,
      'sysctl-requirements': ALL_KEYS.sysctlRequirements,
      singleDevice: 'true',
    });
  });

  it('evaluates the same on every built-in profile from the plist and from the synthesized XML', () => {
    const fromPlist = graphicsOf(ALL_KEYS);
    const found = readPredicates(fixture('all-keys.xml').toString('utf8'));
    const fromXml: RequiredGraphicsInput = {
      singleDevice: found.singleDevice === 'true',
      requirements: (['gl-renderer', 'cl-device', 'metal-device'] as GraphicsKind[]).map((kind) => ({
        kind,
        predicate: predicateFromText(found[`required-${kind}`]!),
      })),
    };
    const verdicts: string[] = [];
    for (const p of loadProfiles({})) {
      const options = { osVersion: String(p.systemVersion.ProductVersion) };
      const a = evaluateRequiredGraphics(fromPlist, p.gpus ?? [], options);
      const b = evaluateRequiredGraphics(fromXml, p.gpus ?? [], options);
      assert.deepEqual(b, a, p.id);
      const sysA = evaluateSysctlRequirements(predicateFromText(ALL_KEYS.sysctlRequirements!), sysctlView(p, false), options);
      const sysB = evaluateSysctlRequirements(predicateFromText(found['sysctl-requirements']!), sysctlView(p, false), options);
      assert.deepEqual(sysB, sysA, p.id);
      if (p.id === 'macbookpro-15-mid2015-10.14.6' || p.id === 'macmini-2018-14.8.3')
        verdicts.push(`${p.id} ${a.satisfied} ${a.singleDevice.devices.join(',')}`);
    }
    assert.deepEqual(verdicts, ['macbookpro-15-mid2015-10.14.6 true 1', 'macmini-2018-14.8.3 false ']);
  });

  const shapes: Array<[string, ProductRequirements, Record<string, unknown>, RegExp[]]> = [
    [
      'no requirements',
      {},
      { minSpec: '1', archs: ['x86_64', 'arm64'], os: undefined, ram: undefined, domains: false },
      [/^(?![\s\S]*<installation-check>)/, /^(?![\s\S]*<volume-check>)/],
    ],
    ['arch arm64 only', { arch: ['arm64'] }, { minSpec: '1', archs: ['arm64'] }, []],
    ['i386 means x86_64', { arch: ['i386', 'x86_64'] }, { archs: ['x86_64'] }, []],
    ['os per major line', { os: ['10.5.4', '10.6.2'] }, { minSpec: '2', os: [[{ min: '10.6.2' }, { min: '10.5.4', before: '10.6' }]] }, []],
    ['os in newer majors', { os: ['13.0', '14.2'] }, { os: [[{ min: '14.2' }, { min: '13.0', before: '13.1' }]] }, []],
    [
      'metal alone: trailing floor',
      { metalDevice: 'argumentBuffersTier == 1' },
      { minSpec: '2', os: [[{ min: '10.14.4' }]] },
      [/<\/pkg-ref>\n {4}<volume-check>\n {8}<allowed-os-versions>\n {12}<os-version min="10\.14\.4"\/>/],
    ],
    ['os below the floor dropped', { os: ['10.13', '12.0'], metalDevice: 'isHeadless == NO' }, { os: [[{ min: '12.0' }]] }, []],
    ['all os below the floor', { os: ['10.6'], clDevice: 'version >= 1.2', glRenderer: 'version >= 2' }, { os: [[{ min: '10.7' }]] }, []],
    [
      'floor after the bundles',
      { glRenderer: 'version >= 2', bundle: [{ id: 'a', path: 'b' }] },
      { os: [[{ min: '10.6.8' }]] },
      [/<\/required-bundles>\n {8}<allowed-os-versions>/],
    ],
    [
      'sysctl alone: no floor',
      { sysctlRequirements: 'hw.ncpu > 1' },
      { minSpec: '1', os: undefined },
      [/<hardware-properties>\n {12}<sysctl-requirements><!\[CDATA\[hw\.ncpu > 1\]\]><\/sysctl-requirements>/],
    ],
    ['ram two decimals', { ram: 1.5 }, { ram: 1.5 }, [/<ram min-gb="1\.50"\/>/]],
    ['home false', { home: false }, { domains: false }, []],
    [
      'bundles all by default',
      { bundle: [{ id: 'a', path: 'b', search: false }] },
      {},
      [/<required-bundles all="true">\n {12}<bundle id="a" path="b" search="false"\/>/],
    ],
    ['single device false', { glRenderer: 'version >= 2', singleGraphicsDevice: false }, {}, [/<required-graphics>\n/]],
  ];
  for (const [name, req, expected, patterns] of shapes) {
    it(name, () => {
      const xml = synthesizeDistribution(req);
      const d = parseDistribution(xml, 'synth.xml');
      if ('minSpec' in expected) assert.equal(d.minSpecVersion, expected.minSpec);
      if ('archs' in expected) assert.deepEqual(d.options.hostArchitectures, expected.archs);
      if ('os' in expected) assert.deepEqual(d.volumeCheck?.allowedOsVersions, expected.os);
      if ('ram' in expected) assert.equal(d.installationCheck?.ramMinGb, expected.ram);
      if ('domains' in expected) assert.equal(d.domains !== undefined, expected.domains);
      for (const pattern of patterns) assert.match(xml, pattern);
    });
  }

  it("applies the man page's sysctl floor only when asked", () => {
    const d = parseDistribution(synthesizeDistribution({ sysctlRequirements: 'hw.ncpu > 1' }, { sysctlFloor: true }), 'synth.xml');
    assert.deepEqual(d.volumeCheck?.allowedOsVersions, [[{ min: '10.10' }]]);
  });

  it('escapes identifiers, titles and paths', () => {
    const xml = synthesizeDistribution(
      { bundle: [{ id: 'a"b', path: 'x<y>&z', CFBundleShortVersionString: '1\t2' }] },
      { identifier: 'com.ex&<"ample', version: '1"0', title: 'A <b> & c' },
    );
    const d = parseDistribution(xml, 'synth.xml');
    assert.equal(d.title, 'A <b> & c');
    assert.deepEqual(
      d.pkgRefs.map((r) => [r.id, r.version, r.path]),
      [['com.ex&<"ample', '1"0', '#com.ex&<"ample.pkg']],
    );
    assert.deepEqual(d.volumeCheck?.requiredBundles[0]?.bundles, [{ id: 'a"b', path: 'x<y>&z', CFBundleShortVersionString: '1\t2', search: false }]);
  });
});

function graphicsOf(req: ProductRequirements): RequiredGraphicsInput {
  const requirements: RequiredGraphicsInput['requirements'][number][] = [];
  if (req.glRenderer !== undefined) requirements.push({ kind: 'gl-renderer', predicate: predicateFromText(req.glRenderer) });
  if (req.clDevice !== undefined) requirements.push({ kind: 'cl-device', predicate: predicateFromText(req.clDevice) });
  if (req.metalDevice !== undefined) requirements.push({ kind: 'metal-device', predicate: predicateFromText(req.metalDevice) });
  return { singleDevice: req.singleGraphicsDevice === true, requirements };
}

/** The predicate texts in a synthesized Distribution, read with an independent XML parser. */
function readPredicates(xml: string): Record<string, string> {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false }).parse(xml) as {
    'installer-gui-script': { 'installation-check': { 'required-graphics': Record<string, string>; 'hardware-properties': Record<string, string> } };
  };
  const check = doc['installer-gui-script']['installation-check'];
  const graphics = check['required-graphics'];
  return {
    'required-gl-renderer': graphics['required-gl-renderer']!,
    'required-cl-device': graphics['required-cl-device']!,
    'required-metal-device': graphics['required-metal-device']!,
    'sysctl-requirements': check['hardware-properties']['sysctl-requirements']!,
    singleDevice: graphics['@single-device']!,
  };
}
