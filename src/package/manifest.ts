import { createHash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { build, type PlistValue } from 'plist';
import { InputError } from '../errors.js';
import { describeFsError } from '../util/read-file.js';
import { openRegularFile, regularFileSize } from './open-file.js';
import type { PackageInfoFacts } from './package-info.js';
import { child, parseXmlTree, type XmlElement } from './xml-tree.js';

/**
 * The manifest an MDM's InstallApplication / InstallEnterpriseApplication
 * command points at (Apple: ManifestURL, https://developer.apple.com/documentation/devicemanagement/manifesturl):
 *
 *   items[0].assets[0] = { kind: software-package, md5-size, md5s | sha256-size, sha256s, url }
 *   items[0].metadata  = { kind: software, title, sizeInBytes, bundle-identifier, bundle-version, items: [{bundle-identifier, bundle-version}] }
 *
 * The package is hashed in chunks of `md5-size` bytes (the last one
 * shorter); the chunk size is clamped to the file size, and defaults to
 * 10 MiB, as MicroMDM's appmanifest does. The device refuses the download
 * when any chunk hash differs, so a stale manifest fails silently.
 */
export type ManifestHash = 'md5' | 'sha256';

export const DEFAULT_CHUNK_SIZE = 10 * 1024 * 1024;

export interface ManifestBundle {
  bundleIdentifier: string;
  bundleVersion: string;
}

export interface ManifestMetadata extends ManifestBundle {
  title: string;
  subtitle?: string;
  /** Defaults to the package's size. */
  sizeInBytes?: number;
  items: ManifestBundle[];
}

export interface BuildManifestOptions {
  url: string;
  chunkSize?: number;
  hash?: ManifestHash;
  /** Omit for a manifest with assets only. */
  metadata?: ManifestMetadata;
}

export interface BuiltManifest {
  /** The plist text. */
  text: string;
  size: number;
  chunkSize: number;
  hashes: string[];
}

const READ_BUFFER = 1024 * 1024;
/** Manifests are a few kilobytes (one hash per chunk). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** Hashes the package (streamed, never held whole) and writes the manifest plist. */
export function buildManifest(pkg: string | number, options: BuildManifestOptions): BuiltManifest {
  const hash = options.hash ?? 'md5';
  const requested = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(requested) || requested < 1)
    throw new InputError(`chunk size must be a positive whole number of bytes, not ${requested}`, { code: 'MANIFEST_CHUNK_SIZE_INVALID' });
  const { size, hashes, chunkSize } = withFile(pkg, (fd, name, fileSize) => {
    if (fileSize === 0) throw new InputError(`${name}: an empty file is not a package`, { code: 'MANIFEST_PACKAGE_EMPTY' });
    const clamped = Math.min(requested, fileSize);
    return { size: fileSize, chunkSize: clamped, hashes: chunkHashes(fd, name, fileSize, clamped, hash) };
  });
  // Key order follows MicroMDM's manifests; plist output keeps insertion order.
  const asset: Record<string, PlistValue> = { kind: 'software-package' };
  asset[`${hash}-size`] = chunkSize;
  asset[`${hash}s`] = hashes;
  asset.url = options.url;
  const item: Record<string, PlistValue> = { assets: [asset] };
  if (options.metadata) {
    const m = options.metadata;
    const metadata: Record<string, PlistValue> = {
      'bundle-identifier': m.bundleIdentifier,
      'bundle-version': m.bundleVersion,
      items: m.items.map((i) => ({ 'bundle-identifier': i.bundleIdentifier, 'bundle-version': i.bundleVersion })),
      kind: 'software',
      sizeInBytes: m.sizeInBytes ?? size,
    };
    if (m.subtitle !== undefined) metadata.subtitle = m.subtitle;
    metadata.title = m.title;
    item.metadata = metadata;
  }
  return { text: build({ items: [item] }), size, chunkSize, hashes };
}

/**
 * Metadata from a Distribution's `<product>` and pkg-refs (or, for a
 * component package, its PackageInfo): `bundle-identifier`/`bundle-version`
 * are the product's when it declares one, else the first pkg-ref's; `items`
 * lists every pkg-ref with a version (the PackageInfo's version when the
 * pkg-ref has none).
 */
export function manifestMetadata(source: {
  title?: string;
  product?: { id?: string; version?: string };
  pkgRefs: ReadonlyArray<{ id: string; version?: string }>;
  components?: ReadonlyMap<string, PackageInfoFacts>;
  fallbackTitle: string;
}): ManifestMetadata {
  const items: ManifestBundle[] = [];
  const seen = new Set<string>();
  for (const ref of source.pkgRefs) {
    if (seen.has(ref.id)) continue;
    const version = ref.version ?? source.components?.get(ref.id)?.version ?? undefined;
    if (version === undefined) continue;
    seen.add(ref.id);
    items.push({ bundleIdentifier: ref.id, bundleVersion: version });
  }
  const first = items[0];
  const bundleIdentifier = source.product?.id ?? first?.bundleIdentifier;
  const bundleVersion = source.product?.version ?? items.find((i) => i.bundleIdentifier === bundleIdentifier)?.bundleVersion ?? first?.bundleVersion;
  if (bundleIdentifier === undefined || bundleVersion === undefined) {
    throw new InputError('the package declares no <product id version> and no pkg-ref with a version: the manifest needs a bundle identifier and version', {
      code: 'MANIFEST_METADATA_MISSING',
    });
  }
  return { title: source.title ?? source.fallbackTitle, bundleIdentifier, bundleVersion, items };
}

export type ManifestCheck =
  | { ok: true; hash: ManifestHash; chunks: number; size: number }
  | {
      ok: false;
      hash: ManifestHash | null;
      /** `chunk`: a chunk's hash differs (or a chunk is missing on either side); `size`: metadata.sizeInBytes differs; `manifest`: the manifest has no usable hashes. */
      reason: 'chunk' | 'size' | 'manifest';
      /** 0-based index of the first mismatching chunk. */
      chunkIndex: number | null;
      expected: string | null;
      actual: string | null;
      message: string;
    };

/**
 * Verifies a manifest against a package: every chunk hash (sha256s when
 * present, as the device prefers them, else md5s), the chunk count, and
 * `sizeInBytes`. Returns the first mismatch as data.
 */
export function checkManifest(manifestText: string, pkg: string | number): ManifestCheck {
  if (manifestText.length > MAX_MANIFEST_BYTES) throw new InputError(`manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, { code: 'MANIFEST_INVALID' });
  const manifest = readManifest(manifestText);
  const fail = (
    reason: 'chunk' | 'size' | 'manifest',
    message: string,
    extra: { hash?: ManifestHash; chunkIndex?: number; expected?: string; actual?: string } = {},
  ): ManifestCheck => ({
    ok: false,
    hash: extra.hash ?? null,
    reason,
    chunkIndex: extra.chunkIndex ?? null,
    expected: extra.expected ?? null,
    actual: extra.actual ?? null,
    message,
  });
  const hash: ManifestHash | undefined = manifest.sha256s ? 'sha256' : manifest.md5s ? 'md5' : undefined;
  if (!hash) return fail('manifest', 'the manifest has neither sha256s nor md5s in items[0].assets[0]');
  const expected = (hash === 'sha256' ? manifest.sha256s : manifest.md5s)!;
  const chunkSize = hash === 'sha256' ? manifest.sha256Size : manifest.md5Size;
  if (chunkSize === undefined || !Number.isSafeInteger(chunkSize) || chunkSize < 1)
    return fail('manifest', `the manifest has no positive ${hash}-size`, { hash });
  return withFile(pkg, (fd, name, fileSize) => {
    const actual = fileSize === 0 ? [] : chunkHashes(fd, name, fileSize, chunkSize, hash);
    const count = Math.max(actual.length, expected.length);
    for (let k = 0; k < count; k++) {
      const want = expected[k]?.toLowerCase();
      const got = actual[k];
      if (want !== got) {
        const message =
          got === undefined
            ? `chunk ${k} is listed in the manifest but the package ends before it (${fileSize} bytes, ${actual.length} chunks of ${chunkSize})`
            : want === undefined
              ? `chunk ${k} of the package is not listed in the manifest (${expected.length} chunks listed, the package has ${actual.length})`
              : `chunk ${k} (bytes ${k * chunkSize}–${Math.min((k + 1) * chunkSize, fileSize) - 1}) has ${hash} ${got}, the manifest says ${want}`;
        return fail('chunk', message, { hash, chunkIndex: k, expected: want, actual: got });
      }
    }
    if (manifest.sizeInBytes !== undefined && manifest.sizeInBytes !== fileSize) {
      return fail('size', `metadata sizeInBytes is ${manifest.sizeInBytes}, the package has ${fileSize} bytes`, {
        hash,
        expected: String(manifest.sizeInBytes),
        actual: String(fileSize),
      });
    }
    return { ok: true, hash, chunks: actual.length, size: fileSize };
  });
}

interface ManifestFields {
  md5Size?: number;
  md5s?: string[];
  sha256Size?: number;
  sha256s?: string[];
  sizeInBytes?: number;
}

/** Reads the few fields a check needs from the manifest plist (hostile-safe XML, no general plist decoder). */
function readManifest(text: string): ManifestFields {
  const root = parseXmlTree(text, {
    what: 'manifest',
    code: 'MANIFEST_INVALID',
    tooLargeCode: 'MANIFEST_INVALID',
    maxDepth: 32,
    maxElements: 1_000_000,
    allowExternalDoctype: true,
  });
  const invalid = (reason: string): never => {
    throw new InputError(`manifest: ${reason}`, { code: 'MANIFEST_INVALID' });
  };
  if (root.name !== 'plist') invalid(`root element is <${root.name}>, not <plist>`);
  const top = child(root, 'dict') ?? invalid('no top-level <dict>');
  const items = dictGet(top, 'items');
  const item = items?.name === 'array' ? items.children[0] : undefined;
  if (item?.name !== 'dict') return invalid('no items[0] dictionary');
  const assets = dictGet(item, 'assets');
  const asset = assets?.name === 'array' ? assets.children.find((a) => a.name === 'dict' && dictGet(a, 'kind')?.text === 'software-package') : undefined;
  if (!asset) return invalid('no software-package asset in items[0].assets');
  const fields: ManifestFields = {};
  const integer = (e: XmlElement | undefined) => (e?.name === 'integer' && /^\s*[0-9]{1,15}\s*$/.test(e.text) ? Number(e.text) : undefined);
  const strings = (e: XmlElement | undefined) => (e?.name === 'array' ? e.children.map((s) => (s.name === 'string' ? s.text.trim() : '')) : undefined);
  fields.md5Size = integer(dictGet(asset, 'md5-size'));
  fields.md5s = strings(dictGet(asset, 'md5s'));
  fields.sha256Size = integer(dictGet(asset, 'sha256-size'));
  fields.sha256s = strings(dictGet(asset, 'sha256s'));
  const metadata = dictGet(item, 'metadata');
  if (metadata?.name === 'dict') fields.sizeInBytes = integer(dictGet(metadata, 'sizeInBytes'));
  return fields;
}

/** The value element following `<key>name</key>` in a plist dict. */
function dictGet(dict: XmlElement, key: string): XmlElement | undefined {
  const children = dict.children;
  for (let k = 0; k + 1 < children.length; k++) {
    if (children[k]!.name === 'key' && children[k]!.text === key) return children[k + 1];
  }
  return undefined;
}

function chunkHashes(fd: number, name: string, fileSize: number, chunkSize: number, algorithm: ManifestHash): string[] {
  const hashes: string[] = [];
  const buffer = Buffer.alloc(Math.min(READ_BUFFER, chunkSize));
  let hash = createHash(algorithm);
  let inChunk = 0;
  for (let position = 0; position < fileSize;) {
    const want = Math.min(buffer.length, chunkSize - inChunk, fileSize - position);
    let n: number;
    try {
      n = readSync(fd, buffer, 0, want, position);
    } catch (error) {
      throw new InputError(`cannot read ${name}: ${describeFsError(error)}`, { code: 'FILE_UNREADABLE', cause: error });
    }
    if (n === 0) throw new InputError(`${name}: the file shrank while it was being hashed`, { code: 'FILE_UNREADABLE' });
    hash.update(buffer.subarray(0, n));
    position += n;
    inChunk += n;
    if (inChunk === chunkSize || position === fileSize) {
      hashes.push(hash.digest('hex'));
      hash = createHash(algorithm);
      inChunk = 0;
    }
  }
  return hashes;
}

function withFile<T>(pkg: string | number, use: (fd: number, name: string, size: number) => T): T {
  if (typeof pkg === 'number') {
    const name = `file descriptor ${pkg}`;
    return use(pkg, name, regularFileSize(pkg, name));
  }
  const { fd, size } = openRegularFile(pkg);
  try {
    return use(fd, pkg, size);
  } finally {
    closeSync(fd);
  }
}
