import type { Diagnostic } from './diagnostics/diagnostic.js';

/** The JSON document `distsim run --format json` prints. Field names are a public contract. */
export interface SimulationReport {
  schemaVersion: 1;
  tool: { name: 'distsim'; version: string };
  distribution: { path: string; title: string | null };
  /** Problems found while parsing, not specific to a profile. */
  diagnostics: Diagnostic[];
  results: ProfileResult[];
}

export type EvaluatedArch = 'ppc' | 'i386' | 'x86_64' | 'arm64';
export type ResultType = 'Fatal' | 'Warn';
export type RestartAction = 'None' | 'RecommendRestart' | 'RequireLogout' | 'RequireRestart' | 'RequireShutdown';

/** Why a profile is not installable, in evaluation order. */
export type BlockerCode = 'ARCH_UNSUPPORTED' | 'ARCH_ROSETTA_MISSING' | 'INSTALLATION_CHECK_FAILED' | 'NO_ELIGIBLE_VOLUME' | 'NO_ENABLED_DOMAIN';

export interface ProfileResult {
  profile: string;
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
  /** The volume can be chosen: passed, or failed with a Warn result. */
  eligible: boolean;
}

export interface ChoiceResult {
  id: string;
  /** Parent choice id in the outline, null at top level. */
  parent: string | null;
  title: string | null;
  visible: boolean;
  enabled: boolean;
  selected: boolean;
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
}
