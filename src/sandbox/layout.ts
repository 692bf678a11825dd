/**
 * Where the QuickJS WebAssembly module keeps its state in linear memory, read
 * from the module's own binary. Emscripten lays memory out as
 *
 *   [0, data end)            static data: initialised segments, then zeroed statics
 *   [data end, heap base)    the C stack, growing down from the heap base
 *   [heap base, break)       the malloc heap, grown by sbrk
 *
 * and keeps the sbrk break in a static word whose initial value is the heap
 * base. Between two calls into the module the stack is dead, so the module's
 * whole state is the static data plus the heap below the break: that is what
 * a memory image (image.ts) copies. Everything here is checked when an image
 * is taken (image.ts selfCheck); a build that does not look like this gets no
 * image and every profile runs in a fresh runtime instead.
 */
export interface MemoryLayout {
  /** End of the static data the image copies: the last segment's end, rounded up, plus room for zero-initialised statics. */
  readonly staticEnd: number;
  /** Where the heap starts (the initial value of the stack pointer, the module's first global). */
  readonly heapBase: number;
  /** Address of the static word holding the current sbrk break. */
  readonly breakAddress: number;
}

/**
 * Room left after the last initialised segment for zero-initialised statics.
 * quickjs-emscripten 0.32.0's release build has 2,981 bytes of them (its
 * stack starts at 90,208, its last segment ends at 87,227); the image's
 * self-check verifies that nothing past this allowance changes.
 */
const STATIC_ALLOWANCE = 8192;
/** The stack must have at least this much room below the heap base (the JavaScript stack limit is at most 1 MiB). */
const MIN_STACK_ROOM = 2 * 1024 * 1024;

/** Reads the layout from a WebAssembly binary; a string says why it cannot be used. */
export function readLayout(wasm: Uint8Array): MemoryLayout | string {
  const reader = new SectionReader(wasm);
  if (!reader.valid) return 'not a WebAssembly binary';
  let heapBase: number | undefined;
  const segments: Array<{ offset: number; bytes: Uint8Array }> = [];
  try {
    for (const section of reader.sections()) {
      if (section.id === 6) heapBase = firstGlobal(section.body);
      else if (section.id === 11) {
        const found = activeSegments(section.body);
        if (typeof found === 'string') return found;
        segments.push(...found);
      }
    }
  } catch {
    return 'the WebAssembly binary is truncated';
  }
  if (heapBase === undefined) return 'no mutable i32 stack pointer as the first global';
  if (segments.length === 0) return 'no data segments';
  const dataEnd = Math.max(...segments.map((s) => s.offset + s.bytes.length));
  const staticEnd = roundUp(dataEnd, 4096) + STATIC_ALLOWANCE;
  if (staticEnd + MIN_STACK_ROOM > heapBase) return `the stack between ${staticEnd} and ${heapBase} is too small for this layout`;
  // The sbrk break starts at the heap base: exactly one aligned static word must hold it (segments drop trailing zero bytes).
  const candidates: number[] = [];
  for (const { offset, bytes } of segments) {
    for (let i = (4 - (offset % 4)) % 4; i < bytes.length; i += 4) {
      if (wordAt(bytes, i) === heapBase) candidates.push(offset + i);
    }
  }
  if (candidates.length !== 1) return `${candidates.length} static words hold the heap base; expected exactly one (the sbrk break)`;
  return { staticEnd, heapBase, breakAddress: candidates[0]! };
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** A little-endian u32 from a segment whose trailing zero bytes may be cut off. */
function wordAt(bytes: Uint8Array, i: number): number {
  return ((bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24)) >>> 0;
}

class SectionReader {
  constructor(private readonly bytes: Uint8Array) {}

  get valid(): boolean {
    const b = this.bytes;
    return b.length >= 8 && b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d && b[4] === 1;
  }

  *sections(): Generator<{ id: number; body: Cursor }> {
    const cursor = new Cursor(this.bytes, 8);
    while (cursor.pos < this.bytes.length) {
      const id = cursor.byte();
      const size = cursor.u32();
      const end = cursor.pos + size;
      if (end > this.bytes.length) throw new RangeError('section past the end');
      yield { id, body: new Cursor(this.bytes.subarray(cursor.pos, end), 0) };
      cursor.pos = end;
    }
  }
}

class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
  ) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('past the end');
    return this.bytes[this.pos++]!;
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
    }
    throw new RangeError('LEB128 too long');
  }

  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (shift < 32 && b & 0x40) result |= ~0 << shift;
    return result;
  }
}

/** The first global's initial value when it is a mutable i32 set by i32.const (emscripten's __stack_pointer). */
function firstGlobal(body: Cursor): number | undefined {
  if (body.u32() === 0) return undefined;
  const type = body.byte();
  const mutable = body.byte();
  const op = body.byte();
  if (type !== 0x7f || mutable !== 1 || op !== 0x41) return undefined;
  const value = body.i32();
  return body.byte() === 0x0b && value > 0 ? value : undefined;
}

/** Active data segments at i32.const offsets in memory 0; anything else is a layout this code does not know. */
function activeSegments(body: Cursor): Array<{ offset: number; bytes: Uint8Array }> | string {
  const count = body.u32();
  const segments: Array<{ offset: number; bytes: Uint8Array }> = [];
  for (let i = 0; i < count; i++) {
    const flags = body.u32();
    if (flags !== 0) return `data segment ${i} is not an active segment of memory 0`;
    if (body.byte() !== 0x41) return `data segment ${i} has a computed offset`;
    const offset = body.i32();
    if (body.byte() !== 0x0b) return `data segment ${i} has a computed offset`;
    const length = body.u32();
    if (body.pos + length > body.bytes.length) throw new RangeError('segment past the end');
    segments.push({ offset, bytes: body.bytes.subarray(body.pos, body.pos + length) });
    body.pos += length;
  }
  return segments;
}
