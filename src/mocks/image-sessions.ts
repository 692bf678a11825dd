import type { QuickJSWASMModule } from 'quickjs-emscripten';
import type { GuestConfig } from '../sandbox/determinism.js';
import { engineLayout, imagesUnavailable } from '../sandbox/engine.js';
import { fastPathsEnabled } from '../sandbox/fast-paths.js';
import { MemoryImage } from '../sandbox/image.js';
import type { EvalBudget, EvalOutcome, SessionLimits } from '../sandbox/session.js';
import type { ApiOptions, HostAnswers, InstalledApi } from './install-api.js';
import { InstallerSession } from './installer-session.js';

/** What a profile's evaluations run in; `dispose` ends the profile (structurally the simulation's SessionLike). */
export interface ProfileSession {
  readonly api: InstalledApi;
  evaluate(code: string, filename: string, budget: EvalBudget): EvalOutcome;
  readonly lastUnits: number;
  onPoll: ((polls: number) => void) | undefined;
  dispose(): boolean;
}

/** Why profiles do not start from a memory image; `unexpected` when a self-check failed (reported), not a deliberate setting. */
export interface FastPathStatus {
  images: string | undefined;
  directCalls: string | undefined;
  unexpected: boolean;
}

const PROBE_HOST: HostAnswers = { handle: (op) => (op === 'apps.all' ? '[]' : undefined) };
const PROBE_OPTIONS: ApiOptions = { choices: ['probe'], maxArgumentLength: 1 << 20 };

/**
 * Sessions for one WASM module, each profile starting from a memory image.
 *
 * The first profile with given limits builds a runtime, context,
 * determinism shims and Installer API once, builds ahead everything built
 * on first use, and takes an image of the module's memory (image.ts). Every
 * profile then runs in that context, and ending it restores the image: the
 * next profile starts from the same bytes. The module was proved to restore
 * cleanly when it was loaded (sandbox/image-check.ts); when that check
 * failed, or the build's layout is unknown, every profile gets a fresh
 * runtime instead, as before, and status() says why.
 */
export class ImageSessions {
  private base: { session: InstallerSession; image: MemoryImage; key: string } | undefined;
  private inUse = false;
  private directCallsOff: string | undefined;
  /** Set when an image could not be taken on a module that passed its check: then no more attempts. */
  private captureProblem: string | undefined;

  constructor(private readonly engine: QuickJSWASMModule) {}

  /** How many of the memory image's checks fail now (0 between profiles; see MemoryImage.differences), or undefined without one. */
  imageDifferences(): number | undefined {
    return this.inUse ? undefined : this.base?.image.differences();
  }

  status(): FastPathStatus {
    const off = imagesUnavailable(this.engine) ?? (this.captureProblem !== undefined ? { reason: this.captureProblem, unexpected: true } : undefined);
    return { images: off?.reason, directCalls: this.directCallsOff, unexpected: (off?.unexpected ?? false) || this.directCallsOff !== undefined };
  }

  session(limits: SessionLimits, config: GuestConfig, host: HostAnswers, options: ApiOptions): ProfileSession {
    const base = this.inUse || this.captureProblem !== undefined || imagesUnavailable(this.engine) ? undefined : this.baseFor(limits, config);
    if (!base) {
      // Built exactly as the imaged session is, so that QuickJS's interrupt counter is in the same phase when the
      // profile starts: a script stopped by the deterministic budget stops at the same point on either path.
      const fresh = new InstallerSession(this.engine, limits, config, PROBE_HOST, PROBE_OPTIONS);
      fresh.settle();
      fresh.begin(config, host, options, 'live');
      this.noteDirectCalls(fresh);
      return fresh;
    }
    base.session.begin(config, host, options);
    this.inUse = true;
    return new ImageLease(base.session, () => {
      base.image.restore();
      this.inUse = false;
    });
  }

  /** Remembers why a session's direct calls are off, unless every fast path was switched off on purpose. */
  private noteDirectCalls(session: InstallerSession): void {
    if (fastPathsEnabled()) this.directCallsOff ??= session.session.directCallsOff;
  }

  private baseFor(limits: SessionLimits, config: GuestConfig): { session: InstallerSession; image: MemoryImage; key: string } | undefined {
    const key = `${limits.memoryBytes}/${limits.stackBytes}`;
    if (this.base?.key === key) return this.base;
    if (this.base) {
      // Other limits: their runtime replaces this one (the image holds the limits too).
      this.base.image.restore();
      this.base.session.dispose({ afterRestore: true });
      this.base = undefined;
    }
    const layout = engineLayout();
    if (typeof layout === 'string') return undefined;
    const session = new InstallerSession(this.engine, limits, config, PROBE_HOST, PROBE_OPTIONS);
    this.noteDirectCalls(session);
    session.settle();
    const image = MemoryImage.capture(this.engine, layout, session.session.runtime);
    if (typeof image === 'string') {
      this.captureProblem = image;
      session.dispose();
      return undefined;
    }
    this.base = { session, image, key };
    return this.base;
  }
}

/** One profile in the imaged session; disposing it restores the image instead of freeing the runtime. */
class ImageLease implements ProfileSession {
  private ended = false;

  constructor(
    private readonly base: InstallerSession,
    private readonly end: () => void,
  ) {}

  get api(): InstalledApi {
    return this.base.api;
  }

  get lastUnits(): number {
    return this.base.lastUnits;
  }

  get onPoll(): ((polls: number) => void) | undefined {
    return this.base.onPoll;
  }

  set onPoll(fn: ((polls: number) => void) | undefined) {
    this.base.onPoll = fn;
  }

  evaluate(code: string, filename: string, budget: EvalBudget): EvalOutcome {
    return this.base.evaluate(code, filename, budget);
  }

  dispose(): boolean {
    if (!this.ended) {
      this.ended = true;
      this.end();
    }
    return true;
  }
}
