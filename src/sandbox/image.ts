import type { QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import type { MemoryLayout } from './layout.js';

/** The module's WebAssembly.Memory (its buffer is replaced when it grows). */
interface LinearMemory {
  readonly buffer: ArrayBuffer;
}

/**
 * The internals of quickjs-emscripten 0.32.0 an image depends on: the
 * runtime's table of host functions (`hostRefs`, ids stored inside QuickJS
 * function objects). A host function created or freed after the image was
 * taken changes that table, so restoring memory restores it too.
 */
interface HostRefTable {
  nextId: number;
  freelist: number[];
  groups: Map<number, Map<number, unknown>>;
}

interface HostRefState {
  nextId: number;
  freelist: number[];
  groups: Array<[number, Array<[number, unknown]>]>;
}

/** The host-function table of a runtime, if it has the shape this code knows. */
function hostRefTable(runtime: QuickJSRuntime): HostRefTable | undefined {
  const table = (runtime as unknown as { hostRefs?: Partial<HostRefTable> }).hostRefs;
  if (!table || typeof table.nextId !== 'number' || !Array.isArray(table.freelist) || !(table.groups instanceof Map)) return undefined;
  return table as HostRefTable;
}

/**
 * A copy of the QuickJS module's state between two calls: its static data,
 * its heap up to the sbrk break, and the runtime's host-function table.
 * `restore()` puts all of it back and zeroes whatever the heap grew into, so
 * the next profile starts from a byte-identical image: the same atoms,
 * shapes, malloc state and GC threshold, nothing of the previous profile.
 * The copy is about 180 KB; a restore costs tens of microseconds against a
 * quarter of a millisecond for a fresh runtime and context.
 *
 * Handles created after the image was taken point into memory the restore
 * takes back: the owner must drop them without disposing them.
 */
export class MemoryImage {
  private constructor(
    private readonly memory: LinearMemory,
    readonly layout: MemoryLayout,
    private readonly table: HostRefTable,
    private readonly staticBytes: Buffer,
    private readonly heapBytes: Buffer,
    private readonly hostRefs: HostRefState,
  ) {}

  /** The break when the image was taken: the heap's end. */
  get breakAtCapture(): number {
    return this.layout.heapBase + this.heapBytes.length;
  }

  /** An image of `engine`'s memory now, with `runtime`'s host-function table; a string says why there is none. */
  static capture(engine: QuickJSWASMModule, layout: MemoryLayout, runtime: QuickJSRuntime): MemoryImage | string {
    const memory = engine.getWasmMemory() as unknown as LinearMemory;
    const table = hostRefTable(runtime);
    if (!table) return 'quickjs-emscripten has no host reference table of the known shape';
    const brk = currentBreak(memory, layout);
    if (brk < layout.heapBase || brk > memory.buffer.byteLength) return `the sbrk break ${brk} is outside the heap`;
    const bytes = new Uint8Array(memory.buffer);
    const state: HostRefState = {
      nextId: table.nextId,
      freelist: [...table.freelist],
      groups: [...table.groups].map(([id, group]) => [id, [...group]]),
    };
    // Buffer.from copies natively (a typed-array slice of WebAssembly memory was measured at ~160 MB/s).
    return new MemoryImage(memory, layout, table, Buffer.from(bytes.subarray(0, layout.staticEnd)), Buffer.from(bytes.subarray(layout.heapBase, brk)), state);
  }

  /** The current sbrk break. */
  currentBreak(): number {
    return currentBreak(this.memory, this.layout);
  }

  /** Puts the module back as it was when the image was taken. */
  restore(): void {
    const { heapBase } = this.layout;
    const grownTo = this.currentBreak();
    const bytes = new Uint8Array(this.memory.buffer);
    bytes.set(this.staticBytes, 0);
    bytes.set(this.heapBytes, heapBase);
    // Emscripten's malloc never gives memory back to sbrk, so the break only grows: zeroing up to it clears all a profile used.
    const end = this.breakAtCapture;
    if (grownTo > end) bytes.fill(0, end, Math.min(grownTo, bytes.length));
    const table = this.table;
    const saved = this.hostRefs;
    if (table.nextId !== saved.nextId || table.freelist.length !== saved.freelist.length) {
      table.nextId = saved.nextId;
      table.freelist = [...saved.freelist];
      table.groups = new Map(saved.groups.map(([id, group]) => [id, new Map(group)]));
    }
  }

  /**
   * How many of the image's checks fail now: its static data and heap bytes,
   * zero memory above the captured break (up to the current one, and 64 KiB
   * beyond), zero memory just past the static region (where undeclared
   * statics would show), and the host-function table. 0 right after
   * restore(). Native comparisons: cheap enough for a start-up self-check.
   */
  differences(scanPastStatic = 64 * 1024): number {
    const bytes = Buffer.from(this.memory.buffer);
    const { staticEnd, heapBase } = this.layout;
    const above = this.breakAtCapture;
    const aboveEnd = Math.min(Math.max(this.currentBreak(), above + 64 * 1024), bytes.length);
    const checks = [
      Buffer.compare(bytes.subarray(0, staticEnd), this.staticBytes) === 0,
      Buffer.compare(bytes.subarray(heapBase, above), this.heapBytes) === 0,
      allZero(bytes.subarray(above, aboveEnd)),
      allZero(bytes.subarray(staticEnd, staticEnd + scanPastStatic)),
      this.table.nextId === this.hostRefs.nextId && this.table.freelist.length === this.hostRefs.freelist.length,
    ];
    return checks.filter((ok) => !ok).length;
  }
}

const ZEROS = Buffer.alloc(64 * 1024);

function allZero(bytes: Buffer): boolean {
  for (let at = 0; at < bytes.length; at += ZEROS.length) {
    const chunk = bytes.subarray(at, at + ZEROS.length);
    if (Buffer.compare(chunk, ZEROS.subarray(0, chunk.length)) !== 0) return false;
  }
  return true;
}

function currentBreak(memory: LinearMemory, layout: MemoryLayout): number {
  return new DataView(memory.buffer).getUint32(layout.breakAddress, true);
}
