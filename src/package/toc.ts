import { InputError } from '../errors.js';
import { normalizeAlgorithm } from './digest.js';
import { child, childrenNamed, descendants, type XmlElement } from './xml-tree.js';

/**
 * The xar table of contents as data. Every number, name and range in it is
 * input: numbers must be plain non-negative decimals, names single safe path
 * components, and heap ranges inside the file without partial overlaps.
 */

/** Checksums are at most 64 bytes, RSA signatures a few hundred; a CMS blob with a timestamp is ~10 KiB. */
const MAX_SIGNATURE_BYTES = 1024 * 1024;
const MAX_CERTIFICATES = 16;
/**
 * macOS's PATH_MAX. Every entry keeps its full path, so without a cap a
 * deep chain of long names would cost memory quadratic in the TOC's size.
 */
const MAX_PATH_LENGTH = 1024;

export interface XarChecksum {
  /** Algorithm, normalized (`sha1`, `sha256`, ...). */
  style: string;
  /** Lower-case hex as stored in the TOC. */
  hex: string;
}

export interface XarData {
  /** Relative to the heap. */
  offset: number;
  /** Bytes stored in the heap. */
  length: number;
  /** Bytes after decoding (`undefined` when the TOC omits it). */
  size: number | undefined;
  /** `application/x-gzip` (a zlib stream in xar), `application/octet-stream`, ... (lower case). */
  encoding: string;
  archivedChecksum?: XarChecksum;
  extractedChecksum?: XarChecksum;
}

export interface XarEntry {
  /** `/`-joined names from the root: `Resources/en.lproj/Localizable.strings`. */
  path: string;
  name: string;
  /** `file`, `directory`, `symlink`, `hardlink`, ... */
  type: string;
  id?: string;
  data?: XarData;
  /** For a hardlink without data: the id of the entry holding it. */
  linkTarget?: string;
}

export interface XarHeapBlock {
  style: string;
  offset: number;
  size: number;
}

export interface XarSignatureBlock extends XarHeapBlock {
  /** DER certificates from KeyInfo/X509Data, in TOC order (leaf first). */
  certificates: Buffer[];
}

export interface XarToc {
  creationTime?: string;
  /** `<checksum>`: where the TOC checksum sits in the heap. */
  checksum?: XarHeapBlock;
  /** `<signature>` (RSA over the TOC checksum). */
  signature?: XarSignatureBlock;
  /** `<x-signature>` (CMS over the TOC checksum). */
  xSignature?: XarSignatureBlock;
  /** `<signature-creation-time>`: seconds since 2001-01-01 (CFAbsoluteTime). */
  signatureCreationTime?: number;
}

export interface HeapRange {
  what: string;
  offset: number;
  length: number;
}

export interface ParsedToc {
  toc: XarToc;
  entries: Map<string, XarEntry>;
  byId: Map<string, XarEntry>;
  ranges: HeapRange[];
}

export function parseToc(root: XmlElement, name: string, maxEntries: number): ParsedToc {
  const invalid = (reason: string): never => {
    throw new InputError(`${name}: table of contents: ${reason}`, { code: 'XAR_TOC_INVALID' });
  };
  if (root.name !== 'xar') invalid(`root element is <${root.name}>, not <xar>`);
  const tocElement = child(root, 'toc') ?? invalid('no <toc> element');
  const number = (parent: XmlElement, field: string, what: string): number => tocNumber(parent, field, what, invalid);
  const ranges: HeapRange[] = [];
  const toc: XarToc = {};

  const creation = child(tocElement, 'creation-time');
  if (creation) toc.creationTime = creation.text.trim();
  const checksum = child(tocElement, 'checksum');
  if (checksum) {
    const style = normalizeAlgorithm(checksum.attributes.get('style') ?? '');
    toc.checksum = { style, offset: number(checksum, 'offset', 'checksum'), size: number(checksum, 'size', 'checksum') };
    if (toc.checksum.size > 64) invalid(`checksum size ${toc.checksum.size} is larger than any digest`);
    ranges.push({ what: 'the TOC checksum', offset: toc.checksum.offset, length: toc.checksum.size });
  }
  const signatureTime = child(tocElement, 'signature-creation-time');
  if (signatureTime) {
    const seconds = Number(signatureTime.text.trim());
    if (Number.isFinite(seconds)) toc.signatureCreationTime = seconds;
  }
  for (const [element, key] of [
    ['signature', 'signature'],
    ['x-signature', 'xSignature'],
  ] as const) {
    const found = child(tocElement, element);
    if (!found) continue;
    const block: XarSignatureBlock = {
      style: found.attributes.get('style') ?? '',
      offset: number(found, 'offset', element),
      size: number(found, 'size', element),
      certificates: [],
    };
    if (block.size > MAX_SIGNATURE_BYTES) {
      throw new InputError(`${name}: ${element} of ${block.size} bytes exceeds the ${MAX_SIGNATURE_BYTES}-byte limit`, { code: 'XAR_TOO_LARGE' });
    }
    const certificates = descendants(found, 'X509Certificate');
    if (certificates.length > MAX_CERTIFICATES) {
      throw new InputError(`${name}: ${element} carries more than ${MAX_CERTIFICATES} certificates`, { code: 'XAR_TOO_LARGE' });
    }
    for (const cert of certificates) {
      const base64 = cert.text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length === 0) invalid(`${element} has a certificate that is not base64`);
      block.certificates.push(Buffer.from(base64, 'base64'));
    }
    toc[key] = block;
    ranges.push({ what: `the ${element}`, offset: block.offset, length: block.size });
  }

  const entries = new Map<string, XarEntry>();
  const byId = new Map<string, XarEntry>();
  const stack: Array<{ element: XmlElement; parent: string }> = childrenNamed(tocElement, 'file')
    .reverse()
    .map((element) => ({ element, parent: '' }));
  while (stack.length > 0) {
    const { element, parent } = stack.pop()!;
    if (entries.size >= maxEntries) {
      throw new InputError(`${name}: table of contents lists more than ${maxEntries} files`, { code: 'XAR_TOO_LARGE' });
    }
    const entryName = fileName(element, parent, name);
    const path = parent === '' ? entryName : `${parent}/${entryName}`;
    if (path.length > MAX_PATH_LENGTH) {
      throw new InputError(`${name}: a member path is longer than ${MAX_PATH_LENGTH} characters (${JSON.stringify(path.slice(0, 60))}…)`, {
        code: 'XAR_TOO_LARGE',
      });
    }
    if (entries.has(path)) throw new InputError(`${name}: ${path} appears twice in the table of contents`, { code: 'XAR_DUPLICATE_PATH' });
    const typeElement = child(element, 'type');
    const entry: XarEntry = { path, name: entryName, type: typeElement?.text.trim() || 'file' };
    const id = element.attributes.get('id');
    if (id !== undefined) {
      entry.id = id;
      if (!byId.has(id)) byId.set(id, entry);
    }
    const link = typeElement?.attributes.get('link');
    if (entry.type === 'hardlink' && link !== undefined && link !== 'original') entry.linkTarget = link;
    const dataElement = child(element, 'data');
    if (dataElement) {
      entry.data = parseData(dataElement, path, number);
      ranges.push({ what: path, offset: entry.data.offset, length: entry.data.length });
    }
    for (const ea of childrenNamed(element, 'ea')) {
      ranges.push({
        what: `${path} (extended attribute)`,
        offset: number(ea, 'offset', `${path} extended attribute`),
        length: number(ea, 'length', `${path} extended attribute`),
      });
    }
    entries.set(path, entry);
    const children = childrenNamed(element, 'file');
    for (let k = children.length - 1; k >= 0; k--) stack.push({ element: children[k]!, parent: path });
  }
  return { toc, entries, byId, ranges };
}

function parseData(element: XmlElement, path: string, number: (parent: XmlElement, field: string, what: string) => number): XarData {
  const sizeElement = child(element, 'size');
  const data: XarData = {
    offset: number(element, 'offset', path),
    length: number(element, 'length', path),
    size: sizeElement ? number(element, 'size', path) : undefined,
    encoding: (child(element, 'encoding')?.attributes.get('style') ?? '').trim().toLowerCase(),
  };
  for (const [field, key] of [
    ['archived-checksum', 'archivedChecksum'],
    ['extracted-checksum', 'extractedChecksum'],
  ] as const) {
    const found = child(element, field);
    const hex = found?.text.trim().toLowerCase();
    if (found && hex) data[key] = { style: normalizeAlgorithm(found.attributes.get('style') ?? ''), hex };
  }
  return data;
}

function tocNumber(parent: XmlElement, field: string, what: string, invalid: (reason: string) => never): number {
  const found = child(parent, field);
  if (!found) return invalid(`${what} has no <${field}>`);
  const text = found.text.trim();
  if (text.startsWith('-')) return invalid(`${what} has a negative <${field}> (${text.slice(0, 24)})`);
  if (!/^[0-9]{1,16}$/.test(text)) return invalid(`${what} has a malformed <${field}> (${JSON.stringify(text.slice(0, 24))})`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return invalid(`${what} has an out-of-range <${field}>`);
  return value;
}

/** The entry's name: the first `<name>` (productbuild repeats it), base64-decoded when marked so, and never a path. */
function fileName(element: XmlElement, parent: string, archiveName: string): string {
  const nameElement = child(element, 'name');
  const where = parent === '' ? 'the archive root' : parent;
  if (!nameElement) throw new InputError(`${archiveName}: table of contents: a file in ${where} has no <name>`, { code: 'XAR_TOC_INVALID' });
  let value = nameElement.text;
  if (nameElement.attributes.get('enctype') === 'base64') {
    const base64 = value.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64))
      throw new InputError(`${archiveName}: table of contents: a base64 name in ${where} is not base64`, { code: 'XAR_TOC_INVALID' });
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(base64, 'base64'));
    } catch {
      throw new InputError(`${archiveName}: table of contents: a base64 name in ${where} is not UTF-8`, { code: 'XAR_TOC_INVALID' });
    }
  }
  if (value === '' || value === '.' || value === '..' || value.includes('/') || value.includes('\u0000')) {
    throw new InputError(
      `${archiveName}: unsafe member name ${JSON.stringify(value.slice(0, 80))} in ${where}: names must not be empty, ".", ".." or contain "/"`,
      {
        code: 'XAR_UNSAFE_PATH',
      },
    );
  }
  return value;
}

/**
 * Every heap range lies inside the file, and ranges never partly overlap
 * (identical ranges are allowed: xar can store identical files once).
 */
export function checkHeapRanges(ranges: HeapRange[], heapSize: number, name: string): void {
  for (const range of ranges) {
    if (range.offset + range.length > heapSize) {
      throw new InputError(`${name}: ${range.what} lies past the end of the file (heap offset ${range.offset} + ${range.length} > heap size ${heapSize})`, {
        code: 'XAR_TRUNCATED',
      });
    }
  }
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset || a.length - b.length);
  let previous: HeapRange | undefined;
  for (const range of sorted) {
    if (previous) {
      const same = range.offset === previous.offset && range.length === previous.length;
      if (!same && range.offset < previous.offset + previous.length) {
        throw new InputError(`${name}: table of contents: ${range.what} overlaps ${previous.what} in the heap`, { code: 'XAR_TOC_INVALID' });
      }
    }
    previous = range;
  }
}
