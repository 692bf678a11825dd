/**
 * distsim as a library: parse a Distribution, load profiles, simulate.
 * Nothing here prints or exits; input problems throw InputError.
 */
export { parseDistribution, type ParseOptions } from './distribution/parse.js';
export { decodeXmlBytes } from './distribution/source-text.js';
export type * from './distribution/model.js';
export { loadProfiles, selectProfiles, parseWhere, applyOverrides, summarizeProfile, validateProfileData } from './profile/index.js';
export type * from './profile/types.js';
export { simulate, simulateMany, DEFAULT_LIMITS, DEFAULT_NOW, DEFAULT_SEED, type SimulateOptions } from './simulate/simulate.js';
export { POLICY_INFO, defaultPolicies, parsePolicies, type Policies, type PolicyName } from './simulate/policy.js';
export { compareVersions } from './simulate/versions.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostics/codes.js';
export type { Diagnostic, SourceLocation } from './diagnostics/diagnostic.js';
export { renderJson } from './reporters/json.js';
export { renderText, type TextOptions } from './reporters/text.js';
export { InputError, UsageError } from './errors.js';
export type * from './types.js';
