import { constants, createHash, createPrivateKey, privateEncrypt } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';

/**
 * A minimal xar writer for building test packages at test time: header,
 * zlib TOC, heap (TOC checksum, RSA signature, CMS blob, then file data),
 * laid out the way productbuild/productsign lay them out. Hooks let tests
 * damage the result in precise ways.
 */
export interface XarFileSpec {
  /** `Distribution`, `Resources/en.lproj/Localizable.strings`, `Foo.pkg/PackageInfo`. Parents become directories. */
  path: string;
  /** Omitted: a directory. */
  content?: Buffer | string;
  /** `zlib` (default, written as application/x-gzip like Apple), `gzip` (a real gzip stream), `none`, or any other style written verbatim with the bytes stored as given. */
  encoding?: string;
  /** Write archived/extracted checksums (default true). */
  checksums?: boolean;
  /** Override `<size>` (decoded length). */
  declaredSize?: number;
  /** Override the stored `<name>` of the last path component (unsafe names). */
  rawName?: string;
  /** Write the name base64-encoded (`<name enctype="base64">`). */
  base64Name?: boolean;
}

export interface XarSignSpec {
  /** PEM private key of the leaf. */
  key: string;
  /** DER certificates, leaf first. */
  certificates: Buffer[];
  /** Returns a DER CMS SignedData over the TOC checksum (detached). */
  cms?: (checksum: Buffer) => Buffer;
  /** Bytes reserved for the CMS blob (zero-padded), default 8192. */
  cmsReserve?: number;
}

export interface XarWriteOptions {
  /** TOC checksum algorithm, default sha1. */
  checksum?: 'sha1' | 'md5' | 'sha256' | 'sha512' | 'none';
  /** mackyle-style header: type 3 with this digest name after the fixed 28 bytes. */
  headerChecksumName?: string;
  sign?: XarSignSpec;
  /** Rewrite the TOC XML before it is checksummed and signed. */
  editToc?: (xml: string) => string;
  /** Rewrite the TOC XML after checksum and signatures were made (tampering). */
  editTocAfterSigning?: (xml: string) => string;
  /** Override the header's uncompressed TOC length. */
  declaredTocLength?: bigint;
  /** Replace the compressed TOC bytes entirely. */
  rawToc?: Buffer;
}

const CHECKSUM_IDS = { none: 0, sha1: 1, md5: 2, sha256: 3, sha512: 4 } as const;
const DIGEST_INFO: Record<string, string> = {
  md5: '3020300c06082a864886f70d020505000410',
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
  sha512: '3051300d060960864801650304020305000440',
};
const DIGEST_LENGTH: Record<string, number> = { none: 0, md5: 16, sha1: 20, sha256: 32, sha512: 64 };

interface Node {
  name: string;
  spec?: XarFileSpec;
  children: Node[];
}

export function writeXar(files: XarFileSpec[], options: XarWriteOptions = {}): Buffer {
  const algorithm = options.headerChecksumName ?? options.checksum ?? 'sha1';
  const digestLength = DIGEST_LENGTH[algorithm] ?? 32;
  const sign = options.sign;
  const signatureSize = sign ? createPrivateKey(sign.key).asymmetricKeyDetails!.modulusLength! / 8 : 0;
  const cmsReserve = sign?.cms ? (sign.cmsReserve ?? 8192) : 0;

  // Heap prefix: checksum, RSA signature, CMS; then the files.
  let heapOffset = digestLength + signatureSize + cmsReserve;
  const blobs: Buffer[] = [];
  let nextId = 1;
  const root: Node = { name: '', children: [] };
  for (const spec of files) {
    const parts = spec.path.split('/');
    let dir = root;
    for (let i = 0; i < parts.length - 1; i++) {
      let next = dir.children.find((c) => c.name === parts[i] && !c.spec?.content);
      if (!next) {
        next = { name: parts[i]!, children: [] };
        dir.children.push(next);
      }
      dir = next;
    }
    dir.children.push({ name: parts[parts.length - 1]!, spec, children: [] });
  }

  const fileXml = (node: Node, indent: string): string => {
    const spec = node.spec;
    const id = nextId++;
    const stored = spec?.rawName ?? node.name;
    const nameXml = spec?.base64Name
      ? `<name enctype="base64">${Buffer.from(stored).toString('base64')}</name>`
      : `<name>${escape(stored)}</name><name>${escape(stored)}</name>`;
    if (!spec || spec.content === undefined) {
      const inner = node.children.map((c) => fileXml(c, `${indent} `)).join('');
      return `${indent}<file id="${id}">${nameXml}<type>directory</type>\n${inner}${indent}</file>\n`;
    }
    const content = typeof spec.content === 'string' ? Buffer.from(spec.content, 'utf8') : spec.content;
    const encoding = spec.encoding ?? 'zlib';
    const stored2 = encoding === 'zlib' ? deflateSync(content) : encoding === 'gzip' ? gzipSync(content) : content;
    const style = encoding === 'zlib' || encoding === 'gzip' ? 'application/x-gzip' : encoding === 'none' ? 'application/octet-stream' : encoding;
    const offset = heapOffset;
    heapOffset += stored2.length;
    blobs.push(stored2);
    const checksums =
      spec.checksums === false
        ? ''
        : `<extracted-checksum style="sha1">${sha1(content)}</extracted-checksum><archived-checksum style="sha1">${sha1(stored2)}</archived-checksum>`;
    return (
      `${indent}<file id="${id}">${nameXml}<type>file</type><data><length>${stored2.length}</length><offset>${offset}</offset>` +
      `<size>${spec.declaredSize ?? content.length}</size><encoding style="${style}"/>${checksums}</data></file>\n`
    );
  };
  const filesXml = root.children.map((c) => fileXml(c, '  ')).join('');

  const keyInfo = sign
    ? `<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data>${sign.certificates
        .map((der) => `<X509Certificate>${wrap(der.toString('base64'))}</X509Certificate>`)
        .join('')}</X509Data></KeyInfo>`
    : '';
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<xar>\n <toc>\n  <creation-time>2024-01-03T15:48:26</creation-time>\n';
  if (algorithm !== 'none') xml += `  <checksum style="${algorithm}"><offset>0</offset><size>${digestLength}</size></checksum>\n`;
  if (sign) {
    xml += '  <signature-creation-time>725760000.0</signature-creation-time>\n';
    xml += `  <signature style="RSA"><offset>${digestLength}</offset><size>${signatureSize}</size>${keyInfo}</signature>\n`;
    if (sign.cms) xml += `  <x-signature style="CMS"><offset>${digestLength + signatureSize}</offset><size>${cmsReserve}</size>${keyInfo}</x-signature>\n`;
  }
  xml += `${filesXml} </toc>\n</xar>\n`;
  if (options.editToc) xml = options.editToc(xml);

  let toc = options.rawToc ?? deflateSync(Buffer.from(xml, 'utf8'));
  const checksum = algorithm === 'none' ? Buffer.alloc(0) : createHash(algorithm).update(toc).digest();
  const prefix: Buffer[] = [checksum];
  if (sign) {
    prefix.push(
      privateEncrypt({ key: sign.key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(DIGEST_INFO[algorithm]!, 'hex'), checksum])),
    );
    if (sign.cms) {
      const cms = sign.cms(checksum);
      if (cms.length > cmsReserve) throw new Error(`CMS blob of ${cms.length} bytes does not fit ${cmsReserve}`);
      prefix.push(Buffer.concat([cms, Buffer.alloc(cmsReserve - cms.length)]));
    }
  }
  if (options.editTocAfterSigning) {
    xml = options.editTocAfterSigning(xml);
    toc = deflateSync(Buffer.from(xml, 'utf8'));
  }

  let header: Buffer;
  if (options.headerChecksumName) {
    const nameBytes = Buffer.from(options.headerChecksumName, 'latin1');
    const size = 28 + Math.ceil((nameBytes.length + 1) / 4) * 4;
    header = Buffer.alloc(size);
    nameBytes.copy(header, 28);
    header.writeUInt16BE(size, 4);
    header.writeUInt32BE(3, 24);
  } else {
    header = Buffer.alloc(28);
    header.writeUInt16BE(28, 4);
    header.writeUInt32BE(CHECKSUM_IDS[algorithm as keyof typeof CHECKSUM_IDS], 24);
  }
  header.writeUInt32BE(0x78617221, 0);
  header.writeUInt16BE(1, 6);
  header.writeBigUInt64BE(BigInt(toc.length), 8);
  header.writeBigUInt64BE(options.declaredTocLength ?? BigInt(options.rawToc ? 0 : Buffer.byteLength(xml, 'utf8')), 16);
  return Buffer.concat([header, toc, ...prefix, ...blobs]);
}

/** The header, TOC and heap start of a written archive (for tests that patch bytes). */
export function heapStartOf(archive: Buffer): number {
  return archive.readUInt16BE(4) + Number(archive.readBigUInt64BE(8));
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function wrap(base64: string): string {
  return base64.replace(/.{1,76}/g, '$&\n');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
