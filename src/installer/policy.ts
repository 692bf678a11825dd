import { InputError } from '../errors.js';
import { abbreviate } from '../util/abbreviate.js';

/**
 * Behaviour Apple does not document, as explicit, configurable policies
 * (`--policy name=value`). The README's policy table gives the evidence for
 * each default and is checked against POLICY_INFO by test/meta.
 */
export const POLICY_INFO = {
  'check-exception': {
    values: ['fail', 'pass'],
    default: 'fail',
    question: 'An installation-check or volume-check script throws',
  },
  'choice-exception': {
    values: ['keep', 'false', 'true'],
    default: 'keep',
    question: 'A choice visible/enabled/selected (or start_*) expression throws',
  },
  'missing-result-type': {
    values: ['warn', 'fatal'],
    default: 'warn',
    question: 'A check returns false without setting my.result.type',
  },
  'warning-result-type': {
    values: ['warn', 'fatal'],
    default: 'warn',
    question: "my.result.type = 'Warning' (DISTREF spelling) instead of 'Warn'",
  },
  truthiness: {
    values: ['js', 'strict'],
    default: 'js',
    question: 'An expression returns a non-boolean (strict: only true is true)',
  },
  'compare-versions-missing': {
    values: ['zero', 'shorter-is-less'],
    default: 'zero',
    question: "system.compareVersions('1', '1.0'): missing components",
  },
  'empty-match': {
    values: ['array', 'null'],
    default: 'array',
    question: 'ioregistry.matchingClass/matchingName, applications.fromIdentifier find nothing',
  },
  'target-in-installation-check': {
    values: ['none', 'boot'],
    default: 'none',
    question: 'my.target inside <script> top level and installation-check',
  },
  'choice-writes': {
    values: ['ignore', 'allow'],
    default: 'ignore',
    question: 'A script assigns choices.x.selected/enabled/visible',
  },
} as const;

export type PolicyName = keyof typeof POLICY_INFO;
export type Policies = { -readonly [K in PolicyName]: (typeof POLICY_INFO)[K]['values'][number] };

/** Policies by name: a Map, so a name such as `constructor` or `__proto__` finds nothing rather than Object.prototype's. */
const POLICY_TABLE: ReadonlyMap<string, { values: readonly string[]; default: string }> = new Map(Object.entries(POLICY_INFO));

export function defaultPolicies(): Policies {
  const out = {} as Record<string, string>;
  for (const [name, info] of POLICY_TABLE) out[name] = info.default;
  return out as Policies;
}

/**
 * Parses `name=value` settings on top of the defaults. Throws an InputError
 * `POLICY_UNKNOWN` or `POLICY_VALUE_INVALID` whose message starts with the
 * setting as given (`truthiness=maybe: ...`); the CLI prefixes its flag.
 */
export function parsePolicies(settings: readonly string[]): Policies {
  const policies = defaultPolicies() as Record<string, string>;
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    const name = eq === -1 ? setting : setting.slice(0, eq);
    const value = eq === -1 ? '' : setting.slice(eq + 1);
    const info = POLICY_TABLE.get(name);
    if (info === undefined) {
      throw new InputError(`${abbreviate(setting)}: unknown policy '${abbreviate(name)}' (known: ${[...POLICY_TABLE.keys()].join(', ')})`, { code: 'POLICY_UNKNOWN' });
    }
    if (!info.values.includes(value)) {
      throw new InputError(`${abbreviate(setting)}: '${abbreviate(value)}' is not one of ${info.values.join(', ')}`, { code: 'POLICY_VALUE_INVALID', hint: `form: NAME=VALUE, e.g. ${name}=${info.values[0]!}` });
    }
    policies[name] = value;
  }
  return policies as Policies;
}
