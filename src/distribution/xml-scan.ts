import { TextBuilder } from './text-builder.js';

/**
 * The low-level XML knowledge fast-xml-parser does not give us: start tags
 * with attribute offsets, entity decoding with an offset map, and the
 * well-formedness rules its validator lets through (raw `<` or `&` in an
 * attribute value, undefined entities, entity declarations). Every scan
 * here moves forward only, so each is linear in its input.
 */

export interface RawAttribute {
  name: string;
  /** Offset of the attribute name. */
  nameStart: number;
  /** Offsets of the value between the quotes. */
  valueStart: number;
  valueEnd: number;
}

export interface StartTag {
  name: string;
  attributes: RawAttribute[];
  /** Offset just past `>`. */
  end: number;
  selfClosing: boolean;
}

/** XML's NameStartChar, restricted to the BMP like fast-xml-parser's validator (which rejects other names first). */
function isNameStart(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

/** XML's NameChar (BMP). */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

/** XML white space: space, tab, CR, LF (not the other characters JavaScript's \s matches). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function skipName(text: string, i: number): number {
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  return i;
}

/** Where and why a start tag did not scan. */
export interface TagFailure {
  at: number;
  reason: string;
}

/** The character at `i` for a message: quoted when it is visible, as U+XXXX when it is a space, a control or invisible. */
export function describeChar(text: string, i: number): string {
  const c = text.codePointAt(i);
  if (c === undefined) return 'the end of the file';
  const char = String.fromCodePoint(c);
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(char) ? `'${char}'` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Tokenizes the start tag at `start` (which must point at `<`). Returns
 * undefined if it is not a well-formed one; `failure` then says where the
 * scan stopped and why, so a caller can report it, or go on from there
 * instead of rescanning the same text from every `<` inside it.
 */
export function scanStartTag(text: string, start: number, failure?: TagFailure): StartTag | undefined {
  const fail = (at: number, reason: () => string) => {
    if (failure) {
      failure.at = Math.max(at, start + 1);
      failure.reason = reason();
    }
    return undefined;
  };
  let i = start + 1;
  if (i >= text.length || !isNameStart(text.charCodeAt(i))) return fail(i, () => "'<' does not start a tag here (a literal '<' is written &lt;)");
  const nameStart = i;
  i = skipName(text, i);
  const name = text.slice(nameStart, i);
  const attributes: RawAttribute[] = [];
  for (;;) {
    const spaced = i;
    i = skipSpace(text, i);
    if (i >= text.length) return fail(i, () => `the tag <${name}> is not closed (missing '>')`);
    const c = text.charCodeAt(i);
    if (c === 0x3e /* > */) return { name, attributes, end: i + 1, selfClosing: false };
    if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x3e) return { name, attributes, end: i + 2, selfClosing: true };
    if (!isNameStart(c)) return fail(i, () => `unexpected ${describeChar(text, i)} in the tag <${name}>`);
    if (i === spaced) return fail(i, () => `attributes of <${name}> need white space between them`);
    const attrStart = i;
    i = skipName(text, i);
    const attrName = text.slice(attrStart, i);
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== 0x3d /* = */) return fail(i, () => `attribute '${attrName}' of <${name}> has no value (write ${attrName}="...")`);
    i = skipSpace(text, i + 1);
    const quote = text[i];
    if (quote !== '"' && quote !== "'") return fail(i, () => `the value of attribute '${attrName}' is not in quotes`);
    const valueStart = i + 1;
    const valueEnd = text.indexOf(quote, valueStart);
    if (valueEnd === -1) return fail(text.length, () => `the value of attribute '${attrName}' is not closed (missing ${quote})`);
    attributes.push({ name: attrName, nameStart: attrStart, valueStart, valueEnd });
    i = valueEnd + 1;
  }
}

/** Where a well-formed end tag `</name S?>` at `start` ends, with its name; undefined if it is not one. */
export function scanEndTag(text: string, start: number): { name: string; end: number } | undefined {
  let i = start + 2;
  if (i >= text.length || !isNameStart(text.charCodeAt(i))) return undefined;
  const nameStart = i;
  i = skipName(text, i);
  const name = text.slice(nameStart, i);
  i = skipSpace(text, i);
  return text.charCodeAt(i) === 0x3e ? { name, end: i + 1 } : undefined;
}

export function isXmlSpace(c: number): boolean {
  return isSpace(c);
}

/** The five entities XML predefines, with what they stand for. */
const PREDEFINED: ReadonlyArray<readonly [string, string]> = [
  ['lt;', '<'],
  ['gt;', '>'],
  ['amp;', '&'],
  ['quot;', '"'],
  ['apos;', "'"],
];

/**
 * The reference at `offset` (which holds `&`): its length and the
 * character(s) it stands for, or undefined when it is not a valid one
 * (`&#` with up to 7 decimal or `&#x` with up to 6 hex digits naming a
 * character XML allows, or one of the five predefined entities). Read
 * without a regular expression or a slice: a file can hold millions.
 */
function readReference(text: string, offset: number): { length: number; value: number | string } | undefined {
  let i = offset + 1;
  if (text.charCodeAt(i) !== 0x23 /* # */) {
    for (const [name, value] of PREDEFINED) if (text.startsWith(name, i)) return { length: name.length + 1, value };
    return undefined;
  }
  i++;
  const hex = text.charCodeAt(i) === 0x78; /* x */
  if (hex) i++;
  const digitsStart = i;
  const maxDigits = hex ? 6 : 7;
  let code = 0;
  for (; i - digitsStart < maxDigits; i++) {
    const d = digitValue(text.charCodeAt(i), hex);
    if (d < 0) break;
    code = code * (hex ? 16 : 10) + d;
  }
  if (i === digitsStart || text.charCodeAt(i) !== 0x3b /* ; */ || !isXmlChar(code)) return undefined;
  return { length: i + 1 - offset, value: code };
}

function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (!hex) return -1;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Length of a valid character/entity reference at `offset`, or 0. */
export function referenceLength(text: string, offset: number): number {
  return readReference(text, offset)?.length ?? 0;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** How many segments one file's MappedTexts may start in all (see MappedText). */
export interface SegmentBudget {
  remaining: number;
}

/**
 * Decoded text with a map back to source offsets, so a guest error at
 * line:column of a script can be reported at line:column of the XML file.
 *
 * Segments: within one, the text matches the source character for
 * character, except that a source line end (CR, LF or CRLF) may be a single
 * LF. A new segment starts where that stops being true: after a decoded
 * reference, after a skipped comment or CDATA marker, and in an attribute
 * after each line end (XML turns it into a space, so the text no longer
 * shows where the line ended). A decoded reference itself needs no segment
 * of its own when it follows text: it sits where that text ends.
 *
 * The budget bounds the segments of a whole file beyond the first of each
 * text (see SEGMENT_BUDGET): past it, positions further in are approximate
 * (the last segment runs on). Only a hostile file reaches it.
 */
export class MappedText {
  /** Segment starts: code offset → source offset. */
  readonly codeStarts: number[] = [];
  readonly srcStarts: number[] = [];
  private builder: TextBuilder | undefined;
  private built: string | undefined;
  /** Source offset where the last segment's text ends, or -1 when the next text must start a segment. */
  private srcEnd = -1;

  constructor(private readonly budget: SegmentBudget = { remaining: Number.POSITIVE_INFINITY }) {}

  private get out(): TextBuilder {
    this.builder ??= new TextBuilder();
    return this.builder;
  }

  /** Text that is the source from `srcStart` on, unchanged (no reference, no line end to normalise): one segment, no copy. */
  static verbatim(text: string, srcStart: number): MappedText {
    const mapped = new MappedText();
    mapped.built = text;
    if (text.length > 0) {
      mapped.codeStarts.push(0);
      mapped.srcStarts.push(srcStart);
    }
    return mapped;
  }

  get text(): string {
    this.built ??= this.builder?.toString() ?? '';
    return this.built;
  }

  /** Appends content `text[start, end)` verbatim except line ends: CR and CRLF become LF, as XML requires. */
  contentRun(text: string, start: number, end: number): void {
    if (end <= start) return;
    this.begin(start);
    this.out.appendNormalized(text, start, end, 'lf');
    this.srcEnd = end;
  }

  /**
   * Appends attribute text `text[start, end)` normalised as XML does: each
   * white-space character becomes a space (a CRLF one space), and a segment
   * starts after each line end.
   */
  attributeRun(text: string, start: number, end: number): void {
    if (end <= start) return;
    this.begin(start);
    this.srcEnd = end;
    const base = this.out.length;
    this.out.appendNormalized(text, start, end, 'space');
    let collapsed = 0; // CRLFs so far, each one space in the text
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      if (c === 0x0d && i + 1 < end && text.charCodeAt(i + 1) === 0x0a) {
        i++;
        collapsed++;
      }
      if (i + 1 < end) this.mark(base + (i + 1 - start) - collapsed, i + 1);
      else this.srcEnd = -1;
    }
  }

  /** Appends a decoded reference found at `srcStart`. */
  reference(decoded: string, srcStart: number): void {
    this.begin(srcStart);
    this.out.append(decoded);
    this.srcEnd = -1;
  }

  /** Text from `srcStart` continues the last segment only if that ended exactly there. */
  private begin(srcStart: number): void {
    this.built = undefined;
    if (srcStart !== this.srcEnd) this.mark(this.out.length, srcStart);
  }

  private mark(codeOffset: number, srcOffset: number): void {
    const last = this.codeStarts.length - 1;
    if (last >= 0 && this.codeStarts[last] === codeOffset) {
      this.srcStarts[last] = srcOffset; // the last segment is still empty: move it
      return;
    }
    if (last >= 0) {
      // The first segment is always kept (it is where the text starts); later ones draw on the budget.
      if (this.budget.remaining <= 0) return;
      this.budget.remaining--;
    }
    this.codeStarts.push(codeOffset);
    this.srcStarts.push(srcOffset);
  }
}

/** Appends `text[start, end)` with references decoded. Attribute values also get XML whitespace normalisation. */
function appendDecoded(out: MappedText, text: string, start: number, end: number, attribute: boolean): void {
  let run = start;
  const flush = (upTo: number) => {
    if (attribute) out.attributeRun(text, run, upTo);
    else out.contentRun(text, run, upTo);
  };
  // Not indexOf('&'): it would search on past `end`, through the rest of the file, for every attribute.
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) !== 0x26 /* & */) continue;
    const ref = readReference(text, i);
    if (!ref) continue;
    flush(i);
    out.reference(typeof ref.value === 'string' ? ref.value : String.fromCodePoint(ref.value), i);
    run = i + ref.length;
    i += ref.length - 1;
  }
  flush(end);
}

/** Whether `text[start, end)` has none of the characters whose code is listed (then it decodes to itself). */
function hasNone(text: string, start: number, end: number, a: number, b: number, c: number, d: number): boolean {
  for (let i = start; i < end; i++) {
    const x = text.charCodeAt(i);
    if (x === a || x === b || x === c || x === d) return false;
  }
  return true;
}

/** An attribute's value as XML reads it (references decoded, white space normalised), without a position map. */
export function attributeText(text: string, attr: RawAttribute): string {
  if (hasNone(text, attr.valueStart, attr.valueEnd, 0x26, 0x0d, 0x0a, 0x09)) return text.slice(attr.valueStart, attr.valueEnd);
  return decodeAttribute(text, attr).text;
}

export function decodeAttribute(text: string, attr: RawAttribute, budget?: SegmentBudget): MappedText {
  // Most values (ids, titles, `true`) need no decoding at all.
  if (hasNone(text, attr.valueStart, attr.valueEnd, 0x26, 0x0d, 0x0a, 0x09))
    return MappedText.verbatim(text.slice(attr.valueStart, attr.valueEnd), attr.valueStart);
  const out = new MappedText(budget);
  appendDecoded(out, text, attr.valueStart, attr.valueEnd, true);
  return out;
}

/**
 * Character data of an element's content `text[start, end)`: text with
 * references decoded, CDATA sections verbatim, comments and processing
 * instructions dropped, nested tags skipped.
 */
export function decodeContent(text: string, start: number, end: number, budget?: SegmentBudget): MappedText {
  if (hasNone(text, start, end, 0x26, 0x0d, 0x3c, 0x3c)) return MappedText.verbatim(text.slice(start, end), start);
  const out = new MappedText(budget);
  let i = start;
  while (i < end) {
    const lt = text.indexOf('<', i);
    const stop = lt === -1 || lt >= end ? end : lt;
    appendDecoded(out, text, i, stop, false);
    if (stop === end) break;
    if (text.startsWith('<![CDATA[', stop)) {
      const close = text.indexOf(']]>', stop + 9);
      const cdataEnd = close === -1 || close > end ? end : close;
      out.contentRun(text, stop + 9, cdataEnd);
      i = cdataEnd + 3;
    } else if (text.startsWith('<!--', stop)) {
      const close = text.indexOf('-->', stop + 4);
      i = close === -1 ? end : close + 3;
    } else if (text.startsWith('<?', stop)) {
      const close = text.indexOf('?>', stop + 2);
      i = close === -1 ? end : close + 2;
    } else {
      // A nested element's tag: skipped whole (a '>' inside one of its attribute values is not its end).
      const tag = text[stop + 1] === '/' ? undefined : scanStartTag(text, stop);
      const close = tag ? tag.end - 1 : text.indexOf('>', stop + 1);
      i = close === -1 ? end : close + 1;
    }
  }
  return out;
}

export interface WellFormednessProblem {
  offset: number;
  reason: string;
}
