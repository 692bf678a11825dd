import { parentPort, workerData } from 'node:worker_threads';
import type { Distribution } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
import type { GuestError } from '../sandbox/guest-errors.js';
import { getEngine, retireEngine, setWasmMemoryCap } from '../sandbox/engine.js';
import { EngineFault, quickjsSessions, runProfile } from '../simulate/run-profile.js';
import { DEFAULT_LIMITS } from '../simulate/limits.js';
import { IDLE, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';
import { WARMUP_DISTRIBUTION, WARMUP_PROFILE, WARMUP_SETTINGS } from './warmup.js';

/**
 * A worker evaluates profiles one at a time. It publishes the evaluation in
 * progress in shared memory so the pool's watchdog can stop it from outside
 * (the QuickJS interrupt handler is polled too rarely inside native calls to
 * be a guarantee: measured 11 s past a 200 ms deadline).
 */
const init = workerData as WorkerInit;
const current = new Int32Array(init.watch, 0, 2);
const started = new Float64Array(init.watch, 8, 1);
const polls = new Int32Array(init.watch, 16, 1);
setWasmMemoryCap(DEFAULT_LIMITS.wasmMemoryBytes);
// Compile the WebAssembly module and warm the code paths now, while the pool is still preparing jobs.
// Skipped when a job is already waiting: then the job itself pays the first-run costs.
let jobSeen = false;
let warm: Promise<void> | undefined = getEngine().then((engine) => {
  if (!jobSeen) runProfile(quickjsSessions(engine), WARMUP_DISTRIBUTION, WARMUP_PROFILE, WARMUP_SETTINGS);
});

const distributions = new Map<number, Distribution>();
const profiles = new Map<string, Profile>();
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

const hook = {
  starting(evaluable: number) {
    started[0] = Date.now();
    Atomics.store(polls, 0, 0);
    Atomics.store(current, 0, evaluable);
  },
  polled(count: number) {
    Atomics.store(polls, 0, count);
  },
  limited(evaluable: number, kind: GuestError['kind']) {
    // Tell the pool at once, so a replay of this profile after a hard kill skips it.
    post({ type: 'limited', job: Atomics.load(current, 1), evaluable, kind });
  },
};

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'init':
      setWasmMemoryCap(message.wasmMemoryCap);
      return;
    case 'distribution':
      distributions.set(message.key, message.distribution);
      return;
    case 'profile':
      profiles.set(message.key, message.profile);
      return;
    case 'job':
      jobSeen = true;
      void runJob(message);
  }
});

let queue: Promise<void> = Promise.resolve();

function runJob(message: Extract<ToWorker, { type: 'job' }>): Promise<void> {
  queue = queue.then(async () => {
    if (warm) {
      await warm.catch(() => retireEngine());
      warm = undefined;
    }
    const engine = await getEngine();
    Atomics.store(current, 1, message.job);
    try {
      const result = runProfile(quickjsSessions(engine), distributions.get(message.distribution)!, profiles.get(message.profile)!, message.settings, hook);
      post({ type: 'result', job: message.job, result: JSON.stringify(result) });
      if (result.diagnostics.some((d) => d.code === 'SANDBOX_TEARDOWN_ABORT')) retireEngine();
    } catch (error) {
      retireEngine();
      if (error instanceof EngineFault) {
        post({
          type: 'fault',
          job: message.job,
          evaluable: error.evaluable,
          kind: error.kind,
          message: String((error.cause as Error)?.message ?? error.cause),
        });
      } else {
        const e = error as Error;
        post({ type: 'error', job: message.job, message: e?.message ?? String(error), ...(e?.stack !== undefined && { stack: e.stack }) });
      }
    } finally {
      Atomics.store(current, 0, IDLE);
    }
  });
  return queue;
}

post({ type: 'ready' });
