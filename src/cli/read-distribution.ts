import { readFileSync, statSync } from 'node:fs';
import type { Distribution } from '../distribution/model.js';
import { parseDistribution } from '../distribution/parse.js';
import { decodeXmlBytes } from '../distribution/source-text.js';
import { InputError } from '../errors.js';

/** Real Distribution files are a few kilobytes; anything this big is not one, and parsing it would only cost time and memory. */
export const MAX_DISTRIBUTION_BYTES = 8 * 1024 * 1024;

/** Reads and parses a Distribution file; every failure is a one-line InputError. */
export function readDistribution(file: string, options: { recover: boolean }): Distribution {
  let bytes: Uint8Array;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new InputError(`${file}: is a directory, not a Distribution file`);
    if (stat.size > MAX_DISTRIBUTION_BYTES) throw new InputError(`${file}: ${(stat.size / 1048576).toFixed(1)} MiB is too large for a Distribution file (limit ${MAX_DISTRIBUTION_BYTES / 1048576} MiB)`);
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  if (bytes.length >= 4 && bytes[0] === 0x78 && bytes[1] === 0x61 && bytes[2] === 0x72 && bytes[3] === 0x21) {
    throw new InputError(`${file}: is a flat package (xar archive); this version of distsim reads Distribution files only`, {
      hint: `extract it first: pkgutil --expand ${file} out/ (or xar -xf ${file} Distribution), then run distsim on out/Distribution`,
    });
  }
  return parseDistribution(decodeXmlBytes(bytes, file), file, options);
}
