import { applyResourceTables } from '../distribution/localize.js';
import type { Distribution } from '../distribution/model.js';
import { parseDistribution } from '../distribution/parse.js';
import { decodeXmlBytes } from '../distribution/source-text.js';
import { InputError, isInputError } from '../errors.js';
import { isXarMagic } from '../package/xar.js';
import type { InputFailure } from '../types.js';
import { readRegularFile } from '../util/read-file.js';
import { applyComponentFacts } from './component-facts.js';
import { isPackageFile, readPackageDistribution } from './read-package.js';
import { readResourcesDirectory } from './read-resources.js';

/** Real Distribution files are a few kilobytes; anything this big is not one, and parsing it would only cost time and memory. */
export const MAX_DISTRIBUTION_BYTES = 8 * 1024 * 1024;

export interface ReadOptions {
  /** Repair raw `<`/`&` in scripts and JavaScript attributes instead of rejecting the file. */
  recover?: boolean;
  /** The name used in locations and messages (default: the path as given). */
  label?: string;
  /**
   * A folder of `<lang>.lproj` string tables (or a package expanded with
   * `pkgutil --expand`) for `system.localizedString` and titles, as a
   * package's own Resources would give them. With a package, its tables
   * are added after the package's, so for one language they win per key.
   */
  resourcesDir?: string;
  /** Clock for a package's certificate validity, ms since the epoch (default: the guest clock's default). */
  now?: number;
}

/**
 * Reads and parses a Distribution from a path: a Distribution file (a
 * regular file of at most MAX_DISTRIBUTION_BYTES, UTF-8 or UTF-16 with a
 * BOM), or a flat package (`.pkg`, recognised by its xar magic whatever its
 * name): a product archive's Distribution or a component package's
 * synthesized one, with the package's string tables, component facts and
 * signature verdict (see readPackageDistribution). Every failure is an
 * InputError with a code (FILE_UNREADABLE, FILE_NOT_REGULAR, FILE_TOO_LARGE,
 * XML_MALFORMED, NOT_A_DISTRIBUTION, XAR_TRUNCATED, XAR_TOC_INVALID,
 * PKG_NOT_INSTALLER_PACKAGE, RESOURCES_UNREADABLE, ...).
 */
export function readDistribution(file: string, options: ReadOptions = {}): Distribution {
  const label = options.label ?? file;
  let dist: Distribution;
  if (isPackageFile(file)) {
    dist = readPackageDistribution(file, {
      label,
      ...(options.recover !== undefined && { recover: options.recover }),
      ...(options.now !== undefined && { now: options.now }),
    });
  } else {
    const bytes = readRegularFile(file, { maxBytes: MAX_DISTRIBUTION_BYTES, what: 'a Distribution file' }, label);
    dist = distributionFromBytes(bytes, label, options);
  }
  if (options.resourcesDir !== undefined) addResources(dist, options.resourcesDir);
  return dist;
}

/** A resources directory's tables and component facts, added to a parsed Distribution. */
function addResources(dist: Distribution, dir: string): void {
  const found = readResourcesDirectory(dir, dist.pkgRefs);
  applyComponentFacts(dist, found.components);
  applyResourceTables(dist, [...(dist.resources ?? []), ...found.tables]);
  for (const diagnostic of found.diagnostics) dist.diagnostics.push(diagnostic);
}

/** Parses a Distribution from bytes (what readDistribution does after reading). */
export function distributionFromBytes(bytes: Uint8Array, label: string, options: Pick<ReadOptions, 'recover'> = {}): Distribution {
  if (bytes.length > MAX_DISTRIBUTION_BYTES) {
    throw new InputError(`${label}: too large for a Distribution file (more than ${MAX_DISTRIBUTION_BYTES / 1048576} MiB)`, { code: 'FILE_TOO_LARGE' });
  }
  if (isXarMagic(bytes)) {
    // A package is read through its path (members on demand), never as one buffer.
    throw new InputError(`${label}: is a flat package (xar archive), not a Distribution file`, {
      code: 'FILE_IS_PACKAGE',
      hint: 'read it by path (readDistribution), which reads packages',
    });
  }
  return parseDistribution(decodeXmlBytes(bytes, label), label, { recover: options.recover ?? false });
}

/**
 * readDistribution, with an input problem returned as data instead of
 * thrown, so a run over many files reports every good file and every bad
 * one. Anything that is not an InputError is a bug and is thrown.
 */
export function readDistributionInput(file: string, options: ReadOptions = {}): Distribution | InputFailure {
  try {
    return readDistribution(file, options);
  } catch (error) {
    if (!isInputError(error)) throw error;
    return inputFailure(options.label ?? file, error);
  }
}

/** An InputError as the report's record of a failed input. */
export function inputFailure(path: string, error: InputError): InputFailure {
  let location = error.location ?? null;
  let message = error.message;
  if (!location) {
    // Parse errors carry their place in the message: FILE:LINE:COL: reason (FILE is PKG/Distribution for a package).
    const m = /^(.*):(\d+):(\d+): /.exec(message.length > 4096 ? message.slice(0, 4096) : message);
    if (m && (m[1] === path || m[1]!.startsWith(`${path}/`))) location = { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
  }
  if (message.length > 4096) message = `${message.slice(0, 4095)}…`;
  const code = error.code === 'INPUT_INVALID' && location ? 'XML_MALFORMED' : error.code;
  return { path, error: { code, message, location, hint: error.hint ?? null } };
}
