import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { fixedDate, readResult, seededRandom, type GuestConfig } from '../mocks/guest-prelude.js';
import type { InstallerHost } from '../mocks/host-api.js';
import { InstalledApi, type ApiOptions } from '../mocks/install-api.js';
import { classifyGuestError, type GuestError } from './guest-errors.js';

/** Limits for one session (one Distribution × one profile). */
export interface SessionLimits {
  /** QuickJS heap limit in bytes. */
  memoryBytes: number;
  /** QuickJS stack limit in bytes (must stay below the host thread's stack). */
  stackBytes: number;
}

/** What an evaluation produced, as host data: no handle ever leaves this module. */
export type EvalOutcome =
  | { ok: true; type: string; truthy: boolean; string?: string; number?: number }
  | { ok: false; error: GuestError };

const FIXED_DATE_SOURCE = `(${fixedDate.toString()})`;
const READ_RESULT_SOURCE = `(${readResult.toString()})`;

/**
 * One QuickJS runtime + context with the Installer API installed. Global
 * state persists across evaluate() calls, as real scripts expect.
 */
export class Session {
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly owned: QuickJSHandle[] = [];
  private readResultFn: QuickJSHandle | undefined;
  /** The Installer API objects (system, my, choices). */
  api!: InstalledApi;
  private deadline = Number.POSITIVE_INFINITY;
  private disposed = false;

  constructor(engine: QuickJSWASMModule, private readonly limits: SessionLimits, config: GuestConfig, host: InstallerHost, apiOptions: ApiOptions) {
    this.runtime = engine.newRuntime({ memoryLimitBytes: limits.memoryBytes, maxStackSizeBytes: limits.stackBytes });
    this.runtime.setInterruptHandler(() => Date.now() > this.deadline);
    this.context = this.runtime.newContext();
    try {
      this.installDeterminism(config);
      this.api = new InstalledApi(this.context, host, apiOptions);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /**
   * A seeded Math.random (a host function) and a Date with a fixed clock,
   * installed only when a script first touches Date: most never do, and the
   * shim is JavaScript that costs parsing time in every profile.
   */
  private installDeterminism(config: GuestConfig): void {
    const ctx = this.context;
    const random = seededRandom(config.seed);
    ctx.getProp(ctx.global, 'Math').consume((math) => ctx.newFunction('random', () => ctx.newNumber(random())).consume((fn) => ctx.setProp(math, 'random', fn)));
    const realDate = ctx.getProp(ctx.global, 'Date');
    this.owned.push(realDate);
    let fixed: QuickJSHandle | undefined;
    const install = (): QuickJSHandle => {
      if (!fixed) {
        const shim = ctx.unwrapResult(ctx.evalCode(FIXED_DATE_SOURCE, 'distsim-date.js', { type: 'global' }));
        fixed = shim.consume((f) => ctx.newNumber(config.now).consume((now) => ctx.unwrapResult(ctx.callFunction(f, ctx.undefined, realDate, now))));
        this.owned.push(fixed);
      }
      return fixed;
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

  /** Evaluates program text at global scope (sloppy mode) and reports its completion value. */
  evaluate(code: string, filename: string, timeoutMs: number): EvalOutcome {
    const ctx = this.context;
    this.deadline = Date.now() + timeoutMs;
    try {
      const result = ctx.evalCode(code, filename, { type: 'global' });
      if (result.error) return { ok: false, error: this.takeError(result.error) };
      const value = result.value;
      try {
        return describe(ctx, value);
      } finally {
        value.dispose();
      }
    } finally {
      this.deadline = Number.POSITIVE_INFINITY;
    }
  }

  /** Reads my.result under a deadline (its fields may be guest getters). */
  readResult(timeoutMs: number): { ok: true; value: string } | { ok: false; error: GuestError } {
    const ctx = this.context;
    this.deadline = Date.now() + timeoutMs;
    try {
      this.readResultFn ??= ctx.unwrapResult(ctx.evalCode(READ_RESULT_SOURCE, 'distsim-result.js', { type: 'global' }));
      const r = this.api.readResult(this.readResultFn);
      return r.ok ? r : { ok: false, error: this.takeError(r.error) };
    } finally {
      this.deadline = Number.POSITIVE_INFINITY;
    }
  }

  private takeError(handle: QuickJSHandle): GuestError {
    // Lift the limits so dumping an out-of-memory error can allocate (aesthetics.md §c.8).
    this.runtime.setMemoryLimit(-1);
    try {
      let dumped: unknown;
      try {
        this.deadline = Date.now() + 1000;
        dumped = this.context.dump(handle);
      } catch {
        dumped = null;
      }
      return classifyGuestError(dumped);
    } finally {
      handle.dispose();
      this.runtime.setMemoryLimit(this.limits.memoryBytes);
    }
  }

  /**
   * Frees the context and runtime. Returns false if the WASM module aborted
   * during teardown (quickjs-emscripten 0.32.0): the caller must retire it.
   */
  dispose(): boolean {
    if (this.disposed) return true;
    this.disposed = true;
    let clean = true;
    try {
      this.api?.dispose();
      this.readResultFn?.dispose();
      for (const h of this.owned.reverse()) h.dispose();
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

function describe(ctx: QuickJSContext, value: QuickJSHandle): EvalOutcome {
  const type = ctx.typeof(value);
  switch (type) {
    case 'undefined':
      return { ok: true, type, truthy: false };
    case 'boolean': {
      const b = ctx.dump(value) === true;
      return { ok: true, type, truthy: b };
    }
    case 'number': {
      const n = ctx.getNumber(value);
      return { ok: true, type, truthy: n !== 0 && !Number.isNaN(n), number: n };
    }
    case 'string': {
      const s = ctx.getString(value);
      return { ok: true, type, truthy: s.length > 0, string: s.length > 4096 ? s.slice(0, 4096) : s };
    }
    case 'object': {
      // typeof null is 'object'
      const isNull = ctx.sameValue(value, ctx.null);
      return { ok: true, type: isNull ? 'null' : 'object', truthy: !isNull };
    }
    case 'bigint': {
      const s = ctx.getBigInt(value).toString();
      return { ok: true, type, truthy: s !== '0', string: s };
    }
    default:
      return { ok: true, type, truthy: true };
  }
}
