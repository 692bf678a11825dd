import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { extractCommand } from '../../src/cli/extract-command.js';
import type { Distribution } from '../../src/distribution/model.js';
import { InputError } from '../../src/errors.js';
import { distributionFromBytes, readDistribution, readDistributionInput } from '../../src/input/read-input.js';
import { simulateRun } from '../../src/runner/simulate.js';
import { isInputFailure, type SimulationReport } from '../../src/types.js';
import { profile } from '../helpers.js';
import { componentMembers, tempDir } from '../package/fixtures.js';
import { LEAF_SUBJECT, makeTestPki, type TestPki } from '../package/pki.js';
import { heapStartOf, writeXar } from '../package/xar-writer.js';
import { BARE_REFS_DISTRIBUTION, localizedMembers, LOCALIZED_DISTRIBUTION, MAC } from './pkg-fixtures.js';

const tmp = tempDir();
let pki: TestPki;
before(() => {
  pki = makeTestPki();
});
after(() => {
  pki.cleanup();
  tmp.cleanup();
});

const NOW = Date.now();
const french = () => profile(MAC, ['languages=["fr"]']);
const english = () => profile(MAC, ['languages=["en"]']);
const german = () => profile(MAC, ['languages=["de-DE","fr-FR"]']);

/** A Distribution without what only a package has, for comparing a .pkg with its expanded form. */
function withoutPackage(dist: Distribution): Omit<Distribution, 'package'> {
  const copy: Partial<Distribution> = structuredClone(dist);
  delete copy.package;
  return copy as Omit<Distribution, 'package'>;
}

async function simulated(dists: Distribution[], profiles = [english(), french(), german()]): Promise<SimulationReport[]> {
  const report = await simulateRun(dists, profiles, { workers: 0 });
  return report.distributions as SimulationReport[];
}

async function expand(pkg: string, name: string): Promise<string> {
  const out = path.join(tmp.dir, name);
  const code = await extractCommand({ pkg, out, list: false }, { stdout: new PassThrough(), stderr: () => undefined });
  assert.equal(code, 0);
  return out;
}

describe('reading a .pkg wherever a Distribution is read', () => {
  it('a product archive: its Distribution, located inside the package, with its tables, components and product', () => {
    const pkg = tmp.write('widget.pkg', writeXar(localizedMembers()));
    const dist = readDistribution(pkg, { label: 'widget.pkg', now: NOW });
    assert.equal(dist.path, 'widget.pkg/Distribution');
    assert.equal(dist.title, 'Widget', 'the title key resolved through the English table');
    assert.equal(dist.titleKey, 'WIDGET_TITLE');
    assert.deepEqual(dist.product, { id: 'com.example.widget.product', version: '2.5' });
    assert.deepEqual(
      dist.choices.map((c) => [c.id, c.title, c.titleKey, c.description]),
      [
        ['default', 'DEFAULT_TITLE', 'DEFAULT_TITLE', undefined],
        ['com.example.widget', 'Widget Core', 'CORE_TITLE', 'CORE_DESCRIPTION'],
      ],
    );
    assert.deepEqual(
      dist.resources!.map((t) => t.language),
      ['en', 'fr'],
    );
    assert.deepEqual(dist.resources![1]!.entries, [
      ['WIDGET_TITLE', 'Gadget'],
      ['ERR', "Impossible d'installer Widget sur %@."],
      ['CORE_TITLE', 'Cœur'],
    ]);
    assert.deepEqual(dist.pkgRefs[0]!.component, {
      packageInfo: 'Widget Core.pkg/PackageInfo',
      identifier: 'com.example.widget',
      version: '2.5.1',
      installKBytes: 12345,
      numberOfFiles: 42,
      postinstallAction: 'restart',
      bundles: [{ id: 'com.example.Widget', path: './Widget.app', CFBundleShortVersionString: '2.5.1', CFBundleVersion: '251' }],
    });
    assert.equal(dist.package!.path, 'widget.pkg');
    assert.equal(dist.package!.kind, 'product');
    assert.deepEqual(
      { ...dist.package!.signature, notChecked: [] },
      {
        status: 'unsigned',
        signed: false,
        signer: null,
        teamId: null,
        checksumAlgorithm: 'sha1',
        checksumMatches: true,
        leafValidAtNow: null,
        problems: [],
        notChecked: [],
      },
    );
    assert.ok(dist.package!.signature.notChecked.some((line) => line.startsWith('revocation')));
    assert.deepEqual(dist.diagnostics, []);
  });

  it('gives the same Distribution and the same results as its expanded Distribution read with the resources folder', async () => {
    const pkg = tmp.write('same.pkg', writeXar(localizedMembers()));
    const out = await expand(pkg, 'same-expanded');
    const fromPkg = readDistribution(pkg, { label: 'same.pkg', now: NOW });
    const fromDir = readDistribution(path.join(out, 'Distribution'), { label: 'same.pkg/Distribution', resourcesDir: out });
    assert.deepEqual(withoutPackage(fromDir), withoutPackage(fromPkg));
    // The Resources folder alone gives the same tables (the component facts then come from the Distribution's own numbers).
    const fromResources = readDistribution(path.join(out, 'Distribution'), { label: 'same.pkg/Distribution', resourcesDir: path.join(out, 'Resources') });
    assert.deepEqual(fromResources.resources, fromPkg.resources);
    const [a, b, c] = await simulated([fromPkg, fromDir, fromResources]);
    assert.deepEqual(b!.results, a!.results);
    assert.deepEqual(c!.results, a!.results);
    assert.equal(a!.title, 'Widget');
  });

  it('localizes messages with %@ arguments per profile, from the French or the English table', async () => {
    const pkg = tmp.write('fr.pkg', writeXar(localizedMembers()));
    const [report] = await simulated([readDistribution(pkg, { label: 'fr.pkg' })]);
    const [en, fr, de] = report!.results;
    assert.deepEqual(en!.installationCheck, { passed: false, resultType: 'Fatal', title: 'Widget', message: 'Widget cannot be installed on x (x, 100%).' });
    assert.deepEqual(fr!.installationCheck, { passed: false, resultType: 'Fatal', title: 'Gadget', message: "Impossible d'installer Widget sur x." });
    assert.equal(de!.installationCheck.message, "Impossible d'installer Widget sur x.", 'de-DE has no table; fr-FR, the next preferred language, has');
    assert.deepEqual(fr!.log, ['Hello', 'null'], 'a key French lacks falls back to English; a key no table has is null');
    assert.deepEqual(
      en!.blockers.map((b) => b.message),
      ['installation-check failed: Widget cannot be installed on x (x, 100%).'],
    );
    assert.ok(!fr!.diagnostics.some((d) => d.code === 'API_NO_STRING_TABLE'));
  });

  it('fills pkg-ref versions and sizes the Distribution omits from the component PackageInfo', async () => {
    const pkg = tmp.write('bare.pkg', writeXar(localizedMembers(BARE_REFS_DISTRIBUTION)));
    const dist = readDistribution(pkg, { label: 'bare.pkg' });
    assert.equal(dist.pkgRefs[0]!.version, '2.5.1');
    assert.equal(dist.pkgRefs[0]!.installKBytes, 12345);
    const [report] = await simulated([dist], [english()]);
    const widget = report!.results[0]!.packages.find((p) => p.id === 'com.example.widget')!;
    assert.equal(widget.version, '2.5.1');
    // A stated value wins: it is what the Installer reads.
    const stated = readDistribution(tmp.write('stated.pkg', writeXar(localizedMembers(LOCALIZED_DISTRIBUTION.replace('version="2.5.1"', 'version="9"')))));
    assert.equal(stated.pkgRefs[0]!.version, '9');
    assert.equal(stated.pkgRefs[0]!.component!.version, '2.5.1');
  });

  it('a component package is simulated through the one-choice Distribution the Installer synthesizes', async () => {
    const pkg = tmp.write('core.pkg', writeXar(componentMembers()));
    const dist = readDistribution(pkg, { label: 'core.pkg' });
    assert.equal(dist.package!.kind, 'component');
    assert.equal(dist.path, 'core.pkg/Distribution');
    assert.deepEqual(dist.product, { id: 'com.example.widget', version: '2.5.1' });
    assert.deepEqual(
      dist.pkgRefs.map((r) => [r.id, r.version, r.installKBytes, r.component?.identifier]),
      [['com.example.widget', '2.5.1', 12345, 'com.example.widget']],
    );
    assert.deepEqual(
      dist.diagnostics.map((d) => d.code),
      ['PKG_COMPONENT_SYNTHESIZED'],
    );
    const [report] = await simulated([dist], [english()]);
    const result = report!.results[0]!;
    assert.equal(result.installable, true);
    assert.deepEqual(
      result.packages.filter((p) => p.install).map((p) => p.id),
      ['com.example.widget'],
    );
    assert.equal(result.restartAction, 'RequireRestart');
  });

  it('names a missing component and a damaged table in the diagnostics, and still simulates', () => {
    const members = localizedMembers(
      LOCALIZED_DISTRIBUTION.replace('</installer-gui-script>', '<pkg-ref id="gone">#Gone.pkg</pkg-ref>\n</installer-gui-script>'),
    ).map((m) => (m.path === 'Resources/fr.lproj/Localizable.strings' ? { ...m, content: Buffer.from('bplist00 binary') } : m));
    const dist = readDistribution(tmp.write('damaged.pkg', writeXar(members)), { label: 'damaged.pkg' });
    assert.deepEqual(
      dist.diagnostics.map((d) => [d.code, d.args?.member ?? d.args?.pkgRef]),
      [
        ['PKG_REF_COMPONENT_MISSING', 'gone'],
        ['PKG_STRINGS_UNREADABLE', 'Resources/fr.lproj/Localizable.strings'],
      ],
    );
    assert.deepEqual(
      dist.resources!.map((t) => t.language),
      ['en'],
    );
  });

  describe('signature verdicts', () => {
    it('signed: verified, the signer and team named, the leaf valid at the clock given', () => {
      const bytes = writeXar(localizedMembers(), { sign: { key: pki.leafKey, certificates: pki.chain, cms: (c) => pki.cms(c) } });
      const dist = readDistribution(tmp.write('signed.pkg', bytes), { label: 'signed.pkg', now: NOW });
      const s = dist.package!.signature;
      assert.deepEqual(
        [s.status, s.signed, s.signer, s.teamId, s.checksumMatches, s.leafValidAtNow, s.problems],
        ['verified', true, LEAF_SUBJECT, 'ABCDE12345', true, true, []],
      );
      assert.deepEqual(dist.diagnostics, []);
      const before = readDistribution(tmp.write('signed-early.pkg', bytes), { now: Date.UTC(2000, 0, 1) });
      assert.equal(before.package!.signature.leafValidAtNow, false, 'a clock before the certificate was issued');
      assert.equal(before.package!.signature.status, 'verified', 'validity dates are a fact, not part of the verdict');
    });

    it('tampered after signing: invalid, with the TOC checksum diagnostic (the signature still covers the stored checksum)', () => {
      const bytes = writeXar(localizedMembers(), {
        sign: { key: pki.leafKey, certificates: pki.chain },
        editTocAfterSigning: (xml) => xml.replace('<creation-time>2024-01-03T15:48:26</creation-time>', '<creation-time>2024-01-04T15:48:26</creation-time>'),
      });
      const dist = readDistribution(tmp.write('tampered.pkg', bytes), { label: 'tampered.pkg', now: NOW });
      assert.equal(dist.package!.signature.status, 'invalid');
      assert.equal(dist.package!.signature.checksumMatches, false);
      assert.deepEqual(
        dist.diagnostics.map((d) => d.code),
        ['PKG_TOC_CHECKSUM_MISMATCH'],
      );
    });
  });

  describe('a truncated or hostile package is an InputError with a code, never a crash', () => {
    const good = () => writeXar(localizedMembers());
    const cases: Array<[string, () => Buffer, string]> = [
      ['truncated heap', () => good().subarray(0, heapStartOf(good()) + 10), 'XAR_TRUNCATED'],
      ['truncated table of contents', () => good().subarray(0, 40), 'XAR_TRUNCATED'],
      ['only the magic', () => Buffer.from('xar!\u0000\u001c\u0000\u0001', 'binary'), 'XAR_TRUNCATED'],
      ['corrupt table of contents', () => writeXar(localizedMembers(), { rawToc: Buffer.from('not zlib at all') }), 'XAR_TOC_INVALID'],
      [
        'neither Distribution nor PackageInfo',
        () => writeXar([{ path: 'Resources/en.lproj/Localizable.strings', content: '"A" = "B";' }]),
        'PKG_NOT_INSTALLER_PACKAGE',
      ],
      ['a Distribution that is not XML', () => writeXar(localizedMembers('<installer-gui-script><title>x</installer-gui-script>')), 'XML_MALFORMED'],
    ];
    for (const [name, bytes, code] of cases) {
      it(name, () => {
        const file = tmp.write(`${name.replace(/\W+/g, '-')}.pkg`, bytes());
        assert.throws(
          () => readDistribution(file),
          (error: unknown) => error instanceof InputError && error.code === code && !error.message.includes('\n'),
        );
        const failure = readDistributionInput(file, { label: 'x.pkg' });
        assert.ok(isInputFailure(failure));
        assert.equal(failure.error.code, code);
        assert.equal(failure.path, 'x.pkg');
      });
    }

    it('the Distribution member keeps the 8 MiB cap of a Distribution file; the archive itself may be larger', () => {
      const big = writeXar([{ path: 'Distribution', content: Buffer.alloc(8 * 1024 * 1024 + 1, 0x20) }]);
      assert.throws(() => readDistribution(tmp.write('big-dist.pkg', big)), { code: 'XAR_TOO_LARGE' });
      const members = localizedMembers().map((m) => (m.path === 'Widget Core.pkg/Payload' ? { ...m, content: Buffer.alloc(9 * 1024 * 1024, 1) } : m));
      const dist = readDistribution(tmp.write('big-payload.pkg', writeXar(members)));
      assert.equal(dist.title, 'Widget');
    });
  });

  it('a bare Distribution is still read as before, and bytes that are a package point to the path reader', () => {
    const file = tmp.write('plain.xml', Buffer.from(LOCALIZED_DISTRIBUTION));
    const dist = readDistribution(file);
    assert.equal(dist.title, 'WIDGET_TITLE', 'without tables the key is the literal text');
    assert.equal(dist.resources, undefined);
    assert.equal(dist.package, undefined);
    rmSync(file);
    assert.throws(() => distributionFromBytes(writeXar(localizedMembers()), 'mem.pkg'), { code: 'FILE_IS_PACKAGE' });
  });
});
