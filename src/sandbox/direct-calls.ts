import { Lifetime, WeakLifetime, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten';

/**
 * Guest → host calls without quickjs-emscripten's generic dispatch.
 *
 * quickjs-emscripten 0.32.0 runs every call of a host function through a
 * generator-based scope (it serves the asyncify builds too) with a lifetime
 * per argument: about 10 µs per call on this project's machines, against
 * about 1 µs for a plain function with the same semantics. The replacement
 * below keeps those semantics exactly: `this` and the arguments are borrowed
 * handles, valid during the call; a returned handle is duplicated for the
 * guest and then disposed; `{ error }` or a thrown value becomes a guest
 * exception. It is installed only on a context whose internals have the
 * expected shape, and `checkDirectCalls` proves it on a live call.
 */
interface ContextInternals {
  ctx: { value: number };
  cToHostCallbacks: { callFunction: (ctx: number, thisPtr: number, argc: number, argv: number, fnId: number) => number };
  memory: { copyJSValue: (ptr: number) => number; freeJSValue: (ptr: number) => void };
  ffi: {
    QTS_ArgvGetJSValueConstPointer(argv: number, i: number): number;
    QTS_DupValuePointer(ctx: number, ptr: number): number;
    QTS_Throw(ctx: number, ptr: number): number;
  };
  getFunction(id: number): (this: QuickJSHandle, ...args: QuickJSHandle[]) => unknown;
  errorToHandle(error: unknown): QuickJSHandle;
  runtime: QuickJSRuntime;
}

function internalsOf(context: QuickJSContext): ContextInternals | undefined {
  const c = context as unknown as Partial<ContextInternals>;
  const callbacks = c.cToHostCallbacks;
  if (!c.ctx || typeof c.ctx.value !== 'number' || !callbacks || typeof callbacks.callFunction !== 'function') return undefined;
  if (!c.memory || typeof c.memory.copyJSValue !== 'function' || typeof c.memory.freeJSValue !== 'function') return undefined;
  const ffi = c.ffi;
  if (
    !ffi ||
    typeof ffi.QTS_ArgvGetJSValueConstPointer !== 'function' ||
    typeof ffi.QTS_DupValuePointer !== 'function' ||
    typeof ffi.QTS_Throw !== 'function'
  ) {
    return undefined;
  }
  if (typeof c.getFunction !== 'function' || typeof c.errorToHandle !== 'function' || !c.runtime) return undefined;
  return c as ContextInternals;
}

/**
 * Replaces the context's call dispatch and proves it on a live call; on any
 * doubt the library's own dispatch stays, and the string says why.
 */
export function enableDirectCalls(context: QuickJSContext): string | undefined {
  const c = internalsOf(context);
  if (!c) return 'quickjs-emscripten context internals are not the known ones';
  const original = c.cToHostCallbacks.callFunction;
  installDirectCalls(c);
  let problem: string | undefined;
  try {
    problem = checkDirectCalls(context);
  } catch (error) {
    problem = `the direct-call check failed: ${(error as Error)?.message ?? String(error)}`;
  }
  if (problem) c.cToHostCallbacks.callFunction = original;
  return problem;
}

function installDirectCalls(c: ContextInternals): void {
  const { ffi, memory, runtime } = c;
  const ctxPtr = c.ctx.value;
  const copy = memory.copyJSValue;
  const free = memory.freeJSValue;
  // A handle the guest lends for the call (the library's own dispatch makes the same).
  const borrow = (ptr: number) => new WeakLifetime(ptr, copy, free, runtime) as unknown as QuickJSHandle;
  c.cToHostCallbacks.callFunction = (ctx, thisPtr, argc, argv, fnId) => {
    if (ctx !== ctxPtr) throw new Error('distsim: a host call arrived for another context');
    const fn = c.getFunction(fnId);
    const self = borrow(thisPtr);
    const args = new Array<QuickJSHandle>(argc);
    for (let i = 0; i < argc; i++) args[i] = borrow(ffi.QTS_ArgvGetJSValueConstPointer(argv, i));
    try {
      const result = fn.apply(self, args) as QuickJSHandle | { value?: QuickJSHandle; error?: QuickJSHandle } | undefined;
      if (!result) return 0;
      if (!(result instanceof Lifetime) && result.error) throw result.error;
      const handle = result instanceof Lifetime ? result : result.value!;
      try {
        return ffi.QTS_DupValuePointer(ctxPtr, handle.value as number);
      } finally {
        if (handle.alive) handle.dispose();
      }
    } catch (error) {
      const handle = c.errorToHandle(error);
      try {
        return ffi.QTS_Throw(ctxPtr, handle.value as number);
      } finally {
        if (handle.alive) handle.dispose();
      }
    } finally {
      // Borrowed for the call only, as in the library's dispatch.
      self.dispose();
      for (const a of args) a.dispose();
    }
  };
}

/**
 * Proves the direct dispatch on a live call: `this`, arguments, a returned
 * value and a thrown error must cross as they do through the library's own
 * dispatch. A string says what went wrong.
 */
function checkDirectCalls(context: QuickJSContext): string | undefined {
  const ctx = context;
  let seenThis = '';
  let seenArgs: string[] = [];
  const fn = ctx.newFunction('probe', function (this: QuickJSHandle, ...args: QuickJSHandle[]) {
    seenThis = ctx.typeof(this);
    seenArgs = args.map((a) => String(ctx.dump(a)));
    if (seenArgs[0] === 'throw') return { error: ctx.newError('probe error') };
    return ctx.newString(`${seenArgs.join('+')}!`);
  });
  try {
    const args = [ctx.newNumber(1), ctx.newString('two')];
    const ok = ctx.callFunction(fn, ctx.global, args);
    for (const a of args) a.dispose();
    if (ok.error) {
      ok.error.dispose();
      return 'a host call threw';
    }
    const value = ok.value.consume((v) => ctx.getString(v));
    if (value !== '1+two!' || seenThis !== 'object') return `a host call returned ${JSON.stringify(value)} with this of type ${seenThis}`;
    const thrown = ctx.newString('throw').consume((arg) => ctx.callFunction(fn, ctx.undefined, arg));
    if (!thrown.error) {
      thrown.value.dispose();
      return 'a host error did not reach the guest';
    }
    const message = thrown.error.consume((e) => ctx.getProp(e, 'message').consume((m) => ctx.getString(m)));
    return message === 'probe error' ? undefined : `a host error reached the guest as ${JSON.stringify(message)}`;
  } finally {
    fn.dispose();
  }
}
