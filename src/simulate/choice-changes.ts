import { clip, MAX_ARG_LENGTH } from '../diagnostics/sink.js';
import type { ChoiceChange } from '../input/choice-changes.js';
import type { ChoiceFlag, ChoiceState } from './choice-state.js';

/**
 * The user's changes (a change file, --select, --deselect), applied in order
 * after the default state is evaluated, as `installer -applyChoiceChangesXML`
 * does "as if the user clicked" (installer(8)):
 *
 * - a click (`click`, `toggle`) acts on the checkbox as shown: selecting a
 *   mixed parent selects its enabled subtree; clicking a checkbox already in
 *   the wanted state does nothing;
 * - a setting (`set`) overrides the attribute: it does nothing when the
 *   attribute already reads that value (so a template fed back changes
 *   nothing), else it sets it, a parent's selected state passing to its
 *   enabled children;
 * - selecting or deselecting needs the choice enabled and visible (policy
 *   locked-choice-change); visible and enabled settings are what unlock it;
 * - after each change that did something, every dynamic attribute is
 *   re-evaluated to a fixpoint (`settle`, which returns false once the
 *   re-evaluation budget is spent), and a change that the expressions undo is
 *   reported.
 *
 * Unknown choices, locked ones, customLocation on a choice that declares
 * none and changes read from `-showChoicesXML` output are warnings naming the
 * choice and where the change came from.
 */
export function applyChoiceChanges(state: ChoiceState, changes: readonly ChoiceChange[], settle: () => boolean): void {
  for (const change of changes) {
    const id = change.choice;
    const args = { choice: id, origin: change.origin };
    if (change.kind === 'set' && change.form === 'showChoicesXML') {
      state.report(
        'CHOICE_CHANGES_SHOW_CHOICES_FORM',
        `${q(change.origin)}: this is installer -showChoicesXML output; Apple's installer refuses it as a change file ("either could not be found or was malformed"). distsim reads the states it shows; write a change file with --format choice-changes`,
        'form',
        { origin: change.origin },
      );
    }
    const i = state.find(id);
    if (i === undefined || !state.inOutline(i)) {
      const why = i === undefined ? 'no choice has this id' : 'the choice is not in the choices-outline';
      state.report(
        'CHOICE_CHANGE_UNKNOWN',
        `${q(change.origin)}: choice '${q(id)}' is unknown (${why}); the change is ignored, as a renamed choice breaks a change file`,
        `${change.origin}:${id}`,
        args,
      );
      continue;
    }
    if (change.kind === 'set' && change.attribute === 'customLocation') {
      if (state.def(i).customLocation === undefined) {
        state.report(
          'CHOICE_CHANGE_NOT_RELOCATABLE',
          `${q(change.origin)}: choice '${q(id)}' declares no customLocation; its install location cannot be changed`,
          `${change.origin}:${id}`,
          args,
        );
      } else state.setCustomLocation(i, change.value);
      continue;
    }
    if (change.kind === 'set' && change.attribute !== 'selected') {
      if (state.value(i, change.attribute) === change.value) continue;
      state.set(i, change.attribute, change.value, 'setting');
      if (settle()) checkKept(state, i, change.attribute, change.value, change.origin);
      continue;
    }
    let value: boolean;
    if (change.kind === 'set') {
      value = change.value;
      if (state.value(i, 'selected') === value) continue;
    } else {
      value = change.kind === 'toggle' ? state.shown(i) !== 1 : change.value;
      if (state.shown(i) === (value ? 1 : 0)) continue;
    }
    if (!state.value(i, 'enabled') || !state.value(i, 'visible')) {
      const why = !state.value(i, 'visible') ? 'hidden' : 'disabled';
      const apply = state.policies['locked-choice-change'] === 'apply';
      state.report(
        'CHOICE_CHANGE_LOCKED',
        `${q(change.origin)}: choice '${q(id)}' is ${why}, so a user cannot ${value ? 'select' : 'deselect'} it; ${apply ? 'applied anyway' : 'the change is ignored'} (policy locked-choice-change=${state.policies['locked-choice-change']})`,
        `${change.origin}:${id}`,
        { ...args, state: why, applied: apply },
      );
      if (!apply) continue;
    }
    state.set(i, 'selected', value, change.kind === 'set' ? 'setting' : 'click');
    if (!settle()) continue;
    if (change.kind === 'set') checkKept(state, i, 'selected', value, change.origin);
    else if (state.shown(i) !== (value ? 1 : 0)) revert(state, i, 'selected', value, change.origin, state.shown(i));
  }
}

function checkKept(state: ChoiceState, i: number, flag: ChoiceFlag, value: boolean, origin: string): void {
  const now = state.value(i, flag);
  if (now !== value) revert(state, i, flag, value, origin, now);
}

function revert(state: ChoiceState, i: number, flag: ChoiceFlag, wanted: boolean, origin: string, now: boolean | number): void {
  const id = state.def(i).id;
  state.report(
    'CHOICE_CHANGE_REVERTED',
    `${q(origin)}: choice '${q(id)}' ${flag} was set to ${wanted}, but after re-evaluating the choices it is ${now} (a ${flag} expression decides it)`,
    `${origin}:${id}:${flag}`,
    { choice: id, origin, attribute: flag, wanted, now },
  );
}

function q(text: string): string {
  return clip(text, MAX_ARG_LENGTH);
}
