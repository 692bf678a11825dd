import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { MemoryImage } from './image.js';
import type { MemoryLayout } from './layout.js';
import { Session, type EvalBudget, type EvalOutcome } from './session.js';

const BUDGET: EvalBudget = { units: 10_000, wallMs: 5_000 };
const CONFIG = { now: 0, seed: 1 };

/** Changes what a guest can change, grows the heap past its imaged end (a 500 KB string), and touches the lazily built Date. */
const POLLUTE = `
globalThis.__distsimProbe = 1;
Object.prototype.__distsimProbe = 2;
Array.prototype.push = function () { return 0; };
var kept = ['probe'.repeat(100000), {}, [1, 2, 3]];
Math.random(); new Date().getTime(); __distsimHost();
true`;

/** True only in a context with none of POLLUTE's changes. */
const CLEAN = `typeof __distsimProbe === 'undefined' && !('__distsimProbe' in Object.prototype) && [].push(1) === 1
  && typeof kept === 'undefined' && typeof __distsimHost === 'undefined'`;

/**
 * Proves memory images on a freshly loaded module before any profile uses
 * them: takes an image of a prepared session, pollutes it (globals,
 * prototypes, a heap that grows past the imaged break, a host function
 * created after the image), restores, and checks that every byte the image
 * covers, the memory above it and just past the static data, and the
 * host-function table are back, and that a script sees nothing of the
 * pollution. Returns what failed, or undefined. A failure may leave the
 * module inconsistent: the caller drops it.
 */
export function checkImages(engine: QuickJSWASMModule, layout: MemoryLayout): string | undefined {
  let session: Session | undefined;
  try {
    session = new Session(engine, { memoryBytes: 64 * 1024 * 1024, stackBytes: 256 * 1024 }, CONFIG);
    session.settle();
    const image = MemoryImage.capture(engine, layout, session.runtime);
    if (typeof image === 'string') return image;
    const s = session;
    const run = (code: string, withHostFunction: boolean): EvalOutcome => {
      s.begin(CONFIG);
      if (withHostFunction) {
        const ctx = s.context;
        ctx.newFunction('__distsimHost', () => ctx.undefined).consume((fn) => ctx.setProp(ctx.global, '__distsimHost', fn));
      }
      const outcome = s.evaluate(code, 'distsim-image-check.js', BUDGET);
      image.restore();
      return outcome;
    };
    const breakBefore = image.currentBreak();
    const polluted = run(POLLUTE, true);
    if (!polluted.ok || !polluted.truthy) return 'the image self-check script failed';
    const left = image.differences();
    if (left !== 0) return `${left} of the memory image's checks fail after a restore`;
    if (image.currentBreak() !== breakBefore) return 'the sbrk break did not come back';
    const clean = run(CLEAN, false);
    if (!clean.ok || !clean.truthy) return 'a restored context still showed a previous script’s changes';
    if (image.differences() !== 0) return 'a restored context differs from its memory image';
    session.dispose({ afterRestore: true });
    session = undefined;
    return undefined;
  } catch (error) {
    return `the memory image self-check failed: ${(error as Error)?.message ?? String(error)}`;
  }
}
