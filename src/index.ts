/**
 * distsim as a library: read a Distribution, load profiles, simulate, render.
 * Nothing here prints or exits; input problems throw InputError (with a
 * stable `code`), or are returned as data by readDistributionInput.
 */
export { parseDistribution, type ParseOptions } from './distribution/parse.js';
export { decodeXmlBytes } from './distribution/source-text.js';
export type * from './distribution/model.js';
export { readDistribution, readDistributionInput, distributionFromBytes, MAX_DISTRIBUTION_BYTES, type ReadOptions } from './input/read-input.js';
export { loadProfiles, selectProfiles, parseWhere, applyOverrides, summarizeProfile, validateProfileData } from './profile/index.js';
export type * from './profile/types.js';
export { simulate, simulateRun, runSettings, type SimulateOptions } from './runner/simulate.js';
export { DEFAULT_LIMITS, DEFAULT_NOW, DEFAULT_SEED } from './simulate/limits.js';
export { POLICY_INFO, defaultPolicies, parsePolicies, type Policies, type PolicyName } from './installer/policy.js';
export { compareVersions } from './installer/versions.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostics/codes.js';
export type { Diagnostic, SourceLocation } from './diagnostics/diagnostic.js';
export { REPORTERS, FORMATS, render, type Format, type Reporter, type ReporterOptions } from './reporters/index.js';
export { exitCode, FAIL_ON_CHOICES, type FailOn } from './reporters/exit-code.js';
export { InputError, UsageError } from './errors.js';
export type * from './types.js';
export { isInputFailure } from './types.js';
