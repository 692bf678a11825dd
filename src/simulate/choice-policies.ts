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
export const CHOICE_POLICY_INFO = {
  'early-choice-state': {
    values: ['start', 'true'],
    default: 'start',
    question: 'A script reads a choice before the choice phase (in <script>, installation-check or volume-check)',
  },
  'parent-constraint': {
    values: ['subtree', 'none'],
    default: 'subtree',
    question: "A parent choice is hidden or disabled: do its children show as hidden or disabled too",
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
