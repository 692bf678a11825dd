import { closeSync, readSync } from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash, type Hash } from 'node:crypto';
import { createGunzip, createInflate, gunzipSync, inflateSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { describeFsError } from '../util/read-file.js';
import { hexDigest, isSupportedAlgorithm, normalizeAlgorithm } from './digest.js';
import { openRegularFile, regularFileSize } from './open-file.js';
import { checkHeapRanges, parseToc, type XarChecksum, type XarData, type XarEntry, type XarToc } from './toc.js';
import { parseXmlTree } from './xml-tree.js';

export type { XarChecksum, XarData, XarEntry, XarHeapBlock, XarSignatureBlock, XarToc } from './toc.js';

/**
 * A reader for xar archives, the container of flat installer packages
 * (https://github.com/mackyle/xar/wiki/xarformat; Apple's variant:
 * https://github.com/apple-oss-distributions/xar). Layout: a big-endian
 * header, a zlib-compressed XML table of contents (TOC), then the heap that
 * every TOC offset is relative to.
 *
 * The archive is read through a file descriptor with positional reads: the
 * header and TOC when opening, a member's bytes only when asked for. Every
 * size, offset and name comes from the file, so all of them are checked at
 * open time; every failure is a one-line InputError with a XAR_* code.
 */

export interface XarLimits {
  /** Compressed TOC bytes. */
  maxTocCompressedBytes: number;
  /** Inflated TOC bytes: inflation stops here (compression-bomb guard). */
  maxTocBytes: number;
  /** Decoded bytes of one member read into memory. */
  maxMemberBytes: number;
  /** `<file>` entries in the TOC. */
  maxEntries: number;
  /** XML nesting in the TOC. */
  maxDepth: number;
  /** XML elements in the TOC. */
  maxElements: number;
}

export const DEFAULT_XAR_LIMITS: Readonly<XarLimits> = Object.freeze({
  maxTocCompressedBytes: 16 * 1024 * 1024,
  maxTocBytes: 16 * 1024 * 1024,
  maxMemberBytes: 16 * 1024 * 1024,
  maxEntries: 10_000,
  maxDepth: 128,
  maxElements: 400_000,
});

const MAGIC = 0x78617221; // "xar!"
const BASE_HEADER_SIZE = 28;
const READ_CHUNK = 1024 * 1024;

export interface XarHeader {
  /** Header length as stored (28 for Apple and bsdtar; more when a checksum name follows). */
  size: number;
  version: number;
  tocCompressedLength: number;
  tocLength: number;
  /** The numeric cksum_alg field. */
  checksumAlgorithmId: number;
  /** `none`, `sha1`, `md5`, `sha256`, `sha512`, a custom name (mackyle's type 3 with a name), or `unknown-N`. */
  checksumAlgorithm: string;
}

export interface ChecksumResult {
  style: string;
  expected: string;
  /** `null` when the algorithm is not one this reader computes. */
  actual: string | null;
  status: 'match' | 'mismatch' | 'unsupported';
}

export interface XarMember {
  path: string;
  bytes: Buffer;
  archivedChecksum?: ChecksumResult;
  extractedChecksum?: ChecksumResult;
  /** False when a stored checksum does not match (reported, not thrown: the caller decides). */
  checksumsMatch: boolean;
}

export interface XarMemberCopy {
  path: string;
  bytesWritten: number;
  archivedChecksum?: ChecksumResult;
  extractedChecksum?: ChecksumResult;
  checksumsMatch: boolean;
}

export class XarArchive {
  /** The name used in messages (the path as given). */
  readonly name: string;
  readonly fileSize: number;
  readonly header: XarHeader;
  /** Absolute offset of the heap: header size + compressed TOC length. */
  readonly heapStart: number;
  readonly toc: XarToc;
  /** The TOC exactly as stored (what the TOC checksum is computed over). */
  readonly tocCompressed: Buffer;
  readonly tocXml: string;
  /** Every entry by path, in TOC order. */
  readonly entries: ReadonlyMap<string, XarEntry>;
  readonly limits: Readonly<XarLimits>;
  private fd: number | undefined;
  private readonly ownsFd: boolean;
  private readonly byId: Map<string, XarEntry>;

  private constructor(fd: number, ownsFd: boolean, name: string, limits: Readonly<XarLimits>) {
    this.fd = fd;
    this.ownsFd = ownsFd;
    this.name = name;
    this.limits = limits;
    this.fileSize = regularFileSize(fd, name);
    this.header = readHeader((position, length) => this.readAt(position, length), this.fileSize, name, limits);
    this.heapStart = this.header.size + this.header.tocCompressedLength;
    this.tocCompressed = this.readAt(this.header.size, this.header.tocCompressedLength);
    this.tocXml = inflateToc(this.tocCompressed, this.header, name, limits);
    const root = parseXmlTree(this.tocXml, {
      what: `${name}: table of contents`,
      code: 'XAR_TOC_INVALID',
      tooLargeCode: 'XAR_TOO_LARGE',
      maxDepth: limits.maxDepth,
      maxElements: limits.maxElements,
    });
    const parsed = parseToc(root, name, limits.maxEntries);
    this.toc = parsed.toc;
    this.entries = parsed.entries;
    this.byId = parsed.byId;
    checkHeapRanges(parsed.ranges, this.fileSize - this.heapStart, name);
  }

  /** Opens `file`; the archive owns the descriptor until `close()`. */
  static open(file: string, limits: Partial<XarLimits> = {}): XarArchive {
    const { fd } = openRegularFile(file);
    try {
      return new XarArchive(fd, true, file, { ...DEFAULT_XAR_LIMITS, ...limits });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Reads an archive through a descriptor the caller keeps owning (`close()` leaves it open). */
  static fromFd(fd: number, name: string, limits: Partial<XarLimits> = {}): XarArchive {
    return new XarArchive(fd, false, name, { ...DEFAULT_XAR_LIMITS, ...limits });
  }

  close(): void {
    if (this.fd !== undefined && this.ownsFd) closeSync(this.fd);
    this.fd = undefined;
  }

  get(path: string): XarEntry | undefined {
    return this.entries.get(path);
  }

  /** Regular files (entries with data), in TOC order. */
  files(): XarEntry[] {
    return [...this.entries.values()].filter((e) => this.dataOf(e) !== undefined);
  }

  /** `length` bytes at `offset` from the heap start (bounds-checked against the file). */
  readHeap(offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || this.heapStart + offset + length > this.fileSize) {
      throw new InputError(`${this.name}: heap range ${offset}+${length} lies past the end of the file`, { code: 'XAR_TRUNCATED' });
    }
    return this.readAt(this.heapStart + offset, length);
  }

  /**
   * Reads and decodes one member into memory (at most `maxBytes`, default the
   * archive's `maxMemberBytes`), verifying its stored checksums.
   */
  readMember(path: string, options: { maxBytes?: number } = {}): XarMember {
    const maxBytes = options.maxBytes ?? this.limits.maxMemberBytes;
    const { entry, data } = this.fileData(path);
    const encoding = encodingKind(data.encoding);
    if (encoding === 'unsupported') throw unsupportedEncoding(this.name, path, data.encoding);
    if (data.size !== undefined && data.size > maxBytes) {
      throw new InputError(`${this.name}: ${path} is ${data.size} bytes, more than the ${maxBytes}-byte limit for reading a member`, { code: 'XAR_TOO_LARGE' });
    }
    // Compressed data can be slightly larger than its content; anything far larger is not a real member.
    const maxStored = maxBytes + Math.ceil(maxBytes / 64) + 4096;
    if (data.length > maxStored) {
      throw new InputError(`${this.name}: ${path} stores ${data.length} bytes, more than the ${maxBytes}-byte limit for reading a member`, {
        code: 'XAR_TOO_LARGE',
      });
    }
    const stored = this.readHeap(data.offset, data.length);
    const archivedChecksum = data.archivedChecksum ? compareChecksum(data.archivedChecksum, stored) : undefined;
    let bytes: Buffer;
    // An empty file may be stored with no bytes at all, whatever its encoding says.
    if (encoding === 'none' || data.length === 0) {
      bytes = stored;
    } else {
      const limit = Math.max(1, Math.min(data.size ?? maxBytes, maxBytes));
      try {
        const options = { maxOutputLength: limit };
        bytes = stored[0] === 0x1f && stored[1] === 0x8b ? gunzipSync(stored, options) : inflateSync(stored, options);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new InputError(
            `${this.name}: ${path} inflates past ${limit} bytes (${data.size !== undefined && data.size <= maxBytes ? 'its declared size' : 'the member limit'})`,
            { code: 'XAR_TOO_LARGE' },
          );
        }
        throw new InputError(`${this.name}: ${path} cannot be inflated: ${(error as Error).message}`, { code: 'XAR_MEMBER_CORRUPT' });
      }
    }
    if (data.size !== undefined && bytes.length !== data.size) {
      throw new InputError(`${this.name}: ${path} decodes to ${bytes.length} bytes, not the ${data.size} its entry declares`, { code: 'XAR_MEMBER_CORRUPT' });
    }
    const extractedChecksum = data.extractedChecksum ? compareChecksum(data.extractedChecksum, bytes) : undefined;
    return {
      path: entry.path,
      bytes,
      archivedChecksum,
      extractedChecksum,
      checksumsMatch: archivedChecksum?.status !== 'mismatch' && extractedChecksum?.status !== 'mismatch',
    };
  }

  /**
   * Streams one member, decoded, into `sink` (for members too large to hold,
   * such as a Payload). At most `maxBytes` decoded bytes (default: no cap
   * beyond the entry's declared size). `sink` is ended afterwards unless
   * `end` is false (pass false for process.stdout).
   */
  async copyMember(path: string, sink: Writable, options: { maxBytes?: number; end?: boolean } = {}): Promise<XarMemberCopy> {
    const { entry, data } = this.fileData(path);
    const encoding = encodingKind(data.encoding);
    if (encoding === 'unsupported') throw unsupportedEncoding(this.name, path, data.encoding);
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    if (data.size !== undefined && data.size > maxBytes) {
      throw new InputError(`${this.name}: ${path} is ${data.size} bytes, more than the ${maxBytes}-byte limit`, { code: 'XAR_TOO_LARGE' });
    }
    const limit = Math.min(data.size ?? maxBytes, maxBytes);
    if (data.offset + data.length > this.fileSize - this.heapStart) {
      throw new InputError(`${this.name}: ${path} lies past the end of the file`, { code: 'XAR_TRUNCATED' });
    }
    const archivedHash = hashFor(data.archivedChecksum);
    const extractedHash = hashFor(data.extractedChecksum);
    const first = this.readHeap(data.offset, Math.min(2, data.length));
    const gzip = first[0] === 0x1f && first[1] === 0x8b;
    let written = 0;
    const source = Readable.from(this.heapChunks(data.offset, data.length, archivedHash));
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        written += chunk.length;
        if (written > limit) {
          callback(new InputError(`${this.name}: ${path} inflates past ${limit} bytes`, { code: 'XAR_TOO_LARGE' }));
          return;
        }
        extractedHash?.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      const end = options.end ?? true;
      if (encoding === 'none' || data.length === 0) await pipeline(source, counter, sink, { end });
      else await pipeline(source, gzip ? createGunzip() : createInflate(), counter, sink, { end });
    } catch (error) {
      if (error instanceof InputError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && code.startsWith('Z_')) {
        throw new InputError(`${this.name}: ${path} cannot be inflated: ${(error as Error).message}`, { code: 'XAR_MEMBER_CORRUPT' });
      }
      throw error;
    }
    if (data.size !== undefined && written !== data.size) {
      throw new InputError(`${this.name}: ${path} decodes to ${written} bytes, not the ${data.size} its entry declares`, { code: 'XAR_MEMBER_CORRUPT' });
    }
    const archivedChecksum = finishChecksum(data.archivedChecksum, archivedHash);
    const extractedChecksum = finishChecksum(data.extractedChecksum, extractedHash);
    return {
      path: entry.path,
      bytesWritten: written,
      archivedChecksum,
      extractedChecksum,
      checksumsMatch: archivedChecksum?.status !== 'mismatch' && extractedChecksum?.status !== 'mismatch',
    };
  }

  private *heapChunks(offset: number, length: number, hash: Hash | undefined): Generator<Buffer> {
    for (let done = 0; done < length;) {
      const chunk = this.readHeap(offset + done, Math.min(READ_CHUNK, length - done));
      hash?.update(chunk);
      done += chunk.length;
      yield chunk;
    }
  }

  private dataOf(entry: XarEntry): XarData | undefined {
    if (entry.data) return entry.data;
    if (entry.linkTarget !== undefined) return this.byId.get(entry.linkTarget)?.data;
    return undefined;
  }

  private fileData(path: string): { entry: XarEntry; data: XarData } {
    const entry = this.entries.get(path);
    if (!entry) throw new InputError(`${this.name}: no member ${path}`, { code: 'XAR_MEMBER_NOT_FOUND' });
    const data = this.dataOf(entry);
    if (!data) throw new InputError(`${this.name}: ${path} is a ${entry.type}, not a file with contents`, { code: 'XAR_NOT_A_FILE' });
    return { entry, data };
  }

  private readAt(position: number, length: number): Buffer {
    if (this.fd === undefined) throw new Error('xar archive used after close()');
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        n = readSync(this.fd, buffer, done, length - done, position + done);
      } catch (error) {
        throw unreadable(this.name, error);
      }
      if (n === 0)
        throw new InputError(`${this.name}: file ends at byte ${position + done}, inside data that should reach byte ${position + length}`, {
          code: 'XAR_TRUNCATED',
        });
      done += n;
    }
    return buffer;
  }
}

/** Opens a xar archive by path (see `XarArchive.open`). */
export function openXar(file: string, limits: Partial<XarLimits> = {}): XarArchive {
  return XarArchive.open(file, limits);
}

/** True when the bytes start with the xar magic (cheap sniffing for input readers). */
export function isXarMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x78 && bytes[1] === 0x61 && bytes[2] === 0x72 && bytes[3] === 0x21;
}

function unreadable(name: string, error: unknown): InputError {
  return new InputError(`cannot read ${name}: ${describeFsError(error)}`, { code: 'FILE_UNREADABLE', cause: error });
}

function unsupportedEncoding(name: string, path: string, encoding: string): InputError {
  return new InputError(`${name}: ${path} uses the ${encoding} encoding, which distsim does not decode (only zlib and uncompressed members)`, {
    code: 'XAR_UNSUPPORTED_ENCODING',
  });
}

function encodingKind(encoding: string): 'none' | 'zlib' | 'unsupported' {
  // In xar, application/x-gzip names a zlib stream (Apple's writer and bsdtar); application/zlib is mackyle's name for it.
  if (encoding === 'application/octet-stream' || encoding === '') return 'none';
  if (encoding === 'application/x-gzip' || encoding === 'application/zlib') return 'zlib';
  return 'unsupported';
}

function readHeader(readAt: (position: number, length: number) => Buffer, size: number, name: string, limits: Readonly<XarLimits>): XarHeader {
  if (size < 4) throw new InputError(`${name}: not a xar archive (only ${size} bytes)`, { code: 'XAR_NOT_XAR' });
  const start = readAt(0, Math.min(size, BASE_HEADER_SIZE));
  if (start.readUInt32BE(0) !== MAGIC) throw new InputError(`${name}: not a xar archive (no "xar!" magic)`, { code: 'XAR_NOT_XAR' });
  if (size < BASE_HEADER_SIZE) throw new InputError(`${name}: file ends inside the ${BASE_HEADER_SIZE}-byte xar header`, { code: 'XAR_TRUNCATED' });
  const headerSize = start.readUInt16BE(4);
  if (headerSize < BASE_HEADER_SIZE)
    throw new InputError(`${name}: xar header size ${headerSize} is below the minimum of ${BASE_HEADER_SIZE}`, { code: 'XAR_HEADER_INVALID' });
  if (headerSize > size) throw new InputError(`${name}: file ends inside the ${headerSize}-byte xar header`, { code: 'XAR_TRUNCATED' });
  const version = start.readUInt16BE(6);
  const tocC = start.readBigUInt64BE(8);
  const tocU = start.readBigUInt64BE(16);
  const algorithmId = start.readUInt32BE(24);
  if (tocC === 0n) throw new InputError(`${name}: the xar header declares an empty table of contents`, { code: 'XAR_TOC_INVALID' });
  if (tocC > BigInt(limits.maxTocCompressedBytes)) {
    throw new InputError(`${name}: table of contents of ${tocC} compressed bytes exceeds the ${limits.maxTocCompressedBytes}-byte limit`, {
      code: 'XAR_TOO_LARGE',
    });
  }
  if (tocU > BigInt(limits.maxTocBytes)) {
    throw new InputError(`${name}: table of contents of ${tocU} bytes exceeds the ${limits.maxTocBytes}-byte limit`, { code: 'XAR_TOO_LARGE' });
  }
  const tocCompressedLength = Number(tocC);
  if (headerSize + tocCompressedLength > size) {
    throw new InputError(`${name}: file ends inside the table of contents (needs ${headerSize + tocCompressedLength} bytes, has ${size})`, {
      code: 'XAR_TRUNCATED',
    });
  }
  let checksumAlgorithm: string;
  if (algorithmId === 3 && headerSize > BASE_HEADER_SIZE) {
    // mackyle's xar: type 3 is "other", with a NUL-terminated digest name after the fixed header.
    const raw = readAt(BASE_HEADER_SIZE, headerSize - BASE_HEADER_SIZE);
    const nul = raw.indexOf(0);
    const text = raw.subarray(0, nul === -1 ? raw.length : nul).toString('latin1');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(text)) throw new InputError(`${name}: xar header names an invalid checksum algorithm`, { code: 'XAR_HEADER_INVALID' });
    checksumAlgorithm = normalizeAlgorithm(text);
  } else {
    checksumAlgorithm = ['none', 'sha1', 'md5', 'sha256', 'sha512'][algorithmId] ?? `unknown-${algorithmId}`;
  }
  return { size: headerSize, version, tocCompressedLength, tocLength: Number(tocU), checksumAlgorithmId: algorithmId, checksumAlgorithm };
}

function inflateToc(compressed: Buffer, header: XarHeader, name: string, limits: Readonly<XarLimits>): string {
  let xml: Buffer;
  try {
    xml = inflateSync(compressed, { maxOutputLength: limits.maxTocBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputError(`${name}: table of contents inflates past the ${limits.maxTocBytes}-byte limit`, { code: 'XAR_TOO_LARGE' });
    }
    throw new InputError(`${name}: table of contents is not a zlib stream: ${(error as Error).message}`, { code: 'XAR_TOC_INVALID' });
  }
  if (xml.length !== header.tocLength) {
    throw new InputError(`${name}: table of contents inflates to ${xml.length} bytes, not the ${header.tocLength} the header declares`, {
      code: 'XAR_TOC_INVALID',
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(xml);
  } catch {
    throw new InputError(`${name}: table of contents is not valid UTF-8`, { code: 'XAR_TOC_INVALID' });
  }
}

function compareChecksum(expected: XarChecksum, bytes: Uint8Array): ChecksumResult {
  const actual = hexDigest(expected.style, bytes) ?? null;
  return { style: expected.style, expected: expected.hex, actual, status: actual === null ? 'unsupported' : actual === expected.hex ? 'match' : 'mismatch' };
}

function hashFor(checksum: XarChecksum | undefined): Hash | undefined {
  return checksum && isSupportedAlgorithm(checksum.style) ? createHash(checksum.style) : undefined;
}

function finishChecksum(expected: XarChecksum | undefined, hash: Hash | undefined): ChecksumResult | undefined {
  if (!expected) return undefined;
  if (!hash) return { style: expected.style, expected: expected.hex, actual: null, status: 'unsupported' };
  const actual = hash.digest('hex');
  return { style: expected.style, expected: expected.hex, actual, status: actual === expected.hex ? 'match' : 'mismatch' };
}
