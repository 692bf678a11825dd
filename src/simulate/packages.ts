import { createDiagnostic } from '../diagnostics/diagnostic.js';
import { clip, MAX_ARG_LENGTH } from '../diagnostics/sink.js';
import type { AttributeValue, Evaluable, PkgRefDef } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
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
/** Apple's Distribution XML reference: anywhere and localSystem default to true, currentUserHome to false. */
const DOMAIN_DEFAULTS = { anywhere: true, currentUserHome: false, localSystem: true } as const;
const DOMAIN_ATTRIBUTES = { anywhere: 'enable_anywhere', currentUserHome: 'enable_currentUserHome', localSystem: 'enable_localSystem' } as const;

/**
 * The installation domains, read per attribute. Apple documents each
 * attribute's default without saying whether it also applies when only that
 * attribute is omitted; policy omitted-domain decides (`default`: the
 * documented default, `off`: false), and each omission is reported.
 */
export function evaluateDomains(ev: Evaluator): ProfileResult['domains'] {
  const d = ev.dist.domains;
  if (!d) return { ...DOMAIN_DEFAULTS };
  const policy = ev.settings.policies['omitted-domain'];
  const value = (name: keyof typeof DOMAIN_DEFAULTS): boolean => {
    const attr: AttributeValue | undefined = d[name];
    // A failing expression is false, like a failing check; the default stands in only when scripts are skipped.
    if (attr) return ev.attribute(attr, DOMAIN_DEFAULTS[name], 'check');
    const used = policy === 'default' ? DOMAIN_DEFAULTS[name] : false;
    const attribute = DOMAIN_ATTRIBUTES[name];
    ev.sink.report(
      'DOMAIN_ATTRIBUTE_DEFAULTED',
      `<domains> has no ${attribute}; ${used} is used (policy omitted-domain=${policy})`,
      { location: { file: ev.dist.path, ...d.position }, args: { attribute, value: used } },
      attribute,
    );
    return used;
  };
  return { anywhere: value('anywhere'), currentUserHome: value('currentUserHome'), localSystem: value('localSystem') };
}

/**
 * The pkg-refs the outline's choices reference, in outline order. A package
 * installs when a choice referencing it has its own checkbox selected (hidden
 * or disabled choices too: real installs show hidden selected choices with
 * active packages) and its `active` is true. A pkg-ref without a definition
 * is reported once per Distribution by the parser.
 */
export function evaluatePackages(ev: Evaluator, state: ChoiceState, profile: Profile): PackageResult[] {
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
  const running = new Set((profile.applications ?? []).map((app) => app.CFBundleIdentifier));
  return [...usedBy].map(([id, choiceIds]) => {
    const ref = refs.get(id);
    ev.bindChoice(choiceIds[0]);
    const active = ref?.active ? ev.attribute(ref.active, true, 'check') : true;
    if (!active && ref?.active?.kind === 'script') ev.host.raiseDecided(ref.active.evaluable);
    const selected = choiceIds.some((c) => state.installs(c));
    const installed = own(receipts, id)?.version;
    const result: PackageResult = {
      id,
      version: ref?.version ?? null,
      path: ref?.path ?? null,
      choices: choiceIds,
      active,
      install: selected && active,
      installKBytes: ref?.installKBytes ?? null,
      installedVersion: typeof installed === 'string' ? installed : null,
    };
    if (ref?.mustClose) result.mustClose = mustClose(ev, ref, result.install, running);
    if (ref?.bundleVersions) result.bundleVersions = ref.bundleVersions.map((b) => ({ ...b }));
    return result;
  });
}

/** The applications `<must-close>` names, and which run here: the Installer asks to quit those before it installs the package. */
function mustClose(ev: Evaluator, ref: PkgRefDef, installs: boolean, running: ReadonlySet<string>): Array<{ id: string; running: boolean }> {
  const apps = (ref.mustClose ?? []).map((id) => ({ id, running: running.has(id) }));
  if (installs) {
    for (const app of apps) {
      if (!app.running) continue;
      ev.sink.report(
        'MUST_CLOSE_RUNNING',
        `pkg-ref '${clip(ref.id, MAX_ARG_LENGTH)}': the Installer asks to quit ${clip(app.id, MAX_ARG_LENGTH)}, which is running on this Mac (<must-close>)`,
        {
          location: { file: ev.dist.path, ...ref.position },
          args: { package: ref.id, app: app.id },
        },
        `${ref.id}\u0000${app.id}`,
      );
    }
  }
  return apps;
}

export function restartAction(ev: Evaluator, packages: PackageResult[]): RestartAction {
  let best: RestartAction = 'None';
  const refs = new Map(ev.dist.pkgRefs.map((r) => [r.id, r]));
  for (const pkg of packages) {
    if (!pkg.install) continue;
    const ref = refs.get(pkg.id);
    let raw: string | undefined = ref?.onConclusion;
    let where: Evaluable | undefined;
    // With scripts skipped (policy require-scripts-false=skip) only the literal onConclusion counts.
    if (ref?.onConclusionScript !== undefined && !ev.skipsScripts) {
      where = ev.dist.evaluables[ref.onConclusionScript]!;
      ev.bindChoice(pkg.choices[0]);
      const outcome = ev.evaluate(ref.onConclusionScript, 'value');
      raw = outcome.ok && outcome.type === 'string' ? outcome.string : outcome.ok ? `(${outcome.type})` : undefined;
    }
    if (raw === undefined) continue;
    const action = RESTART_RANK.get(raw.trim().toLowerCase());
    if (!action) {
      ev.sink.add(
        createDiagnostic('RESTART_ACTION_UNKNOWN', `pkg-ref '${pkg.id}': '${clip(raw, MAX_ARG_LENGTH)}' is not a restart action; None is used`, {
          ...(where
            ? { location: { file: ev.dist.path, ...where.position }, source: where.source }
            : ref && { location: { file: ev.dist.path, ...ref.position } }),
          args: { value: raw },
        }),
      );
      continue;
    }
    if (RESTART_ORDER.indexOf(action) > RESTART_ORDER.indexOf(best)) best = action;
  }
  return best;
}
