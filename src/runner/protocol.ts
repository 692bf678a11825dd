import type { Distribution } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
import type { GuestError } from '../sandbox/guest-errors.js';
import type { RunSettings } from '../simulate/settings.js';

/** Messages between the pool (main thread) and its workers. */
export type ToWorker =
  | { type: 'init'; wasmMemoryCap: number }
  | { type: 'distribution'; key: number; distribution: Distribution }
  | { type: 'profile'; key: string; profile: Profile }
  | { type: 'job'; job: number; distribution: number; profile: string; settings: RunSettings };

export type FromWorker =
  | { type: 'ready' }
  /** The result as JSON text: one flat string clones much faster than a deep object graph. */
  | { type: 'result'; job: number; result: string }
  | { type: 'fault'; job: number; evaluable: number; kind: GuestError['kind']; message: string }
  | { type: 'limited'; job: number; evaluable: number; kind: GuestError['kind'] }
  | { type: 'error'; job: number; message: string; stack?: string };

export interface WorkerInit {
  /**
   * Shared watchdog cells: Int32 [0] = evaluable in progress (-1 when idle), Int32 [1] = its job; Float64 at byte 8 =
   * its start (Date.now()); Int32 at byte 16 = interrupt polls it has reached (a replay stops there).
   */
  watch: SharedArrayBuffer;
}

export const IDLE = -1;
