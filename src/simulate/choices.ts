import { createDiagnostic } from '../diagnostics/diagnostic.js';
import type { ChoiceChange } from '../input/choice-changes.js';
import type { ChoiceResult } from '../types.js';
import { applyChoiceChanges } from './choice-changes.js';
import type { ChoiceFlag, ChoiceState } from './choice-state.js';
import type { Evaluator } from './evaluator.js';

const FLAGS: readonly ChoiceFlag[] = ['visible', 'enabled', 'selected'];
const START = { visible: 'start_visible', enabled: 'start_enabled', selected: 'start_selected' } as const;

/**
 * Evaluations of choice attributes allowed for re-evaluating after the
 * user's changes, over all of them: each change may cost a full fixpoint, and
 * thousands of changes on thousands of choices must not add up without bound.
 */
const MAX_CHANGE_EVALUATIONS = 100_000;

/**
 * The choice phase: start_* once in outline pre-order, then
 * visible/enabled/selected repeatedly in outline pre-order until nothing
 * changes (the Installer re-evaluates them repeatedly: install logs show the
 * same selected expressions run several times in one second), with my.choice
 * bound to the choice. Then the user's changes, each like a click followed
 * by the same fixpoint. The state itself lives in {@link ChoiceState}.
 */
export function evaluateChoices(ev: Evaluator, state: ChoiceState, changes: readonly ChoiceChange[] = []): ChoiceResult[] {
  state.beginChoicePhase();
  const dynamic: number[] = [];
  for (const i of state.outlineOrder()) {
    const def = state.def(i);
    const attributes = def.attributes;
    if (attributes.visible || attributes.enabled || attributes.selected) dynamic.push(i);
    if (!attributes.start_visible && !attributes.start_enabled && !attributes.start_selected) continue;
    ev.bindChoice(def.id);
    for (const flag of FLAGS) {
      const value = attributes[START[flag]];
      if (value) state.set(i, flag, ev.attribute(value, state.ownValue(i, flag), 'choice'), 'attribute');
    }
  }
  settle(ev, state, dynamic, Infinity);
  if (changes.length > 0) {
    let left = MAX_CHANGE_EVALUATIONS;
    applyChoiceChanges(state, changes, () => {
      if (left <= 0) return false;
      left -= settle(ev, state, dynamic, left);
      return true;
    });
    if (left <= 0) {
      ev.sink.add(
        createDiagnostic(
          'CHOICES_DID_NOT_SETTLE',
          `re-evaluating the choices after the changes took more than ${MAX_CHANGE_EVALUATIONS} evaluations; later changes were applied without re-evaluation`,
          {
            args: { evaluations: MAX_CHANGE_EVALUATIONS },
          },
        ),
        'changes',
      );
    }
  }
  ev.bindChoice(undefined);
  state.reportOutlineEffects();
  return state.results(ev.host.strings);
}

/** visible/enabled/selected of `dynamic` in order until a pass changes nothing or the pass limit; returns the evaluations made. */
function settle(ev: Evaluator, state: ChoiceState, dynamic: readonly number[], budget: number): number {
  const passes = ev.settings.limits.maxChoicePasses;
  let evaluations = 0;
  let settled = dynamic.length === 0;
  for (let pass = 0; pass < passes && !settled && evaluations < budget; pass++) {
    let changed = false;
    for (const i of dynamic) {
      const def = state.def(i);
      ev.bindChoice(def.id);
      for (const flag of FLAGS) {
        const value = def.attributes[flag];
        if (!value) continue;
        evaluations++;
        if (state.set(i, flag, ev.attribute(value, state.ownValue(i, flag), 'choice'), 'attribute')) changed = true;
      }
    }
    settled = !changed;
  }
  if (!settled && evaluations < budget) {
    ev.sink.add(
      createDiagnostic('CHOICES_DID_NOT_SETTLE', `choice expressions still changed after ${passes} passes; the last state is reported`, {
        args: { passes },
      }),
      'passes',
    );
  }
  return evaluations;
}
