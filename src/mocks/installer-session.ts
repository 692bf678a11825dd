import type { QuickJSWASMModule } from 'quickjs-emscripten';
import type { GuestConfig } from '../sandbox/determinism.js';
import { Session, type EvalBudget, type EvalOutcome, type SessionLimits } from '../sandbox/session.js';
import type { InstallerHost } from './host-api.js';
import { InstalledApi, type ApiOptions } from './install-api.js';

/** A QuickJS session with the Installer API installed on it: what one profile's evaluations run in. */
export class InstallerSession {
  readonly api: InstalledApi;
  lastUnits = 0;
  private readonly session: Session;

  constructor(engine: QuickJSWASMModule, limits: SessionLimits, config: GuestConfig, host: InstallerHost, options: ApiOptions) {
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

  /** False when the WASM module aborted during teardown and must be retired. */
  dispose(): boolean {
    let clean = true;
    try {
      this.api.dispose();
    } catch {
      clean = false;
    }
    return this.session.dispose() && clean;
  }
}
