/**
 * The little of the Installer environment that must be written in
 * JavaScript: a fixed clock, a seeded Math.random, the Proxy that notices
 * reads of members the API does not have, and reading my.result (whose
 * fields may be guest getters). Everything else is built from the host in
 * install-api.ts, because QuickJS in WebAssembly parses at about 2.4 µs per
 * statement and a full JavaScript prelude cost 1 ms per profile.
 *
 * This function is never called in Node: its compiled source is evaluated
 * inside QuickJS, so it must not refer to anything outside itself.
 */
export interface GuestConfig {
  /** Fixed clock for Date, in ms since the epoch. */
  now: number;
  /** Seed for Math.random. */
  seed: number;
}

export interface GuestHelpers {
  watch<T extends object>(target: T, report: (key: string) => void): T;
  readResult(result: unknown): string;
}

export function guestPrelude(configJson: string): GuestHelpers {
  'use strict';
  const config = JSON.parse(configJson) as GuestConfig;
  const RealDate = Date;
  const now = config.now;
  function FixedDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now).toString();
    return args.length === 0 ? new RealDate(now) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  }
  FixedDate.prototype = RealDate.prototype;
  FixedDate.now = () => now;
  FixedDate.parse = RealDate.parse;
  FixedDate.UTC = RealDate.UTC;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FixedDate, writable: true, configurable: true });
  (globalThis as Record<string, unknown>).Date = FixedDate;
  let state = config.seed >>> 0 || 0x9e3779b9;
  Math.random = function random(): number {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const field = (v: unknown) => (v === undefined || v === null ? null : String(v));
  return {
    watch(target, report) {
      return new Proxy(target, {
        get(t, key, receiver) {
          if (typeof key === 'string' && !(key in t) && key !== 'toJSON' && key !== 'then') report(key);
          return Reflect.get(t, key, receiver);
        },
      });
    },
    readResult(r) {
      if (r === null || typeof r !== 'object') return JSON.stringify({ type: null, title: null, message: null });
      const o = r as Record<string, unknown>;
      return JSON.stringify({ type: field(o.type), title: field(o.title), message: field(o.message) });
    },
  };
}
