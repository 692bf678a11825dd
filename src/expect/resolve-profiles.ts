import { isInputError } from '../errors.js';
import { applyOverrides, loadProfiles, matchesSelector, selectProfiles } from '../profile/index.js';
import type { Profile } from '../profile/types.js';
import type { Expectation, ExpectationSpec, ProfileSetSpec } from './spec-model.js';

/**
 * The profiles a set names, as `distsim run` chooses them from its flags:
 * `ids` in their order (from the built-ins and the set's own files), else
 * only the set's own profiles when it names files or directories, else every
 * built-in; then `where` keeps the matching ones and `set` overrides fields.
 * Selecting nothing is an error, so a gate never passes vacuously. Errors
 * are SpecErrors at the set in the spec.
 */
export function resolveProfileSet(spec: ExpectationSpec, set: ProfileSetSpec): Profile[] {
  const fail = (message: string, code: string, at = set.path): never => {
    throw spec.source.error(at, message, { code });
  };
  const onlyUsers = (set.files.length > 0 || set.dirs.length > 0) && set.ids === null && set.where === null;
  let all: Profile[];
  try {
    all = loadProfiles({ files: [...set.files], dirs: [...set.dirs], builtin: !onlyUsers });
  } catch (error) {
    if (!isInputError(error)) throw error;
    return fail(error.message, error.code);
  }
  if (all.length === 0) fail('no profiles: the directories hold no profile (*.json)', 'NO_PROFILES_SELECTED');
  let chosen = all;
  if (set.ids !== null) {
    const byId = new Map(all.map((p) => [p.id, p]));
    chosen = set.ids.map((id, i) => byId.get(id) ?? fail(`unknown profile ${JSON.stringify(id.slice(0, 80))}`, 'PROFILE_UNKNOWN', [...set.path, 'ids', i]));
  }
  if (set.where !== null) {
    chosen = selectProfiles(chosen, [...set.where]);
    if (chosen.length === 0) fail('no profile matches where', 'NO_PROFILES_SELECTED', [...set.path, 'where']);
  }
  if (set.set.length > 0) {
    try {
      chosen = chosen.map((p) => applyOverrides(p, [...set.set]));
    } catch (error) {
      if (!isInputError(error)) throw error;
      fail(error.message, error.code, [...set.path, 'set']);
    }
  }
  if (chosen.length === 0) fail('no profiles selected', 'NO_PROFILES_SELECTED');
  return chosen;
}

/**
 * The profiles (of those simulated) an expectation applies to, in their
 * order: those it names and those its selectors match (all when it has
 * neither), less its exceptions. A name that is not simulated, or an
 * expectation that applies to nothing, is an error: both are typos that
 * would otherwise pass in silence.
 */
export function expectationTargets(spec: ExpectationSpec, expectation: Expectation, simulated: readonly Profile[]): Profile[] {
  const known = new Set(simulated.map((p) => p.id));
  const unknown = (ids: readonly string[], name: 'profiles' | 'except'): void => {
    ids.forEach((id, i) => {
      if (!known.has(id)) {
        throw spec.source.error([...expectation.path, name, i], `profile ${JSON.stringify(id.slice(0, 80))} is not among the profiles simulated`, {
          code: 'PROFILE_UNKNOWN',
          hint: `simulated: ${listed(simulated.map((p) => p.id))}`,
        });
      }
    });
  };
  unknown(expectation.profiles ?? [], 'profiles');
  unknown(expectation.except, 'except');
  const named = new Set(expectation.profiles ?? []);
  const excluded = new Set(expectation.except);
  const everything = expectation.profiles === null && expectation.where === null;
  const targets = simulated.filter(
    (p) => !excluded.has(p.id) && (everything || named.has(p.id) || (expectation.where ?? []).some((selector) => matchesSelector(p, selector))),
  );
  if (targets.length === 0) throw spec.source.error(expectation.path, 'applies to no simulated profile', { code: 'NO_PROFILES_SELECTED' });
  return targets;
}

function listed(ids: string[], max = 20): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')}, … (${ids.length - max} more)`;
}
