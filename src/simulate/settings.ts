import type { ApiOptions } from '../mocks/install-api.js';
import type { GuestConfig } from '../mocks/guest-prelude.js';
import type { InstallerHost } from '../mocks/host-api.js';
import type { Volume } from '../profile/types.js';
import type { GuestError } from '../sandbox/guest-errors.js';
import type { EvalOutcome, SessionLimits } from '../sandbox/session.js';
import type { Policies } from './policy.js';

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
  /** Evaluables stopped by a limit in an earlier attempt (set by the runner when it replays a profile). */
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

/** Called before each evaluation (the runner's watchdog reads it), and when one hits a limit (so a replay can skip it). */
export interface EvaluationHook {
  starting(evaluable: number): void;
  limited?(evaluable: number, kind: GuestError['kind']): void;
}
