import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The package root: the nearest directory at or above this module that holds
 * a `package.json`. Works from `dist/*.js`, the bundled CLI and
 * `.test-build/src/*.js` alike.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) {
      cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`distsim: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
