import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Distribution } from '../src/distribution/model.js';
import { parseDistribution } from '../src/distribution/parse.js';
import { packageRoot } from '../src/package-root.js';

/** The well-formed files of the shared research corpus, parsed once. */
export function corpusDistributions(): Distribution[] {
  const dir = path.join(packageRoot(), '..', 'shared', 'corpus', 'real');
  const out: Distribution[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file === 'PROVENANCE.json') continue;
    try {
      out.push(parseDistribution(readFileSync(path.join(dir, file), 'utf8'), file));
    } catch {
      // the five malformed files
    }
  }
  return out;
}
