import { constants, publicDecrypt, X509Certificate } from 'node:crypto';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { InputError } from '../errors.js';
import { verifyCms } from './cms.js';
import { digestInfoPrefix, digestLength, hexDigest, isSupportedAlgorithm } from './digest.js';
import type { XarArchive, XarSignatureBlock } from './xar.js';

/**
 * What can be said about a flat package's integrity and signature offline:
 * the TOC checksum, the RSA `<signature>` and CMS `<x-signature>` over it,
 * and the certificate chains they carry. Plain data; nothing here consults a
 * trust store or the network (see `notChecked`).
 *
 * Facts about the format: the TOC checksum is the hash of the compressed TOC
 * as stored, kept in the heap at `<checksum><offset>`; the RSA signature is
 * PKCS#1 v1.5 over DigestInfo(algorithm, checksum), the checksum being used
 * as an already computed digest (mackyle xar's `--digestinfo-to-sign`,
 * https://github.com/mackyle/xar/blob/master/xar/xar.1); the CMS signature
 * is a detached SignedData whose content is the checksum.
 */
export interface SignatureFacts {
  checksum: TocChecksumFacts;
  /** A `<signature>` or `<x-signature>` is present. */
  signed: boolean;
  /** `<signature-creation-time>` as ISO-8601, when present. */
  signatureCreationTime: string | null;
  rsa: SignatureBlockFacts | null;
  cms: CmsSignatureFacts | null;
  /** The leaf certificate's common name (`Developer ID Installer: Name (TEAMID)`), from the CMS chain when both exist (as Apple's Security framework prefers it). */
  signer: string | null;
  /**
   * `unsigned`: no signature (the checksum may still match);
   * `verified`: the checksum matches, every signature verifies against its
   * leaf, and every chain is internally consistent;
   * `invalid`: any of those fails.
   */
  status: 'unsigned' | 'verified' | 'invalid';
  /** One line per problem found, in a fixed order. */
  problems: string[];
  /** What these facts do not establish. */
  notChecked: string[];
}

export interface TocChecksumFacts {
  /** From the header: `sha1`, `sha256`, `sha512`, `md5`, `none`, a custom name. */
  algorithm: string;
  /** `<checksum style>` in the TOC, null when absent. */
  tocStyle: string | null;
  /** Header and TOC name the same algorithm (Apple's reader refuses a mismatch). */
  stylesAgree: boolean;
  offset: number | null;
  size: number | null;
  /** Stored checksum bytes, hex; null when there is none. */
  stored: string | null;
  /** Hash of the compressed TOC, hex; null when the algorithm is none or not supported. */
  computed: string | null;
  matches: boolean;
}

export interface CertificateFacts {
  /** `CN=…, OU=…, O=…, C=…` in certificate order; null when the certificate does not parse. */
  subject: string | null;
  commonName: string | null;
  issuer: string | null;
  issuerCommonName: string | null;
  serialNumber: string | null;
  validFrom: string | null;
  validTo: string | null;
  /** `now` falls inside the validity period. */
  validAtNow: boolean;
  sha1Fingerprint: string | null;
  sha256Fingerprint: string | null;
  /** Carries the Developer ID Installer extended key usage (1.2.840.113635.100.4.13). */
  developerIdInstaller: boolean;
  /** Team identifier: a 10-character OU, else the parenthesised suffix of the common name. */
  teamId: string | null;
  problem: string | null;
}

export interface ChainLink {
  /** Index of the certificate and of the next one in the list (its claimed issuer). */
  from: number;
  to: number;
  /** `from`'s issuer name is `to`'s subject. */
  namesMatch: boolean;
  /** `from`'s signature verifies with `to`'s public key. */
  signatureVerifies: boolean;
}

export interface ChainFacts {
  /** Every certificate parses, each is issued and signed by the next, and the last is self-signed. */
  consistent: boolean;
  links: ChainLink[];
  /** The last certificate is self-signed (a root); says nothing about whether that root is trusted. */
  rootSelfSigned: boolean;
}

export interface SignatureBlockFacts {
  /** `style` attribute (`RSA`, `CMS`). */
  style: string;
  offset: number;
  size: number;
  certificates: CertificateFacts[];
  chain: ChainFacts;
  /** The signature verifies over the stored TOC checksum with the leaf certificate's key. */
  verified: boolean;
  problem: string | null;
}

export interface CmsSignatureFacts extends SignatureBlockFacts {
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  signingTime: string | null;
  messageDigestMatches: boolean | null;
}

export const NOT_CHECKED: readonly string[] = Object.freeze([
  'trust: no trust store is consulted, so whether the root is Apple Root CA (or trusted at all) is not established',
  'revocation: no OCSP or CRL lookup',
  'notarization: no notarization ticket lookup or stapled ticket check',
  'certificate policies and Apple-specific extensions other than the Developer ID Installer extended key usage',
  'the timestamp token in the CMS signature',
  'member checksums (reported per member when it is read)',
]);

const DEVELOPER_ID_INSTALLER_EKU = '1.2.840.113635.100.4.13';
/** CFAbsoluteTime counts seconds from 2001-01-01T00:00:00Z. */
const CF_ABSOLUTE_EPOCH_MS = Date.UTC(2001, 0, 1);

export function signatureFacts(archive: XarArchive, options: { now: Date }): SignatureFacts {
  const problems: string[] = [];
  const checksum = checksumFacts(archive, problems);
  const stored = checksum.stored === null ? null : Buffer.from(checksum.stored, 'hex');
  const rsaBlock = archive.toc.signature;
  const cmsBlock = archive.toc.xSignature;
  const signed = rsaBlock !== undefined || cmsBlock !== undefined;
  if (signed && archive.header.checksumAlgorithm === 'none') problems.push('the archive is signed but its header declares no TOC checksum (Apple refuses it)');

  let rsa: SignatureBlockFacts | null = null;
  if (rsaBlock) {
    const certificates = parseCertificates(rsaBlock.certificates);
    rsa = { ...blockBase(rsaBlock, certificates, options.now), verified: false, problem: null };
    rsa.problem = verifyRsa(archive, rsaBlock, certificates[0]?.cert, stored, checksum.algorithm);
    rsa.verified = rsa.problem === null;
    if (rsa.problem) problems.push(`RSA signature: ${rsa.problem}`);
    if (!rsa.chain.consistent) problems.push('RSA signature: the certificate chain is not internally consistent');
  }
  let cms: CmsSignatureFacts | null = null;
  if (cmsBlock) {
    const certificates = parseCertificates(cmsBlock.certificates);
    const base = blockBase(cmsBlock, certificates, options.now);
    let blob: Buffer | undefined;
    try {
      blob = archive.readHeap(cmsBlock.offset, cmsBlock.size);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
    if (!blob || !stored) {
      cms = {
        ...base,
        verified: false,
        problem: blob ? 'there is no stored TOC checksum to verify against' : 'the CMS signature cannot be read',
        digestAlgorithm: null,
        signatureAlgorithm: null,
        signingTime: null,
        messageDigestMatches: null,
      };
    } else {
      const candidates = certificates.flatMap((c) => (c.cert ? [c.cert] : []));
      const result = verifyCms(blob, stored, candidates);
      cms = {
        ...base,
        verified: result.verified,
        problem: result.problem,
        digestAlgorithm: result.digestAlgorithm,
        signatureAlgorithm: result.signatureAlgorithm,
        signingTime: result.signingTime,
        messageDigestMatches: result.messageDigestMatches,
      };
      if (result.verified && result.signerIndex !== 0) {
        cms.verified = false;
        cms.problem = 'the CMS signer is not the first (leaf) certificate of its KeyInfo chain';
      }
    }
    if (cms.problem) problems.push(`CMS signature: ${cms.problem}`);
    if (!cms.chain.consistent) problems.push('CMS signature: the certificate chain is not internally consistent');
  }

  const leaf = (cms ?? rsa)?.certificates[0];
  const intact = checksum.matches && [rsa, cms].every((b) => b === null || (b.verified && b.chain.consistent));
  return {
    checksum,
    signed,
    signatureCreationTime: archive.toc.signatureCreationTime === undefined ? null : cfAbsoluteTimeToIso(archive.toc.signatureCreationTime),
    rsa,
    cms,
    signer: leaf?.commonName ?? null,
    status: !signed ? 'unsigned' : intact && problems.length === 0 ? 'verified' : 'invalid',
    problems,
    notChecked: [...NOT_CHECKED],
  };
}

/** Diagnostics for reports: a TOC checksum that does not match, a signature that does not verify. */
export function signatureDiagnostics(facts: SignatureFacts, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!facts.checksum.matches && (facts.checksum.stored !== null || facts.signed)) {
    out.push(
      createDiagnostic(
        'PKG_TOC_CHECKSUM_MISMATCH',
        `${file}: the table-of-contents checksum does not match (${facts.checksum.algorithm}); the Installer refuses a damaged or altered package`,
        {
          args: { algorithm: facts.checksum.algorithm, stored: facts.checksum.stored, computed: facts.checksum.computed },
        },
      ),
    );
  }
  for (const block of [facts.rsa, facts.cms]) {
    if (block && (!block.verified || !block.chain.consistent)) {
      out.push(
        createDiagnostic(
          'PKG_SIGNATURE_INVALID',
          `${file}: ${block.style} signature: ${block.problem ?? 'the certificate chain is not internally consistent'}`,
          {
            args: { style: block.style, verified: block.verified, chainConsistent: block.chain.consistent },
          },
        ),
      );
    }
  }
  return out;
}

function checksumFacts(archive: XarArchive, problems: string[]): TocChecksumFacts {
  const algorithm = archive.header.checksumAlgorithm;
  const block = archive.toc.checksum;
  const facts: TocChecksumFacts = {
    algorithm,
    tocStyle: block?.style ?? null,
    stylesAgree: block ? block.style === algorithm : algorithm === 'none',
    offset: block?.offset ?? null,
    size: block?.size ?? null,
    stored: null,
    computed: null,
    matches: false,
  };
  if (algorithm === 'none') {
    problems.push('the header declares no TOC checksum');
    return facts;
  }
  if (!block) {
    problems.push('the TOC has no <checksum> element');
    return facts;
  }
  if (!facts.stylesAgree) problems.push(`the header's checksum algorithm (${algorithm}) differs from the TOC's (${block.style})`);
  if (!isSupportedAlgorithm(algorithm)) {
    problems.push(`the TOC checksum algorithm ${algorithm} is not supported`);
    return facts;
  }
  const expectedSize = digestLength(algorithm)!;
  facts.computed = hexDigest(algorithm, archive.tocCompressed)!;
  try {
    facts.stored = archive.readHeap(block.offset, block.size).toString('hex');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push('the stored TOC checksum cannot be read');
    return facts;
  }
  if (block.size !== expectedSize) problems.push(`the stored TOC checksum is ${block.size} bytes, not the ${expectedSize} of ${algorithm}`);
  facts.matches = facts.stylesAgree && block.size === expectedSize && facts.stored === facts.computed;
  if (facts.stored !== facts.computed) problems.push('the stored TOC checksum does not match the table of contents');
  return facts;
}

interface ParsedCertificate {
  cert: X509Certificate | undefined;
  facts: CertificateFacts;
}

function parseCertificates(ders: readonly Buffer[]): ParsedCertificate[] {
  return ders.map((der) => {
    try {
      const cert = new X509Certificate(der);
      return { cert, facts: describeCertificate(cert) };
    } catch {
      return { cert: undefined, facts: unparsedCertificate() };
    }
  });
}

function blockBase(block: XarSignatureBlock, certificates: ParsedCertificate[], now: Date): Omit<SignatureBlockFacts, 'verified' | 'problem'> {
  const time = now.getTime();
  for (const c of certificates) {
    if (c.cert) c.facts.validAtNow = time >= Date.parse(c.facts.validFrom!) && time <= Date.parse(c.facts.validTo!);
  }
  return { style: block.style, offset: block.offset, size: block.size, certificates: certificates.map((c) => c.facts), chain: chainFacts(certificates) };
}

function chainFacts(certificates: ParsedCertificate[]): ChainFacts {
  const links: ChainLink[] = [];
  for (let i = 0; i + 1 < certificates.length; i++) {
    const from = certificates[i]!.cert;
    const to = certificates[i + 1]!.cert;
    links.push({ from: i, to: i + 1, namesMatch: !!from && !!to && from.checkIssued(to), signatureVerifies: !!from && !!to && safeVerify(from, to) });
  }
  const last = certificates[certificates.length - 1]?.cert;
  const rootSelfSigned = !!last && last.checkIssued(last) && safeVerify(last, last);
  const consistent = certificates.length > 0 && certificates.every((c) => c.cert) && links.every((l) => l.namesMatch && l.signatureVerifies) && rootSelfSigned;
  return { consistent, links, rootSelfSigned };
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Returns null when the RSA signature verifies, else why not. */
function verifyRsa(
  archive: XarArchive,
  block: XarSignatureBlock,
  leaf: X509Certificate | undefined,
  checksum: Buffer | null,
  algorithm: string,
): string | null {
  if (!leaf) return block.certificates.length === 0 ? 'no certificate in KeyInfo' : 'the leaf certificate does not parse';
  if (!checksum) return 'there is no stored TOC checksum to verify against';
  const prefix = digestInfoPrefix(algorithm);
  if (!prefix) return `the checksum algorithm ${algorithm} has no known DigestInfo`;
  if (leaf.publicKey.asymmetricKeyType !== 'rsa') return `the leaf key is ${leaf.publicKey.asymmetricKeyType}, not RSA`;
  let signature: Buffer;
  try {
    signature = archive.readHeap(block.offset, block.size);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return 'the signature cannot be read';
  }
  // The checksum is signed as an already computed digest, so crypto.verify (which hashes again) does not apply: recover and compare.
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key: leaf.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return "the signature does not verify with the leaf certificate's key";
  }
  return recovered.equals(Buffer.concat([prefix, checksum])) ? null : 'the signature does not match the stored TOC checksum';
}

function describeCertificate(cert: X509Certificate): CertificateFacts {
  const subject = nameFields(cert.subject);
  const issuer = nameFields(cert.issuer);
  const commonName = subject.get('CN') ?? null;
  const ou = subject.get('OU');
  const teamFromName = commonName ? /\(([A-Z0-9]{10})\)$/.exec(commonName)?.[1] : undefined;
  return {
    subject: oneLine(cert.subject),
    commonName,
    issuer: oneLine(cert.issuer),
    issuerCommonName: issuer.get('CN') ?? null,
    serialNumber: cert.serialNumber.toUpperCase(),
    validFrom: toIso(cert.validFrom),
    validTo: toIso(cert.validTo),
    validAtNow: false,
    sha1Fingerprint: cert.fingerprint,
    sha256Fingerprint: cert.fingerprint256,
    developerIdInstaller: (cert.keyUsage ?? []).includes(DEVELOPER_ID_INSTALLER_EKU),
    teamId: ou && /^[A-Z0-9]{10}$/.test(ou) ? ou : (teamFromName ?? null),
    problem: null,
  };
}

function unparsedCertificate(): CertificateFacts {
  return {
    subject: null,
    commonName: null,
    issuer: null,
    issuerCommonName: null,
    serialNumber: null,
    validFrom: null,
    validTo: null,
    validAtNow: false,
    sha1Fingerprint: null,
    sha256Fingerprint: null,
    developerIdInstaller: false,
    teamId: null,
    problem: 'not a valid DER X.509 certificate',
  };
}

/** Node prints names one `KEY=value` per line; the first occurrence of each key wins. */
function nameFields(name: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of name.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !fields.has(line.slice(0, eq))) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return fields;
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function toIso(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

function cfAbsoluteTimeToIso(seconds: number): string | null {
  const date = new Date(CF_ABSOLUTE_EPOCH_MS + seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
