/**
 * `<hardware-properties><sysctl-requirements>`: one predicate over sysctl
 * values. The caller passes the table the Distribution sees (the translated
 * view under Rosetta 2, where e.g. hw.optional.avx2_0 reads 0).
 *
 * productbuild(1): "only a subset of sysctl(2) variables are available,
 * including most of the hw.* tree and kern.ostype, kern.osrelease,
 * kern.osrevision, and kern.version". With the default `documented`
 * subset, other names read nil; `all` exposes the whole table.
 */
import type { SysctlValue } from '../profile/types.js';
import { isRequirementEvaluated, requirementOsFloor } from './floors.js';
import { predicatePosition, type PredicateSource, type SyntaxProblem } from './model.js';
import { PredicateSyntaxError, evaluatePredicate, explainOutcome, parsePredicate, type PredicateOutcome } from './predicate.js';
import type { Facts } from './value.js';

export type SysctlSubset = 'documented' | 'all';

export interface SysctlOptions {
  /** ProductVersion of the OS the Installer runs on. */
  osVersion: string;
  /** Which names the predicate may read (default `documented`). */
  subset?: SysctlSubset;
}

export interface SysctlResult {
  /** passed or ignored. */
  satisfied: boolean;
  status: 'passed' | 'failed' | 'ignored' | 'invalid';
  predicate: string;
  /** The floor (set when ignored). */
  floor?: string;
  outcome?: PredicateOutcome;
  syntaxError?: SyntaxProblem;
  explanation: string[];
}

const DOCUMENTED_KERN = new Set(['kern.ostype', 'kern.osrelease', 'kern.osrevision', 'kern.version']);

/** Facts over a flat sysctl table: `hw.optional.avx2_0` is the one name `hw.optional.avx2_0`. */
export function sysctlFacts(table: Readonly<Record<string, SysctlValue>>, subset: SysctlSubset = 'documented'): Facts {
  const available = (name: string) => subset === 'all' || name.startsWith('hw.') || DOCUMENTED_KERN.has(name);
  return {
    lookup(path) {
      const name = path.join('.');
      if (!available(name) || !Object.hasOwn(table, name)) return undefined;
      const v = table[name];
      return typeof v === 'number' || typeof v === 'string' ? v : undefined;
    },
    whyMissing(path) {
      const name = path.join('.');
      if (!available(name)) return 'not available to sysctl-requirements (only hw.* and kern.ostype, kern.osrelease, kern.osrevision, kern.version)';
      return 'no such sysctl on this Mac';
    },
  };
}

/** Evaluates a sysctl-requirements predicate. Never throws. */
export function evaluateSysctlRequirements(source: PredicateSource, table: Readonly<Record<string, SysctlValue>>, options: SysctlOptions): SysctlResult {
  const predicate = source.text;
  if (!isRequirementEvaluated('sysctl-requirements', options.osVersion)) {
    const floor = requirementOsFloor('sysctl-requirements');
    return {
      satisfied: true,
      status: 'ignored',
      predicate,
      floor,
      explanation: [`sysctl-requirements ignored: the Installer ignores it before macOS ${floor} (this Mac runs ${options.osVersion})`],
    };
  }
  let parsed;
  try {
    parsed = parsePredicate(predicate);
  } catch (e) {
    if (!(e instanceof PredicateSyntaxError)) throw e;
    const syntaxError = { offset: e.offset, message: e.reason, position: predicatePosition(source, e.offset) };
    return {
      satisfied: false,
      status: 'invalid',
      predicate,
      syntaxError,
      explanation: [
        `sysctl-requirements: the predicate does not parse (${e.reason}, at ${syntaxError.position.line}:${syntaxError.position.column}); the check fails`,
      ],
    };
  }
  const outcome = evaluatePredicate(parsed, sysctlFacts(table, options.subset));
  const explanation = outcome.satisfied ? [] : [`sysctl-requirements failed ${explainOutcome(outcome).join(', ')}`];
  return { satisfied: outcome.satisfied, status: outcome.satisfied ? 'passed' : 'failed', predicate, outcome, explanation };
}
