import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signatureDiagnostics, signatureFacts, type SignatureFacts } from '../../src/package/signature.js';
import { openXar } from '../../src/package/xar.js';
import { productMembers, tempDir } from './fixtures.js';
import { LEAF_SUBJECT, makeTestPki, type TestPki } from './pki.js';
import { heapStartOf, writeXar, type XarWriteOptions } from './xar-writer.js';

const tmp = tempDir();
let pki: TestPki;
before(() => {
  pki = makeTestPki();
});
after(() => {
  pki.cleanup();
  tmp.cleanup();
});

const NOW = new Date();
let counter = 0;

function factsOf(bytes: Buffer, now = NOW): SignatureFacts {
  const archive = openXar(tmp.write(`s${counter++}.pkg`, bytes));
  try {
    return signatureFacts(archive, { now });
  } finally {
    archive.close();
  }
}

function signed(options: Partial<XarWriteOptions> = {}, digest = 'sha1'): Buffer {
  return writeXar(productMembers(), { sign: { key: pki.leafKey, certificates: pki.chain, cms: (c) => pki.cms(c, digest) }, ...options });
}

describe('signature facts', () => {
  it('unsigned: the TOC checksum matches, nothing is signed', () => {
    const bytes = writeXar(productMembers());
    const facts = factsOf(bytes);
    const toc = bytes.subarray(28, heapStartOf(bytes));
    assert.deepEqual(facts.checksum, {
      algorithm: 'sha1',
      tocStyle: 'sha1',
      stylesAgree: true,
      offset: 0,
      size: 20,
      stored: createHash('sha1').update(toc).digest('hex'),
      computed: createHash('sha1').update(toc).digest('hex'),
      matches: true,
    });
    assert.equal(facts.signed, false);
    assert.equal(facts.rsa, null);
    assert.equal(facts.cms, null);
    assert.equal(facts.signer, null);
    assert.equal(facts.status, 'unsigned');
    assert.deepEqual(facts.problems, []);
    assert.ok(facts.notChecked.some((line) => line.startsWith('revocation')));
    assert.ok(facts.notChecked.some((line) => line.startsWith('notarization')));
    assert.deepEqual(signatureDiagnostics(facts, 'w.pkg'), []);
  });

  it('signed: RSA and CMS verify, the chain is consistent, subjects and dates are reported', () => {
    const facts = factsOf(signed());
    assert.equal(facts.status, 'verified', facts.problems.join('; '));
    assert.equal(facts.signed, true);
    assert.equal(facts.signer, LEAF_SUBJECT);
    assert.equal(facts.signatureCreationTime, '2024-01-01T00:00:00.000Z');
    assert.equal(facts.checksum.matches, true);
    const rsa = facts.rsa!;
    assert.equal(rsa.style, 'RSA');
    assert.equal(rsa.verified, true);
    assert.equal(rsa.problem, null);
    assert.equal(rsa.size, 256);
    assert.deepEqual(
      rsa.certificates.map((c) => c.commonName),
      [LEAF_SUBJECT, 'Test Developer ID Certification Authority', 'Test Root CA'],
    );
    assert.deepEqual(
      rsa.certificates.map((c) => c.issuerCommonName),
      ['Test Developer ID Certification Authority', 'Test Root CA', 'Test Root CA'],
    );
    const leaf = rsa.certificates[0]!;
    assert.equal(leaf.teamId, 'ABCDE12345');
    assert.equal(leaf.developerIdInstaller, true);
    assert.equal(leaf.serialNumber, '0A1B2C3D');
    assert.equal(leaf.validAtNow, true);
    assert.equal(leaf.validFrom, new Date(pki.leaf.validFrom).toISOString());
    assert.equal(leaf.sha1Fingerprint, pki.leaf.fingerprint);
    assert.match(leaf.subject!, /CN=Developer ID Installer: Test \(ABCDE12345\)/);
    assert.equal(rsa.certificates[1]!.developerIdInstaller, false);
    assert.deepEqual(rsa.chain, {
      consistent: true,
      rootSelfSigned: true,
      links: [
        { from: 0, to: 1, namesMatch: true, signatureVerifies: true },
        { from: 1, to: 2, namesMatch: true, signatureVerifies: true },
      ],
    });
    const cms = facts.cms!;
    assert.equal(cms.style, 'CMS');
    assert.equal(cms.verified, true, cms.problem ?? '');
    assert.equal(cms.digestAlgorithm, 'sha1');
    assert.equal(cms.signatureAlgorithm, 'rsaEncryption');
    assert.equal(cms.messageDigestMatches, true);
    assert.match(cms.signingTime!, /^\d{4}-\d\d-\d\dT/);
    assert.equal(cms.chain.consistent, true);
    assert.deepEqual(signatureDiagnostics(facts, 'w.pkg'), []);
  });

  it('reports certificate validity against the given now, without changing the verdict', () => {
    const later = new Date(NOW.getTime() + 2 * 365 * 86400_000);
    const facts = factsOf(signed(), later);
    assert.deepEqual(
      facts.rsa!.certificates.map((c) => c.validAtNow),
      [false, true, true],
    );
    assert.equal(facts.status, 'verified');
    const before = factsOf(signed(), new Date('2001-01-01T00:00:00Z'));
    assert.deepEqual(
      before.rsa!.certificates.map((c) => c.validAtNow),
      [false, false, false],
    );
  });

  it('verifies sha256 TOC checksums and CMS blobs with sha256 digests', () => {
    const facts = factsOf(signed({ checksum: 'sha256' }, 'sha256'));
    assert.equal(facts.checksum.algorithm, 'sha256');
    assert.equal(facts.checksum.size, 32);
    assert.equal(facts.rsa!.verified, true);
    assert.equal(facts.cms!.digestAlgorithm, 'sha256');
    assert.equal(facts.cms!.verified, true);
    assert.equal(facts.status, 'verified');
  });

  it('tampered TOC after signing: the checksum no longer matches, the signatures still cover the old checksum', () => {
    const bytes = signed({ editTocAfterSigning: (xml) => xml.replace('2024-01-03T15:48:26', '2025-01-03T15:48:26') });
    const facts = factsOf(bytes);
    assert.equal(facts.checksum.matches, false);
    assert.notEqual(facts.checksum.stored, facts.checksum.computed);
    assert.equal(facts.rsa!.verified, true);
    assert.equal(facts.cms!.verified, true);
    assert.equal(facts.status, 'invalid');
    assert.deepEqual(facts.problems, ['the stored TOC checksum does not match the table of contents']);
    assert.deepEqual(
      signatureDiagnostics(facts, 'w.pkg').map((d) => d.code),
      ['PKG_TOC_CHECKSUM_MISMATCH'],
    );
  });

  it('tampered stored checksum: checksum, RSA and CMS all fail', () => {
    const bytes = signed();
    const at = heapStartOf(bytes) + 5;
    bytes[at] = bytes[at]! ^ 0x01;
    const facts = factsOf(bytes);
    assert.equal(facts.checksum.matches, false);
    assert.equal(facts.rsa!.verified, false);
    assert.equal(facts.rsa!.problem, 'the signature does not match the stored TOC checksum');
    assert.equal(facts.cms!.verified, false);
    assert.equal(facts.cms!.messageDigestMatches, false);
    assert.equal(facts.status, 'invalid');
    assert.deepEqual(
      signatureDiagnostics(facts, 'w.pkg').map((d) => d.code),
      ['PKG_TOC_CHECKSUM_MISMATCH', 'PKG_SIGNATURE_INVALID', 'PKG_SIGNATURE_INVALID'],
    );
  });

  it('tampered signature bytes: RSA fails, the checksum still matches', () => {
    const bytes = signed();
    const at = heapStartOf(bytes) + 20 + 100;
    bytes[at] = bytes[at]! ^ 0x01;
    const facts = factsOf(bytes);
    assert.equal(facts.checksum.matches, true);
    assert.equal(facts.rsa!.verified, false);
    assert.equal(facts.cms!.verified, true);
    assert.equal(facts.status, 'invalid');
  });

  it('tampered CMS signature value: the messageDigest still matches, the signature does not verify', () => {
    const bytes = signed();
    const cmsStart = heapStartOf(bytes) + 20 + 256;
    const derLength = 4 + bytes.readUInt16BE(cmsStart + 2); // 30 82 LL LL
    const at = cmsStart + derLength - 5;
    bytes[at] = bytes[at]! ^ 0x01;
    const facts = factsOf(bytes);
    assert.equal(facts.cms!.messageDigestMatches, true);
    assert.equal(facts.cms!.verified, false);
    assert.equal(facts.cms!.problem, "the CMS signature does not verify with the signer's key");
    assert.equal(facts.rsa!.verified, true);
    assert.equal(facts.status, 'invalid');
  });

  it('a signature made with another key does not verify against the leaf', () => {
    const facts = factsOf(writeXar(productMembers(), { sign: { key: pki.otherKey, certificates: pki.chain } }));
    assert.equal(facts.rsa!.verified, false);
    assert.equal(facts.cms, null);
    assert.equal(facts.status, 'invalid');
  });

  it('a chain with a missing intermediate is not internally consistent', () => {
    const facts = factsOf(writeXar(productMembers(), { sign: { key: pki.leafKey, certificates: [pki.chain[0]!, pki.chain[2]!] } }));
    assert.equal(facts.rsa!.verified, true);
    assert.deepEqual(facts.rsa!.chain, { consistent: false, rootSelfSigned: true, links: [{ from: 0, to: 1, namesMatch: false, signatureVerifies: false }] });
    assert.equal(facts.status, 'invalid');
    assert.deepEqual(facts.problems, ['RSA signature: the certificate chain is not internally consistent']);
  });

  it('reports checksum style disagreement and unparseable certificates', () => {
    const styles = factsOf(writeXar(productMembers(), { editToc: (xml) => xml.replace('<checksum style="sha1">', '<checksum style="sha256">') }));
    assert.equal(styles.checksum.stylesAgree, false);
    assert.equal(styles.checksum.matches, false);
    const garbled = factsOf(signed({ editToc: (xml) => xml.replace(/<X509Certificate>[^<]*<\/X509Certificate>/, '<X509Certificate>AAAA</X509Certificate>') }));
    assert.equal(garbled.rsa!.certificates[0]!.problem, 'not a valid DER X.509 certificate');
    assert.equal(garbled.rsa!.problem, 'the leaf certificate does not parse');
    assert.equal(garbled.rsa!.chain.consistent, false);
    assert.equal(garbled.status, 'invalid');
  });

  it('a garbage CMS blob is reported, not thrown', () => {
    const facts = factsOf(writeXar(productMembers(), { sign: { key: pki.leafKey, certificates: pki.chain, cms: () => Buffer.from('30820fff0000', 'hex') } }));
    assert.equal(facts.cms!.verified, false);
    assert.match(facts.cms!.problem!, /^the CMS signature does not parse/);
    assert.equal(facts.rsa!.verified, true);
  });
});
