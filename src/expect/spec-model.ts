import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { ProfileSelector } from '../profile/index.js';
import type { Policies } from '../installer/policy.js';
import type { BlockerCode, ResultType, RestartAction } from '../types.js';
import type { PathSegment } from './json-path.js';
import type { MessagePattern } from './pattern.js';
import type { SpecSource } from './yaml-source.js';

/** An expectation file, checked and resolved against its own directory (profiles are chosen when it runs). */
export interface ExpectationSpec {
  /** The file as given (used in messages and reports). */
  readonly file: string;
  readonly source: SpecSource;
  /** From `policies`; the defaults when absent. */
  readonly policies: Policies;
  readonly distributions: readonly DistributionEntry[];
}

export interface DistributionEntry {
  /** Absolute path of the Distribution file. */
  readonly file: string;
  readonly recover: boolean;
  /** The entry's own profiles, else the file's, else every built-in. */
  readonly profiles: ProfileSetSpec;
  /** The file's expectations, then the entry's own. */
  readonly expectations: readonly Expectation[];
  readonly path: readonly PathSegment[];
}

/** Which profiles to simulate, as the `run` flags say it. */
export interface ProfileSetSpec {
  /** `-p`: ids in this order; null when not given. */
  readonly ids: readonly string[] | null;
  /** `--where`: null when not given. */
  readonly where: readonly ProfileSelector[] | null;
  /** `--profile-file` and `--profiles-dir`, absolute. */
  readonly files: readonly string[];
  readonly dirs: readonly string[];
  /** `--set`. */
  readonly set: readonly string[];
  /** Where the block is in the spec (the root when absent), for errors found when profiles are loaded. */
  readonly path: readonly PathSegment[];
}

export interface Expectation {
  /** `name`, else the path of the expectation in the spec (`distributions[0].expect[2]`). */
  readonly name: string;
  readonly path: readonly PathSegment[];
  readonly location: SourceLocation;
  /** `profiles`: null when not given. */
  readonly profiles: readonly string[] | null;
  /** `where`: null when not given. */
  readonly where: readonly ProfileSelector[] | null;
  readonly except: readonly string[];
  readonly assertions: readonly Assertion[];
}

/** One thing an expectation asserts about one profile's outcome. */
export type Assertion = AssertionBody & {
  /** What is asserted, relative to the expectation: `installable`, `choices.app.selected`, `volumes["/"].passed`. */
  readonly what: string;
  readonly location: SourceLocation;
};

/** A check result: the installation-check (volume null) or the volume-check of one mountpoint. */
type CheckTarget = { readonly volume: string | null };

export type AssertionBody =
  | { readonly kind: 'installable'; readonly expected: boolean }
  | { readonly kind: 'blockers'; readonly expected: readonly BlockerCode[] }
  | (CheckTarget & { readonly kind: 'check-flag'; readonly field: 'passed' | 'eligible'; readonly expected: boolean })
  | (CheckTarget & { readonly kind: 'check-result-type'; readonly expected: ResultType | null })
  | (CheckTarget & { readonly kind: 'check-text'; readonly field: 'title' | 'message'; readonly pattern: MessagePattern })
  | { readonly kind: 'choice'; readonly choice: string; readonly field: 'visible' | 'enabled' | 'selected'; readonly expected: boolean }
  | { readonly kind: 'package'; readonly id: string; readonly installed: boolean }
  | { readonly kind: 'restart-action'; readonly expected: RestartAction }
  | { readonly kind: 'log-exact'; readonly expected: readonly string[] }
  | { readonly kind: 'log-contains'; readonly line: string }
  | { readonly kind: 'no-errors'; readonly expected: boolean }
  | { readonly kind: 'diagnostic'; readonly code: string; readonly present: boolean };
