import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Distribution } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
import type { Poison, RunSettings } from '../simulate/settings.js';
import type { ProfileResult } from '../types.js';
import { IDLE, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';

export interface Job {
  distribution: Distribution;
  profile: Profile;
  settings: RunSettings;
}

export interface PoolOptions {
  /** Worker threads (default: available cores, at most the number of jobs). */
  workers?: number;
  /** Wall-clock limit of one evaluation, enforced from outside by terminating the worker. */
  hardTimeoutMs: number;
  /** Cap on each worker's WebAssembly memory, bytes. */
  wasmMemoryCap: number;
  onProgress?: (done: number, total: number) => void;
}

interface JobState {
  index: number;
  job: Job;
  poisoned: Record<number, Poison>;
  crashes: number;
}

/** Jobs sent ahead to each worker, so it never waits for the main thread between jobs. */
const PIPELINE_DEPTH = 4;

interface Slot {
  worker: Worker;
  current: Int32Array;
  started: Float64Array;
  polls: Int32Array;
  /** Jobs sent to this worker and not answered yet, in the order it runs them. */
  inFlight: JobState[];
  distributions: Set<number>;
  profiles: Set<string>;
  retired: boolean;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

interface Spawned {
  worker: Worker;
  watch: SharedArrayBuffer;
  /** Set when a pre-started worker died before a pool adopted it. */
  dead?: Error;
}

const prewarmed: Spawned[] = [];

function spawnWorker(): Spawned {
  const watch = new SharedArrayBuffer(24);
  const init: WorkerInit = { watch };
  const worker = new Worker(WORKER_URL, { workerData: init, resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 4 } });
  return { worker, watch };
}

/**
 * Starts `n` workers ahead of the first pool, so loading QuickJS overlaps
 * the caller's own start-up. The next pool adopts them.
 */
export function prewarmWorkers(n: number): void {
  while (prewarmed.length < n) {
    const spawned: Spawned = spawnWorker();
    spawned.worker.unref();
    // Until a pool adopts it, a failure is recorded, never thrown at the process.
    const died = (error: Error) => (spawned.dead ??= error);
    spawned.worker.on('error', died);
    spawned.worker.on('exit', (code) => died(new Error(`worker exited with code ${code}`)));
    prewarmed.push(spawned);
  }
}

function adoptOrSpawn(): Spawned {
  for (let s = prewarmed.shift(); s; s = prewarmed.shift()) {
    if (!s.dead) {
      s.worker.removeAllListeners();
      return s;
    }
  }
  return spawnWorker();
}

/**
 * Runs (distribution × profile) jobs on worker threads and returns results in
 * job order, whatever order they finish in. A worker that runs one
 * evaluation past the hard limit, or dies, is replaced, and its profile is
 * evaluated again from the start with that evaluation marked as failed: the
 * simulation is deterministic, so the replay reaches the same point.
 */
export class EvaluationPool {
  private slots: Slot[] = [];
  private readonly distributionKeys = new Map<Distribution, number>();
  private readonly profileKeys = new Map<Profile, string>();
  private readonly size: number;
  private watchdog: NodeJS.Timeout | undefined;
  private pending: JobState[] = [];
  private results: ProfileResult[] = [];
  private done = 0;
  private total = 0;
  private settle: { resolve: (r: ProfileResult[]) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly options: PoolOptions) {
    this.size = Math.max(1, options.workers ?? availableParallelism());
  }

  run(jobs: Job[]): Promise<ProfileResult[]> {
    if (this.settle) return Promise.reject(new Error('EvaluationPool.run is already running'));
    if (jobs.length === 0) return Promise.resolve([]);
    this.pending = jobs.map((job, index) => ({ index, job, poisoned: { ...job.settings.poisoned }, crashes: 0 }));
    this.results = new Array<ProfileResult>(jobs.length);
    this.done = 0;
    this.total = jobs.length;
    return new Promise<ProfileResult[]>((resolve, reject) => {
      this.settle = { resolve, reject };
      while (this.slots.filter((s) => !s.retired).length < Math.min(this.size, jobs.length)) this.slots.push(this.spawn());
      for (const slot of this.slots) if (!slot.retired) this.dispatch(slot);
      const tick = Math.max(10, Math.min(100, this.options.hardTimeoutMs / 4));
      this.watchdog = setInterval(() => this.watch(), tick);
    });
  }

  /** Terminates the workers (without waiting for their threads to wind down: they no longer hold the process open). */
  close(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    for (const s of this.slots) {
      if (s.retired) continue;
      s.retired = true;
      s.worker.unref();
      void s.worker.terminate();
    }
  }

  private spawn(): Slot {
    const { worker, watch } = adoptOrSpawn();
    worker.ref();
    worker.postMessage({ type: 'init', wasmMemoryCap: this.options.wasmMemoryCap } satisfies ToWorker);
    const slot: Slot = {
      worker,
      current: new Int32Array(watch, 0, 2),
      started: new Float64Array(watch, 8, 1),
      polls: new Int32Array(watch, 16, 1),
      inFlight: [],
      distributions: new Set(),
      profiles: new Set(),
      retired: false,
    };
    slot.current[0] = IDLE;
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onDeath(slot, e));
    worker.on('exit', (code) => {
      if (!slot.retired) this.onDeath(slot, new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private dispatch(slot: Slot): void {
    // Spread the work: no more in flight per worker than its share of what is left.
    const share = Math.ceil((this.pending.length + this.inFlight()) / Math.max(1, this.slots.filter((s) => !s.retired).length));
    while (slot.inFlight.length < Math.min(PIPELINE_DEPTH, Math.max(1, share)) && this.pending.length > 0) this.send(slot, this.pending.shift()!);
  }

  private inFlight(): number {
    return this.slots.reduce((n, s) => n + (s.retired ? 0 : s.inFlight.length), 0);
  }

  private send(slot: Slot, state: JobState): void {
    slot.inFlight.push(state);
    const { distribution, profile, settings } = state.job;
    let dKey = this.distributionKeys.get(distribution);
    if (dKey === undefined) this.distributionKeys.set(distribution, (dKey = this.distributionKeys.size));
    let pKey = this.profileKeys.get(profile);
    if (pKey === undefined) this.profileKeys.set(profile, (pKey = `${this.profileKeys.size}`));
    const send = (m: ToWorker) => slot.worker.postMessage(m);
    if (!slot.distributions.has(dKey)) {
      send({ type: 'distribution', key: dKey, distribution });
      slot.distributions.add(dKey);
    }
    if (!slot.profiles.has(pKey)) {
      send({ type: 'profile', key: pKey, profile });
      slot.profiles.add(pKey);
    }
    send({ type: 'job', job: state.index, distribution: dKey, profile: pKey, settings: { ...settings, poisoned: state.poisoned } });
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready' || slot.retired) return;
    const at = slot.inFlight.findIndex((j) => j.index === m.job);
    if (at === -1) return;
    if (m.type === 'limited') {
      slot.inFlight[at]!.poisoned[m.evaluable] = { kind: m.kind };
      return;
    }
    const state = slot.inFlight.splice(at, 1)[0]!;
    switch (m.type) {
      case 'result':
        this.results[state.index] = JSON.parse(m.result) as ProfileResult;
        this.done++;
        this.options.onProgress?.(this.done, this.total);
        break;
      case 'fault':
        state.poisoned[m.evaluable] = { kind: m.kind };
        this.pending.unshift(state);
        break;
      case 'error': {
        const error = new Error(`internal error while evaluating profile ${state.job.profile.id}: ${m.message}`);
        if (m.stack !== undefined) error.stack = m.stack;
        return this.fail(error);
      }
    }
    this.next(slot);
  }

  private next(slot: Slot): void {
    if (this.done === this.total) return this.finish();
    if (!slot.retired) this.dispatch(slot);
  }

  /** The job a worker is running now, from its shared cells. */
  private running(slot: Slot): JobState | undefined {
    const job = Atomics.load(slot.current, 1);
    return slot.inFlight.find((j) => j.index === job);
  }

  /** The watchdog: stops a worker whose evaluation passed the hard limit. */
  private watch(): void {
    const now = Date.now();
    for (const slot of this.slots) {
      if (slot.retired || slot.inFlight.length === 0) continue;
      const evaluable = Atomics.load(slot.current, 0);
      if (evaluable === IDLE || now - slot.started[0]! <= this.options.hardTimeoutMs) continue;
      const state = this.running(slot);
      if (state) state.poisoned[evaluable] = { kind: 'hard-timeout', polls: Atomics.load(slot.polls, 0) };
      this.replace(slot);
    }
  }

  private onDeath(slot: Slot, error: Error): void {
    if (slot.retired) return;
    if (slot.inFlight.length === 0) {
      slot.retired = true;
      return this.fail(new Error(`a worker died while idle: ${error.message}`));
    }
    const evaluable = Atomics.load(slot.current, 0);
    const state = this.running(slot) ?? slot.inFlight[0]!;
    if (evaluable !== IDLE) {
      const memory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(error.message);
      state.poisoned[evaluable] = { kind: memory ? 'out-of-memory' : 'exception' };
    } else if (++state.crashes > 2) {
      slot.retired = true;
      return this.fail(new Error(`the worker evaluating profile ${state.job.profile.id} died repeatedly: ${error.message}`));
    }
    this.replace(slot);
  }

  /** Stops a worker and gives its unanswered jobs (the stopped one first) to a fresh one. */
  private replace(slot: Slot): void {
    slot.retired = true;
    void slot.worker.terminate();
    const running = this.running(slot);
    const requeue = running ? [running, ...slot.inFlight.filter((j) => j !== running)] : slot.inFlight;
    slot.inFlight = [];
    this.pending.unshift(...requeue);
    this.slots = this.slots.filter((s) => !s.retired);
    const fresh = this.spawn();
    this.slots.push(fresh);
    this.dispatch(fresh);
  }

  private finish(): void {
    const settle = this.settle;
    this.settle = undefined;
    if (this.watchdog) clearInterval(this.watchdog);
    settle?.resolve(this.results);
  }

  private fail(error: Error): void {
    const settle = this.settle;
    this.settle = undefined;
    if (this.watchdog) clearInterval(this.watchdog);
    settle?.reject(error);
  }
}
