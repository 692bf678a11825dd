import {
  newQuickJSWASMModule,
  newVariant,
  RELEASE_SYNC,
  type EmscriptenModuleLoaderOptions,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';

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

/** What the module last printed (emscripten prints aborts to stderr; kept out of the report streams). */
export let lastEngineMessage: string | undefined;

export function getEngine(): Promise<QuickJSWASMModule> {
  current ??= newQuickJSWASMModule(
    newVariant(variant, {
      // Passed verbatim to emscripten, which declares print/printErr; the quickjs-emscripten type omits them.
      emscriptenModule: {
        print: (text: string) => (lastEngineMessage = text),
        printErr: (text: string) => (lastEngineMessage = text),
      } as unknown as EmscriptenModuleLoaderOptions,
    }),
  );
  return current;
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
