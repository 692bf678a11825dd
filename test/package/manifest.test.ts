import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { parse } from 'plist';
import { parseDistribution } from '../../src/distribution/parse.js';
import { decodeXmlBytes } from '../../src/distribution/source-text.js';
import { InputError } from '../../src/errors.js';
import { buildManifest, checkManifest, manifestMetadata } from '../../src/package/manifest.js';
import { componentFactsByPkgRef, readPackageContents } from '../../src/package/product.js';
import { openXar } from '../../src/package/xar.js';
import { productMembers, tempDir } from './fixtures.js';
import { writeXar } from './xar-writer.js';

const tmp = tempDir();
after(() => tmp.cleanup());

/** A product archive padded with a stored payload so it spans several chunks. */
const members = [...productMembers(), { path: 'Widget Core.pkg/Scripts', content: Buffer.alloc(50_000, 9), encoding: 'none' }];
const pkgBytes = writeXar(members);
const pkg = tmp.write('widget.pkg', pkgBytes);
const CHUNK = 16_384;

function chunkDigests(bytes: Buffer, size: number, algorithm: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += size)
    out.push(
      createHash(algorithm)
        .update(bytes.subarray(at, at + size))
        .digest('hex'),
    );
  return out;
}

function metadataOf(file: string) {
  const archive = openXar(file);
  try {
    const contents = readPackageContents(archive, { file: 'widget.pkg' });
    assert.equal(contents.kind, 'product');
    if (contents.kind !== 'product') throw new Error('unreachable');
    const dist = parseDistribution(decodeXmlBytes(contents.distribution, contents.distributionName), contents.distributionName);
    const { facts } = componentFactsByPkgRef(dist.pkgRefs, contents, 'widget.pkg');
    return manifestMetadata({
      title: dist.title,
      product: { id: 'com.example.widget.product', version: '2.5' },
      pkgRefs: dist.pkgRefs,
      components: facts,
      fallbackTitle: 'widget',
    });
  } finally {
    archive.close();
  }
}

describe('MDM InstallApplication manifest', () => {
  it('builds items[0].assets[0] with md5 chunk hashes and metadata from the product', () => {
    const metadata = metadataOf(pkg);
    assert.deepEqual(metadata, {
      title: 'WIDGET_TITLE',
      bundleIdentifier: 'com.example.widget.product',
      bundleVersion: '2.5',
      items: [{ bundleIdentifier: 'com.example.widget', bundleVersion: '2.5.1' }],
    });
    const built = buildManifest(pkg, { url: 'https://mdm.example.com/widget.pkg', chunkSize: CHUNK, metadata: { ...metadata, title: 'Widget' } });
    assert.equal(built.size, pkgBytes.length);
    assert.equal(built.chunkSize, CHUNK);
    assert.deepEqual(built.hashes, chunkDigests(pkgBytes, CHUNK, 'md5'));
    assert.ok(built.hashes.length >= 4);
    assert.deepEqual(parse(built.text), {
      items: [
        {
          assets: [{ kind: 'software-package', 'md5-size': CHUNK, md5s: built.hashes, url: 'https://mdm.example.com/widget.pkg' }],
          metadata: {
            'bundle-identifier': 'com.example.widget.product',
            'bundle-version': '2.5',
            items: [{ 'bundle-identifier': 'com.example.widget', 'bundle-version': '2.5.1' }],
            kind: 'software',
            sizeInBytes: pkgBytes.length,
            title: 'Widget',
          },
        },
      ],
    });
  });

  it('uses sha256-size/sha256s, clamps the chunk size to the file, and defaults to 10 MiB chunks', () => {
    const built = buildManifest(pkg, { url: 'u', hash: 'sha256' });
    assert.equal(built.chunkSize, pkgBytes.length);
    assert.deepEqual(built.hashes, [createHash('sha256').update(pkgBytes).digest('hex')]);
    const asset = (parse(built.text) as { items: Array<{ assets: Array<Record<string, unknown>> }> }).items[0]!.assets[0]!;
    assert.deepEqual(Object.keys(asset), ['kind', 'sha256-size', 'sha256s', 'url']);
    assert.equal(asset.metadata, undefined);
  });

  it('round trip: a fresh manifest checks out, through a path or a descriptor', () => {
    const built = buildManifest(pkg, { url: 'u', chunkSize: CHUNK, metadata: metadataOf(pkg) });
    assert.deepEqual(checkManifest(built.text, pkg), { ok: true, hash: 'md5', chunks: built.hashes.length, size: pkgBytes.length });
    const fd = openSync(pkg, 'r');
    try {
      assert.equal(checkManifest(buildManifest(fd, { url: 'u', hash: 'sha256', chunkSize: 1000 }).text, fd).ok, true);
    } finally {
      closeSync(fd);
    }
  });

  it('names the first mismatching chunk of a modified package', () => {
    const built = buildManifest(pkg, { url: 'u', chunkSize: CHUNK });
    const modified = Buffer.from(pkgBytes);
    const at = 2 * CHUNK + 100;
    modified[at] = modified[at]! ^ 0xff;
    const changed = tmp.write('changed.pkg', modified);
    const result = checkManifest(built.text, changed);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.reason, 'chunk');
    assert.equal(result.chunkIndex, 2);
    assert.equal(result.expected, built.hashes[2]);
    assert.equal(
      result.actual,
      createHash('md5')
        .update(modified.subarray(2 * CHUNK, 3 * CHUNK))
        .digest('hex'),
    );
    assert.match(result.message, /^chunk 2 \(bytes 32768–49151\) has md5 /);
  });

  it('reports a package that grew or shrank, and a stale sizeInBytes', () => {
    const built = buildManifest(pkg, { url: 'u', chunkSize: CHUNK, metadata: metadataOf(pkg) });
    const last = built.hashes.length - 1;
    const grown = tmp.write('grown.pkg', Buffer.concat([pkgBytes, Buffer.alloc(CHUNK * 2)]));
    const grew = checkManifest(built.text, grown);
    assert.deepEqual(grew.ok ? null : [grew.reason, grew.chunkIndex], ['chunk', last]);
    const shrunk = tmp.write('shrunk.pkg', pkgBytes.subarray(0, CHUNK));
    const shrank = checkManifest(built.text, shrunk);
    assert.deepEqual(shrank.ok ? null : [shrank.reason, shrank.chunkIndex, shrank.actual], ['chunk', 1, null]);
    const stale = built.text.replace(`<integer>${pkgBytes.length}</integer>`, '<integer>12</integer>');
    const size = checkManifest(stale, pkg);
    assert.deepEqual(size.ok ? null : [size.reason, size.expected, size.actual], ['size', '12', String(pkgBytes.length)]);
  });

  it('prefers sha256s when a manifest has both', () => {
    const md5 = buildManifest(pkg, { url: 'u', chunkSize: CHUNK });
    const both = md5.text.replace(
      '<key>url</key>',
      `<key>sha256-size</key><integer>${CHUNK}</integer><key>sha256s</key><array><string>00</string></array><key>url</key>`,
    );
    const result = checkManifest(both, pkg);
    assert.deepEqual(result.ok ? null : [result.hash, result.chunkIndex], ['sha256', 0]);
  });

  it('refuses malformed manifests and bad options with codes', () => {
    const code = (c: string) => (e: unknown) => e instanceof InputError && e.code === c;
    assert.throws(() => checkManifest('<plist><dict>', pkg), code('MANIFEST_INVALID'));
    assert.throws(() => checkManifest('<!DOCTYPE plist [<!ENTITY x "y">]><plist/>', pkg), code('MANIFEST_INVALID'));
    assert.throws(() => checkManifest('<plist><dict><key>items</key><array/></dict></plist>', pkg), code('MANIFEST_INVALID'));
    const noHashes = checkManifest(
      '<plist><dict><key>items</key><array><dict><key>assets</key><array><dict><key>kind</key><string>software-package</string></dict></array></dict></array></dict></plist>',
      pkg,
    );
    assert.equal(noHashes.ok ? null : noHashes.reason, 'manifest');
    assert.throws(() => buildManifest(pkg, { url: 'u', chunkSize: 0 }), code('MANIFEST_CHUNK_SIZE_INVALID'));
    assert.throws(() => buildManifest(tmp.write('empty.pkg', Buffer.alloc(0)), { url: 'u' }), code('MANIFEST_PACKAGE_EMPTY'));
    assert.throws(() => buildManifest(`${tmp.dir}/none.pkg`, { url: 'u' }), code('FILE_UNREADABLE'));
    assert.throws(() => buildManifest(tmp.dir, { url: 'u' }), code('FILE_NOT_REGULAR'));
    assert.throws(() => checkManifest('<plist/>', '/dev/zero'), code('MANIFEST_INVALID'));
    assert.throws(() => buildManifest('/dev/zero', { url: 'u' }), code('FILE_NOT_REGULAR'));
    assert.throws(() => manifestMetadata({ pkgRefs: [{ id: 'a' }], fallbackTitle: 't' }), code('MANIFEST_METADATA_MISSING'));
  });

  it('hashes a large file in bounded memory', () => {
    const big = `${tmp.dir}/big.bin`;
    const size = 64 * 1024 * 1024;
    writeFileSync(big, Buffer.alloc(0));
    truncateSync(big, size); // sparse: reads return zeros
    const zeros = createHash('md5');
    for (let k = 0; k < 32; k++) zeros.update(Buffer.alloc(1024 * 1024));
    const expected = zeros.digest('hex');
    const before = process.memoryUsage().arrayBuffers;
    const built = buildManifest(big, { url: 'u', chunkSize: 32 * 1024 * 1024 });
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.deepEqual(built.hashes, [expected, expected]);
    assert.ok(grown < 16 * 1024 * 1024, `never a whole-file or whole-chunk buffer (grew ${grown} bytes)`);
  });
});
