import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { guestPrelude, type GuestConfig } from '../mocks/guest-prelude.js';
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

export type BridgeHandler = (op: string, args: string[]) => string | undefined;

const PRELUDE_SOURCE = `(${guestPrelude.toString()})`;

/**
 * One QuickJS runtime + context with the Installer API installed. Global
 * state persists across evaluate() calls, as real scripts expect.
 */
export class Session {
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly internals = new Map<string, QuickJSHandle>();
  private deadline = Number.POSITIVE_INFINITY;
  private disposed = false;

  constructor(engine: QuickJSWASMModule, private readonly limits: SessionLimits, config: GuestConfig, bridge: BridgeHandler) {
    this.runtime = engine.newRuntime({ memoryLimitBytes: limits.memoryBytes, maxStackSizeBytes: limits.stackBytes });
    this.runtime.setInterruptHandler(() => Date.now() > this.deadline);
    this.context = this.runtime.newContext();
    try {
      this.install(config, bridge);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  private install(config: GuestConfig, bridge: BridgeHandler): void {
    const ctx = this.context;
    const bridgeFn = ctx.newFunction('bridge', (...argHandles) => {
      const op = argHandles[0] ? ctx.getString(argHandles[0]) : '';
      const args: string[] = [];
      for (let i = 1; i < argHandles.length; i++) args.push(ctx.getString(argHandles[i]!));
      const answer = bridge(op, args);
      return answer === undefined ? undefined : ctx.newString(answer);
    });
    const configHandle = ctx.newString(JSON.stringify(config));
    try {
      this.deadline = Date.now() + 5000;
      const fn = ctx.evalCode(PRELUDE_SOURCE, 'distsim-prelude.js', { type: 'global' });
      const fnHandle = ctx.unwrapResult(fn);
      try {
        const internals = ctx.unwrapResult(ctx.callFunction(fnHandle, ctx.undefined, bridgeFn, configHandle));
        try {
          for (const name of ['bindTarget', 'bindChoice', 'resetResult', 'readResult']) this.internals.set(name, ctx.getProp(internals, name));
        } finally {
          internals.dispose();
        }
      } finally {
        fnHandle.dispose();
      }
    } finally {
      configHandle.dispose();
      bridgeFn.dispose();
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

  /** Calls one of the prelude's internal controls with string arguments; returns its string result. */
  control(name: 'bindTarget' | 'bindChoice' | 'resetResult' | 'readResult', args: string[], timeoutMs: number): { ok: true; value?: string } | { ok: false; error: GuestError } {
    const ctx = this.context;
    const fn = this.internals.get(name)!;
    const handles = args.map((a) => ctx.newString(a));
    this.deadline = Date.now() + timeoutMs;
    try {
      const result = ctx.callFunction(fn, ctx.undefined, ...handles);
      if (result.error) return { ok: false, error: this.takeError(result.error) };
      const value = result.value;
      try {
        return ctx.typeof(value) === 'string' ? { ok: true, value: ctx.getString(value) } : { ok: true };
      } finally {
        value.dispose();
      }
    } finally {
      this.deadline = Number.POSITIVE_INFINITY;
      for (const h of handles) h.dispose();
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
    for (const handle of this.internals.values()) {
      try {
        handle.dispose();
      } catch {
        clean = false;
      }
    }
    this.internals.clear();
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
