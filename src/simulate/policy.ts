import { UsageError } from '../errors.js';

/**
 * Behaviour Apple does not document, as explicit, configurable policies
 * (`--policy name=value`). Each default follows research/installer-js.md
 * §5.4 and installer-evidence.md §5; the README's policy table is checked
 * against POLICY_INFO by test/meta.
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

export function defaultPolicies(): Policies {
  const out = {} as Record<string, string>;
  for (const [name, info] of Object.entries(POLICY_INFO)) out[name] = info.default;
  return out as Policies;
}

/** Parses `name=value` flags on top of the defaults. */
export function parsePolicies(flags: readonly string[]): Policies {
  const policies = defaultPolicies() as Record<string, string>;
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq === -1 ? flag : flag.slice(0, eq);
    const value = eq === -1 ? '' : flag.slice(eq + 1);
    const info = (POLICY_INFO as Record<string, { values: readonly string[] }>)[name];
    if (!info) throw new UsageError(`--policy ${flag}: unknown policy '${name}' (known: ${Object.keys(POLICY_INFO).join(', ')})`);
    if (!info.values.includes(value)) throw new UsageError(`--policy ${flag}: '${value}' is not one of ${info.values.join(', ')}`);
    policies[name] = value;
  }
  return policies as Policies;
}
