import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { guestPrelude, type GuestConfig } from '../mocks/guest-prelude.js';
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

const PRELUDE_SOURCE = `(${guestPrelude.toString()})`;

/**
 * One QuickJS runtime + context with the Installer API installed. Global
 * state persists across evaluate() calls, as real scripts expect.
 */
export class Session {
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private helpers: { handle: QuickJSHandle; watch: QuickJSHandle; readResult: QuickJSHandle } | undefined;
  /** The Installer API objects (system, my, choices). */
  api!: InstalledApi;
  private deadline = Number.POSITIVE_INFINITY;
  private disposed = false;

  constructor(engine: QuickJSWASMModule, private readonly limits: SessionLimits, config: GuestConfig, host: InstallerHost, apiOptions: ApiOptions) {
    this.runtime = engine.newRuntime({ memoryLimitBytes: limits.memoryBytes, maxStackSizeBytes: limits.stackBytes });
    this.runtime.setInterruptHandler(() => Date.now() > this.deadline);
    this.context = this.runtime.newContext();
    try {
      this.deadline = Date.now() + 5000;
      const ctx = this.context;
      const fn = ctx.unwrapResult(ctx.evalCode(PRELUDE_SOURCE, 'distsim-prelude.js', { type: 'global' }));
      const handle = fn.consume((f) => ctx.newString(JSON.stringify(config)).consume((c) => ctx.unwrapResult(ctx.callFunction(f, ctx.undefined, c))));
      this.helpers = { handle, watch: ctx.getProp(handle, 'watch'), readResult: ctx.getProp(handle, 'readResult') };
      this.api = new InstalledApi(ctx, this.helpers, host, apiOptions);
    } catch (error) {
      this.dispose();
      throw error;
    } finally {
      this.deadline = Number.POSITIVE_INFINITY;
    }
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
    this.deadline = Date.now() + timeoutMs;
    try {
      const r = this.api.readResult();
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
      if (this.helpers) for (const h of [this.helpers.readResult, this.helpers.watch, this.helpers.handle]) h.dispose();
      this.helpers = undefined;
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
