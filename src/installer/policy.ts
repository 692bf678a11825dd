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
    values: ['false', 'keep', 'true'],
    default: 'false',
    question: 'A choice visible/enabled/selected (or start_*) expression throws (false: JavaScriptCore gives undefined for a script that threw, read as false)',
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
    values: ['null', 'array'],
    default: 'null',
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
  'early-choice-state': {
    values: ['start', 'true'],
    default: 'start',
    question: 'A script reads a choice before the choice phase (in <script>, installation-check or volume-check)',
  },
  'parent-constraint': {
    values: ['subtree', 'none'],
    default: 'subtree',
    question: 'A parent choice is hidden or disabled: do its children show as hidden or disabled too',
  },
  'parent-selected': {
    values: ['derived', 'own'],
    default: 'derived',
    question: "A parent choice's selected state: derived from its children (a change of its own passes to its enabled children), or its own",
  },
  'locked-choice-change': {
    values: ['refuse', 'apply'],
    default: 'refuse',
    question: 'A change file, --select or --deselect selects or deselects a hidden or disabled choice',
  },
  'omitted-domain': {
    values: ['default', 'off'],
    default: 'default',
    question: 'A <domains> element omits an enable_* attribute (default: the documented default of that attribute)',
  },
  'run-unanswered': {
    values: ['undefined', 'exit-0', 'exit-1'],
    default: 'undefined',
    question: 'system.run/runOnce is allowed but the profile has no answer for the command',
  },
  'require-scripts-false': {
    values: ['evaluate', 'skip'],
    default: 'evaluate',
    question: 'options require-scripts="false" while the Distribution has JavaScript',
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
      throw new InputError(`${abbreviate(setting)}: unknown policy '${abbreviate(name)}' (known: ${[...POLICY_TABLE.keys()].join(', ')})`, {
        code: 'POLICY_UNKNOWN',
      });
    }
    if (!info.values.includes(value)) {
      throw new InputError(`${abbreviate(setting)}: '${abbreviate(value)}' is not one of ${info.values.join(', ')}`, {
        code: 'POLICY_VALUE_INVALID',
        hint: `form: NAME=VALUE, e.g. ${name}=${info.values[0]!}`,
      });
    }
    policies[name] = value;
  }
  return policies as Policies;
}
