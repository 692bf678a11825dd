import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { fixedDate, seededRandom, type GuestConfig } from './determinism.js';
import { enableDirectCalls } from './direct-calls.js';
import { fastPathsEnabled } from './fast-paths.js';
import { classifyGuestError, type GuestError } from './guest-errors.js';
import { GuestThrow, Marshal } from './marshal.js';

/** Limits for one session (one Distribution × one profile). */
export interface SessionLimits {
  /** QuickJS heap limit in bytes. */
  memoryBytes: number;
  /** QuickJS stack limit in bytes (must stay below the host thread's stack). */
  stackBytes: number;
}

/**
 * How much work one guest evaluation may do. `units` is deterministic: the
 * interrupt handler polls QuickJS every ~10,000 bytecode operations, and each
 * poll is one unit (plus one per HOST_CALLS_PER_UNIT Installer API calls), so
 * identical inputs stop at the identical point on any machine and with any
 * number of workers. `wallMs` is only the safety net for work QuickJS does
 * not poll for (one long native call); a stop there depends on machine speed
 * and is reported as such.
 */
export interface EvalBudget {
  units: number;
  wallMs: number;
  /** Replaying an evaluation the watchdog killed: stop at this poll, where the killed run had got to. */
  stopAtPoll?: number;
}

/** Installer API calls that count as one unit of work. */
export const HOST_CALLS_PER_UNIT = 100;

/** Why a guarded run was stopped. `budget` is deterministic; `wall` and `replay` come from wall-clock limits. */
export type StopReason = 'budget' | 'wall' | 'replay';

/** What an evaluation produced, as host data: no handle ever leaves the sandbox. */
export type EvalOutcome = { ok: true; type: string; truthy: boolean; string?: string; number?: number } | { ok: false; error: GuestError };

/** Longest completion-value string kept (it is only described in messages). */
const MAX_OUTCOME_STRING = 4096;
/** Longest error name and message kept from a guest exception. */
const MAX_ERROR_NAME = 200;
const MAX_ERROR_MESSAGE = 2000;
const MAX_ERROR_STACK = 8000;

const FIXED_DATE_SOURCE = `(${fixedDate.toString()})`;

/**
 * One QuickJS runtime + context: limits, deterministic interrupts and the
 * determinism shims. It knows nothing of the Installer: the mocks install
 * the Installer API on it (mocks/installer-api.ts). Global state persists
 * across evaluate() calls, as real scripts expect.
 *
 * A session serves one profile, or many when the caller restores a memory
 * image between them (image.ts): `begin()` resets the host-side state a
 * profile may have changed (the random sequence, the clock, the Date shim),
 * and the image takes back everything inside QuickJS.
 */
export class Session {
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  readonly marshal: Marshal;
  /** Work units the last guarded run used. */
  lastUnits = 0;
  /** Called at every interrupt poll of a guarded run with the polls so far (the worker's watchdog reads it). */
  onPoll: ((polls: number) => void) | undefined;

  /** Why guest → host calls use quickjs-emscripten's generic dispatch (undefined: the direct one is on). */
  readonly directCallsOff: string | undefined;

  private readonly owned: QuickJSHandle[] = [];
  private random: () => number = () => 0;
  private now = 0;
  /** The fixed-clock Date of the current profile, compiled when a script first touches Date. */
  private fixed: QuickJSHandle | undefined;
  private polls = 0;
  private hostCalls = 0;
  private unitLimit = Number.POSITIVE_INFINITY;
  private stopAtPoll = Number.POSITIVE_INFINITY;
  private wallDeadline = Number.POSITIVE_INFINITY;
  private stopped: StopReason | undefined;
  private guarding = false;
  private disposed = false;

  constructor(
    engine: QuickJSWASMModule,
    private readonly limits: SessionLimits,
    config: GuestConfig,
  ) {
    this.runtime = engine.newRuntime({ memoryLimitBytes: limits.memoryBytes, maxStackSizeBytes: limits.stackBytes });
    this.runtime.setInterruptHandler(() => this.poll());
    this.context = this.runtime.newContext();
    try {
      this.directCallsOff = fastPathsEnabled() ? enableDirectCalls(this.context) : 'switched off';
      this.marshal = new Marshal(this.context);
      this.installDeterminism();
      this.begin(config);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Frees the current profile's Date shim (when its memory is not about to be restored). */
  freeProfile(): void {
    if (this.fixed?.alive) this.fixed.dispose();
    this.fixed = undefined;
  }

  /** Starts a profile: a fresh random sequence and clock, and no Date shim yet. */
  begin(config: GuestConfig): void {
    this.random = seededRandom(config.seed);
    this.now = config.now;
    this.fixed = undefined;
    this.lastUnits = 0;
    this.onPoll = undefined;
  }

  /**
   * Creates now the handles quickjs-emscripten otherwise creates on first
   * use (undefined, null, booleans, the global object), so that none of them
   * is born inside a profile whose memory a restore takes back.
   */
  settle(): void {
    const ctx = this.context;
    for (const h of [ctx.undefined, ctx.null, ctx.true, ctx.false, ctx.global]) if (!h.alive) throw new Error('distsim: a static handle is not alive');
  }

  /** Counts one Installer API call towards the running budget. */
  countHostCall(): void {
    this.hostCalls++;
  }

  private poll(): boolean {
    this.polls++;
    this.onPoll?.(this.polls);
    if (this.stopped) return true;
    if (this.polls >= this.stopAtPoll) this.stopped = 'replay';
    else if (this.polls + Math.floor(this.hostCalls / HOST_CALLS_PER_UNIT) > this.unitLimit) this.stopped = 'budget';
    else if (Date.now() > this.wallDeadline) this.stopped = 'wall';
    return this.stopped !== undefined;
  }

  /**
   * Runs host code that may run guest code (an evaluation, reading
   * my.result, a getter) under a budget. Once stopped, every later poll
   * interrupts again, and the stop is reported even if the guest caught the
   * interrupt on its way through a host function.
   */
  guarded<T>(budget: EvalBudget, run: () => T): { value: T; stopped: StopReason | undefined; units: number } {
    if (this.guarding) return { value: run(), stopped: undefined, units: 0 };
    this.guarding = true;
    this.polls = 0;
    this.hostCalls = 0;
    this.stopped = undefined;
    this.unitLimit = budget.units;
    this.stopAtPoll = budget.stopAtPoll ?? Number.POSITIVE_INFINITY;
    this.wallDeadline = Date.now() + budget.wallMs;
    try {
      const value = run();
      this.lastUnits = this.polls + Math.floor(this.hostCalls / HOST_CALLS_PER_UNIT);
      return { value, stopped: this.stopped, units: this.lastUnits };
    } finally {
      this.guarding = false;
      this.unitLimit = Number.POSITIVE_INFINITY;
      this.stopAtPoll = Number.POSITIVE_INFINITY;
      this.wallDeadline = Number.POSITIVE_INFINITY;
    }
  }

  /**
   * A seeded Math.random (a host function) and a Date with a fixed clock.
   * The Date shim is JavaScript (parsing costs time in every profile), so it
   * is installed when a script first touches Date, with intrinsics captured
   * now, before any guest code can replace them.
   */
  private installDeterminism(): void {
    const ctx = this.context;
    ctx
      .getProp(ctx.global, 'Math')
      .consume((math) =>
        ctx
          .newFunction('random', () => ctx.newNumber(this.random()))
          .consume((fn) => ctx.defineProp(math, 'random', { value: fn, configurable: true, enumerable: false })),
      );
    const realDate = this.own(ctx.getProp(ctx.global, 'Date'));
    const define = ctx.getProp(ctx.global, 'Object').consume((object) => this.own(ctx.getProp(object, 'defineProperty')));
    const install = (): QuickJSHandle => {
      if (!this.fixed) {
        const shim = ctx.unwrapResult(ctx.evalCode(FIXED_DATE_SOURCE, 'distsim-date.js', { type: 'global' }));
        this.fixed = shim.consume((f) =>
          ctx.newNumber(this.now).consume((now) => ctx.unwrapResult(ctx.callFunction(f, ctx.undefined, realDate, now, define, ctx.global))),
        );
      }
      return this.fixed;
    };
    ctx.defineProp(ctx.global, 'Date', {
      configurable: true,
      enumerable: false,
      get: () => install().dup(),
      set: (value) => {
        install();
        ctx.setProp(ctx.global, 'Date', value);
      },
    });
  }

  private own(handle: QuickJSHandle): QuickJSHandle {
    this.owned.push(handle);
    return handle;
  }

  /** Evaluates program text at global scope (sloppy mode) and reports its completion value. */
  evaluate(code: string, filename: string, budget: EvalBudget): EvalOutcome {
    const ctx = this.context;
    const run = this.guarded(budget, (): EvalOutcome => {
      const result = ctx.evalCode(code, filename, { type: 'global' });
      if (result.error) return { ok: false, error: this.takeError(result.error) };
      return result.value.consume((value) => this.describe(value));
    });
    return run.stopped ? { ok: false, error: stoppedError(run.stopped) } : run.value;
  }

  /** A guest exception as host data; reading it may run guest getters, so it stays inside the guard. */
  takeError(handle: QuickJSHandle): GuestError {
    const ctx = this.context;
    // Lift the heap limit so an out-of-memory error can be read at all.
    this.runtime.setMemoryLimit(-1);
    try {
      const type = ctx.typeof(handle);
      if (type === 'object' && !ctx.sameValue(handle, ctx.null)) {
        const field = (key: string, max: number): string | undefined => {
          try {
            return this.marshal.read(handle, key).consume((v) => (ctx.typeof(v) === 'undefined' ? undefined : cap(this.marshal.stringOf(v), max)));
          } catch (error) {
            if (error instanceof GuestThrow) {
              error.handle.dispose();
              return undefined;
            }
            throw error;
          }
        };
        const name = field('name', MAX_ERROR_NAME);
        const message = field('message', MAX_ERROR_MESSAGE) ?? this.printable(handle);
        return classifyGuestError({ name, message, stack: field('stack', MAX_ERROR_STACK) });
      }
      const text = this.printable(handle);
      return classifyGuestError(type === 'string' ? text : { name: typeLabel(type), message: text });
    } catch {
      // Reading the error failed inside the engine: what a heap exhausted to the last byte looks like.
      return classifyGuestError(null);
    } finally {
      handle.dispose();
      this.runtime.setMemoryLimit(this.limits.memoryBytes);
    }
  }

  /** String(value), capped; '[unprintable value]' when that throws. */
  private printable(handle: QuickJSHandle): string {
    try {
      return cap(this.marshal.stringOf(handle), MAX_ERROR_MESSAGE);
    } catch (error) {
      if (!(error instanceof GuestThrow)) throw error;
      error.handle.dispose();
      return '[unprintable value]';
    }
  }

  private describe(value: QuickJSHandle): EvalOutcome {
    const ctx = this.context;
    const type = ctx.typeof(value);
    switch (type) {
      case 'undefined':
        return { ok: true, type, truthy: false };
      case 'boolean':
        return { ok: true, type, truthy: ctx.sameValue(value, ctx.true) };
      case 'number': {
        const n = ctx.getNumber(value);
        return { ok: true, type, truthy: n !== 0 && !Number.isNaN(n), number: n };
      }
      case 'string': {
        const s = this.marshal.string(value);
        return { ok: true, type, truthy: s.length > 0, string: cap(s, MAX_OUTCOME_STRING) };
      }
      case 'object': {
        // typeof null is 'object'
        const isNull = ctx.sameValue(value, ctx.null);
        return { ok: true, type: isNull ? 'null' : 'object', truthy: !isNull };
      }
      case 'bigint': {
        const s = ctx.getBigInt(value).toString();
        return { ok: true, type, truthy: s !== '0', string: cap(s, MAX_OUTCOME_STRING) };
      }
      default:
        return { ok: true, type, truthy: true };
    }
  }

  /**
   * Frees the profile's handles, then the context and runtime. Returns false
   * if the WASM module aborted during teardown (quickjs-emscripten 0.32.0):
   * the caller must retire it. A session whose memory was restored from an
   * image since begin() must not free the profile's handles: use
   * dispose({ afterRestore: true }).
   */
  dispose(options: { afterRestore?: boolean } = {}): boolean {
    if (this.disposed) return true;
    this.disposed = true;
    let clean = true;
    try {
      if (!options.afterRestore && this.fixed?.alive) this.fixed.dispose();
      this.fixed = undefined;
      this.marshal?.dispose();
      for (const h of this.owned.reverse()) if (h.alive) h.dispose();
      this.owned.length = 0;
    } catch {
      clean = false;
    }
    try {
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      clean = false;
    }
    return clean;
  }
}

/** The error an evaluation stopped by a limit reports, whatever the guest did with the interrupt. */
export function stoppedError(reason: StopReason): GuestError {
  return reason === 'budget'
    ? { kind: 'timeout', name: 'InternalError', message: 'interrupted', frames: [] }
    : { kind: 'hard-timeout', name: 'InternalError', message: 'stopped by the wall-clock limit', frames: [] };
}

function typeLabel(type: string): string {
  return type === 'object' ? 'null' : type;
}

/** Keeps at most `max` UTF-16 code units, without splitting a surrogate pair, marking the cut. */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… [${text.length - end} more characters]`;
}
