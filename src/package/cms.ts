import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { childrenOf, contentOf, DerError, expectTag, integerHex, oidText, readTlv, TAG, timeText, wholeOf, type Tlv } from './der.js';
import { hexDigest } from './digest.js';

/**
 * Verifies the CMS SignedData (RFC 5652) in a xar `<x-signature>`: a
 * detached signature whose content is the raw TOC checksum. Node has no CMS
 * parser, so this walks the DER, checks the messageDigest attribute against
 * the content, and verifies the signer's signature over the DER SET of
 * signed attributes (RFC 5652 §5.4).
 */
export interface CmsFacts {
  /** Whether the blob parsed as a SignedData. */
  parsed: boolean;
  /** Digest algorithm name (`sha1`, `sha256`, ...) or the OID when unknown. */
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  /** Signer's serial number (upper-case hex), from issuerAndSerialNumber. */
  signerSerialNumber: string | null;
  /** Index of the signer's certificate among the candidates, or null when none matched. */
  signerIndex: number | null;
  /** Certificates carried inside the CMS blob (DER). */
  embeddedCertificates: Buffer[];
  /** Content embedded in the blob (null when detached, as xar writes it). */
  embeddedContent: Buffer | null;
  signingTime: string | null;
  /** messageDigest attribute equals the hash of the content (null when there are no signed attributes). */
  messageDigestMatches: boolean | null;
  /** The whole signature verifies over the given content with the signer's key. */
  verified: boolean;
  problem: string | null;
}

const DIGESTS = new Map([
  ['1.2.840.113549.2.5', 'md5'],
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);

/** Signature algorithm OID → the hash it implies (undefined: use the digest algorithm). */
const SIGNATURES = new Map<string, { name: string; hash?: string }>([
  ['1.2.840.113549.1.1.1', { name: 'rsaEncryption' }],
  ['1.2.840.113549.1.1.4', { name: 'md5WithRSAEncryption', hash: 'md5' }],
  ['1.2.840.113549.1.1.5', { name: 'sha1WithRSAEncryption', hash: 'sha1' }],
  ['1.2.840.113549.1.1.14', { name: 'sha224WithRSAEncryption', hash: 'sha224' }],
  ['1.2.840.113549.1.1.11', { name: 'sha256WithRSAEncryption', hash: 'sha256' }],
  ['1.2.840.113549.1.1.12', { name: 'sha384WithRSAEncryption', hash: 'sha384' }],
  ['1.2.840.113549.1.1.13', { name: 'sha512WithRSAEncryption', hash: 'sha512' }],
  ['1.2.840.10045.4.1', { name: 'ecdsa-with-SHA1', hash: 'sha1' }],
  ['1.2.840.10045.4.3.2', { name: 'ecdsa-with-SHA256', hash: 'sha256' }],
  ['1.2.840.10045.4.3.3', { name: 'ecdsa-with-SHA384', hash: 'sha384' }],
  ['1.2.840.10045.4.3.4', { name: 'ecdsa-with-SHA512', hash: 'sha512' }],
]);

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

/**
 * `blob` may carry trailing zero padding (xar reserves a fixed size).
 * `candidates` are the certificates to find the signer among (KeyInfo's,
 * then the blob's own are tried).
 */
export function verifyCms(blob: Buffer, content: Buffer, candidates: readonly X509Certificate[]): CmsFacts {
  const facts: CmsFacts = {
    parsed: false,
    digestAlgorithm: null,
    signatureAlgorithm: null,
    signerSerialNumber: null,
    signerIndex: null,
    embeddedCertificates: [],
    embeddedContent: null,
    signingTime: null,
    messageDigestMatches: null,
    verified: false,
    problem: null,
  };
  let signer: SignerInfo;
  try {
    signer = parseSignedData(blob, facts);
  } catch (error) {
    facts.problem = error instanceof DerError ? `the CMS signature does not parse: ${error.message}` : `the CMS signature does not parse`;
    return facts;
  }
  facts.parsed = true;
  const digest = facts.digestAlgorithm!;
  const signed = facts.embeddedContent ?? content;
  if (signer.messageDigest !== undefined) {
    const actual = hexDigest(digest, signed);
    if (actual === undefined) {
      facts.problem = `unsupported CMS digest algorithm ${digest}`;
      return facts;
    }
    facts.messageDigestMatches = actual === signer.messageDigest.toString('hex');
  }
  const all = [...candidates, ...facts.embeddedCertificates.flatMap((der) => tryCertificate(der))];
  const index = all.findIndex((cert) => normalizeSerial(cert.serialNumber) === normalizeSerial(facts.signerSerialNumber!));
  if (index === -1) {
    facts.problem = 'no certificate matches the CMS signer';
    return facts;
  }
  facts.signerIndex = index < candidates.length ? index : null;
  const algorithm = SIGNATURES.get(signer.signatureAlgorithmOid);
  const hash = algorithm?.hash ?? (algorithm ? digest : undefined);
  if (!hash) {
    facts.problem = `unsupported CMS signature algorithm ${signer.signatureAlgorithmOid}`;
    return facts;
  }
  let signatureOk: boolean;
  try {
    signatureOk = verifySignature(hash, signer.signedBytes ?? signed, all[index]!.publicKey, signer.signature);
  } catch {
    signatureOk = false;
  }
  facts.verified = signatureOk && facts.messageDigestMatches !== false;
  if (!facts.verified) {
    facts.problem =
      facts.messageDigestMatches === false
        ? 'the CMS messageDigest does not match the TOC checksum'
        : "the CMS signature does not verify with the signer's key";
  }
  return facts;
}

interface SignerInfo {
  signatureAlgorithmOid: string;
  signature: Buffer;
  messageDigest?: Buffer;
  /** The signed attributes re-tagged as a SET: what the signature covers. */
  signedBytes?: Buffer;
}

function parseSignedData(blob: Buffer, facts: CmsFacts): SignerInfo {
  const contentInfo = expectTag(readTlv(blob, 0, blob.length), TAG.SEQUENCE, 'ContentInfo');
  const [typeOid, explicit] = childrenOf(blob, contentInfo, 4);
  if (oidText(blob, expectTag(typeOid, TAG.OID, 'ContentInfo type')) !== OID_SIGNED_DATA) throw new DerError('not a SignedData');
  const signedData = expectTag(childrenOf(blob, expectTag(explicit, TAG.CONTEXT_0, 'ContentInfo content'), 1)[0], TAG.SEQUENCE, 'SignedData');
  const parts = childrenOf(blob, signedData, 8);
  const encap = expectTag(parts[2], TAG.SEQUENCE, 'EncapsulatedContentInfo');
  const encapParts = childrenOf(blob, encap, 2);
  if (encapParts[1]) {
    const octets = expectTag(childrenOf(blob, expectTag(encapParts[1], TAG.CONTEXT_0, 'eContent'), 1)[0], TAG.OCTET_STRING, 'eContent');
    facts.embeddedContent = Buffer.from(contentOf(blob, octets));
  }
  for (const part of parts.slice(3)) {
    if (part.tag === TAG.CONTEXT_0) {
      for (const cert of childrenOf(blob, part, 64)) if (cert.tag === TAG.SEQUENCE) facts.embeddedCertificates.push(Buffer.from(wholeOf(blob, cert)));
    }
  }
  const signerInfos = expectTag(parts[parts.length - 1], TAG.SET, 'SignerInfos');
  const signerInfo = expectTag(childrenOf(blob, signerInfos, 16)[0], TAG.SEQUENCE, 'SignerInfo');
  const fields = childrenOf(blob, signerInfo, 8);
  const sid = fields[1];
  if (sid?.tag === TAG.SEQUENCE) {
    const [, serial] = childrenOf(blob, sid, 2);
    facts.signerSerialNumber = integerHex(blob, expectTag(serial, TAG.INTEGER, 'signer serial number'));
  } else {
    throw new DerError('signer identified by subject key identifier, which is not supported');
  }
  const digestOid = oidText(blob, childrenOf(blob, expectTag(fields[2], TAG.SEQUENCE, 'digestAlgorithm'), 2)[0]!);
  facts.digestAlgorithm = DIGESTS.get(digestOid) ?? digestOid;
  let k = 3;
  const info: Partial<SignerInfo> = {};
  if (fields[k]?.tag === TAG.CONTEXT_0) {
    const attrs = fields[k]!;
    readSignedAttributes(blob, attrs, info, facts);
    // The signature covers the attributes with their [0] IMPLICIT tag replaced by a universal SET tag.
    const whole = Buffer.from(wholeOf(blob, attrs));
    whole[0] = TAG.SET;
    info.signedBytes = whole;
    k++;
  }
  const signatureAlgorithm = childrenOf(blob, expectTag(fields[k], TAG.SEQUENCE, 'signatureAlgorithm'), 2)[0]!;
  info.signatureAlgorithmOid = oidText(blob, signatureAlgorithm);
  facts.signatureAlgorithm = SIGNATURES.get(info.signatureAlgorithmOid)?.name ?? info.signatureAlgorithmOid;
  info.signature = Buffer.from(contentOf(blob, expectTag(fields[k + 1], TAG.OCTET_STRING, 'signature')));
  return info as SignerInfo;
}

function readSignedAttributes(blob: Buffer, attrs: Tlv, info: Partial<SignerInfo>, facts: CmsFacts): void {
  for (const attribute of childrenOf(blob, attrs, 64)) {
    const [oid, values] = childrenOf(blob, expectTag(attribute, TAG.SEQUENCE, 'attribute'), 2);
    const type = oidText(blob, expectTag(oid, TAG.OID, 'attribute type'));
    const value = childrenOf(blob, expectTag(values, TAG.SET, 'attribute values'), 4)[0];
    if (!value) continue;
    if (type === OID_MESSAGE_DIGEST) info.messageDigest = Buffer.from(contentOf(blob, expectTag(value, TAG.OCTET_STRING, 'messageDigest')));
    else if (type === OID_SIGNING_TIME) facts.signingTime = timeText(blob, value) ?? null;
  }
  if (info.messageDigest === undefined) throw new DerError('signed attributes without a messageDigest');
}

function tryCertificate(der: Buffer): X509Certificate[] {
  try {
    return [new X509Certificate(der)];
  } catch {
    return [];
  }
}

/** Serial numbers compare as numbers: upper-case hex without leading zeros. */
function normalizeSerial(serial: string): string {
  const upper = serial.toUpperCase();
  let k = 0;
  while (k < upper.length - 1 && upper[k] === '0') k++;
  return upper.slice(k);
}
