/**
 * In-process simulation for the choice tests: one Distribution (a fixture
 * under test/fixtures/choices or inline XML) on one profile, with the user's
 * choice changes. Settings come from the library's runSettings, as
 * simulateRun builds them; runProfile is called directly only because
 * SimulateOptions does not carry choiceChanges yet.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDistribution } from '../../src/distribution/parse.js';
import type { ChoiceChange } from '../../src/input/choice-changes.js';
import { applyOverrides, loadProfiles } from '../../src/profile/index.js';
import type { Profile } from '../../src/profile/types.js';
import { runSettings, simulateRun, type SimulateOptions } from '../../src/runner/simulate.js';
import { getEngine, setWasmMemoryCap } from '../../src/sandbox/engine.js';
import { DEFAULT_LIMITS } from '../../src/simulate/limits.js';
import { quickjsSessions, runProfile } from '../../src/simulate/run-profile.js';
import type { ChoiceResult, ProfileResult, RunReport } from '../../src/types.js';
import { ROOT } from '../helpers.js';

export const INTEL = 'macbookpro-15-mid2015-10.14.6';
export const M1_NO_ROSETTA = 'macbookair-m1-2020-11.7.10';

export function choicesFixture(name: string): string {
  return path.join(ROOT, 'test', 'fixtures', 'choices', name);
}

let builtins: Profile[] | undefined;
export function profileFor(id: string, sets: string[] = []): Profile {
  builtins ??= loadProfiles();
  const p = builtins.find((x) => x.id === id);
  if (!p) throw new Error(`unknown profile ${id}`);
  return sets.length > 0 ? applyOverrides(p, sets) : p;
}

export interface ChoiceRunOptions extends SimulateOptions {
  changes?: ChoiceChange[];
  sets?: string[];
  profile?: string;
}

function load(source: string) {
  const inline = source.trimStart().startsWith('<');
  return parseDistribution(inline ? source : readFileSync(choicesFixture(source), 'utf8'), inline ? 'inline.xml' : source);
}

/** The report document of one run (one Distribution, one profile), as `distsim run` builds it. */
export async function choiceReport(source: string, options: ChoiceRunOptions = {}): Promise<RunReport> {
  const dist = load(source);
  const prof = profileFor(options.profile ?? INTEL, options.sets);
  if (!options.changes) return simulateRun([dist], [prof], { ...options, workers: 0 });
  const settings = { ...runSettings(options), choiceChanges: options.changes };
  setWasmMemoryCap(DEFAULT_LIMITS.wasmMemoryBytes);
  const result = runProfile(quickjsSessions(await getEngine()), dist, prof, settings);
  const report = await simulateRun([dist], [], { workers: 0 });
  const entry = report.distributions[0]!;
  return { ...report, distributions: [{ ...entry, results: [JSON.parse(JSON.stringify(result)) as ProfileResult] }] };
}

export async function choiceRun(source: string, options: ChoiceRunOptions = {}): Promise<ProfileResult> {
  const report = await choiceReport(source, options);
  const entry = report.distributions[0]!;
  if ('error' in entry) throw new Error(entry.error.message);
  return entry.results[0]!;
}

export function state(result: ProfileResult, id: string): Pick<ChoiceResult, 'visible' | 'enabled' | 'selected' | 'selectedState'> {
  const c = result.choices.find((x) => x.id === id);
  if (!c) throw new Error(`no choice ${id}`);
  return { visible: c.visible, enabled: c.enabled, selected: c.selected, selectedState: c.selectedState };
}

/** `[id, selectedState]` for every choice, in outline order. */
export function shown(result: ProfileResult): Array<[string, number]> {
  return result.choices.map((c) => [c.id, c.selectedState]);
}

export function installed(result: ProfileResult): string[] {
  return result.packages.filter((p) => p.install).map((p) => p.id);
}

export function diagnostics(result: ProfileResult, code: string): Array<Record<string, unknown>> {
  return result.diagnostics.filter((d) => d.code === code).map((d) => ({ ...d.args }));
}

export function click(choice: string, value: boolean): ChoiceChange {
  return { kind: 'click', choice, value, origin: `${value ? '--select' : '--deselect'} ${choice}` };
}
