import type { Distribution } from '../distribution/model.js';
import { parseDistribution } from '../distribution/parse.js';
import { decodeXmlBytes } from '../distribution/source-text.js';
import { InputError, isInputError } from '../errors.js';
import type { InputFailure } from '../types.js';
import { readRegularFile } from '../util/read-file.js';

/** Real Distribution files are a few kilobytes; anything this big is not one, and parsing it would only cost time and memory. */
export const MAX_DISTRIBUTION_BYTES = 8 * 1024 * 1024;

export interface ReadOptions {
  /** Repair raw `<`/`&` in scripts and JavaScript attributes instead of rejecting the file. */
  recover?: boolean;
  /** The name used in locations and messages (default: the path as given). */
  label?: string;
}

/**
 * Reads and parses a Distribution from a path: a regular file of at most
 * MAX_DISTRIBUTION_BYTES, UTF-8 or UTF-16 with a BOM. Every failure is an
 * InputError with a code (FILE_UNREADABLE, FILE_NOT_REGULAR, FILE_TOO_LARGE,
 * XML_MALFORMED, NOT_A_DISTRIBUTION, ...).
 */
export function readDistribution(file: string, options: ReadOptions = {}): Distribution {
  const label = options.label ?? file;
  const bytes = readRegularFile(file, { maxBytes: MAX_DISTRIBUTION_BYTES, what: 'a Distribution file' }, label);
  return distributionFromBytes(bytes, label, options);
}

/** Parses a Distribution from bytes (what readDistribution does after reading). */
export function distributionFromBytes(bytes: Uint8Array, label: string, options: Pick<ReadOptions, 'recover'> = {}): Distribution {
  if (bytes.length > MAX_DISTRIBUTION_BYTES) {
    throw new InputError(`${label}: too large for a Distribution file (more than ${MAX_DISTRIBUTION_BYTES / 1048576} MiB)`, { code: 'FILE_TOO_LARGE' });
  }
  if (isXar(bytes)) {
    throw new InputError(`${label}: is a flat package (xar archive), not a Distribution file`, {
      code: 'FILE_IS_PACKAGE',
      hint: `extract it first: pkgutil --expand ${label} out/ (or xar -xf ${label} Distribution), then run distsim on out/Distribution`,
    });
  }
  return parseDistribution(decodeXmlBytes(bytes, label), label, { recover: options.recover ?? false });
}

export function isXar(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x78 && bytes[1] === 0x61 && bytes[2] === 0x72 && bytes[3] === 0x21;
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
    // Parse errors carry their place in the message: FILE:LINE:COL: reason.
    const m = /^(.*):(\d+):(\d+): /.exec(message.length > 4096 ? message.slice(0, 4096) : message);
    if (m && m[1] === path) location = { file: path, line: Number(m[2]), column: Number(m[3]) };
  }
  if (message.length > 4096) message = `${message.slice(0, 4095)}…`;
  const code = error.code === 'INPUT_INVALID' && location ? 'XML_MALFORMED' : error.code;
  return { path, error: { code, message, location, hint: error.hint ?? null } };
}
