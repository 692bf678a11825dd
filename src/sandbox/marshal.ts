import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';

/** A guest exception raised while the host read or converted a guest value; rethrown into the guest or reported. */
export class GuestThrow {
  constructor(readonly handle: QuickJSHandle) {}
}

/** Strings quickjs-emscripten would cut or mangle on the way in: it passes C strings (NUL ends them, lone surrogates become U+FFFD). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSAFE_FOR_C_STRING = /[\u0000\uD800-\uDFFF]/;

const READ_PROPERTY_SOURCE = '(function (o, k) { return o[k]; })';

/**
 * Moves values across the host boundary without trusting anything the guest
 * can change: the intrinsics it uses (JSON.parse, JSON.stringify, String,
 * Object.freeze, Object.defineProperty, Object.keys) are captured when the
 * context is created, before any guest code runs, and strings keep their
 * exact length and every code unit (quickjs-emscripten's own string
 * functions go through NUL-terminated UTF-8).
 *
 * Reading a property of a guest object can run guest code (a getter, a
 * Proxy trap); `read` does it through a call so a throw is returned as a
 * GuestThrow instead of being left pending in the context. The caller keeps
 * such reads under the evaluation's budget (Session.guarded).
 */
export class Marshal {
  readonly jsonParse: QuickJSHandle;
  readonly jsonStringify: QuickJSHandle;
  readonly toStr: QuickJSHandle;
  readonly freeze: QuickJSHandle;
  readonly keys: QuickJSHandle;
  private readonly reader: QuickJSHandle;
  private readonly lengthKey: QuickJSHandle;
  private readonly owned: QuickJSHandle[] = [];

  constructor(private readonly ctx: QuickJSContext) {
    const json = this.own(ctx.getProp(ctx.global, 'JSON'));
    this.jsonParse = this.own(ctx.getProp(json, 'parse'));
    this.jsonStringify = this.own(ctx.getProp(json, 'stringify'));
    this.toStr = this.own(ctx.getProp(ctx.global, 'String'));
    const object = this.own(ctx.getProp(ctx.global, 'Object'));
    this.freeze = this.own(ctx.getProp(object, 'freeze'));
    this.keys = this.own(ctx.getProp(object, 'keys'));
    this.lengthKey = this.own(ctx.newString('length'));
    this.reader = this.own(ctx.unwrapResult(ctx.evalCode(READ_PROPERTY_SOURCE, 'distsim-read.js', { type: 'global' })));
  }

  private own(handle: QuickJSHandle): QuickJSHandle {
    this.owned.push(handle);
    return handle;
  }

  /** The exact text of a guest string primitive. */
  string(handle: QuickJSHandle): string {
    const ctx = this.ctx;
    const text = ctx.getString(handle);
    const length = ctx.getProp(handle, this.lengthKey).consume((n) => ctx.getNumber(n));
    if (length === text.length && !text.includes('\uFFFD')) return text;
    // Cut at a NUL or holding a lone surrogate: JSON.stringify escapes both, and its output is plain text.
    const r = ctx.callFunction(this.jsonStringify, ctx.undefined, handle);
    if (r.error) {
      r.error.dispose();
      return text;
    }
    return r.value.consume((json) => JSON.parse(ctx.getString(json)) as string);
  }

  /** A guest string with exactly this text. */
  newString(text: string): QuickJSHandle {
    const ctx = this.ctx;
    if (!UNSAFE_FOR_C_STRING.test(text)) return ctx.newString(text);
    const parsed = this.parseJson(JSON.stringify(text));
    return parsed ?? ctx.newString(text);
  }

  /** JSON text → guest value with the captured JSON.parse (never a guest override); undefined if the heap is exhausted. */
  parseJson(json: string): QuickJSHandle | undefined {
    const ctx = this.ctx;
    const text = ctx.newString(json);
    try {
      const r = ctx.callFunction(this.jsonParse, ctx.undefined, text);
      if (r.error) {
        r.error.dispose();
        return undefined;
      }
      return r.value;
    } finally {
      text.dispose();
    }
  }

  /** `o[key]`, running getters and Proxy traps as a call (their throw comes back as a GuestThrow). */
  read(object: QuickJSHandle, key: string | QuickJSHandle): QuickJSHandle {
    const ctx = this.ctx;
    const k = typeof key === 'string' ? this.newString(key) : key;
    try {
      const r = ctx.callFunction(this.reader, ctx.undefined, object, k);
      if (r.error) throw new GuestThrow(r.error);
      return r.value;
    } finally {
      if (k !== key) k.dispose();
    }
  }

  /** JavaScript `String(value)` with the captured String (may run guest toString / Symbol.toPrimitive). */
  stringOf(handle: QuickJSHandle): string {
    const ctx = this.ctx;
    switch (ctx.typeof(handle)) {
      case 'string':
        return this.string(handle);
      case 'number':
        return String(ctx.getNumber(handle));
      case 'undefined':
        return 'undefined';
      case 'boolean':
        return ctx.sameValue(handle, ctx.true) ? 'true' : 'false';
    }
    if (ctx.sameValue(handle, ctx.null)) return 'null';
    const r = ctx.callFunction(this.toStr, ctx.undefined, handle);
    if (r.error) throw new GuestThrow(r.error);
    return r.value.consume((s) => this.string(s));
  }

  dispose(): void {
    for (const h of this.owned.reverse()) if (h.alive) h.dispose();
    this.owned.length = 0;
  }
}
