import type { Distribution } from '../distribution/model.js';
import { parseDistribution } from '../distribution/parse.js';
import { parseProductRequirements, synthesizeDistribution, type SynthesizeOptions } from '../requirements/index.js';
import { readRegularFile } from '../util/read-file.js';

/** productbuild caps nothing, but a requirements plist is a few hundred bytes; the parser refuses more than this. */
const MAX_REQUIREMENTS_BYTES = 256 * 1024;

/** The Distribution productbuild would write for a requirements plist (`productbuild --product FILE`), as XML text. */
export function synthesizeFromProduct(file: string, options: SynthesizeOptions = {}): string {
  const bytes = readRegularFile(file, { maxBytes: MAX_REQUIREMENTS_BYTES, what: 'a requirements property list' });
  return synthesizeDistribution(parseProductRequirements(bytes, file), options);
}

/** A requirements plist as the Distribution productbuild would write for it, parsed: what `run --product` simulates. */
export function readProductRequirements(file: string, options: SynthesizeOptions = {}): Distribution {
  return parseDistribution(synthesizeFromProduct(file, options), file);
}
