import type { AttributeValue } from '../distribution/model.js';
import type { ChoiceState } from './choice-state.js';
import type { Evaluator } from './evaluator.js';

/**
 * After the choice phase: a choice whose own state ended hidden or
 * deselected was decided by the last run of its `visible` (or
 * `start_visible`) and `selected` (or `start_selected`) expression; the
 * questions those runs could not get answered become warnings (see
 * InstallerHost.raiseDecided). A dynamic expression runs again after the
 * user's changes, so its last run gave the state; a choice with only a
 * start_* expression that a change deselected is raised too (simple, and
 * still a question the profile left unanswered on the way there).
 */
export function raiseChoiceDecisions(ev: Evaluator, state: ChoiceState): void {
  for (const i of state.outlineOrder()) {
    const attributes = state.def(i).attributes;
    if (!state.ownValue(i, 'visible')) raise(ev, attributes.visible ?? attributes.start_visible);
    if (!state.ownValue(i, 'selected')) raise(ev, attributes.selected ?? attributes.start_selected);
  }
}

function raise(ev: Evaluator, value: AttributeValue | undefined): void {
  if (value?.kind === 'script') ev.host.raiseDecided(value.evaluable);
}
