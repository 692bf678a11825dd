import type { Distribution } from '../distribution/model.js';
import { InputError } from '../errors.js';
import { parsePolicies } from '../installer/policy.js';
import type { Profile } from '../profile/types.js';
import { simulate } from '../runner/simulate.js';
import type { ProfileResult } from '../types.js';
import { withFlag } from './flag-errors.js';

/** Events kept per profile by `why` and `diff`: enough for any real Distribution, bounded for hostile ones. */
export const EXPLAIN_TRACE_EVENTS = 100_000;

/** The `--policy` flags as given, checked. */
export function policiesFrom(policy: unknown) {
  return withFlag('--policy ', () => parsePolicies(Array.isArray(policy) ? policy.map(String) : policy === undefined ? [] : [String(policy)]));
}

/** Simulates one profile in process with tracing on. */
export async function tracedResult(dist: Distribution, profile: Profile, policy: unknown): Promise<ProfileResult> {
  const report = await simulate(dist, [profile], { workers: 0, policies: policiesFrom(policy), trace: { maxEvents: EXPLAIN_TRACE_EVENTS } });
  return report.results[0]!;
}

/** Exactly one profile, or a one-line error naming the flag. */
export function oneProfile(profiles: Profile[], flag: string): Profile {
  if (profiles.length !== 1) throw new InputError(`${flag}: choose exactly one profile (${profiles.length} selected)`, { code: 'USAGE' });
  return profiles[0]!;
}
