/**
 * Reads an expectation file: YAML or JSON, validated against
 * schemas/expectations.schema.json, then checked for what a schema cannot
 * say (selectors and patterns that parse, diagnostic codes that exist, an
 * expectation that asserts something, a package not both installed and not).
 * Every problem is one SpecError, `file:line:col: message (at json.path)`.
 *
 * The data comes from the file, so nothing is looked up in a plain object by
 * a key it supplies: fields are read as own properties, and the maps it keys
 * (choices, volumes, policies) are walked with Object.entries into Maps and
 * lists.
 */
import path from 'node:path';
import type { SourceLocation } from '../diagnostics/diagnostic.js';
import { DIAGNOSTIC_CODES } from '../diagnostics/codes.js';
import { isInputError } from '../errors.js';
import { parseWhere, type ProfileSelector } from '../profile/index.js';
import { parsePolicies } from '../installer/policy.js';
import type { BlockerCode, ResultType, RestartAction } from '../types.js';
import { readRegularFile } from '../util/read-file.js';
import { formatPath, type PathSegment } from './json-path.js';
import { MAX_SPEC_BYTES } from './limits.js';
import { compilePattern, PatternError } from './pattern.js';
import { schemaProblem } from './schema.js';
import { SpecError } from './spec-error.js';
import type { Assertion, AssertionBody, DistributionEntry, Expectation, ExpectationSpec, ProfileSetSpec } from './spec-model.js';
import { parseSpecSource, type SpecSource } from './yaml-source.js';

export interface LoadSpecOptions {
  /** The name used in messages and reports (default: the path as given). */
  label?: string;
}

/**
 * Reads and checks an expectation file: a regular file of at most 1 MiB of
 * UTF-8. Throws an InputError: `FILE_UNREADABLE`, `FILE_NOT_REGULAR`,
 * `FILE_TOO_LARGE`, or a SpecError (`SPEC_MALFORMED` for YAML that does not
 * parse, `SPEC_INVALID` for a file that does not say something valid).
 */
export function loadSpec(file: string, options: LoadSpecOptions = {}): ExpectationSpec {
  const label = options.label ?? file;
  const bytes = readRegularFile(file, { maxBytes: MAX_SPEC_BYTES, what: 'an expectation file' }, label);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new SpecError(label, { line: 1, column: 1 }, 'UTF-16 text; save the file as UTF-8', null, { code: 'SPEC_MALFORMED' });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SpecError(label, { line: 1, column: 1 }, 'not UTF-8 text', null, { code: 'SPEC_MALFORMED' });
  }
  return parseSpec(text, label, path.dirname(path.resolve(file)));
}

/** Parses and checks the text of an expectation file; relative paths in it are resolved against `baseDir`. */
export function parseSpec(text: string, file: string, baseDir: string): ExpectationSpec {
  // loadSpec caps bytes read; text handed in directly is capped here (in UTF-16 units, close enough for a bound).
  if (text.length > MAX_SPEC_BYTES)
    throw new SpecError(file, { line: 1, column: 1 }, `larger than ${MAX_SPEC_BYTES / 1048576} MiB`, null, { code: 'FILE_TOO_LARGE' });
  const source = parseSpecSource(text, file);
  const invalid = schemaProblem(source);
  if (invalid !== undefined) throw invalid;
  return new SpecBuilder(source, baseDir).build();
}

type Data = Record<string, unknown>;

/** An own property of validated data (never an inherited one). */
function field(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null && Object.hasOwn(data, name) ? (data as Data)[name] : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).map(String);
}

class SpecBuilder {
  constructor(
    private readonly source: SpecSource,
    private readonly baseDir: string,
  ) {}

  build(): ExpectationSpec {
    const data = this.source.data;
    const policies = this.policies(field(data, 'policies'));
    const rootProfiles = field(data, 'profiles');
    const defaults = rootProfiles === undefined ? this.profileSet({}, []) : this.profileSet(rootProfiles, ['profiles']);
    const common = list(field(data, 'expect')).map((e, i) => this.expectation(e, ['expect', i]));
    const distributions = list(field(data, 'distributions')).map((entry, i): DistributionEntry => {
      const at: PathSegment[] = ['distributions', i];
      if (typeof entry === 'string') {
        if (common.length === 0) throw this.source.error(at, 'no expectations for this Distribution', { hint: 'add expect: at the top level' });
        return { file: this.resolve(entry), recover: false, profiles: defaults, expectations: common, path: at };
      }
      const own = field(entry, 'profiles');
      const expectations = [...common, ...list(field(entry, 'expect')).map((e, k) => this.expectation(e, [...at, 'expect', k]))];
      // A Distribution with nothing to check would pass in silence.
      if (expectations.length === 0)
        throw this.source.error(at, 'no expectations for this Distribution', { hint: 'add expect: at the top level or in this entry' });
      return {
        file: this.resolve(String(field(entry, 'path'))),
        recover: field(entry, 'recover') === true,
        profiles: own === undefined ? defaults : this.profileSet(own, [...at, 'profiles']),
        expectations,
        path: at,
      };
    });
    return { file: this.source.file, source: this.source, policies, distributions };
  }

  private resolve(file: string): string {
    return path.resolve(this.baseDir, file);
  }

  private location(at: readonly PathSegment[], key = false): SourceLocation {
    const { line, column } = this.source.locate(at, { key });
    return { file: this.source.file, line, column };
  }

  /** Runs `fn`; an InputError it throws (a bad selector, policy, ...) becomes a SpecError at `at`. */
  private at<T>(at: readonly PathSegment[], fn: () => T, key = false): T {
    try {
      return fn();
    } catch (error) {
      if (!isInputError(error) || error instanceof SpecError) throw error;
      throw this.source.error(at, error.message, { key, code: error.code, ...(error.hint !== undefined && { hint: error.hint }) });
    }
  }

  private policies(value: unknown): ExpectationSpec['policies'] {
    const settings = Object.entries((value ?? {}) as Data).map(([name, v]) => {
      const setting = `${name}=${String(v)}`;
      // Each alone first, so a bad one is reported at its own line.
      this.at(['policies', name], () => parsePolicies([setting]), true);
      return setting;
    });
    return parsePolicies(settings);
  }

  private profileSet(value: unknown, at: PathSegment[]): ProfileSetSpec {
    const ids = field(value, 'ids');
    return {
      ids: ids === undefined ? null : strings(ids),
      where: this.where(field(value, 'where'), [...at, 'where']),
      files: strings(field(value, 'files')).map((f) => this.resolve(f)),
      dirs: strings(field(value, 'dirs')).map((d) => this.resolve(d)),
      set: strings(field(value, 'set')),
      path: at,
    };
  }

  private where(value: unknown, at: PathSegment[]): ProfileSelector[] | null {
    if (value === undefined) return null;
    if (typeof value === 'string') return [this.at(at, () => parseWhere(value))];
    return list(value).map((expr, i) => this.at([...at, i], () => parseWhere(String(expr))));
  }

  private expectation(value: unknown, at: PathSegment[]): Expectation {
    const assertions: Assertion[] = [];
    const add = (rel: PathSegment[], body: AssertionBody, what = formatPath(rel)): void => {
      assertions.push({ ...body, what, location: this.location([...at, ...rel]) });
    };

    const installable = field(value, 'installable');
    if (installable !== undefined) add(['installable'], { kind: 'installable', expected: installable === true });
    const blockers = field(value, 'blockers');
    if (blockers !== undefined) add(['blockers'], { kind: 'blockers', expected: strings(blockers) as BlockerCode[] });

    const check = field(value, 'installationCheck');
    if (check !== undefined) this.check(check, at, ['installationCheck'], null, add);
    for (const [mountpoint, volume] of Object.entries((field(value, 'volumes') ?? {}) as Data))
      this.check(volume, at, ['volumes', mountpoint], mountpoint, add);

    for (const [id, state] of Object.entries((field(value, 'choices') ?? {}) as Data)) {
      for (const name of ['visible', 'enabled', 'selected'] as const) {
        const expected = field(state, name);
        if (expected !== undefined) add(['choices', id, name], { kind: 'choice', choice: id, field: name, expected: expected === true });
      }
    }

    const packages = field(value, 'packages');
    const installed = strings(field(packages, 'installed'));
    const notInstalled = strings(field(packages, 'notInstalled'));
    const wanted = new Set(installed);
    notInstalled.forEach((id, i) => {
      if (wanted.has(id)) throw this.source.error([...at, 'packages', 'notInstalled', i], `${JSON.stringify(id.slice(0, 80))} is also listed as installed`);
    });
    installed.forEach((id, i) => add(['packages', 'installed', i], { kind: 'package', id, installed: true }, formatPath(['packages', id])));
    notInstalled.forEach((id, i) => add(['packages', 'notInstalled', i], { kind: 'package', id, installed: false }, formatPath(['packages', id])));

    const restart = field(value, 'restartAction');
    if (restart !== undefined) add(['restartAction'], { kind: 'restart-action', expected: restart as RestartAction });

    const log = field(value, 'log');
    if (Array.isArray(log)) add(['log'], { kind: 'log-exact', expected: strings(log) });
    else if (log !== undefined) strings(field(log, 'contains')).forEach((line, i) => add(['log', 'contains', i], { kind: 'log-contains', line }, 'log'));

    const diagnostics = field(value, 'diagnostics');
    const noErrors = field(diagnostics, 'noErrors');
    if (noErrors !== undefined) add(['diagnostics', 'noErrors'], { kind: 'no-errors', expected: noErrors === true });
    const present = strings(field(diagnostics, 'present'));
    const absent = strings(field(diagnostics, 'absent'));
    const presentSet = new Set(present);
    for (const [name, codes] of [
      ['present', present],
      ['absent', absent],
    ] as const) {
      codes.forEach((code, i) => {
        const codeAt = [...at, 'diagnostics', name, i];
        if (!Object.hasOwn(DIAGNOSTIC_CODES, code))
          throw this.source.error(codeAt, `unknown diagnostic code ${code}`, { hint: 'the codes are listed in the README (Diagnostics)' });
        if (name === 'absent' && presentSet.has(code)) throw this.source.error(codeAt, `${code} is also listed as present`);
        add(['diagnostics', name, i], { kind: 'diagnostic', code, present: name === 'present' }, `diagnostics.${name}`);
      });
    }

    if (assertions.length === 0) {
      throw this.source.error(at, 'asserts nothing', {
        hint: 'add installable, blockers, installationCheck, volumes, choices, packages, restartAction, log or diagnostics',
      });
    }
    const name = field(value, 'name');
    const profiles = field(value, 'profiles');
    return {
      name: typeof name === 'string' ? name : formatPath(at),
      path: at,
      location: this.location(at),
      profiles: profiles === undefined ? null : strings(profiles),
      where: this.where(field(value, 'where'), [...at, 'where']),
      except: strings(field(value, 'except')),
      assertions,
    };
  }

  /** The assertions of one check result; `base` is the expectation's path, `at` the check's path inside it. */
  private check(
    value: unknown,
    base: PathSegment[],
    at: PathSegment[],
    volume: string | null,
    add: (rel: PathSegment[], body: AssertionBody, what?: string) => void,
  ): void {
    for (const name of ['passed', 'eligible'] as const) {
      const expected = field(value, name);
      if (expected !== undefined) add([...at, name], { kind: 'check-flag', volume, field: name, expected: expected === true });
    }
    const resultType = field(value, 'resultType');
    if (resultType !== undefined) add([...at, 'resultType'], { kind: 'check-result-type', volume, expected: resultType as ResultType | null });
    for (const name of ['title', 'message'] as const) {
      const text = field(value, name);
      if (typeof text !== 'string') continue;
      const pattern = this.pattern(text, [...base, ...at, name]);
      add([...at, name], { kind: 'check-text', volume, field: name, pattern });
    }
  }

  private pattern(text: string, at: readonly PathSegment[]): ReturnType<typeof compilePattern> {
    try {
      return compilePattern(text);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      throw this.source.error(at, `invalid pattern: ${error.message} (at character ${error.offset + 1})`, {
        hint: 'patterns are regular expressions without backreferences, lookaround, atomic groups or possessive quantifiers',
      });
    }
  }
}
