import { POLICY_INFO } from '../installer/policy.js';

/**
 * The choice-tree behaviours Apple documents nowhere, as policies in the same
 * shape as POLICY_INFO (policy.ts), so they can join that table: each is
 * chosen with `--policy name=value` and reported by a diagnostic where it
 * decides an outcome.
 *
 * What is known: a parent's `choiceIsSelected` in `installer -showChoicesXML`
 * is derived from its children, `-1` when they differ (installer-dev,
 * March 2011: "It _is_ a possible and legal value");
 * `-applyChoiceChangesXML` applies changes "as if the user clicked", and
 * "changing one choice in a package can implicitly change other choices"
 * (installer(8)). Everything below is inferred from how an outline of
 * checkboxes behaves.
 */
/** The choice policies: the part of POLICY_INFO that src/simulate/choice-state.ts reads. */
export const CHOICE_POLICY_INFO = {
  'early-choice-state': POLICY_INFO['early-choice-state'],
  'parent-constraint': POLICY_INFO['parent-constraint'],
  'parent-selected': POLICY_INFO['parent-selected'],
  'locked-choice-change': POLICY_INFO['locked-choice-change'],
} as const;

type ChoicePolicyName = keyof typeof CHOICE_POLICY_INFO;
export type ChoicePolicies = { -readonly [K in ChoicePolicyName]: (typeof CHOICE_POLICY_INFO)[K]['values'][number] };

const TABLE: ReadonlyMap<string, { values: readonly string[]; default: string }> = new Map(Object.entries(CHOICE_POLICY_INFO));

/**
 * The choice policies out of a run's policies: each value when the table of
 * policies carries a valid one (once CHOICE_POLICY_INFO is part of
 * POLICY_INFO it always does), else the default.
 */
export function choicePolicies(policies: object): ChoicePolicies {
  const out = {} as Record<string, string>;
  for (const [name, info] of TABLE) {
    const value: unknown = Object.hasOwn(policies, name) ? (policies as Record<string, unknown>)[name] : undefined;
    out[name] = typeof value === 'string' && info.values.includes(value) ? value : info.default;
  }
  return out as ChoicePolicies;
}
