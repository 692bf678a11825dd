/**
 * Declarative requirements: `<required-graphics>`,
 * `<hardware-properties><sysctl-requirements>`, and productbuild's
 * requirements property list. Pure functions over data: no I/O.
 */
export {
  parsePredicate,
  evaluatePredicate,
  formatClause,
  explainOutcome,
  PredicateSyntaxError,
  MAX_PREDICATE_LENGTH,
  MAX_PREDICATE_NESTING,
} from './predicate.js';
export type { ParsedPredicate, PredicateOutcome, ClauseReport, KeyPathValue, PredicateNode, Span } from './predicate.js';
export { mapFacts, formatValue, type Facts, type Value } from './value.js';
export { MAX_PATTERN_LENGTH, MAX_MATCH_STEPS } from './regex.js';
export {
  GRAPHICS_ELEMENTS,
  predicateFromText,
  predicatePosition,
  type GraphicsKind,
  type RequirementKind,
  type PredicateSource,
  type GraphicsRequirement,
  type RequiredGraphics,
  type SysctlRequirement,
  type HardwareProperties,
  type SyntaxProblem,
} from './model.js';
export { REQUIREMENT_OS_FLOORS, requirementOsFloor, isRequirementEvaluated } from './floors.js';
export { deviceFacts, deviceFactsMap } from './device-facts.js';
export {
  evaluateRequiredGraphics,
  type RequiredGraphicsInput,
  type GraphicsOptions,
  type GraphicsResult,
  type GraphicsCheckResult,
  type DeviceResult,
  type CheckStatus,
} from './graphics.js';
export { evaluateSysctlRequirements, sysctlFacts, type SysctlOptions, type SysctlResult, type SysctlSubset } from './sysctl.js';
export { parseProductRequirements, MAX_REQUIREMENTS_PLIST_BYTES, type ProductRequirements, type RequiredBundleSpec } from './product-plist.js';
export { synthesizeDistribution, hostArchitectures, osRanges, DEFAULT_PACKAGE_IDENTIFIER, type SynthesizeOptions } from './synthesize.js';
