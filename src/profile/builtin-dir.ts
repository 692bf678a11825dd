import path from 'node:path';
import { packageRoot } from '../package-root.js';

/** Absolute path of the built-in `profiles/` directory shipped with the package. */
export function builtinProfilesDir(): string {
  return path.join(packageRoot(), 'profiles');
}
