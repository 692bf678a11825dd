import { createDiagnostic } from '../diagnostics/diagnostic.js';
import { clip, MAX_ARG_LENGTH } from '../diagnostics/sink.js';
import type { AttributeValue, Evaluable } from '../distribution/model.js';
import type { PackageResult, ProfileResult, RestartAction } from '../types.js';
import { own } from '../util/own.js';
import type { ChoiceState } from './choice-state.js';
import type { Evaluator } from './evaluator.js';

/**
 * Domains, packages and the restart action, as Apple's Distribution XML
 * reference describes them: a pkg-ref installs when a selected outline
 * choice references it and its `active` is true; the restart action is the
 * highest among installed ones.
 */
const RESTART_RANK = new Map<string, RestartAction>([
  ['none', 'None'],
  ['recommendrestart', 'RecommendRestart'],
  ['requirelogout', 'RequireLogout'],
  ['requirerestart', 'RequireRestart'],
  ['requireshutdown', 'RequireShutdown'],
]);
const RESTART_ORDER: RestartAction[] = ['None', 'RecommendRestart', 'RequireLogout', 'RequireRestart', 'RequireShutdown'];
export function evaluateDomains(ev: Evaluator): ProfileResult['domains'] {
  const d = ev.dist.domains;
  if (!d) return { anywhere: true, currentUserHome: false, localSystem: true };
  const value = (attr: AttributeValue | undefined) => (attr ? ev.attribute(attr, false, 'check') : false);
  return { anywhere: value(d.anywhere), currentUserHome: value(d.currentUserHome), localSystem: value(d.localSystem) };
}

/**
 * The pkg-refs the outline's choices reference, in outline order. A package
 * installs when a choice referencing it has its own checkbox selected (hidden
 * or disabled choices too: real installs show hidden selected choices with
 * active packages) and its `active` is true. A pkg-ref without a definition
 * is reported once per Distribution by the parser.
 */
export function evaluatePackages(ev: Evaluator, state: ChoiceState): PackageResult[] {
  const refs = new Map(ev.dist.pkgRefs.map((r) => [r.id, r]));
  // pkg-refs in outline order, each with the outline choices that reference it.
  const usedBy = new Map<string, string[]>();
  for (const i of state.outlineOrder()) {
    const choiceId = state.def(i).id;
    for (const ref of state.def(i).pkgRefs) {
      const list = usedBy.get(ref);
      if (!list) usedBy.set(ref, [choiceId]);
      else if (list[list.length - 1] !== choiceId) list.push(choiceId);
    }
  }
  const receipts = ev.host.bootVolume?.receipts;
  return [...usedBy].map(([id, choiceIds]) => {
    const ref = refs.get(id);
    ev.bindChoice(choiceIds[0]);
    const active = ref?.active ? ev.attribute(ref.active, true, 'check') : true;
    const selected = choiceIds.some((c) => state.installs(c));
    const installed = own(receipts, id)?.version;
    return {
      id,
      version: ref?.version ?? null,
      path: ref?.path ?? null,
      choices: choiceIds,
      active,
      install: selected && active,
      installKBytes: ref?.installKBytes ?? null,
      installedVersion: typeof installed === 'string' ? installed : null,
    };
  });
}

export function restartAction(ev: Evaluator, packages: PackageResult[]): RestartAction {
  let best: RestartAction = 'None';
  const refs = new Map(ev.dist.pkgRefs.map((r) => [r.id, r]));
  for (const pkg of packages) {
    if (!pkg.install) continue;
    const ref = refs.get(pkg.id);
    let raw: string | undefined = ref?.onConclusion;
    let where: Evaluable | undefined;
    if (ref?.onConclusionScript !== undefined) {
      where = ev.dist.evaluables[ref.onConclusionScript]!;
      ev.bindChoice(pkg.choices[0]);
      const outcome = ev.evaluate(ref.onConclusionScript, 'value');
      raw = outcome.ok && outcome.type === 'string' ? outcome.string : outcome.ok ? `(${outcome.type})` : undefined;
    }
    if (raw === undefined) continue;
    const action = RESTART_RANK.get(raw.trim().toLowerCase());
    if (!action) {
      ev.sink.add(createDiagnostic('RESTART_ACTION_UNKNOWN', `pkg-ref '${pkg.id}': '${clip(raw, MAX_ARG_LENGTH)}' is not a restart action; None is used`, {
        ...(where ? { location: { file: ev.dist.path, ...where.position }, source: where.source } : ref && { location: { file: ev.dist.path, ...ref.position } }),
        args: { value: raw },
      }));
      continue;
    }
    if (RESTART_ORDER.indexOf(action) > RESTART_ORDER.indexOf(best)) best = action;
  }
  return best;
}
