import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { AttributeValue, ChoiceAttribute, Distribution, Evaluable, OutlineNode } from '../distribution/model.js';
import { InstallerHost, type ChoiceState } from '../mocks/host-api.js';
import { sysctlView } from '../profile/rosetta.js';
import type { Profile, Volume } from '../profile/types.js';
import { Session, type EvalOutcome, type SessionLimits } from '../sandbox/session.js';
import type { GuestConfig } from '../mocks/guest-prelude.js';
import type { ApiOptions } from '../mocks/install-api.js';
import type { GuestError } from '../sandbox/guest-errors.js';
import type { BlockerCode, CheckResult, ChoiceResult, PackageResult, ProfileResult, RestartAction, ResultType, VolumeResult } from '../types.js';
import { decideArchitecture } from './arch-gate.js';
import { guestLocation } from './locations.js';
import type { Policies } from './policy.js';
import { compareVersions } from './versions.js';

export interface RunLimits {
  /** Per evaluation (soft deadline, checked by the interrupt handler). */
  timeoutMs: number;
  /** Per evaluation, enforced by the pool's watchdog (only for messages). */
  hardTimeoutMs?: number;
  /** QuickJS heap per profile. */
  memoryBytes: number;
  stackBytes: number;
  /** system.log output kept per profile. */
  logBytes: number;
  /** Total evaluation time per profile. */
  profileBudgetMs: number;
  /** Passes over the choice expressions before giving up on a fixpoint. */
  maxChoicePasses: number;
}

export interface RunSettings {
  policies: Policies;
  limits: RunLimits;
  /** Guest clock (ms since epoch) and Math.random seed. */
  now: number;
  seed: number;
  /** Evaluables stopped by a hard limit in an earlier attempt (set by the runner when it replays a profile). */
  poisoned?: Record<number, GuestError['kind']>;
}

/** What the simulation needs from a JavaScript engine: QuickJS (Session), or the node:vm baseline of the benchmark. */
export interface SessionLike {
  api: { bindTarget(volume: Volume | undefined): void; bindChoice(id: string | undefined): void; resetResult(): void };
  evaluate(code: string, filename: string, timeoutMs: number): EvalOutcome;
  readResult(timeoutMs: number): { ok: true; value: string } | { ok: false; error: GuestError };
  /** False when the engine must be retired. */
  dispose(): boolean;
}

export type SessionFactory = (limits: SessionLimits, config: GuestConfig, host: InstallerHost, api: ApiOptions) => SessionLike;

/** Sessions in fresh QuickJS runtimes of one WASM module. */
export function quickjsSessions(engine: QuickJSWASMModule): SessionFactory {
  return (limits, config, host, api) => new Session(engine, limits, config, host, api);
}

/** Called before each evaluation (the runner's watchdog reads it), and when one hits a limit (so a replay can skip it). */
export interface EvaluationHook {
  starting(evaluable: number): void;
  limited?(evaluable: number, kind: GuestError['kind']): void;
}

/** A failure of the engine itself (not of the guest): the runner retires the module and replays the profile. */
export class EngineFault extends Error {
  constructor(
    readonly evaluable: number,
    readonly kind: GuestError['kind'],
    cause: unknown,
  ) {
    super(`engine fault while evaluating #${evaluable}`, { cause });
  }
}

const POISON_MESSAGES: Record<GuestError['kind'], string> = {
  timeout: 'interrupted',
  'hard-timeout': 'stopped by the watchdog',
  'out-of-memory': 'out of memory',
  'stack-overflow': 'stack overflow',
  syntax: 'syntax error',
  exception: 'the worker died',
};

const RESTART_RANK: Record<string, RestartAction> = {
  none: 'None',
  recommendrestart: 'RecommendRestart',
  requirelogout: 'RequireLogout',
  requirerestart: 'RequireRestart',
  requireshutdown: 'RequireShutdown',
};
const RESTART_ORDER: RestartAction[] = ['None', 'RecommendRestart', 'RequireLogout', 'RequireRestart', 'RequireShutdown'];
const ERROR_CODES: Record<GuestError['kind'], DiagnosticCode> = {
  timeout: 'SCRIPT_TIMEOUT',
  'hard-timeout': 'SCRIPT_TIMEOUT',
  'out-of-memory': 'SCRIPT_OUT_OF_MEMORY',
  'stack-overflow': 'SCRIPT_STACK_OVERFLOW',
  syntax: 'SCRIPT_SYNTAX_ERROR',
  exception: 'SCRIPT_EXCEPTION',
};

/**
 * Simulates what the Installer does with one Distribution on one Mac.
 * Synchronous: everything after loading the WASM module is.
 */
export function runProfile(sessions: SessionFactory, dist: Distribution, profile: Profile, settings: RunSettings, hook?: EvaluationHook): ProfileResult {
  return new ProfileRun(sessions, dist, profile, settings, hook).run();
}

class ProfileRun {
  private readonly host: InstallerHost;
  private readonly diagnostics: Diagnostic[] = [];
  private session!: SessionLike;
  private spentMs = 0;
  private boundTarget: string | undefined = 'unset';
  private boundChoice: string | undefined = 'unset';

  constructor(
    private readonly sessions: SessionFactory,
    private readonly dist: Distribution,
    private readonly profile: Profile,
    private readonly settings: RunSettings,
    private readonly hook: EvaluationHook | undefined,
  ) {
    const gate = decideArchitecture(dist, profile);
    this.gate = gate;
    this.host = new InstallerHost(dist, profile, sysctlView(profile, gate.translated), settings.policies, { logBytes: settings.limits.logBytes });
  }

  private readonly gate: ReturnType<typeof decideArchitecture>;

  run(): ProfileResult {
    const { limits } = this.settings;
    this.session = this.sessions(
      { memoryBytes: limits.memoryBytes, stackBytes: limits.stackBytes },
      { now: this.settings.now, seed: this.settings.seed },
      this.host,
      { choices: this.dist.choices.map((c) => c.id), maxArgumentLength: 1 << 20 },
    );
    let clean = true;
    try {
      return this.evaluateAll();
    } finally {
      clean = this.session.dispose();
      if (!clean) this.diagnostics.push(createDiagnostic('SANDBOX_TEARDOWN_ABORT', 'the QuickJS module aborted during teardown and was replaced'));
      this.teardownClean = clean;
    }
  }

  /** False when the module must be retired (read by the worker after run()). */
  teardownClean = true;

  private evaluateAll(): ProfileResult {
    const bootTarget = this.settings.policies['target-in-installation-check'] === 'boot' ? this.host.bootVolume : undefined;
    this.bindTarget(bootTarget);
    this.bindChoice(undefined);
    for (const id of this.dist.scripts) this.evaluate(id, 'script');

    const installationCheck = this.installationCheck();
    const volumes = this.profile.volumes.map((v) => this.volumeCheck(v));

    // Destination, domains and choices see the default target: the boot volume.
    this.bindTarget(this.host.bootVolume);
    const domains = this.domains();
    const choices = this.choices();
    const packages = this.packages();
    const restartAction = this.restartAction(packages);

    const blockers: Array<{ code: BlockerCode; message: string }> = [];
    if (this.gate.blocker) blockers.push(this.gate.blocker);
    if (!installationCheck.passed && installationCheck.resultType === 'Fatal') {
      blockers.push({ code: 'INSTALLATION_CHECK_FAILED', message: `installation-check failed: ${installationCheck.message ?? installationCheck.title ?? '(no message)'}` });
    }
    const systemVolumeOk = (domains.localSystem && volumes.some((v) => v.mountpoint === this.host.bootVolume?.mountpoint && v.eligible)) || (domains.anywhere && volumes.some((v) => v.eligible));
    if (!domains.anywhere && !domains.localSystem && !domains.currentUserHome) {
      blockers.push({ code: 'NO_ENABLED_DOMAIN', message: 'every installation domain is disabled' });
    } else if (!systemVolumeOk && !domains.currentUserHome) {
      blockers.push({ code: 'NO_ELIGIBLE_VOLUME', message: volumes.length === 0 ? 'this Mac has no volume' : `no volume passes the volume check (${volumes.map((v) => `${v.mountpoint}: ${v.message ?? 'refused'}`).join('; ')})` });
    }

    return {
      profile: this.profile.id,
      evaluatedArch: this.gate.evaluatedArch,
      translated: this.gate.translated,
      installable: blockers.length === 0,
      blockers,
      installationCheck,
      volumes,
      choices,
      packages,
      domains,
      restartAction,
      log: this.host.log,
      diagnostics: [...this.gate.diagnostics, ...this.diagnostics, ...this.host.diagnostics].sort(byLocation),
    };
  }

  // ---- checks ----------------------------------------------------------------

  private installationCheck(): CheckResult {
    const check = this.dist.installationCheck;
    if (!check) return { passed: true, resultType: null, title: null, message: null };
    let result: CheckResult = { passed: true, resultType: null, title: null, message: null };
    if (check.script !== undefined) result = this.checkScript(check.script, 'installation-check');
    if (result.passed && check.ramMinGb !== undefined) {
      const memsize = Number(this.profile.sysctl['hw.memsize'] ?? 0);
      const required = check.ramMinGb * 1e9;
      if (memsize < required) {
        result = { passed: false, resultType: 'Fatal', title: null, message: `This computer has ${(memsize / 1e9).toFixed(2)} GB of memory; ${check.ramMinGb} GB is required (<ram min-gb>)` };
      }
    }
    return result;
  }

  private volumeCheck(volume: Volume): VolumeResult {
    this.bindTarget(volume);
    const check = this.dist.volumeCheck;
    let result: CheckResult = { passed: true, resultType: null, title: null, message: null };
    if (this.dist.options.rootVolumeOnly && volume.mountpoint !== '/') {
      result = { passed: false, resultType: 'Fatal', title: null, message: 'rootVolumeOnly: only the boot volume can be chosen' };
    }
    if (result.passed && check?.script !== undefined) result = this.checkScript(check.script, 'volume-check');
    if (result.passed && check) {
      const version = volume.systemVersion?.ProductVersion;
      for (const group of check.allowedOsVersions) {
        const ok = typeof version === 'string' && group.some((r) => compareVersions(version, r.min) >= 0 && (r.before === undefined || compareVersions(version, r.before) < 0));
        if (!ok) {
          const ranges = group.map((r) => (r.before ? `${r.min} up to (excluding) ${r.before}` : `${r.min} or later`)).join(', or ');
          result = { passed: false, resultType: 'Fatal', title: null, message: typeof version === 'string' ? `macOS ${version} is not allowed (allowed-os-versions: ${ranges})` : `no macOS on this volume (allowed-os-versions: ${ranges})` };
          break;
        }
      }
    }
    if (result.passed && check) {
      for (const req of check.requiredBundles) {
        const found = req.bundles.map((b) => this.bundleSatisfied(volume, b));
        const ok = req.all ? found.every(Boolean) : found.some(Boolean);
        if (!ok) {
          result = { passed: false, resultType: 'Fatal', title: null, message: req.description ?? `required bundles missing: ${req.bundles.map((b) => b.id).join(', ')}` };
          break;
        }
      }
    }
    return { mountpoint: volume.mountpoint, ...result, eligible: result.passed || result.resultType === 'Warn' };
  }

  private bundleSatisfied(volume: Volume, bundle: { id: string; path: string; CFBundleShortVersionString?: string; CFBundleVersion?: string; search: boolean }): boolean {
    const files = volume.files ?? {};
    const path = '/' + bundle.path.replace(/^\/+/, '');
    const candidates = Object.entries(files).filter(([p, e]) => e.type === 'bundle' && (p === path || (bundle.search && e.info.CFBundleIdentifier === bundle.id)));
    return candidates.some(([, e]) => {
      if (e.type !== 'bundle' || e.info.CFBundleIdentifier !== bundle.id) return false;
      const short = e.info.CFBundleShortVersionString;
      const long = e.info.CFBundleVersion;
      if (bundle.CFBundleShortVersionString && !(typeof short === 'string' && compareVersions(short, bundle.CFBundleShortVersionString) >= 0)) return false;
      if (bundle.CFBundleVersion && !(typeof long === 'string' && compareVersions(long, bundle.CFBundleVersion) >= 0)) return false;
      return true;
    });
  }

  /** Runs a check script with a fresh my.result and applies the result-type policies. */
  private checkScript(id: number, what: 'installation-check' | 'volume-check'): CheckResult {
    this.session.api.resetResult();
    const outcome = this.evaluate(id, 'check');
    this.lastCheck = this.dist.evaluables[id];
    if (!outcome.ok) {
      if (this.settings.policies['check-exception'] === 'pass') return { passed: true, resultType: null, title: null, message: null };
      return { passed: false, resultType: 'Fatal', title: null, message: `Package Authoring: error running ${what} script: ${outcome.error.name}: ${outcome.error.message}` };
    }
    if (this.truthy(outcome, id)) return { passed: true, resultType: null, title: null, message: null };
    const raw = this.readResult();
    const ev = this.dist.evaluables[id]!;
    return { passed: false, resultType: this.resultType(raw.type, ev), title: raw.title, message: raw.message };
  }

  private resultType(type: string | null, ev: Evaluable): ResultType {
    const at = { location: { file: this.dist.path, ...ev.position }, source: ev.source };
    if (type === 'Fatal') return 'Fatal';
    if (type === 'Warn') return 'Warn';
    if (type === 'Warning') {
      this.diagnostics.push(createDiagnostic('CHECK_RESULT_TYPE_WARNING_SPELLING', `my.result.type = 'Warning' treated as ${this.settings.policies['warning-result-type'] === 'warn' ? "'Warn'" : "'Fatal'"} (policy warning-result-type)`, at));
      return this.settings.policies['warning-result-type'] === 'warn' ? 'Warn' : 'Fatal';
    }
    const policy = this.settings.policies['missing-result-type'];
    const as = policy === 'warn' ? 'Warn' : 'Fatal';
    if (type === null || type === '') {
      this.diagnostics.push(createDiagnostic('CHECK_RESULT_TYPE_MISSING', `${ev.source} returned false without my.result.type; treated as '${as}' (policy missing-result-type=${policy})`, at));
    } else {
      this.diagnostics.push(createDiagnostic('CHECK_RESULT_TYPE_UNKNOWN', `my.result.type = '${type}' is not 'Fatal' or 'Warn'; treated as '${as}' (policy missing-result-type=${policy})`, { ...at, args: { type } }));
    }
    return as;
  }

  private readResult(): { type: string | null; title: string | null; message: string | null } {
    const r = this.session.readResult(this.settings.limits.timeoutMs);
    if (!r.ok) {
      // my.result.message with a throwing getter or toString: report it against the check that set it.
      const ev = this.host.current ?? this.lastCheck;
      if (ev) this.reportError(ev, r.error, 'value');
      return { type: null, title: null, message: null };
    }
    return JSON.parse(r.value) as { type: string | null; title: string | null; message: string | null };
  }

  // ---- domains, choices, packages -------------------------------------------

  private domains(): ProfileResult['domains'] {
    const d = this.dist.domains;
    if (!d) return { anywhere: true, currentUserHome: false, localSystem: true };
    const value = (attr: AttributeValue | undefined) => (attr ? this.attribute(attr, false, 'check') : false);
    return { anywhere: value(d.anywhere), currentUserHome: value(d.currentUserHome), localSystem: value(d.localSystem) };
  }

  private choices(): ChoiceResult[] {
    const order: Array<{ id: string; parent: string | null }> = [];
    const known = new Map(this.dist.choices.map((c) => [c.id, c]));
    const walk = (nodes: OutlineNode[], parent: string | null) => {
      for (const node of nodes) {
        if (!known.has(node.choice)) {
          this.diagnostics.push(createDiagnostic('OUTLINE_UNKNOWN_CHOICE', `the choices-outline names choice '${node.choice}', which is not defined; the line is skipped`, {
            location: { file: this.dist.path, ...node.position },
            args: { choice: node.choice },
          }));
          walk(node.children, parent);
          continue;
        }
        order.push({ id: node.choice, parent });
        walk(node.children, node.choice);
      }
    };
    walk(this.dist.outline, null);

    // Every choice starts with the attribute defaults (true), so expressions can read any choice's state.
    for (const c of this.dist.choices) this.host.choiceStates.set(c.id, { visible: true, enabled: true, selected: true, ...(c.tooltip !== undefined && { tooltip: c.tooltip }) });

    // start_* once, in outline pre-order.
    for (const { id } of order) {
      const def = known.get(id)!;
      const state = this.host.choiceStates.get(id)!;
      this.bindChoice(id);
      for (const attr of ['start_visible', 'start_enabled', 'start_selected'] as const) {
        const value = def.attributes[attr];
        if (value) state[attr.slice(6) as keyof Omit<ChoiceState, 'tooltip'>] = this.attribute(value, true, 'choice');
      }
    }

    // visible/enabled/selected until nothing changes (the Installer re-evaluates repeatedly: evidence §4.6).
    const dynamic = order.filter(({ id }) => (['visible', 'enabled', 'selected'] as ChoiceAttribute[]).some((a) => known.get(id)!.attributes[a]));
    let settled = dynamic.length === 0;
    for (let pass = 0; pass < this.settings.limits.maxChoicePasses && !settled; pass++) {
      let changed = false;
      for (const { id } of dynamic) {
        const def = known.get(id)!;
        const state = this.host.choiceStates.get(id)!;
        this.bindChoice(id);
        for (const attr of ['visible', 'enabled', 'selected'] as const) {
          const value = def.attributes[attr];
          if (!value) continue;
          const next = this.attribute(value, state[attr], 'choice');
          if (next !== state[attr]) {
            state[attr] = next;
            changed = true;
          }
        }
      }
      settled = !changed;
    }
    if (!settled) {
      this.diagnostics.push(createDiagnostic('CHOICES_DID_NOT_SETTLE', `choice expressions still changed after ${this.settings.limits.maxChoicePasses} passes; the last state is reported`, {
        args: { passes: this.settings.limits.maxChoicePasses },
      }));
    }
    this.bindChoice(undefined);
    return order.map(({ id, parent }) => {
      const s = this.host.choiceStates.get(id)!;
      return { id, parent, title: known.get(id)!.title ?? null, visible: s.visible, enabled: s.enabled, selected: s.selected };
    });
  }

  private packages(): PackageResult[] {
    const refs = new Map(this.dist.pkgRefs.map((r) => [r.id, r]));
    const choicesById = new Map(this.dist.choices.map((c) => [c.id, c]));
    // pkg-refs in outline order, each with the outline choices that reference it.
    const usedBy = new Map<string, string[]>();
    const visit = (nodes: OutlineNode[]) => {
      for (const n of nodes) {
        const choice = choicesById.get(n.choice);
        for (const ref of choice?.pkgRefs ?? []) {
          const list = usedBy.get(ref);
          if (list) {
            if (!list.includes(n.choice)) list.push(n.choice);
          } else usedBy.set(ref, [n.choice]);
        }
        visit(n.children);
      }
    };
    visit(this.dist.outline);
    return [...usedBy].map(([id, choiceIds]) => {
      const ref = refs.get(id);
      if (!ref?.path) {
        this.diagnostics.push(createDiagnostic('PKG_REF_UNDEFINED', `pkg-ref '${id}' (used by ${choiceIds.join(', ')}) has no definition with a package path`, {
          ...(ref && { location: { file: this.dist.path, ...ref.position } }),
          args: { pkgRef: id },
        }));
      }
      this.bindChoice(choiceIds[0]);
      const active = ref?.active ? this.attribute(ref.active, true, 'check') : true;
      const selected = choiceIds.some((c) => this.host.choiceStates.get(c)?.selected === true);
      return { id, version: ref?.version ?? null, path: ref?.path ?? null, choices: choiceIds, active, install: selected && active };
    });
  }

  private restartAction(packages: PackageResult[]): RestartAction {
    let best: RestartAction = 'None';
    const refs = new Map(this.dist.pkgRefs.map((r) => [r.id, r]));
    for (const pkg of packages) {
      if (!pkg.install) continue;
      const ref = refs.get(pkg.id);
      let raw: string | undefined = ref?.onConclusion;
      let where: Evaluable | undefined;
      if (ref?.onConclusionScript !== undefined) {
        where = this.dist.evaluables[ref.onConclusionScript]!;
        this.bindChoice(pkg.choices[0]);
        const outcome = this.evaluate(ref.onConclusionScript, 'value');
        raw = outcome.ok && outcome.type === 'string' ? outcome.string : outcome.ok ? `(${outcome.type})` : undefined;
      }
      if (raw === undefined) continue;
      const action = RESTART_RANK[raw.trim().toLowerCase()];
      if (!action) {
        this.diagnostics.push(createDiagnostic('RESTART_ACTION_UNKNOWN', `pkg-ref '${pkg.id}': '${raw}' is not a restart action; None is used`, {
          ...(where ? { location: { file: this.dist.path, ...where.position }, source: where.source } : ref && { location: { file: this.dist.path, ...ref.position } }),
          args: { value: raw },
        }));
        continue;
      }
      if (RESTART_ORDER.indexOf(action) > RESTART_ORDER.indexOf(best)) best = action;
    }
    return best;
  }

  // ---- evaluation --------------------------------------------------------------

  /** A Boolean-or-JavaScript attribute. `previous` is kept when a choice expression fails (policy choice-exception). */
  private attribute(value: AttributeValue, previous: boolean, purpose: 'choice' | 'check'): boolean {
    if (value.kind === 'literal') return value.value;
    const outcome = this.evaluate(value.evaluable, purpose);
    if (outcome.ok) return this.truthy(outcome, value.evaluable);
    if (purpose === 'choice') {
      const policy = this.settings.policies['choice-exception'];
      return policy === 'keep' ? previous : policy === 'true';
    }
    return false;
  }

  private truthy(outcome: Extract<EvalOutcome, { ok: true }>, id: number): boolean {
    if (outcome.type === 'boolean') return outcome.truthy;
    const ev = this.dist.evaluables[id]!;
    const strict = this.settings.policies.truthiness === 'strict';
    const result = strict ? false : outcome.truthy;
    this.report('NON_BOOLEAN_RESULT', `${ev.source} returned ${describeValue(outcome)}; treated as ${result} (policy truthiness=${this.settings.policies.truthiness})`, ev, `${id}`, { type: outcome.type });
    return result;
  }

  private readonly reported = new Set<string>();
  private lastCheck: Evaluable | undefined;

  private report(code: DiagnosticCode, message: string, ev: Evaluable, key: string, args?: Diagnostic['args'], location?: Diagnostic['location']): void {
    const k = `${code}\u0000${key}`;
    if (this.reported.has(k)) return;
    this.reported.add(k);
    this.diagnostics.push(createDiagnostic(code, message, { location: location ?? { file: this.dist.path, ...ev.position }, source: ev.source, ...(args && { args }) }));
  }

  private evaluate(id: number, purpose: 'script' | 'check' | 'choice' | 'value'): EvalOutcome {
    const ev = this.dist.evaluables[id]!;
    const poisoned = this.settings.poisoned?.[id];
    if (poisoned) {
      // Stopped from outside in an earlier attempt (the runner replays the profile): fail it without running it.
      const error: GuestError = { kind: poisoned, name: 'InternalError', message: POISON_MESSAGES[poisoned], frames: [] };
      if (poisoned === 'exception') {
        this.report('SANDBOX_WORKER_LOST', `the worker died while evaluating ${ev.source}; it counts as failed`, ev, 'lost');
      } else this.reportError(ev, error, purpose);
      return { ok: false, error };
    }
    const limited = this.limited.get(id);
    if (limited) return { ok: false, error: limited };
    if (this.spentMs > this.settings.limits.profileBudgetMs) {
      this.report('PROFILE_TIME_BUDGET_EXCEEDED', `the profile's evaluations used more than ${this.settings.limits.profileBudgetMs} ms; ${ev.source} and later evaluations count as failed`, ev, 'budget', { budgetMs: this.settings.limits.profileBudgetMs });
      return { ok: false, error: { kind: 'timeout', name: 'InternalError', message: 'profile time budget exceeded', frames: [] } };
    }
    this.host.current = ev;
    this.hook?.starting(id);
    const started = performance.now();
    let outcome: EvalOutcome;
    try {
      outcome = this.session.evaluate(ev.code, ev.source, this.settings.limits.timeoutMs);
    } catch (error) {
      throw new EngineFault(id, error instanceof RangeError ? 'stack-overflow' : 'exception', error);
    } finally {
      this.spentMs += performance.now() - started;
      this.host.current = undefined;
    }
    if (!outcome.ok) {
      this.reportError(ev, outcome.error, purpose);
      // A limit hit is deterministic: running the expression again (each choice pass would) only costs the limit again.
      if (outcome.error.kind === 'timeout' || outcome.error.kind === 'out-of-memory' || outcome.error.kind === 'stack-overflow') {
        this.limited.set(id, outcome.error);
        this.hook?.limited?.(id, outcome.error.kind);
      }
    }
    return outcome;
  }

  /** Evaluations that hit a time, memory or stack limit in this profile: not run again. */
  private readonly limited = new Map<number, GuestError>();

  private reportError(ev: Evaluable, error: GuestError, purpose: 'script' | 'check' | 'choice' | 'value'): void {
    const code = ERROR_CODES[error.kind];
    const location = guestLocation(this.dist, ev, error) ?? { file: this.dist.path, ...ev.position };
    let consequence = '';
    if (purpose === 'check') consequence = this.settings.policies['check-exception'] === 'fail' ? '; the check fails (policy check-exception=fail)' : '; the check passes (policy check-exception=pass)';
    else if (purpose === 'choice') consequence = `; the choice state ${this.settings.policies['choice-exception'] === 'keep' ? 'keeps its previous value' : `becomes ${this.settings.policies['choice-exception']}`} (policy choice-exception=${this.settings.policies['choice-exception']})`;
    else if (purpose === 'script') consequence = '; the rest of this <script> is skipped, evaluation goes on';
    const limits = this.settings.limits;
    const what =
      error.kind === 'timeout'
        ? `ran past its time limit (${limits.timeoutMs} ms)`
        : error.kind === 'hard-timeout'
          ? `ran past the hard time limit (${limits.hardTimeoutMs ?? limits.timeoutMs} ms) inside a native call, where the interrupt handler is not polled; its worker was stopped`
          : error.kind === 'out-of-memory'
            ? `ran out of memory (limit ${Math.round(limits.memoryBytes / 1048576)} MiB)`
            : error.kind === 'stack-overflow'
              ? 'overflowed its stack'
              : `threw ${error.name}: ${error.message}`;
    this.report(code, `${ev.source} ${what}${consequence}`, ev, `${ev.id}:${error.name}:${error.message}`, { kind: error.kind, error: `${error.name}: ${error.message}` }, location);
  }

  private bindTarget(volume: Volume | undefined): void {
    const key = volume?.mountpoint;
    if (key === this.boundTarget) return;
    this.boundTarget = key;
    this.host.target = volume;
    this.session.api.bindTarget(volume);
  }

  private bindChoice(id: string | undefined): void {
    if (id === this.boundChoice) return;
    this.boundChoice = id;
    this.session.api.bindChoice(id);
  }
}

function describeValue(outcome: Extract<EvalOutcome, { ok: true }>): string {
  switch (outcome.type) {
    case 'string':
      return `the string ${JSON.stringify(outcome.string!.length > 40 ? outcome.string!.slice(0, 40) + '…' : outcome.string)}`;
    case 'number':
      return `the number ${outcome.number}`;
    case 'undefined':
    case 'null':
      return outcome.type;
    default:
      return `a value of type ${outcome.type}`;
  }
}

function byLocation(a: Diagnostic, b: Diagnostic): number {
  const la = a.location;
  const lb = b.location;
  if (!la && !lb) return 0;
  if (!la) return -1;
  if (!lb) return 1;
  return la.line - lb.line || la.column - lb.column;
}
