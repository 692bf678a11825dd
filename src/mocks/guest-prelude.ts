/**
 * The only JavaScript distsim evaluates in the guest besides the
 * Distribution's own, each compiled lazily on first use: QuickJS in
 * WebAssembly parses at about 2.4 µs per statement, so a prelude run in every
 * profile cost more than the rest of the sandbox set-up (measured: 1.7 KB,
 * ~200 µs). Everything else is built from host objects (install-api.ts).
 *
 * These functions are never called in Node: their compiled source is
 * evaluated inside QuickJS, so they must not refer to anything outside
 * themselves.
 */
export interface GuestConfig {
  /** Fixed clock for Date, in ms since the epoch. */
  now: number;
  /** Seed for Math.random. */
  seed: number;
}

/** Replaces the global Date with one whose clock is fixed at `now`; returns it. */
export function fixedDate(RealDate: DateConstructor, now: number): unknown {
  'use strict';
  function FixedDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now).toString();
    return args.length === 0 ? new RealDate(now) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  }
  FixedDate.prototype = RealDate.prototype;
  FixedDate.now = () => now;
  FixedDate.parse = RealDate.parse;
  FixedDate.UTC = RealDate.UTC;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FixedDate, writable: true, configurable: true });
  Object.defineProperty(globalThis, 'Date', { value: FixedDate, writable: true, configurable: true, enumerable: false });
  return FixedDate;
}

/** my.result's fields as a JSON string of strings (fields may be guest getters or objects with toString). */
export function readResult(r: unknown): string {
  'use strict';
  const field = (v: unknown) => (v === undefined || v === null ? null : String(v));
  if (r === null || typeof r !== 'object') return JSON.stringify({ type: null, title: null, message: null });
  const o = r as Record<string, unknown>;
  return JSON.stringify({ type: field(o.type), title: field(o.title), message: field(o.message) });
}

/** xorshift32, the seeded Math.random (computed on the host). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
