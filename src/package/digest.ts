import { createHash } from 'node:crypto';

/**
 * Checksum algorithms as xar names them (`sha1`, `SHA-256`, `md5`, ...),
 * mapped to Node's hash names. Only these are computed; anything else is
 * reported as unsupported, never guessed.
 */
const ALGORITHMS = new Map<string, { node: string; length: number; digestInfo: string }>([
  // DigestInfo prefixes (RFC 8017 §9.2 note 1): what RSASSA-PKCS1-v1_5 puts before the digest.
  ['md5', { node: 'md5', length: 16, digestInfo: '3020300c06082a864886f70d020505000410' }],
  ['sha1', { node: 'sha1', length: 20, digestInfo: '3021300906052b0e03021a05000414' }],
  ['sha224', { node: 'sha224', length: 28, digestInfo: '302d300d06096086480165030402040500041c' }],
  ['sha256', { node: 'sha256', length: 32, digestInfo: '3031300d060960864801650304020105000420' }],
  ['sha384', { node: 'sha384', length: 48, digestInfo: '3041300d060960864801650304020205000430' }],
  ['sha512', { node: 'sha512', length: 64, digestInfo: '3051300d060960864801650304020305000440' }],
]);

/** `SHA-256`, `sha256`, `SHA256` → `sha256`; other names are lower-cased and kept. */
export function normalizeAlgorithm(name: string): string {
  const lower = name.trim().toLowerCase();
  const compact = lower.replace(/-/g, '');
  return ALGORITHMS.has(compact) ? compact : lower;
}

export function isSupportedAlgorithm(name: string): boolean {
  return ALGORITHMS.has(normalizeAlgorithm(name));
}

export function digestLength(name: string): number | undefined {
  return ALGORITHMS.get(normalizeAlgorithm(name))?.length;
}

export function digestInfoPrefix(name: string): Buffer | undefined {
  const info = ALGORITHMS.get(normalizeAlgorithm(name));
  return info ? Buffer.from(info.digestInfo, 'hex') : undefined;
}

/** Hex digest, or undefined for an algorithm this module does not compute. */
export function hexDigest(name: string, ...parts: Uint8Array[]): string | undefined {
  const info = ALGORITHMS.get(normalizeAlgorithm(name));
  if (!info) return undefined;
  const hash = createHash(info.node);
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
