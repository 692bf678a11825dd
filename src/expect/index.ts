/** Expectation files and `distsim test` / `distsim snapshot`, as a library. */
export { loadSpec, parseSpec, type LoadSpecOptions } from './load-spec.js';
export { runSpecs, testExitCode, type RunSpecsOptions } from './run-specs.js';
export { snapshotSpec, type SnapshotOptions } from './snapshot.js';
export { renderTestText } from './render-text.js';
export { expectationSchemaPath } from './schema.js';
export { SpecError, type SpecPosition } from './spec-error.js';
export { testCounts, type TestCaseResult } from './test-case.js';
export type { Assertion, DistributionEntry, Expectation, ExpectationSpec, ProfileSetSpec } from './spec-model.js';
