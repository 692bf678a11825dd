import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticSink } from '../diagnostics/sink.js';
import { MAX_RESULT_TEXT, type ResultFields } from '../mocks/install-api.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { AttributeValue, Distribution, Evaluable } from '../distribution/model.js';
import type { InstallerHost } from '../mocks/host-api.js';
import type { Volume } from '../profile/types.js';
import type { GuestError } from '../sandbox/guest-errors.js';
import type { EvalBudget, EvalOutcome } from '../sandbox/session.js';
import { DEFAULT_LIMITS, UNITS_PER_MS } from './limits.js';
import { guestLocation } from './locations.js';
import type { EvaluationHook, RunSettings, SessionLike } from './settings.js';
import type { TraceRecorder } from './trace.js';

/** What an evaluation is for: it decides which failure policy applies. */
export type Purpose = 'script' | 'check' | 'choice' | 'value';

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
  'hard-timeout': 'stopped by the wall-clock watchdog',
  'out-of-memory': 'out of memory',
  'stack-overflow': 'stack overflow',
  syntax: 'syntax error',
  exception: 'the worker died',
};

const ERROR_CODES: Record<GuestError['kind'], DiagnosticCode> = {
  timeout: 'SCRIPT_TIMEOUT',
  'hard-timeout': 'SCRIPT_TIMEOUT',
  'out-of-memory': 'SCRIPT_OUT_OF_MEMORY',
  'stack-overflow': 'SCRIPT_STACK_OVERFLOW',
  syntax: 'SCRIPT_SYNTAX_ERROR',
  exception: 'SCRIPT_EXCEPTION',
};

/**
 * Runs the Distribution's evaluations for one profile: binds my.target and
 * my.choice, applies the limits and the failure and truthiness policies, and
 * turns every guest failure into a located diagnostic. The Installer
 * semantics (checks.ts, choices.ts, packages.ts) are built on it.
 */
export class Evaluator {
  private spentUnits = 0;
  private boundTarget: string | undefined = 'unset';
  private boundChoice: string | undefined = 'unset';
  private readonly unitsPerEvaluation: number;
  private readonly unitsPerProfile: number;
  /**
   * require-scripts="false" with JavaScript present and policy
   * require-scripts-false=skip: no JavaScript runs; checks pass and every
   * JavaScript attribute keeps the value its caller gives as `previous`.
   */
  readonly skipsScripts: boolean;

  constructor(
    readonly dist: Distribution,
    readonly settings: RunSettings,
    readonly host: InstallerHost,
    private readonly session: SessionLike,
    private readonly hook: EvaluationHook | undefined,
    /** The profile's diagnostics, shared with the host: bounded per code. */
    readonly sink: DiagnosticSink,
    /** The trace recorder of a traced run (the host records its calls), else undefined. */
    private readonly trace?: TraceRecorder,
  ) {
    this.unitsPerEvaluation = Math.max(1, Math.ceil(settings.limits.timeoutMs * UNITS_PER_MS));
    this.unitsPerProfile = Math.max(1, Math.ceil(settings.limits.profileBudgetMs * UNITS_PER_MS));
    this.skipsScripts = settings.policies['require-scripts-false'] === 'skip' && dist.options.requireScripts === false && dist.evaluables.length > 0;
    if (hook?.polled) session.onPoll = (polls) => hook.polled!(polls);
  }

  /** The budget of one evaluation (or of reading my.result after it). */
  private budget(stopAtPoll?: number): EvalBudget {
    const wallMs = this.settings.limits.hardTimeoutMs ?? DEFAULT_LIMITS.hardTimeoutMs;
    return { units: this.unitsPerEvaluation, wallMs, ...(stopAtPoll !== undefined && { stopAtPoll }) };
  }

  resetResult(): void {
    this.session.api.resetResult();
  }

  readResult(): ResultFields {
    const r = this.session.api.readResult(this.budget());
    const ev = this.host.current ?? this.lastCheck;
    if (!r.ok) {
      // my.result.message with a throwing getter or toString: report it against the check that set it.
      if (ev) this.reportError(ev, r.error, 'value');
      return { type: null, title: null, message: null };
    }
    if (r.truncated.length > 0 && ev) {
      this.report(
        'OUTPUT_TRUNCATED',
        `my.result.${r.truncated.join(' and my.result.')} set by ${ev.source} was longer than ${MAX_RESULT_TEXT} characters and was cut`,
        ev,
        `result:${ev.id}`,
        { fields: r.truncated.join(',') },
      );
    }
    return r.value;
  }

  /** A Boolean-or-JavaScript attribute. `previous` is kept when a choice expression fails (policy choice-exception=keep) and when scripts are skipped. */
  attribute(value: AttributeValue, previous: boolean, purpose: 'choice' | 'check'): boolean {
    if (value.kind === 'literal') return value.value;
    if (this.skipsScripts) return previous;
    const outcome = this.evaluate(value.evaluable, purpose);
    if (outcome.ok) return this.truthy(outcome, value.evaluable);
    let result = false;
    if (purpose === 'choice') {
      const policy = this.settings.policies['choice-exception'];
      result = policy === 'keep' ? previous : policy === 'true';
    }
    if (this.trace) this.trace.coerced(result);
    return result;
  }

  truthy(outcome: Extract<EvalOutcome, { ok: true }>, id: number): boolean {
    if (outcome.type === 'boolean') {
      if (this.trace) this.trace.coerced(outcome.truthy);
      return outcome.truthy;
    }
    const ev = this.dist.evaluables[id]!;
    const strict = this.settings.policies.truthiness === 'strict';
    const result = strict ? false : outcome.truthy;
    if (this.trace) this.trace.coerced(result);
    this.report(
      'NON_BOOLEAN_RESULT',
      `${ev.source} returned ${describeValue(outcome)}; treated as ${result} (policy truthiness=${this.settings.policies.truthiness})`,
      ev,
      `${id}`,
      { type: outcome.type },
    );
    return result;
  }

  /** The last check evaluated (a hostile my.result is reported against it). */
  lastCheck: Evaluable | undefined;

  report(code: DiagnosticCode, message: string, ev: Evaluable, key: string, args?: Diagnostic['args'], location?: Diagnostic['location']): void {
    this.sink.add(
      createDiagnostic(code, message, { location: location ?? { file: this.dist.path, ...ev.position }, source: ev.source, ...(args && { args }) }),
      key,
    );
  }

  evaluate(id: number, purpose: Purpose): EvalOutcome {
    const ev = this.dist.evaluables[id]!;
    const poison = this.settings.poisoned?.[id];
    let stopAtPoll: number | undefined;
    if (poison) {
      if (poison.kind === 'hard-timeout' && poison.polls !== undefined && poison.polls > 0) {
        // Killed by the watchdog after `polls` interrupt polls: run it again up to that point, so its effects before the kill stay.
        stopAtPoll = poison.polls;
      } else {
        // Stopped from outside before QuickJS ever polled (or the worker died): fail it without running it.
        const error: GuestError = { kind: poison.kind, name: 'InternalError', message: POISON_MESSAGES[poison.kind], frames: [] };
        if (poison.kind === 'exception') {
          this.report('SANDBOX_WORKER_LOST', `the worker died while evaluating ${ev.source}; it counts as failed`, ev, 'lost');
        } else this.reportError(ev, error, purpose);
        return { ok: false, error };
      }
    }
    const limited = this.limited.get(id);
    if (limited) return { ok: false, error: limited };
    if (this.spentUnits > this.unitsPerProfile) {
      this.report(
        'PROFILE_TIME_BUDGET_EXCEEDED',
        `the profile's evaluations used more than ${this.settings.limits.profileBudgetMs} ms of work; ${ev.source} and later evaluations count as failed`,
        ev,
        'budget',
        { budgetMs: this.settings.limits.profileBudgetMs },
      );
      return { ok: false, error: { kind: 'timeout', name: 'InternalError', message: 'profile time budget exceeded', frames: [] } };
    }
    this.host.forgetUnanswered(id);
    this.host.current = ev;
    const trace = this.trace;
    if (trace) trace.starting(ev, purpose, this.host.target?.mountpoint);
    this.hook?.starting(id);
    let outcome: EvalOutcome;
    try {
      outcome = this.session.evaluate(ev.code, ev.source, this.budget(stopAtPoll));
    } catch (error) {
      throw new EngineFault(id, error instanceof RangeError ? 'stack-overflow' : 'exception', error);
    } finally {
      this.spentUnits += this.session.lastUnits;
      this.host.current = undefined;
    }
    if (trace) trace.finished(outcome);
    if (!outcome.ok) {
      this.reportError(ev, outcome.error, purpose);
      // A limit hit is deterministic: running the expression again (each choice pass would) only costs the limit again.
      if (
        outcome.error.kind === 'timeout' ||
        outcome.error.kind === 'hard-timeout' ||
        outcome.error.kind === 'out-of-memory' ||
        outcome.error.kind === 'stack-overflow'
      ) {
        this.limited.set(id, outcome.error);
        this.hook?.limited?.(id, outcome.error.kind);
      }
    }
    return outcome;
  }

  /** Evaluations that hit a time, memory or stack limit in this profile: not run again. */
  private readonly limited = new Map<number, GuestError>();

  reportError(ev: Evaluable, error: GuestError, purpose: Purpose): void {
    const code = ERROR_CODES[error.kind];
    const location = guestLocation(this.dist, ev, error) ?? { file: this.dist.path, ...ev.position };
    let consequence = '';
    if (purpose === 'check')
      consequence =
        this.settings.policies['check-exception'] === 'fail'
          ? '; the check fails (policy check-exception=fail)'
          : '; the check passes (policy check-exception=pass)';
    else if (purpose === 'choice')
      consequence = `; the choice state ${this.settings.policies['choice-exception'] === 'keep' ? 'keeps its previous value' : `becomes ${this.settings.policies['choice-exception']}`} (policy choice-exception=${this.settings.policies['choice-exception']})`;
    else if (purpose === 'script') consequence = '; the rest of this <script> is skipped, evaluation goes on';
    const limits = this.settings.limits;
    const what =
      error.kind === 'timeout'
        ? `ran past its time limit (${limits.timeoutMs} ms of work, counted deterministically)`
        : error.kind === 'hard-timeout'
          ? `ran past the wall-clock limit (${limits.hardTimeoutMs ?? DEFAULT_LIMITS.hardTimeoutMs} ms) inside a native call, where QuickJS does not poll its interrupt handler; this outcome depends on machine speed`
          : error.kind === 'out-of-memory'
            ? `ran out of memory (limit ${Math.round(limits.memoryBytes / 1048576)} MiB)`
            : error.kind === 'stack-overflow'
              ? 'overflowed its stack'
              : `threw ${error.name}: ${error.message}`;
    const args: NonNullable<Diagnostic['args']> = { kind: error.kind, error: `${error.name}: ${error.message}` };
    if (error.kind === 'hard-timeout') args.machineSpeedDependent = true;
    this.report(code, `${ev.source} ${what}${consequence}`, ev, `${ev.id}:${error.name}:${error.message}`, args, location);
  }

  bindTarget(volume: Volume | undefined): void {
    const key = volume?.mountpoint;
    if (key === this.boundTarget) return;
    this.boundTarget = key;
    this.host.target = volume;
    this.session.api.bindTarget(volume);
  }

  bindChoice(id: string | undefined): void {
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
