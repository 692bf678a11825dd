import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  newQuickJSWASMModule,
  newVariant,
  RELEASE_SYNC,
  type EmscriptenModuleLoaderOptions,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { fastPathsEnabled } from './fast-paths.js';
import { checkImages } from './image-check.js';
import { readLayout, type MemoryLayout } from './layout.js';

/**
 * The QuickJS WebAssembly module: loaded once per thread, replaced when it
 * is poisoned (a teardown abort, see docs/installer-behaviour.md §9, or an error thrown
 * from inside WASM such as a host stack overflow).
 */
let current: Promise<QuickJSWASMModule> | undefined;
let variant: QuickJSSyncVariant = RELEASE_SYNC;

export function setEngineVariant(v: QuickJSSyncVariant): void {
  variant = v;
  current = undefined;
}

let layout: MemoryLayout | string | undefined;
let layoutForTesting: MemoryLayout | undefined;

/** Makes the next loaded module check (and, if it passes, use) this layout instead of its own; undefined restores the real one. */
export function setLayoutForTesting(replacement: MemoryLayout | undefined): void {
  layoutForTesting = replacement;
  imagesOff = undefined;
  current = undefined;
}

/** Why memory images are off for the current module: a failed self-check (`unexpected`) or a deliberate setting. */
let imagesOff: { reason: string; unexpected: boolean } | undefined;

/** Modules whose memory images passed the self-check when getEngine() loaded them. */
const verified = new WeakSet<QuickJSWASMModule>();

/** Why profiles on this module cannot start from memory images (undefined: they can). */
export function imagesUnavailable(module: QuickJSWASMModule): { reason: string; unexpected: boolean } | undefined {
  // A module loaded without the proof never reads the build's layout (reading the binary costs ~5 ms of a cold run).
  if (!verified.has(module)) {
    if (!fastPathsEnabled()) return { reason: 'switched off', unexpected: false };
    return imagesOff ?? { reason: 'the module was loaded without proving them (a small run, or not by getEngine())', unexpected: false };
  }
  return imagesOffGlobally();
}

function imagesOffGlobally(): { reason: string; unexpected: boolean } | undefined {
  if (!fastPathsEnabled()) return { reason: 'switched off', unexpected: false };
  const known = engineLayout();
  if (typeof known === 'string') return { reason: known, unexpected: known !== 'not the release build' };
  return imagesOff;
}

/**
 * The memory layout of the loaded build, read from its WebAssembly binary
 * (layout.ts); a string says why there is none. Only the pinned release
 * build is known: any other variant runs every profile in a fresh runtime.
 */
export function engineLayout(): MemoryLayout | string {
  if (variant !== RELEASE_SYNC) return 'not the release build';
  if (layoutForTesting) return layoutForTesting;
  if (layout === undefined) {
    try {
      const require = createRequire(createRequire(import.meta.url).resolve('quickjs-emscripten'));
      layout = readLayout(readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));
    } catch (error) {
      layout = `the WebAssembly binary could not be read: ${(error as Error)?.message ?? String(error)}`;
    }
  }
  return layout;
}

/** What the module last printed (emscripten prints aborts to stderr; kept out of the report streams). */
export let lastEngineMessage: string | undefined;

/**
 * The thread's module, loaded on first use. `images: false` skips proving
 * memory images when this call loads it (about 10 to 30 ms, mostly
 * first-run compilation): for a run of a few profiles, which an image would
 * not speed up. Profiles on such a module get fresh runtimes.
 */
export function getEngine(options: { images?: boolean } = {}): Promise<QuickJSWASMModule> {
  current ??= options.images === false ? load() : loadChecked();
  return current;
}

function load(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModule(
    newVariant(variant, {
      // Passed verbatim to emscripten, which declares print/printErr; the quickjs-emscripten type omits them.
      emscriptenModule: {
        print: (text: string) => (lastEngineMessage = text),
        printErr: (text: string) => (lastEngineMessage = text),
      } as unknown as EmscriptenModuleLoaderOptions,
    }),
  );
}

/**
 * Loads the module and proves memory images on it (image-check.ts). A failed
 * check may leave the module inconsistent, so it is dropped and another one
 * loaded, on which every profile gets a fresh runtime.
 */
async function loadChecked(): Promise<QuickJSWASMModule> {
  const module = await load();
  if (imagesOffGlobally()) return module;
  const known = engineLayout();
  const problem = typeof known === 'string' ? known : checkImages(module, known);
  if (!problem) {
    verified.add(module);
    return module;
  }
  imagesOff = { reason: problem, unexpected: true };
  return load();
}

/** Drops the current module; the next getEngine() loads a fresh one. */
export function retireEngine(): void {
  current = undefined;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

let cap = Number.POSITIVE_INFINITY;
let patched = false;

/**
 * Caps the size of every WebAssembly memory in this thread. QuickJS's own
 * malloc limit misses large strings (measured on 0.32.0: 40 MB of 100 kB
 * strings passed a 16 MB limit), but when Memory.grow is refused, malloc
 * fails inside WASM and QuickJS raises a clean "out of memory" that the
 * evaluation reports; the module stays usable.
 */
export function setWasmMemoryCap(bytes: number): void {
  cap = bytes;
  if (patched) return;
  patched = true;
  const proto = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly.Memory.prototype;
  const grow = proto.grow;
  proto.grow = function (this: WasmMemory, delta: number): number {
    if (this.buffer.byteLength + delta * 65536 > cap) throw new RangeError('distsim: WebAssembly memory cap reached');
    return grow.call(this, delta);
  };
}
