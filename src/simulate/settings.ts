import type { ChoiceChange } from '../input/choice-changes.js';
import type { ApiOptions, ResultFields } from '../mocks/install-api.js';
import type { GuestConfig } from '../sandbox/determinism.js';
import type { InstallerHost } from '../mocks/host-api.js';
import type { Volume } from '../profile/types.js';
import type { GuestError } from '../sandbox/guest-errors.js';
import type { EvalBudget, EvalOutcome, SessionLimits } from '../sandbox/session.js';
import type { Policies } from '../installer/policy.js';

export interface RunLimits {
  /**
   * Per evaluation, in milliseconds of deterministic work: converted to
   * interrupt polls (UNITS_PER_MS), so the same input stops at the same point
   * on any machine and with any number of workers.
   */
  timeoutMs: number;
  /** Per evaluation, wall clock: the safety net for native calls QuickJS does not poll in (then the outcome depends on machine speed). */
  hardTimeoutMs?: number;
  /** QuickJS heap per profile. */
  memoryBytes: number;
  stackBytes: number;
  /** system.log output kept per profile. */
  logBytes: number;
  /** Total deterministic work per profile, in the same milliseconds as timeoutMs. */
  profileBudgetMs: number;
  /** Passes over the choice expressions before giving up on a fixpoint. */
  maxChoicePasses: number;
}

/** An evaluation stopped from outside in an earlier attempt (the runner replays the profile). */
export interface Poison {
  kind: GuestError['kind'];
  /** Interrupt polls the killed attempt had reached: the replay stops there, keeping the effects before it. */
  polls?: number;
}

export interface RunSettings {
  policies: Policies;
  limits: RunLimits;
  /** Guest clock (ms since epoch) and Math.random seed. */
  now: number;
  seed: number;
  /** Evaluables stopped by a limit in an earlier attempt (set by the runner when it replays a profile). */
  poisoned?: Record<number, Poison>;
  /** The user's choice changes (a change file, --select, --deselect), applied in order after the default choice state. */
  choiceChanges?: ChoiceChange[];
  /** Record every evaluation, API call and log line (ProfileResult.trace), up to maxEvents. */
  trace?: { maxEvents: number };
}

/** The controls the simulation uses between evaluations (they never run guest code). */
export interface ApiControls {
  bindTarget(volume: Volume | undefined): void;
  bindChoice(id: string | undefined): void;
  resetResult(): void;
  readResult(budget: EvalBudget): { ok: true; value: ResultFields; truncated: string[] } | { ok: false; error: GuestError };
}

/** What the simulation needs from a JavaScript engine: QuickJS, or the node:vm baseline of the benchmark. */
export interface SessionLike {
  api: ApiControls;
  evaluate(code: string, filename: string, budget: EvalBudget): EvalOutcome;
  /** Work units the last evaluate() used. */
  readonly lastUnits: number;
  /** Called at each interrupt poll with the polls of the running evaluation. */
  onPoll: ((polls: number) => void) | undefined;
  /** False when the engine must be retired. */
  dispose(): boolean;
}

export interface SessionFactory {
  (limits: SessionLimits, config: GuestConfig, host: InstallerHost, api: ApiOptions): SessionLike;
  /** Why the engine's fast paths are off when a self-check failed (reported as SANDBOX_FAST_PATH_OFF). */
  fastPathOff?: () => string | undefined;
}

/** Called before each evaluation (the runner's watchdog reads it), at its interrupt polls, and when one hits a limit (so a replay can skip it). */
export interface EvaluationHook {
  starting(evaluable: number): void;
  polled?(polls: number): void;
  limited?(evaluable: number, kind: GuestError['kind']): void;
}
