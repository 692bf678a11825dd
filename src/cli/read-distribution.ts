import type { Distribution } from '../distribution/model.js';
import { parseDistribution } from '../distribution/parse.js';
import { decodeXmlBytes } from '../distribution/source-text.js';
import { InputError } from '../errors.js';
import { readRegularFile } from '../util/read-file.js';

/** Real Distribution files are a few kilobytes; anything this big is not one, and parsing it would only cost time and memory. */
export const MAX_DISTRIBUTION_BYTES = 8 * 1024 * 1024;

/** Reads and parses a Distribution file; every failure is a one-line InputError. */
export function readDistribution(file: string, options: { recover: boolean }): Distribution {
  const bytes = readRegularFile(file, { maxBytes: MAX_DISTRIBUTION_BYTES, what: 'a Distribution file' });
  if (bytes.length >= 4 && bytes[0] === 0x78 && bytes[1] === 0x61 && bytes[2] === 0x72 && bytes[3] === 0x21) {
    throw new InputError(`${file}: is a flat package (xar archive); this version of distsim reads Distribution files only`, {
      code: 'FILE_IS_PACKAGE',
      hint: `extract it first: pkgutil --expand ${file} out/ (or xar -xf ${file} Distribution), then run distsim on out/Distribution`,
    });
  }
  return parseDistribution(decodeXmlBytes(bytes, file), file, options);
}
