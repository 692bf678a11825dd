import type { Diagnostic, SourceLocation } from './diagnostics/diagnostic.js';

/**
 * The report contract: the one document `distsim run --format json` prints
 * and every reporter reads, whatever the number of files. Field names are a
 * public contract; `schemaVersion` is bumped on any incompatible change.
 */
export interface RunReport {
  schemaVersion: 2;
  tool: { name: 'distsim'; version: string };
  /** One entry per input, in the order given: a simulation, or the input's located error. */
  distributions: DistributionReport[];
  /**
   * Expectation outcomes: present only in the report of `distsim test`, one
   * entry per (Distribution, profile, expectation), grouped by Distribution
   * in the order of `distributions`, then in the order of the expectation
   * files, the profiles and the expectations.
   * A Distribution that could not be read gives one `error` entry (profile
   * null) instead. Reporters that find it show expectation results.
   */
  tests?: Array<{
    /** The expectation file, as given. */
    spec: string;
    /** Index in `distributions` of the Distribution checked. */
    distribution: number;
    /** Profile id; null for a Distribution that could not be read. */
    profile: string | null;
    /** The expectation's `name`, else its path in the file (`distributions[0].expect[2]`). */
    name: string;
    /** Where the expectation is in the file. */
    location: SourceLocation | null;
    /** `error`: it could not be checked (the Distribution could not be read, or the profile's evaluation was lost). */
    status: 'passed' | 'failed' | 'error';
    /** Each unmet assertion, with its place in the file; `why` explains the actual value when an explanation is available. */
    failures: Array<{ assertion: string; expected: string; actual: string; location: SourceLocation | null; why: string | null }>;
    /** For `error`: the code and message of what prevented the check. */
    error: { code: string; message: string } | null;
  }>;
}

export type DistributionReport = SimulationReport | InputFailure;

/** A flat package a Distribution was read from: plain data for reports. */
export interface PackageSource {
  /** The .pkg as given. */
  path: string;
  /** `product`: a product archive (productbuild); `component`: a component package (pkgbuild), simulated with a synthesized Distribution. */
  kind: 'product' | 'component';
  signature: PackageSignatureSummary;
}

/** The offline integrity and signature verdict of a package (`distsim info` shows every detail). */
export interface PackageSignatureSummary {
  /** `unsigned`; `verified`: checksum matches, every signature verifies, every chain is internally consistent; `invalid` otherwise. */
  status: 'unsigned' | 'verified' | 'invalid';
  signed: boolean;
  /** The leaf certificate's common name (`Developer ID Installer: Name (TEAMID)`). */
  signer: string | null;
  teamId: string | null;
  /** TOC checksum algorithm from the header (`sha1`, `sha256`, `none`, ...). */
  checksumAlgorithm: string;
  checksumMatches: boolean;
  /** The leaf certificate is within its validity period at the run's clock; null when unsigned. */
  leafValidAtNow: boolean | null;
  /** One line per problem found. */
  problems: string[];
  /** What is not established (trust, revocation, notarization, ...). */
  notChecked: string[];
}

/** One Distribution simulated on the chosen profiles. */
export interface SimulationReport {
  path: string;
  /** The <title>, resolved through the string table; null when absent. */
  title: string | null;
  /** Problems found while parsing, not specific to a profile (each reported once per file). */
  diagnostics: Diagnostic[];
  /** Present when the input was a flat package: what it is and its offline signature verdict. */
  package?: PackageSource;
  results: ProfileResult[];
}

/** An input that could not be simulated: unreadable, too large, malformed XML, not a Distribution. */
export interface InputFailure {
  path: string;
  error: {
    /** Stable code: XML_MALFORMED, FILE_UNREADABLE, FILE_NOT_REGULAR, FILE_TOO_LARGE, NOT_A_DISTRIBUTION, ... */
    code: string;
    message: string;
    location: SourceLocation | null;
    hint: string | null;
  };
}

/** Whether a report entry (or a read input) is an input that failed. */
export function isInputFailure(entry: object): entry is InputFailure {
  return 'error' in entry;
}

/** The simulated Mac a result is for, so a reporter needs nothing but the report. */
export interface MacSummary {
  name: string;
  model: string;
  arch: 'ppc' | 'i386' | 'x86_64' | 'arm64';
  /** systemVersion.ProductVersion of the booted OS. */
  macos: string;
}

export type EvaluatedArch = 'ppc' | 'i386' | 'x86_64' | 'arm64';
export type ResultType = 'Fatal' | 'Warn';
export type RestartAction = 'None' | 'RecommendRestart' | 'RequireLogout' | 'RequireRestart' | 'RequireShutdown';

/** Why a profile is not installable, in evaluation order. */
export type BlockerCode =
  'ARCH_UNSUPPORTED' | 'ARCH_ROSETTA_MISSING' | 'INSTALLATION_CHECK_FAILED' | 'NO_ELIGIBLE_VOLUME' | 'NO_ENABLED_DOMAIN' | 'NOTHING_INSTALLED';

export interface ProfileResult {
  /** Profile id. */
  profile: string;
  mac: MacSummary;
  /** Architecture the Installer evaluates as: x86_64 on Apple silicon under Rosetta. */
  evaluatedArch: EvaluatedArch;
  translated: boolean;
  installable: boolean;
  blockers: Array<{ code: BlockerCode; message: string }>;
  installationCheck: CheckResult;
  volumes: VolumeResult[];
  choices: ChoiceResult[];
  packages: PackageResult[];
  domains: { anywhere: boolean; currentUserHome: boolean; localSystem: boolean };
  restartAction: RestartAction;
  /** system.log lines, in order. */
  log: string[];
  diagnostics: Diagnostic[];
  /** Present only when the run was traced (`run --trace`): every evaluation, Installer API call and log line, in order. */
  trace?: TraceEvent[];
}

export interface CheckResult {
  /** Script result AND the declarative requirements. True when there is no check. */
  passed: boolean;
  /** my.result.type after a failure (policy-normalised), null when passed. */
  resultType: ResultType | null;
  title: string | null;
  message: string | null;
}

export interface VolumeResult extends CheckResult {
  mountpoint: string;
  /** The volume can be chosen: passed, or failed with a Warn result, and it has room for the packages that install. */
  eligible: boolean;
  /** Present when the installKBytes of the packages that install exceed the volume's free space (the volume is then not eligible). */
  insufficientSpace?: { neededKilobytes: number; availableKilobytes: number };
}

export interface ChoiceResult {
  id: string;
  /** Parent choice id in the outline, null at top level. */
  parent: string | null;
  title: string | null;
  /** The description, resolved through the string table; null when absent. */
  description: string | null;
  /** Shown: false when the choice or (policy parent-constraint=subtree) an ancestor is hidden. */
  visible: boolean;
  /** Clickable: false when the choice or (policy parent-constraint=subtree) an ancestor is disabled. */
  enabled: boolean;
  /** What `choices.<id>.selected` reads: for a parent (policy parent-selected=derived), true when any of its subtree is selected. */
  selected: boolean;
  /** `choiceIsSelected` of `installer -showChoicesXML`: 1 selected, 0 not, -1 mixed (a parent whose children differ). */
  selectedState: 1 | 0 | -1;
  /** The install location the choice declares (customLocation) or a change file set; null when none. */
  customLocation: string | null;
}

export interface PackageResult {
  id: string;
  version: string | null;
  path: string | null;
  /** Choices (outline order) that reference it. */
  choices: string[];
  /** The pkg-ref's active attribute. */
  active: boolean;
  /** A referencing choice is selected and the package is active. */
  install: boolean;
  /** The pkg-ref's installKBytes; null when absent. */
  installKBytes: number | null;
  /** Version of this package's receipt on the boot volume; null when it is not installed there. */
  installedVersion: string | null;
  /** Present when the pkg-ref has `<must-close>`: the applications the Installer asks to quit before installing it, and whether each runs on this Mac. */
  mustClose?: Array<{ id: string; running: boolean }>;
  /** Present when the pkg-ref has `<bundle-version>`: the bundles it declares, as written (data only: no effect on the simulation). */
  bundleVersions?: BundleVersion[];
}

/** One `<bundle>` of a pkg-ref's `<bundle-version>`: a bundle the package installs, whose version the Installer compares for upgrades. */
export interface BundleVersion {
  id: string;
  path: string | null;
  CFBundleShortVersionString: string | null;
  CFBundleVersion: string | null;
}

/** One guest evaluation: which attribute or script, where, what it returned and the boolean it became. */
export interface TraceEvaluation {
  kind: 'evaluation';
  /** Apple-style address: `choice[id]@visible`, `installation-check@script`. */
  source: string;
  location: { line: number; column: number };
  /** The expression text, cut at 200 characters. */
  code: string;
  /** What the evaluation was for: a <script>, a check (installation, volume, pkg-ref active, domains), a choice attribute, a value (onConclusionScript). */
  purpose: 'script' | 'check' | 'choice' | 'value';
  /** For choice attributes: the how-manieth evaluation of this attribute in the profile (1 for the first; each choice pass evaluates it again). */
  pass?: number;
  /** The volume my.target was bound to, when one was. */
  target?: string;
  outcome: { ok: true; type: string; truthy: boolean } | { ok: false; error: { kind: string; name: string; message: string } };
  /** The boolean the result became after the truthiness (or failure) policy; absent for scripts and values. */
  coerced?: boolean;
}

/** One guest→host Installer API call and its JSON answer. */
export interface TraceCall {
  kind: 'call';
  /** The evaluation in progress, null outside one. */
  source: string | null;
  op: string;
  args: string[];
  /** The JSON answer (cut at 500 characters), null when the call answered nothing (undefined in the guest). */
  answer: string | null;
  /** The profile had no answer: the documented default was returned (the question is 'unanswered'). */
  absent: boolean;
}

/** One system.log line. */
export interface TraceLog {
  kind: 'log';
  source: string | null;
  text: string;
}

export type TraceEvent = TraceEvaluation | TraceCall | TraceLog;
