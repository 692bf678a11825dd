import path from 'node:path';
import { readDistributionInput } from '../input/read-input.js';
import type { Profile } from '../profile/types.js';
import { simulateRun, type SimulateOptions } from '../runner/simulate.js';
import type { Policies } from '../installer/policy.js';
import { isInputFailure, type DistributionReport, type ProfileResult, type RunReport, type SimulationReport } from '../types.js';
import { toolVersion } from '../version.js';
import { checkAssertion } from './check.js';
import { MAX_TEST_CASES, PATTERN_STEP_BUDGET } from './limits.js';
import { expectationTargets, resolveProfileSet } from './resolve-profiles.js';
import type { Assertion, DistributionEntry, Expectation, ExpectationSpec } from './spec-model.js';
import type { TestCaseResult } from './test-case.js';

export interface RunSpecsOptions extends Omit<SimulateOptions, 'policies'> {
  /** The directory Distribution paths are shown relative to (default: the current directory). */
  cwd?: string;
  /**
   * Explains the actual value of an unmet assertion (the `why` of a failure),
   * or null when it cannot. Without it every `why` is null.
   */
  explain?: (context: { assertion: Assertion; result: ProfileResult; distribution: SimulationReport }) => string | null;
}

/** One simulateRun: the Distributions that share a profile set and policies. */
interface Group {
  profiles: Profile[];
  policies: Policies;
  inputs: Array<{ file: string; recover: boolean; output: number }>;
  inputIndex: Map<string, number>;
}

interface Planned {
  spec: ExpectationSpec;
  entry: DistributionEntry;
  /** Index in the report's `distributions`. */
  output: number;
  checks: Array<{ expectation: Expectation; targets: ReadonlySet<string> }>;
}

/**
 * Runs every expectation of the specs and returns the report document with
 * `tests`. Everything that can be refused is refused first, as a SpecError
 * (profiles that do not load, expectations naming profiles not simulated,
 * too many checks); a Distribution that cannot be read is not: it is reported
 * in place and its checks are errors. Distributions that share a profile set
 * and policies run in one simulation, and a Distribution named by several
 * specs with the same profiles is simulated once.
 */
export async function runSpecs(specs: readonly ExpectationSpec[], options: RunSpecsOptions = {}): Promise<RunReport> {
  const { cwd = process.cwd(), explain, ...simulateOptions } = options;
  const profileSets = new Map<string, Profile[]>();
  const groups = new Map<string, Group>();
  const planned: Planned[] = [];
  let outputs = 0;
  let cases = 0;

  for (const spec of specs) {
    for (const entry of spec.distributions) {
      const set = entry.profiles;
      const setKey = JSON.stringify([set.ids, set.where?.map((s) => s.expr) ?? null, set.files, set.dirs, set.set]);
      let profiles = profileSets.get(setKey);
      if (profiles === undefined) {
        profiles = resolveProfileSet(spec, set);
        profileSets.set(setKey, profiles);
      }
      const groupKey = JSON.stringify([setKey, spec.policies]);
      let group = groups.get(groupKey);
      if (group === undefined) {
        group = { profiles, policies: spec.policies, inputs: [], inputIndex: new Map() };
        groups.set(groupKey, group);
      }
      const inputKey = JSON.stringify([entry.file, entry.recover]);
      let index = group.inputIndex.get(inputKey);
      if (index === undefined) {
        index = group.inputs.length;
        group.inputIndex.set(inputKey, index);
        group.inputs.push({ file: entry.file, recover: entry.recover, output: outputs++ });
      }
      const simulated = profiles;
      const checks = entry.expectations.map((expectation) => ({
        expectation,
        targets: new Set(expectationTargets(spec, expectation, simulated).map((p) => p.id)),
      }));
      cases += checks.reduce((sum, c) => sum + c.targets.size, 0);
      if (cases > MAX_TEST_CASES)
        throw spec.source.error(entry.path, `more than ${MAX_TEST_CASES} checks (Distributions × profiles × expectations)`, { code: 'SPEC_TOO_LARGE' });
      planned.push({ spec, entry, output: group.inputs[index]!.output, checks });
    }
  }

  const distributions: DistributionReport[] = new Array<DistributionReport>(outputs);
  let tool: RunReport['tool'] = { name: 'distsim', version: toolVersion() };
  for (const group of groups.values()) {
    const inputs = group.inputs.map((input) => readDistributionInput(input.file, { label: label(input.file, cwd), recover: input.recover }));
    const report = await simulateRun(inputs, group.profiles, { ...simulateOptions, policies: group.policies });
    tool = report.tool;
    group.inputs.forEach((input, i) => {
      distributions[input.output] = report.distributions[i]!;
    });
  }

  const budget = { steps: PATTERN_STEP_BUDGET };
  const tests: TestCaseResult[] = [];
  for (const plan of planned) {
    const report = distributions[plan.output]!;
    if (isInputFailure(report)) {
      tests.push({
        spec: plan.spec.file,
        distribution: plan.output,
        profile: null,
        name: `read ${report.path}`,
        location: { file: plan.spec.file, ...plan.spec.source.locate(plan.entry.path) },
        status: 'error',
        failures: [],
        error: { code: report.error.code, message: report.error.message },
      });
      continue;
    }
    for (const result of report.results) {
      const lost = result.diagnostics.find((d) => d.code === 'SANDBOX_WORKER_LOST');
      for (const { expectation, targets } of plan.checks) {
        if (!targets.has(result.profile)) continue;
        const failures: TestCaseResult['failures'] = [];
        for (const assertion of expectation.assertions) {
          const failure = checkAssertion(assertion, result, report.diagnostics, budget);
          if (failure !== undefined)
            failures.push({ ...failure, location: assertion.location, why: explain?.({ assertion, result, distribution: report }) ?? null });
        }
        tests.push({
          spec: plan.spec.file,
          distribution: plan.output,
          profile: result.profile,
          name: expectation.name,
          location: expectation.location,
          status: lost !== undefined ? 'error' : failures.length > 0 ? 'failed' : 'passed',
          failures,
          error: lost === undefined ? null : { code: lost.code, message: lost.message },
        });
      }
    }
  }
  // Grouped by Distribution, in the order of the report (sort is stable: profiles and expectations keep theirs).
  tests.sort((a, b) => a.distribution - b.distribution);
  return { schemaVersion: 2, tool, distributions, tests };
}

/** 1 when any expectation failed or could not be checked, else 0. */
export function testExitCode(report: RunReport): 0 | 1 {
  return (report.tests ?? []).some((t) => t.status !== 'passed') ? 1 : 0;
}

/** A Distribution's name in reports: relative to `cwd`, so reports do not depend on where the checkout is. */
function label(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !path.isAbsolute(relative) ? relative : file;
}
