import { createDiagnostic } from '../diagnostics/diagnostic.js';
import type { ChoiceAttribute, OutlineNode } from '../distribution/model.js';
import type { ChoiceState } from '../mocks/host-api.js';
import type { ChoiceResult } from '../types.js';
import type { Evaluator } from './evaluator.js';

/**
 * The choice tree (research §4.6, §5.2, evidence §4.6): start_* once in
 * outline pre-order, then visible/enabled/selected repeatedly in outline
 * pre-order until nothing changes, with my.choice bound to the choice.
 */
export function evaluateChoices(ev: Evaluator): ChoiceResult[] {
  const order: Array<{ id: string; parent: string | null }> = [];
  const known = new Map(ev.dist.choices.map((c) => [c.id, c]));
  const walk = (nodes: OutlineNode[], parent: string | null) => {
    for (const node of nodes) {
      if (!known.has(node.choice)) {
        ev.sink.add(createDiagnostic('OUTLINE_UNKNOWN_CHOICE', `the choices-outline names choice '${node.choice}', which is not defined; the line is skipped`, {
          location: { file: ev.dist.path, ...node.position },
          args: { choice: node.choice },
        }));
        walk(node.children, parent);
        continue;
      }
      order.push({ id: node.choice, parent });
      walk(node.children, node.choice);
    }
  };
  walk(ev.dist.outline, null);

  // Every choice starts with the attribute defaults (true), so expressions can read any choice's state.
  for (const c of ev.dist.choices) ev.host.choiceStates.set(c.id, { visible: true, enabled: true, selected: true, ...(c.tooltip !== undefined && { tooltip: c.tooltip }) });

  // start_* once, in outline pre-order.
  for (const { id } of order) {
    const def = known.get(id)!;
    const state = ev.host.choiceStates.get(id)!;
    ev.bindChoice(id);
    for (const attr of ['start_visible', 'start_enabled', 'start_selected'] as const) {
      const value = def.attributes[attr];
      if (value) state[attr.slice(6) as keyof Omit<ChoiceState, 'tooltip'>] = ev.attribute(value, true, 'choice');
    }
  }

  // visible/enabled/selected until nothing changes (the Installer re-evaluates repeatedly: evidence §4.6).
  const dynamic = order.filter(({ id }) => (['visible', 'enabled', 'selected'] as ChoiceAttribute[]).some((a) => known.get(id)!.attributes[a]));
  let settled = dynamic.length === 0;
  for (let pass = 0; pass < ev.settings.limits.maxChoicePasses && !settled; pass++) {
    let changed = false;
    for (const { id } of dynamic) {
      const def = known.get(id)!;
      const state = ev.host.choiceStates.get(id)!;
      ev.bindChoice(id);
      for (const attr of ['visible', 'enabled', 'selected'] as const) {
        const value = def.attributes[attr];
        if (!value) continue;
        const next = ev.attribute(value, state[attr], 'choice');
        if (next !== state[attr]) {
          state[attr] = next;
          changed = true;
        }
      }
    }
    settled = !changed;
  }
  if (!settled) {
    ev.sink.add(createDiagnostic('CHOICES_DID_NOT_SETTLE', `choice expressions still changed after ${ev.settings.limits.maxChoicePasses} passes; the last state is reported`, {
      args: { passes: ev.settings.limits.maxChoicePasses },
    }));
  }
  ev.bindChoice(undefined);
  return order.map(({ id, parent }) => {
    const s = ev.host.choiceStates.get(id)!;
    return { id, parent, title: known.get(id)!.title ?? null, visible: s.visible, enabled: s.enabled, selected: s.selected };
  });
}
