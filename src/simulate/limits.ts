import type { RunLimits } from './settings.js';

/** Every limit's default, in one place (README "Limits"). */
export const DEFAULT_LIMITS: RunLimits & { hardTimeoutMs: number; wasmMemoryBytes: number } = {
  timeoutMs: 1000,
  hardTimeoutMs: 6000,
  memoryBytes: 64 * 1024 * 1024,
  wasmMemoryBytes: 128 * 1024 * 1024,
  stackBytes: 256 * 1024,
  logBytes: 1024 * 1024,
  profileBudgetMs: 20_000,
  maxChoicePasses: 32,
};

/**
 * Deterministic work per millisecond of --timeout: QuickJS calls its interrupt
 * handler about every 10,000 bytecode operations, and each call is one unit.
 * Measured with quickjs-emscripten 0.32.0 on a 2-core x86_64 machine: a tight
 * loop polls 0.6 times per ms, a loop of function calls 3.3 times; 0.5 units
 * per ms makes the default 1,000 ms budget end a tight loop in about 0.8 s,
 * well inside the wall-clock safety net, on any machine.
 */
export const UNITS_PER_MS = 0.5;

/**
 * The JavaScript stack limit must stay below the WebAssembly module's own
 * stack: above ~1 MiB QuickJS overflows it and aborts (measured with 0.32.0).
 */
export const MAX_STACK_BYTES = 1024 * 1024;
export const MIN_STACK_BYTES = 16 * 1024;

/** The guest clock when --now is not given: runs are reproducible by default. */
export const DEFAULT_NOW = Date.UTC(2026, 0, 1);
export const DEFAULT_SEED = 1;
