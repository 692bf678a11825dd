/** Below this many code units a builder concatenates strings; above it, it copies into a buffer. */
const SMALL = 4096;

/**
 * Builds a string from many pieces. Short texts (an attribute value, most
 * scripts) are concatenated as strings, which is cheapest for a few pieces;
 * a long one moves to a buffer of UTF-16 code units turned into a string
 * once, because joining millions of pieces (one per entity reference, per
 * repaired `<`, per blanked comment) costs seconds of allocation and garbage
 * collection on a 10 MB file, where the buffer costs a copy.
 */
export class TextBuilder {
  private small = '';
  private buf: Uint16Array | undefined;
  private used = 0;

  /** `expected`: how long the text will probably be (sizes the buffer once, if it comes to one). */
  constructor(private readonly expected = 0) {}

  get length(): number {
    return this.buf ? this.used : this.small.length;
  }

  append(text: string): void {
    this.appendRange(text, 0, text.length);
  }

  appendRange(text: string, start: number, end: number): void {
    if (end <= start) return;
    if (!this.buf) {
      if (this.small.length + (end - start) <= SMALL) {
        this.small += start === 0 && end === text.length ? text : text.slice(start, end);
        return;
      }
      this.toBuffer(end - start);
    }
    const buf = this.reserve(end - start);
    let n = this.used;
    for (let i = start; i < end; i++) buf[n++] = text.charCodeAt(i);
    this.used = n;
  }

  /**
   * Appends `text[start, end)` with line ends normalised: `lf` makes each CR
   * or CRLF one LF (XML's end-of-line handling); `space` makes each tab, CR,
   * LF or CRLF one space (XML's attribute-value normalisation).
   */
  appendNormalized(text: string, start: number, end: number, mode: 'lf' | 'space'): void {
    if (end <= start) return;
    if (!this.buf && this.small.length + (end - start) <= SMALL) {
      const piece = text.slice(start, end);
      this.small += mode === 'lf' ? piece.replace(/\r\n?/g, '\n') : piece.replace(/\r\n|[\r\n\t]/g, ' ');
      return;
    }
    // A long run is copied a unit at a time: a global replace over megabytes with millions of matches
    // builds an array of every piece first.
    if (!this.buf) this.toBuffer(end - start);
    const buf = this.reserve(end - start);
    let n = this.used;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d) {
        buf[n++] = mode === 'lf' ? 0x0a : 0x20;
        if (i + 1 < end && text.charCodeAt(i + 1) === 0x0a) i++;
      } else if (mode === 'space' && (c === 0x0a || c === 0x09)) buf[n++] = 0x20;
      else buf[n++] = c;
    }
    this.used = n;
  }

  /** Appends `count` copies of one code unit. */
  fill(code: number, count: number): void {
    if (count <= 0) return;
    if (!this.buf) {
      if (this.small.length + count <= SMALL) {
        this.small += String.fromCharCode(code).repeat(count);
        return;
      }
      this.toBuffer(count);
    }
    const buf = this.reserve(count);
    buf.fill(code, this.used, this.used + count);
    this.used += count;
  }

  toString(): string {
    const buf = this.buf;
    if (!buf) return this.small;
    const chunks: string[] = [];
    // fromCharCode takes the units as arguments: 8192 at a time stays far below any engine's argument limit.
    for (let i = 0; i < this.used; i += 8192)
      chunks.push(String.fromCharCode.apply(null, buf.subarray(i, Math.min(i + 8192, this.used)) as unknown as number[]));
    return chunks.join('');
  }

  private toBuffer(extra: number): void {
    const s = this.small;
    this.buf = new Uint16Array(Math.max(2 * (s.length + extra), 2 * SMALL, this.expected));
    for (let i = 0; i < s.length; i++) this.buf[i] = s.charCodeAt(i);
    this.used = s.length;
    this.small = '';
  }

  private reserve(extra: number): Uint16Array {
    const need = this.used + extra;
    if (need > this.buf!.length) {
      const next = new Uint16Array(Math.max(need, this.buf!.length * 2));
      next.set(this.buf!.subarray(0, this.used));
      this.buf = next;
    }
    return this.buf!;
  }
}
