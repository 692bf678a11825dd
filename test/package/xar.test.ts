import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync, ftruncateSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { InputError } from '../../src/errors.js';
import { isXarMagic, openXar, XarArchive } from '../../src/package/xar.js';
import { DISTRIBUTION, PACKAGE_INFO, productMembers, tempDir } from './fixtures.js';
import { heapStartOf, writeXar, type XarFileSpec, type XarWriteOptions } from './xar-writer.js';

const tmp = tempDir();
after(() => tmp.cleanup());

let counter = 0;
function write(bytes: Buffer): string {
  return tmp.write(`a${counter++}.pkg`, bytes);
}

function build(files: XarFileSpec[] = productMembers(), options: XarWriteOptions = {}): string {
  return write(writeXar(files, options));
}

/** Asserts a one-line InputError with exactly this code. */
function rejects(fn: () => unknown, code: string): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof InputError, `expected InputError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(!caught.message.includes('\n'), 'one line');
  return caught;
}

function withArchive<T>(file: string, use: (archive: XarArchive) => T): T {
  const archive = openXar(file);
  try {
    return use(archive);
  } finally {
    archive.close();
  }
}

describe('xar reader: well-formed archives', () => {
  it('reads the header, lists members by path and decodes zlib and stored members', () => {
    const file = build();
    withArchive(file, (archive) => {
      assert.deepEqual(archive.header, {
        size: 28,
        version: 1,
        tocCompressedLength: archive.tocCompressed.length,
        tocLength: Buffer.byteLength(archive.tocXml),
        checksumAlgorithmId: 1,
        checksumAlgorithm: 'sha1',
      });
      assert.deepEqual(
        [...archive.entries.keys()],
        [
          'Distribution',
          'Resources',
          'Resources/en.lproj',
          'Resources/en.lproj/Localizable.strings',
          'Resources/en.lproj/License.rtf',
          'Resources/fr.lproj',
          'Resources/fr.lproj/Localizable.strings',
          'Widget Core.pkg',
          'Widget Core.pkg/PackageInfo',
          'Widget Core.pkg/Bom',
          'Widget Core.pkg/Payload',
        ],
      );
      assert.equal(archive.get('Resources')!.type, 'directory');
      const dist = archive.readMember('Distribution');
      assert.equal(dist.bytes.toString('utf8'), DISTRIBUTION);
      assert.equal(dist.archivedChecksum!.status, 'match');
      assert.equal(dist.extractedChecksum!.status, 'match');
      assert.equal(dist.checksumsMatch, true);
      assert.equal(archive.readMember('Widget Core.pkg/PackageInfo').bytes.toString('utf8'), PACKAGE_INFO);
      const payload = archive.readMember('Widget Core.pkg/Payload');
      assert.deepEqual(payload.bytes, Buffer.alloc(3000, 7));
      assert.equal(archive.get('Widget Core.pkg/Payload')!.data!.encoding, 'application/octet-stream');
      assert.deepEqual(
        archive
          .files()
          .map((e) => e.path)
          .slice(0, 2),
        ['Distribution', 'Resources/en.lproj/Localizable.strings'],
      );
    });
    assert.equal(isXarMagic(readFileSync(file)), true);
    assert.equal(isXarMagic(Buffer.from('<?xml')), false);
  });

  it('takes the first of repeated <name> elements and decodes base64 names', () => {
    const file = build([
      { path: 'Résumé.txt', content: 'x', base64Name: true },
      { path: 'Distribution', content: 'd' },
    ]);
    withArchive(file, (archive) => assert.deepEqual([...archive.entries.keys()], ['Résumé.txt', 'Distribution']));
  });

  it('reads a real gzip stream labelled application/x-gzip, and members without checksums', () => {
    const file = build([{ path: 'Distribution', content: 'gzip body', encoding: 'gzip', checksums: false }]);
    withArchive(file, (archive) => {
      const member = archive.readMember('Distribution');
      assert.equal(member.bytes.toString(), 'gzip body');
      assert.equal(member.archivedChecksum, undefined);
      assert.equal(member.checksumsMatch, true);
    });
  });

  it('reads an empty member stored with no bytes, whatever its encoding', async () => {
    const file = build([{ path: 'Empty', content: '', checksums: false }], { editToc: (xml) => xml.replace(/<length>\d+<\/length>/, '<length>0</length>') });
    const archive = openXar(file);
    try {
      assert.equal(archive.readMember('Empty').bytes.length, 0);
      assert.equal((await archive.copyMember('Empty', new PassThrough().resume())).bytesWritten, 0);
    } finally {
      archive.close();
    }
  });

  it('reads a mackyle-style header with a named checksum algorithm', () => {
    const file = build([{ path: 'Distribution', content: 'd' }], { headerChecksumName: 'sha256' });
    withArchive(file, (archive) => {
      assert.equal(archive.header.size, 36);
      assert.equal(archive.header.checksumAlgorithmId, 3);
      assert.equal(archive.header.checksumAlgorithm, 'sha256');
      assert.equal(archive.readMember('Distribution').bytes.toString(), 'd');
    });
  });

  it('reports a damaged stored member as data (checksum mismatch), not as an error', () => {
    const bytes = writeXar([{ path: 'Payload', content: Buffer.alloc(100, 1), encoding: 'none' }]);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    withArchive(write(bytes), (archive) => {
      const member = archive.readMember('Payload');
      assert.equal(member.checksumsMatch, false);
      assert.equal(member.archivedChecksum!.status, 'mismatch');
      assert.equal(member.extractedChecksum!.status, 'mismatch');
      assert.equal(member.archivedChecksum!.expected.length, 40);
    });
  });

  it('streams a member with copyMember, verifying checksums on the way', async () => {
    const file = build();
    const archive = openXar(file);
    try {
      for (const member of ['Widget Core.pkg/Payload', 'Distribution']) {
        const sink = new PassThrough();
        const chunks: Buffer[] = [];
        sink.on('data', (c: Buffer) => chunks.push(c));
        const copy = await archive.copyMember(member, sink);
        assert.equal(copy.checksumsMatch, true);
        assert.equal(copy.archivedChecksum!.status, 'match');
        assert.deepEqual(Buffer.concat(chunks), archive.readMember(member).bytes);
        assert.equal(copy.bytesWritten, Buffer.concat(chunks).length);
      }
      await assert.rejects(
        archive.copyMember('Distribution', new PassThrough(), { maxBytes: 10 }),
        (e: unknown) => e instanceof InputError && e.code === 'XAR_TOO_LARGE',
      );
    } finally {
      archive.close();
    }
  });

  it('reads through a caller-owned descriptor and leaves it open', () => {
    const fd = openSync(build(), 'r');
    try {
      const archive = XarArchive.fromFd(fd, 'widget.pkg');
      assert.equal(archive.readMember('Distribution').bytes.toString(), DISTRIBUTION);
      archive.close();
      assert.equal(XarArchive.fromFd(fd, 'again').entries.size, 11);
    } finally {
      closeSync(fd);
    }
  });

  it('opens a sparse 64 GiB archive without reading its payload, and refuses to load the payload into memory', () => {
    const file = build([{ path: 'Distribution', content: DISTRIBUTION }], {
      editToc: (xml) =>
        xml.replace(
          '</toc>',
          '<file id="99"><name>Payload</name><type>file</type><data><offset>100000</offset><length>68719476736</length>' +
            '<size>68719476736</size><encoding style="application/octet-stream"/></data></file></toc>',
        ),
    });
    const heapStart = heapStartOf(readFileSync(file));
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, heapStart + 100000 + 68719476736);
    closeSync(fd);
    const started = process.hrtime.bigint();
    withArchive(file, (archive) => {
      assert.equal(archive.readMember('Distribution').bytes.toString(), DISTRIBUTION);
      rejects(() => archive.readMember('Payload'), 'XAR_TOO_LARGE');
    });
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5000, 'opening does not read the heap');
  });
});

describe('xar reader: corrupt and hostile archives', () => {
  it('refuses files that are not xar', () => {
    rejects(() => openXar(write(Buffer.from('<?xml version="1.0"?><installer-gui-script/>'))), 'XAR_NOT_XAR');
    rejects(() => openXar(write(Buffer.from('xa'))), 'XAR_NOT_XAR');
    rejects(() => openXar(write(Buffer.from('xar!\0\x1c'))), 'XAR_TRUNCATED');
    rejects(() => openXar(tmp.dir + '/missing.pkg'), 'FILE_UNREADABLE');
    rejects(() => openXar(tmp.dir), 'FILE_NOT_REGULAR');
    const fifo = `${tmp.dir}/fifo.pkg`;
    execFileSync('mkfifo', [fifo]);
    rejects(() => openXar(fifo), 'FILE_NOT_REGULAR');
    rejects(() => openXar('/dev/zero'), 'FILE_NOT_REGULAR');
  });

  it('refuses a header smaller than 28 bytes or longer than the file', () => {
    const small = writeXar(productMembers());
    small.writeUInt16BE(20, 4);
    rejects(() => openXar(write(small)), 'XAR_HEADER_INVALID');
    const long = writeXar(productMembers());
    long.writeUInt16BE(65535, 4);
    rejects(() => openXar(write(long.subarray(0, 1000))), 'XAR_TRUNCATED');
  });

  it('refuses TOC sizes past the limits or past the end of the file', () => {
    const hugeCompressed = writeXar(productMembers());
    hugeCompressed.writeBigUInt64BE(1n << 40n, 8);
    rejects(() => openXar(write(hugeCompressed)), 'XAR_TOO_LARGE');
    const hugeInflated = writeXar(productMembers());
    hugeInflated.writeBigUInt64BE(1n << 62n, 16);
    rejects(() => openXar(write(hugeInflated)), 'XAR_TOO_LARGE');
    const pastEnd = writeXar(productMembers());
    pastEnd.writeBigUInt64BE(BigInt(pastEnd.length), 8);
    rejects(() => openXar(write(pastEnd)), 'XAR_TRUNCATED');
    const empty = writeXar(productMembers());
    empty.writeBigUInt64BE(0n, 8);
    rejects(() => openXar(write(empty)), 'XAR_TOC_INVALID');
  });

  it('stops inflating a TOC compression bomb at the limit', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const started = Date.now();
    const error = rejects(() => openXar(build([], { rawToc: bomb, declaredTocLength: 1000n })), 'XAR_TOO_LARGE');
    assert.match(error.message, /inflates past/);
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses a corrupt or malformed TOC', () => {
    rejects(() => openXar(build([], { rawToc: Buffer.from('this is not zlib at all') })), 'XAR_TOC_INVALID');
    rejects(() => openXar(build(productMembers(), { editToc: (xml) => xml.replace('</xar>', '') })), 'XAR_TOC_INVALID');
    rejects(() => openXar(build(productMembers(), { editToc: (xml) => xml.replace('<xar>', '<!DOCTYPE xar [<!ENTITY a "aaaa">]><xar>') })), 'XAR_TOC_INVALID');
    rejects(() => openXar(build(productMembers(), { editToc: (xml) => xml.replace('<xar>', '<xar>&bogus;') })), 'XAR_TOC_INVALID');
    rejects(() => openXar(build(productMembers(), { editToc: (xml) => xml.replace('<xar>', '<archive>').replace('</xar>', '</archive>') })), 'XAR_TOC_INVALID');
    rejects(() => openXar(build(productMembers(), { declaredTocLength: 12n })), 'XAR_TOC_INVALID');
    const invalidUtf8 = writeXar([], { rawToc: deflateSync(Buffer.from([0x3c, 0x78, 0xff, 0xfe])), declaredTocLength: 4n });
    rejects(() => openXar(write(invalidUtf8)), 'XAR_TOC_INVALID');
  });

  it('refuses a truncated heap', () => {
    const bytes = writeXar(productMembers());
    const error = rejects(() => openXar(write(bytes.subarray(0, bytes.length - 100))), 'XAR_TRUNCATED');
    assert.match(error.message, /Widget Core\.pkg\/Payload lies past the end of the file/);
  });

  it('refuses names that escape the archive: .., absolute, embedded /', () => {
    for (const rawName of ['..', '../../etc/passwd', '/etc/passwd', 'a/b', '.', '']) {
      rejects(() => openXar(build([{ path: 'Distribution', content: 'd', rawName }])), 'XAR_UNSAFE_PATH');
    }
    rejects(() => openXar(build([{ path: 'x', content: 'd', rawName: '../x', base64Name: true }])), 'XAR_UNSAFE_PATH');
  });

  it('refuses duplicate paths', () => {
    rejects(
      () =>
        openXar(
          build([
            { path: 'Distribution', content: 'a' },
            { path: 'Distribution', content: 'b' },
          ]),
        ),
      'XAR_DUPLICATE_PATH',
    );
  });

  it('refuses deep nesting and too many entries without recursing', () => {
    const deep = '<file><name>d</name><type>directory</type>'.repeat(5000) + '</file>'.repeat(5000);
    rejects(() => openXar(build([{ path: 'Distribution', content: 'd' }], { editToc: (xml) => xml.replace('</toc>', `${deep}</toc>`) })), 'XAR_TOO_LARGE');
    const long = '<file><name>' + 'n'.repeat(200) + '</name><type>directory</type>';
    rejects(
      () =>
        openXar(build([{ path: 'Distribution', content: 'd' }], { editToc: (xml) => xml.replace('</toc>', `${long.repeat(6)}${'</file>'.repeat(6)}</toc>`) })),
      'XAR_TOO_LARGE',
    );
    const many = Array.from({ length: 60 }, (_, i) => `<file><name>f${i}</name><type>file</type></file>`).join('');
    const file = build([], { editToc: (xml) => xml.replace('</toc>', `${many}</toc>`) });
    rejects(() => XarArchive.open(file, { maxEntries: 50 }), 'XAR_TOO_LARGE');
  });

  it('refuses negative, malformed, out-of-range and overlapping heap offsets', () => {
    const editFirstOffset = (replacement: string) => (xml: string) => xml.replace(/<offset>(\d+)<\/offset>/, replacement);
    rejects(
      () => openXar(build([{ path: 'Distribution', content: 'd' }], { checksum: 'none', editToc: editFirstOffset('<offset>-5</offset>') })),
      'XAR_TOC_INVALID',
    );
    rejects(
      () => openXar(build([{ path: 'Distribution', content: 'd' }], { checksum: 'none', editToc: editFirstOffset('<offset>0x10</offset>') })),
      'XAR_TOC_INVALID',
    );
    rejects(
      () => openXar(build([{ path: 'Distribution', content: 'd' }], { checksum: 'none', editToc: editFirstOffset('<offset>99999999999999999999</offset>') })),
      'XAR_TOC_INVALID',
    );
    rejects(
      () => openXar(build([{ path: 'Distribution', content: 'd' }], { checksum: 'none', editToc: editFirstOffset('<offset>999999999</offset>') })),
      'XAR_TRUNCATED',
    );
    rejects(
      () => openXar(build([{ path: 'Distribution', content: 'd' }], { checksum: 'none', editToc: (xml) => xml.replace(/<offset>0<\/offset>/, '') })),
      'XAR_TOC_INVALID',
    );
    // The second file's data starts inside the first's.
    const overlapping = (xml: string) => {
      let n = 0;
      return xml.replace(/<offset>(\d+)<\/offset>/g, (m, v: string) => (n++ === 2 ? `<offset>${Number(v) - 3}</offset>` : m));
    };
    rejects(
      () =>
        openXar(
          build(
            [
              { path: 'A', content: 'aaaaaaaaaa', encoding: 'none' },
              { path: 'B', content: 'bbbbbbbbbb', encoding: 'none' },
            ],
            { editToc: overlapping },
          ),
        ),
      'XAR_TOC_INVALID',
    );
    // Identical ranges are legal (xar may store identical files once).
    const shared = (xml: string) => {
      let n = 0;
      let first = '';
      return xml.replace(/<offset>(\d+)<\/offset>/g, (m) => (n++ === 1 ? ((first = m), m) : n === 3 ? first : m));
    };
    withArchive(
      build(
        [
          { path: 'A', content: 'same', encoding: 'none' },
          { path: 'B', content: 'same', encoding: 'none' },
        ],
        { editToc: shared },
      ),
      (archive) => {
        assert.equal(archive.readMember('B').bytes.toString(), 'same');
      },
    );
  });

  it('guards member reads: compression bombs, huge declared sizes, unsupported encodings', () => {
    const bomb = build([{ path: 'Distribution', content: Buffer.alloc(64 * 1024 * 1024), declaredSize: 100 }]);
    withArchive(bomb, (archive) => {
      const started = Date.now();
      rejects(() => archive.readMember('Distribution'), 'XAR_TOO_LARGE');
      assert.ok(Date.now() - started < 5000);
    });
    const huge = build([{ path: 'Distribution', content: 'x', declaredSize: 2 ** 40 }]);
    withArchive(huge, (archive) => rejects(() => archive.readMember('Distribution'), 'XAR_TOO_LARGE'));
    const bzip = build([{ path: 'Distribution', content: 'BZh91AY&SY', encoding: 'application/x-bzip2' }]);
    withArchive(bzip, (archive) => {
      const error = rejects(() => archive.readMember('Distribution'), 'XAR_UNSUPPORTED_ENCODING');
      assert.match(error.message, /application\/x-bzip2/);
    });
    const xz = build([{ path: 'Distribution', content: 'x', encoding: 'application/x-xz' }]);
    withArchive(xz, (archive) => rejects(() => archive.readMember('Distribution'), 'XAR_UNSUPPORTED_ENCODING'));
  });

  it('reports corrupt compressed data, size lies, missing members and directories', () => {
    const bytes = writeXar([{ path: 'Distribution', content: DISTRIBUTION.repeat(20) }]);
    for (let k = bytes.length - 40; k < bytes.length - 10; k++) bytes[k] = bytes[k]! ^ 0x55;
    withArchive(write(bytes), (archive) => rejects(() => archive.readMember('Distribution'), 'XAR_MEMBER_CORRUPT'));
    const short = build([{ path: 'Distribution', content: 'abcdef', declaredSize: 10 }]);
    withArchive(short, (archive) => rejects(() => archive.readMember('Distribution'), 'XAR_MEMBER_CORRUPT'));
    withArchive(build(), (archive) => {
      rejects(() => archive.readMember('Nope'), 'XAR_MEMBER_NOT_FOUND');
      rejects(() => archive.readMember('Resources'), 'XAR_NOT_A_FILE');
    });
  });

  it('never throws anything but InputError on random damage', () => {
    const good = writeXar(productMembers());
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(good);
      const flips = 1 + (random() % 4);
      for (let f = 0; f < flips; f++) bytes[random() % Math.min(bytes.length, 28 + 400)] = random() % 256;
      const file = tmp.write('fuzz.pkg', bytes);
      try {
        withArchive(file, (archive) => {
          for (const entry of archive.files()) archive.readMember(entry.path);
        });
      } catch (error) {
        assert.ok(error instanceof InputError, `round ${round}: ${String(error)}`);
        assert.ok(!error.message.includes('\n'));
      }
    }
  });
});
