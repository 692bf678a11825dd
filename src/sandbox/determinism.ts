/**
 * A deterministic guest: a fixed clock and a seeded Math.random, so the same
 * inputs give byte-identical results on any machine.
 *
 * `fixedDate` is never called in Node: its source is evaluated inside
 * QuickJS, so it must not refer to anything outside itself. It receives the
 * real Date and Object.defineProperty captured when the context was created,
 * before any guest code ran: a guest that replaces Object.defineProperty (or
 * puts setters on Function.prototype) before first touching Date cannot make
 * the install fail open and reach the host clock.
 */
export interface GuestConfig {
  /** Fixed clock for Date, in ms since the epoch. */
  now: number;
  /** Seed for Math.random. */
  seed: number;
}

/** Replaces the global Date with one whose clock is fixed at `now`; returns it. */
export function fixedDate(RealDate: DateConstructor, now: number, define: typeof Object.defineProperty, global: object): unknown {
  'use strict';
  function FixedDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now).toString();
    return args.length === 0 ? new RealDate(now) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  }
  const fixed = (name: string, value: unknown) => define(FixedDate, name, { value, writable: true, configurable: true, enumerable: false });
  define(FixedDate, 'prototype', { value: RealDate.prototype });
  const clock = now;
  fixed('now', () => clock);
  fixed('parse', RealDate.parse);
  fixed('UTC', RealDate.UTC);
  define(RealDate.prototype, 'constructor', { value: FixedDate, writable: true, configurable: true, enumerable: false });
  define(global, 'Date', { value: FixedDate, writable: true, configurable: true, enumerable: false });
  return FixedDate;
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
