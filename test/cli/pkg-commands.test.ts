/**
 * The package commands' handlers in process (info, extract, manifest), on
 * packages built here. The same commands through the CLI binary are in
 * pkg-e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parse } from 'plist';
import { extractCommand, type ExtractArgs } from '../../src/cli/extract-command.js';
import { infoCommand, type PackageInfoReport } from '../../src/cli/info-command.js';
import { manifestCommand, type ManifestArgs } from '../../src/cli/manifest-command.js';
import { DISTRIBUTION as PLAIN_DISTRIBUTION, PACKAGE_INFO, tempDir } from '../package/fixtures.js';
import { LEAF_SUBJECT, makeTestPki, type TestPki } from '../package/pki.js';
import { heapStartOf, writeXar } from '../package/xar-writer.js';
import { localizedMembers, LOCALIZED_DISTRIBUTION } from '../input/pkg-fixtures.js';

const tmp = tempDir();
let pki: TestPki;
let signedPkg: string;
let tamperedPkg: string;
let unsignedPkg: string;
before(() => {
  pki = makeTestPki();
  signedPkg = tmp.write('signed.pkg', writeXar(localizedMembers(), { sign: { key: pki.leafKey, certificates: pki.chain, cms: (c) => pki.cms(c, 'sha256') } }));
  tamperedPkg = tmp.write(
    'tampered.pkg',
    writeXar(localizedMembers(), {
      sign: { key: pki.leafKey, certificates: pki.chain },
      editTocAfterSigning: (xml) => xml.replace('2024-01-03T15:48:26', '2024-01-04T15:48:26'),
    }),
  );
  unsignedPkg = tmp.write('unsigned.pkg', writeXar(localizedMembers()));
});
after(() => {
  pki.cleanup();
  tmp.cleanup();
});

const NOW = new Date().toISOString();

function info(pkg: string, format: 'text' | 'json' = 'json'): { code: number; text: string } {
  let text = '';
  const code = infoCommand({ pkg, format, now: NOW }, (t) => (text += t));
  return { code, text };
}

function infoJson(pkg: string): PackageInfoReport {
  return JSON.parse(info(pkg).text) as PackageInfoReport;
}

describe('distsim info', () => {
  it('a signed package: checksum and both signatures verify, the chain and the signer are named', () => {
    const r = infoJson(signedPkg);
    assert.equal(r.kind, 'product');
    assert.equal(r.title, 'Widget');
    assert.deepEqual(r.product, { id: 'com.example.widget.product', version: '2.5' });
    const s = r.signature;
    assert.equal(s.status, 'verified', s.problems.join('; '));
    assert.equal(s.checksum.matches, true);
    assert.equal(s.signer, LEAF_SUBJECT);
    assert.equal(s.rsa!.verified, true);
    assert.equal(s.cms!.verified, true);
    assert.equal(s.cms!.digestAlgorithm, 'sha256');
    assert.equal(s.rsa!.chain.consistent, true);
    assert.deepEqual(
      s.rsa!.certificates.map((c) => [c.commonName, c.issuerCommonName, c.validAtNow]),
      [
        [LEAF_SUBJECT, 'Test Developer ID Certification Authority', true],
        ['Test Developer ID Certification Authority', 'Test Root CA', true],
        ['Test Root CA', 'Test Root CA', true],
      ],
    );
    assert.deepEqual(r.localizations, ['en', 'fr']);
    assert.deepEqual(r.pkgRefs, [
      { id: 'com.example.widget', version: '2.5.1', installKBytes: 12345, path: '#Widget%20Core.pkg', packageInfo: 'Widget Core.pkg/PackageInfo' },
    ]);
    assert.deepEqual(
      r.components.map((c) => [c.path, c.identifier, c.version]),
      [['Widget Core.pkg/PackageInfo', 'com.example.widget', '2.5.1']],
    );
    assert.deepEqual(r.diagnostics, []);
  });

  it('a package changed after signing: the checksum no longer matches, the verdict is invalid', () => {
    const r = infoJson(tamperedPkg);
    assert.equal(r.signature.status, 'invalid');
    assert.equal(r.signature.checksum.matches, false);
    assert.equal(r.signature.rsa!.verified, true, 'the signature still covers the stored checksum');
    assert.deepEqual(r.signature.problems, ['the stored TOC checksum does not match the table of contents']);
    assert.deepEqual(
      r.diagnostics.map((d) => d.code),
      ['PKG_TOC_CHECKSUM_MISMATCH'],
    );
  });

  it('an unsigned package: the checksum matches, nothing is signed', () => {
    const r = infoJson(unsignedPkg);
    assert.deepEqual(
      [r.signature.status, r.signature.signed, r.signature.checksum.matches, r.signature.rsa, r.signature.cms],
      ['unsigned', false, true, null, null],
    );
  });

  it('text: one fact per line, what is not checked said', () => {
    const { code, text } = info(tamperedPkg, 'text');
    assert.equal(code, 0);
    const lines = text.split('\n');
    assert.match(lines[0]!, /^.*tampered\.pkg: product archive, \d+ bytes, 11 members$/);
    assert.ok(lines.includes('  title         Widget'));
    assert.ok(lines.includes('  product       com.example.widget.product 2.5'));
    assert.ok(lines.includes('  TOC checksum  sha1, DOES NOT MATCH'));
    assert.ok(lines.includes(`  signature     invalid: ${LEAF_SUBJECT}`));
    assert.ok(lines.includes('  problem       the stored TOC checksum does not match the table of contents'));
    assert.ok(lines.some((l) => /^ {2}not checked {3}trust: /.test(l)));
    assert.ok(lines.some((l) => /^ {16}revocation: /.test(l)));
    assert.ok(lines.includes('    com.example.widget 2.5.1  Widget Core.pkg/PackageInfo  12345 KB, 42 files, postinstall restart'));
    assert.ok(lines.includes('      bundle com.example.Widget 2.5.1 (251)  ./Widget.app'));
    assert.ok(lines.includes('  localizations en, fr'));
  });

  it('refuses what is not a readable package with a code', () => {
    const xml = tmp.write('plain.xml', Buffer.from(LOCALIZED_DISTRIBUTION));
    assert.throws(() => info(xml), { code: 'XAR_NOT_XAR' });
    const bytes = readFileSync(unsignedPkg);
    assert.throws(() => info(tmp.write('cut.pkg', bytes.subarray(0, heapStartOf(bytes) + 5))), { code: 'XAR_TRUNCATED' });
    assert.throws(() => infoCommand({ pkg: unsignedPkg, format: 'json', now: 'yesterday' }, () => undefined), { code: 'FLAG_INVALID' });
  });
});

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function extract(args: Partial<ExtractArgs> & { pkg: string }): Promise<{ code: number; stdout: string; stderr: string[] }> {
  const out = collector();
  const stderr: string[] = [];
  const code = await extractCommand({ list: false, ...args }, { stdout: out.stream, stderr: (line) => stderr.push(line) });
  return { code, stdout: out.text(), stderr };
}

describe('distsim extract', () => {
  it('prints the Distribution by default, or the member named', async () => {
    assert.equal((await extract({ pkg: unsignedPkg })).stdout, LOCALIZED_DISTRIBUTION);
    assert.equal((await extract({ pkg: unsignedPkg, file: ['Widget Core.pkg/PackageInfo'] })).stdout, PACKAGE_INFO);
    const component = tmp.write('component.pkg', writeXar([{ path: 'PackageInfo', content: PACKAGE_INFO }]));
    assert.equal((await extract({ pkg: component })).stdout, PACKAGE_INFO, 'a component package prints its PackageInfo');
  });

  it('lists the members', async () => {
    const { stdout } = await extract({ pkg: unsignedPkg, list: true });
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' '));
    assert.deepEqual(lines.slice(0, 3), [
      'file 1000 Distribution'.replace('1000', String(Buffer.byteLength(LOCALIZED_DISTRIBUTION))),
      'directory Resources',
      'directory Resources/en.lproj',
    ]);
    assert.ok(lines.includes('file 3000 Widget Core.pkg/Payload'));
  });

  it('writes every member under --out, folders first, byte for byte', async () => {
    const out = path.join(tmp.dir, 'all');
    const r = await extract({ pkg: unsignedPkg, out });
    assert.equal(r.code, 0);
    assert.deepEqual(r.stderr, [`distsim: 7 files written under ${out}`]);
    for (const member of localizedMembers()) {
      const expected = typeof member.content === 'string' ? Buffer.from(member.content) : member.content!;
      assert.deepEqual(readFileSync(path.join(out, member.path)), expected, member.path);
    }
    // Again into the same folder: files are replaced.
    assert.equal((await extract({ pkg: unsignedPkg, out })).code, 0);
  });

  it('--file with a folder extracts what it holds, and only that', async () => {
    const out = path.join(tmp.dir, 'resources-only');
    assert.equal((await extract({ pkg: unsignedPkg, out, file: ['Resources/'] })).code, 0);
    assert.ok(existsSync(path.join(out, 'Resources/fr.lproj/Localizable.strings')));
    assert.ok(!existsSync(path.join(out, 'Distribution')));
    await assert.rejects(extract({ pkg: unsignedPkg, out, file: ['Nope'] }), { code: 'XAR_MEMBER_NOT_FOUND' });
    await assert.rejects(extract({ pkg: unsignedPkg, file: ['Distribution', 'Resources'] }), { code: 'FLAG_INVALID' });
  });

  it('never writes through a symbolic link inside --out', async () => {
    const outside = path.join(tmp.dir, 'outside');
    mkdirSync(outside);
    const out = path.join(tmp.dir, 'linked');
    mkdirSync(out);
    symlinkSync(outside, path.join(out, 'Resources'));
    await assert.rejects(extract({ pkg: unsignedPkg, out }), { code: 'EXTRACT_UNSAFE_PATH' });
    const out2 = path.join(tmp.dir, 'linked-file');
    mkdirSync(out2);
    writeFileSync(path.join(outside, 'target'), 'keep');
    symlinkSync(path.join(outside, 'target'), path.join(out2, 'Distribution'));
    await assert.rejects(extract({ pkg: unsignedPkg, out: out2, file: ['Distribution'] }), { code: 'EXTRACT_UNSAFE_PATH' });
    assert.deepEqual(readFileSync(path.join(outside, 'target'), 'utf8'), 'keep');
    assert.deepEqual(existsSync(path.join(outside, 'en.lproj')), false);
  });

  it('a member that does not match its checksum is written and named, and the exit code is 2', async () => {
    const damaged = writeXar(localizedMembers(), {
      editToc: (xml) =>
        xml.replace(
          /<extracted-checksum style="sha1">[0-9a-f]{40}<\/extracted-checksum>/,
          `<extracted-checksum style="sha1">${'0'.repeat(40)}</extracted-checksum>`,
        ),
    });
    const pkg = tmp.write('damaged.pkg', damaged);
    const printed = await extract({ pkg });
    assert.equal(printed.code, 2);
    assert.equal(printed.stdout, LOCALIZED_DISTRIBUTION);
    assert.deepEqual(printed.stderr, [`distsim: ${pkg}: Distribution does not match the checksum recorded in the table of contents`]);
  });
});

function manifest(args: Partial<ManifestArgs> & { pkg: string }): { code: number; text: string } {
  let text = '';
  const code = manifestCommand({ hash: 'md5', metadata: true, ...args }, (t) => (text += t));
  return { code, text };
}

describe('distsim manifest', () => {
  it('writes the InstallApplication manifest with metadata from the package', () => {
    const { code, text } = manifest({ pkg: unsignedPkg, url: 'https://example.com/widget.pkg', chunkSize: '1000' });
    assert.equal(code, 0);
    type Dict = Record<string, unknown>;
    const items = (parse(text) as Dict).items as Dict[];
    const asset = (items[0]!.assets as Dict[])[0]!;
    const size = readFileSync(unsignedPkg).length;
    assert.equal(asset.kind, 'software-package');
    assert.equal(asset['md5-size'], 1000);
    assert.equal((asset.md5s as string[]).length, Math.ceil(size / 1000));
    assert.equal(asset.url, 'https://example.com/widget.pkg');
    assert.deepEqual(items[0]!.metadata, {
      'bundle-identifier': 'com.example.widget.product',
      'bundle-version': '2.5',
      items: [{ 'bundle-identifier': 'com.example.widget', 'bundle-version': '2.5.1' }],
      kind: 'software',
      sizeInBytes: size,
      title: 'Widget',
    });
  });

  it('--check passes on a fresh manifest and fails on a changed package, naming the first chunk that differs', () => {
    const pkg = tmp.write('check.pkg', readFileSync(unsignedPkg));
    const file = path.join(tmp.dir, 'check.plist');
    assert.equal(manifest({ pkg, url: 'https://example.com/c.pkg', chunkSize: '100', hash: 'sha256', output: file }).code, 0);
    const ok = manifest({ pkg, check: file });
    assert.equal(ok.code, 0);
    assert.match(ok.text, /check\.plist matches .*check\.pkg: \d+ sha256 chunks, \d+ bytes\n$/);
    const bytes = readFileSync(pkg);
    bytes[250] = 0xff - bytes[250]!;
    writeFileSync(pkg, bytes);
    const bad = manifest({ pkg, check: file });
    assert.equal(bad.code, 1);
    assert.match(bad.text, /does not match .*check\.pkg: chunk 2 \(bytes 200–299\) has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}\n$/);
  });

  it('refuses a missing --url, a bad chunk size, and a package with no product or versioned pkg-ref', () => {
    assert.throws(() => manifest({ pkg: unsignedPkg }), { code: 'FLAG_MISSING' });
    assert.throws(() => manifest({ pkg: unsignedPkg, url: 'not a url' }), { code: 'FLAG_INVALID' });
    assert.throws(() => manifest({ pkg: unsignedPkg, url: 'https://e.com/x.pkg', chunkSize: '0' }), { code: 'FLAG_INVALID' });
    const anonymous = tmp.write('anonymous.pkg', writeXar([{ path: 'Distribution', content: PLAIN_DISTRIBUTION.replace(/ *<product[^>]*>\n/, '') }]));
    assert.throws(() => manifest({ pkg: anonymous, url: 'https://e.com/x.pkg' }), { code: 'MANIFEST_METADATA_MISSING' });
    assert.equal(manifest({ pkg: anonymous, url: 'https://e.com/x.pkg', metadata: false }).code, 0, '--no-metadata writes assets only');
  });
});
