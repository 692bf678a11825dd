import { TextBuilder } from './text-builder.js';
import { referenceLength, scanStartTag } from './xml-scan.js';

/** Attributes whose value is JavaScript (the Installer evaluates them; Apple's Distribution XML reference). */
export const JS_ATTRIBUTES = new Set([
  'script',
  'selected',
  'enabled',
  'visible',
  'start_selected',
  'start_enabled',
  'start_visible',
  'active',
  'onConclusionScript',
  'enable_anywhere',
  'enable_currentUserHome',
  'enable_localSystem',
]);

export interface Repair {
  /** Offset in the original text. */
  offset: number;
  char: '<' | '&';
  /** `script` content or the attribute's name. */
  where: string;
}

export interface RepairResult {
  text: string;
  /** How many characters were escaped. */
  count: number;
  /** The k-th repair (0 <= k < count), in file order. */
  repair(k: number): Repair;
  /** Maps an offset in the repaired text back to the original. */
  toOriginal(offset: number): number;
}

/** Where a repair can be: a script body or one of the JavaScript attributes. */
const PLACES = ['script', ...JS_ATTRIBUTES];
const PLACE_INDEX = new Map(PLACES.map((p, k) => [p, k]));

/**
 * The repairs found, in typed arrays: a hostile file can hold millions of
 * raw `<`, and an object for each is hundreds of megabytes.
 */
class Edits {
  count = 0;
  offsets = new Float64Array(64);
  /** 0 for `<`, 1 for `&`. */
  chars = new Uint8Array(64);
  /** Index into PLACES. */
  places = new Uint8Array(64);

  add(offset: number, char: '<' | '&', where: string): void {
    if (this.count === this.offsets.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.offsets = grow(this.offsets, (n) => new Float64Array(n));
      this.chars = grow(this.chars, (n) => new Uint8Array(n));
      this.places = grow(this.places, (n) => new Uint8Array(n));
    }
    this.offsets[this.count] = offset;
    this.chars[this.count] = char === '<' ? 0 : 1;
    this.places[this.count] = PLACE_INDEX.get(where)!;
    this.count++;
  }

  get(k: number): Repair {
    return { offset: this.offsets[k]!, char: this.chars[k] === 0 ? '<' : '&', where: PLACES[this.places[k]!]! };
  }
}

/**
 * Escapes raw `<` and `&` inside `<script>` bodies (outside CDATA and
 * comments) and inside JavaScript-valued attributes — the mistake many
 * published Distribution examples make (`if (x < 0)` in a plain <script>).
 * Nothing else is touched.
 */
export function repairScriptEscapes(text: string): RepairResult {
  const edits = new Edits();
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    if (text.startsWith('<!--', lt)) {
      i = after(text, lt + 4, '-->');
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      i = after(text, lt + 9, ']]>');
      continue;
    }
    const failure = { at: lt + 1, reason: '' };
    const tag = scanStartTag(text, lt, failure);
    if (!tag) {
      i = failure.at; // not a tag: the well-formedness check reports it
      continue;
    }
    for (const attr of tag.attributes) {
      if (!JS_ATTRIBUTES.has(attr.name)) continue;
      for (let j = attr.valueStart; j < attr.valueEnd; j++) {
        const c = text.charCodeAt(j);
        if (c === 0x3c) edits.add(j, '<', attr.name);
        else if (c === 0x26 && referenceLength(text, j) === 0) edits.add(j, '&', attr.name);
      }
    }
    i = tag.end;
    if (tag.name === 'script' && !tag.selfClosing) i = repairScriptBody(text, tag.end, edits);
  }
  return applyEdits(text, edits);
}

/** Scans a script body from `start` to its `</script`; returns the offset of that closing tag. */
function repairScriptBody(text: string, start: number, edits: Edits): number {
  let j = start;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x3c /* < */) {
      if (text.startsWith('</script', j)) return j;
      if (text.startsWith('<![CDATA[', j)) {
        j = after(text, j + 9, ']]>');
        continue;
      }
      if (text.startsWith('<!--', j)) {
        j = after(text, j + 4, '-->');
        continue;
      }
      edits.add(j, '<', 'script');
    } else if (c === 0x26 /* & */ && referenceLength(text, j) === 0) edits.add(j, '&', 'script');
    j++;
  }
  return j;
}

function after(text: string, from: number, marker: string): number {
  const close = text.indexOf(marker, from);
  return close === -1 ? text.length : close + marker.length;
}

function applyEdits(text: string, edits: Edits): RepairResult {
  const n = edits.count;
  const out = new TextBuilder(text.length + 4 * n);
  let last = 0;
  // For each edit, the repaired offset just past its replacement and the total growth up to there.
  const at = new Float64Array(n);
  const shifts = new Float64Array(n);
  let shift = 0;
  for (let k = 0; k < n; k++) {
    const offset = edits.offsets[k]!;
    out.appendRange(text, last, offset);
    const replacement = edits.chars[k] === 0 ? '&lt;' : '&amp;';
    out.append(replacement);
    shift += replacement.length - 1;
    at[k] = offset + 1 + shift;
    shifts[k] = shift;
    last = offset + 1;
  }
  out.appendRange(text, last, text.length);
  /** Edits before the last offset asked for: the parser asks in increasing order, so the next answer is usually near. */
  let hint = 0;
  return {
    text: out.toString(),
    count: n,
    repair: (k) => edits.get(k),
    // A search, not a walk over every edit: the parser maps an offset for every element and segment, so a
    // linear walk over 300,000 repairs made --recover quadratic.
    toOriginal(offset: number): number {
      let lo: number;
      if ((hint === 0 || at[hint - 1]! <= offset) && (hint === n || offset < at[hint]!)) lo = hint;
      else if (hint < n && at[hint]! <= offset && (hint + 1 === n || offset < at[hint + 1]!)) lo = hint + 1;
      else {
        lo = 0;
        let hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (at[mid]! <= offset) lo = mid + 1;
          else hi = mid;
        }
      }
      hint = lo;
      return offset - (lo === 0 ? 0 : shifts[lo - 1]!);
    },
  };
}
