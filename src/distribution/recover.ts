import { referenceLength, scanStartTag } from './xml-scan.js';

/** Attributes whose value is JavaScript (research/installer-js.md §4). */
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
  repairs: Repair[];
  /** Maps an offset in the repaired text back to the original. */
  toOriginal(offset: number): number;
}

/**
 * Escapes raw `<` and `&` inside `<script>` bodies (outside CDATA and
 * comments) and inside JavaScript-valued attributes — the mistake many
 * published Distribution examples make (`if (x < 0)` in a plain <script>).
 * Nothing else is touched.
 */
export function repairScriptEscapes(text: string): RepairResult {
  const edits: Array<{ offset: number; char: '<' | '&'; where: string }> = [];
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
    const tag = scanStartTag(text, lt);
    if (!tag) {
      i = lt + 1;
      continue;
    }
    for (const attr of tag.attributes) {
      if (!JS_ATTRIBUTES.has(attr.name)) continue;
      for (let j = attr.valueStart; j < attr.valueEnd; j++) {
        const c = text[j];
        if (c === '<' || (c === '&' && referenceLength(text, j) === 0)) edits.push({ offset: j, char: c, where: attr.name });
      }
    }
    i = tag.end;
    if (tag.name === 'script' && !tag.selfClosing) i = repairScriptBody(text, tag.end, edits);
  }
  return applyEdits(text, edits);
}

/** Scans a script body from `start` to its `</script`; returns the offset of that closing tag. */
function repairScriptBody(text: string, start: number, edits: Repair[]): number {
  let j = start;
  while (j < text.length) {
    if (text.startsWith('</script', j)) return j;
    if (text.startsWith('<![CDATA[', j)) {
      j = after(text, j + 9, ']]>');
      continue;
    }
    if (text.startsWith('<!--', j)) {
      j = after(text, j + 4, '-->');
      continue;
    }
    const c = text[j];
    if (c === '<' || (c === '&' && referenceLength(text, j) === 0)) edits.push({ offset: j, char: c, where: 'script' });
    j++;
  }
  return j;
}

function after(text: string, from: number, marker: string): number {
  const close = text.indexOf(marker, from);
  return close === -1 ? text.length : close + marker.length;
}

function applyEdits(text: string, edits: Repair[]): RepairResult {
  let out = '';
  let last = 0;
  // repaired offset where each edit's replacement starts, and the cumulative growth after it
  const marks: Array<{ at: number; shift: number }> = [];
  let shift = 0;
  for (const edit of edits) {
    out += text.slice(last, edit.offset);
    const replacement = edit.char === '<' ? '&lt;' : '&amp;';
    out += replacement;
    shift += replacement.length - 1;
    marks.push({ at: edit.offset + 1 + shift, shift });
    last = edit.offset + 1;
  }
  out += text.slice(last);
  return {
    text: out,
    repairs: edits,
    toOriginal(offset: number): number {
      let applied = 0;
      for (const mark of marks) {
        if (mark.at <= offset) applied = mark.shift;
        else break;
      }
      return offset - applied;
    },
  };
}
