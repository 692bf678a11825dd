import type { QuickJSWASMModule } from 'quickjs-emscripten';
import type { GuestConfig } from '../sandbox/determinism.js';
import { Session, type EvalBudget, type EvalOutcome, type SessionLimits } from '../sandbox/session.js';
import { InstalledApi, type ApiOptions, type HostAnswers } from './install-api.js';

/** A QuickJS session with the Installer API installed on it: what one profile's evaluations run in. */
export class InstallerSession {
  readonly api: InstalledApi;
  lastUnits = 0;
  readonly session: Session;

  constructor(engine: QuickJSWASMModule, limits: SessionLimits, config: GuestConfig, host: HostAnswers, options: ApiOptions) {
    this.session = new Session(engine, limits, config);
    try {
      this.api = new InstalledApi(this.session, host, options);
    } catch (error) {
      this.session.dispose();
      throw error;
    }
  }

  set onPoll(fn: ((polls: number) => void) | undefined) {
    this.session.onPoll = fn;
  }

  get onPoll(): ((polls: number) => void) | undefined {
    return this.session.onPoll;
  }

  evaluate(code: string, filename: string, budget: EvalBudget): EvalOutcome {
    const outcome = this.session.evaluate(code, filename, budget);
    this.lastUnits = this.session.lastUnits;
    return outcome;
  }

  /** Builds everything built on first use, so a memory image taken now holds it (see ImageSessions). */
  settle(): void {
    this.session.settle();
    this.api.settle();
  }

  /** Starts another profile: after the context's memory was restored from an image, or (`live`) in the same memory. */
  begin(config: GuestConfig, host: HostAnswers, options: ApiOptions, previous: 'restored' | 'live' = 'restored'): void {
    if (previous === 'live') this.session.freeProfile();
    this.session.begin(config);
    this.api.begin(host, options, previous);
    this.lastUnits = 0;
  }

  /** False when the WASM module aborted during teardown and must be retired. */
  dispose(options: { afterRestore?: boolean } = {}): boolean {
    let clean = true;
    try {
      this.api.dispose(options);
    } catch {
      clean = false;
    }
    return this.session.dispose(options) && clean;
  }
}
