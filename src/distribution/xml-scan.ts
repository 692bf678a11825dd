/**
 * The low-level XML knowledge fast-xml-parser does not give us: attribute
 * offsets, raw content ranges, entity decoding with an offset map, and the
 * well-formedness rules its validator lets through (raw `<` or `&` in an
 * attribute value, undefined entities, entity declarations).
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

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[\w.:-]/;

/** Tokenizes the start tag at `start` (which must point at `<`). Returns undefined if it is not one. */
export function scanStartTag(text: string, start: number): StartTag | undefined {
  let i = start + 1;
  if (!NAME_START.test(text[i] ?? '')) return undefined;
  const nameStart = i;
  while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
  const name = text.slice(nameStart, i);
  const attributes: RawAttribute[] = [];
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const c = text[i];
    if (c === undefined) return undefined;
    if (c === '>') return { name, attributes, end: i + 1, selfClosing: false };
    if (c === '/' && text[i + 1] === '>') return { name, attributes, end: i + 2, selfClosing: true };
    if (!NAME_START.test(c)) return undefined;
    const attrStart = i;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    const attrName = text.slice(attrStart, i);
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== '=') return undefined;
    i++;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") return undefined;
    const valueStart = i + 1;
    const valueEnd = text.indexOf(quote, valueStart);
    if (valueEnd === -1) return undefined;
    attributes.push({ name: attrName, nameStart: attrStart, valueStart, valueEnd });
    i = valueEnd + 1;
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /^&(?:#(\d{1,7})|#x([0-9A-Fa-f]{1,6})|([A-Za-z_][\w.-]*));/;

/** Length of a valid character/entity reference at `offset`, or 0. */
export function referenceLength(text: string, offset: number): number {
  const m = REFERENCE.exec(text.slice(offset, offset + 16));
  if (!m) return 0;
  if (m[3] !== undefined && !(m[3] in PREDEFINED)) return 0;
  const code = m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? parseInt(m[2], 16) : 0;
  if ((m[1] !== undefined || m[2] !== undefined) && !isXmlChar(code)) return 0;
  return m[0].length;
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function decodeReference(ref: string): string {
  const m = REFERENCE.exec(ref)!;
  if (m[1] !== undefined) return String.fromCodePoint(Number(m[1]));
  if (m[2] !== undefined) return String.fromCodePoint(parseInt(m[2], 16));
  return PREDEFINED[m[3]!]!;
}

/**
 * Decoded text with a map back to source offsets, so a guest error at
 * line:column of a script can be reported at line:column of the XML file.
 */
export class MappedText {
  /** Segment starts: code offset → source offset; linear within a segment. */
  readonly codeStarts: number[] = [];
  readonly srcStarts: number[] = [];
  text = '';

  append(decoded: string, srcOffset: number, linear: boolean): void {
    if (decoded.length === 0) return;
    const last = this.codeStarts.length - 1;
    const expected = last >= 0 ? this.srcStarts[last]! + (this.text.length - this.codeStarts[last]!) : -1;
    if (!linear || expected !== srcOffset || last < 0) {
      this.codeStarts.push(this.text.length);
      this.srcStarts.push(srcOffset);
    }
    this.text += decoded;
    if (!linear) {
      // A decoded reference: everything after it starts a new segment.
      this.codeStarts.push(this.text.length);
      this.srcStarts.push(srcOffset + 1);
    }
  }

  /** Source offset of a code offset. */
  toSource(codeOffset: number): number {
    let lo = 0;
    let hi = this.codeStarts.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.codeStarts[mid]! <= codeOffset) lo = mid;
      else hi = mid - 1;
    }
    return this.srcStarts[lo]! + (codeOffset - this.codeStarts[lo]!);
  }
}

/** Appends `text[start, end)` with references decoded. Attribute values also get XML whitespace normalisation. */
function appendDecoded(out: MappedText, text: string, start: number, end: number, attribute: boolean): void {
  let run = start;
  const flush = (upTo: number) => {
    if (upTo > run) {
      let chunk = text.slice(run, upTo);
      if (attribute) chunk = chunk.replace(/\r\n?|[\n\t]/g, ' ');
      else chunk = chunk.replace(/\r\n?/g, '\n');
      out.append(chunk, run, chunk.length === upTo - run);
    }
  };
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) !== 38 /* & */) continue;
    const len = referenceLength(text, i);
    if (len === 0) continue;
    flush(i);
    out.append(decodeReference(text.slice(i, i + len)), i, false);
    run = i + len;
    i += len - 1;
  }
  flush(end);
}

export function decodeAttribute(text: string, attr: RawAttribute): MappedText {
  const out = new MappedText();
  appendDecoded(out, text, attr.valueStart, attr.valueEnd, true);
  return out;
}

/**
 * Character data of an element's content `text[start, end)`: text with
 * references decoded, CDATA sections verbatim, comments and processing
 * instructions dropped, nested tags skipped.
 */
export function decodeContent(text: string, start: number, end: number): MappedText {
  const out = new MappedText();
  let i = start;
  while (i < end) {
    const lt = text.indexOf('<', i);
    const stop = lt === -1 || lt >= end ? end : lt;
    appendDecoded(out, text, i, stop, false);
    if (stop === end) break;
    if (text.startsWith('<![CDATA[', stop)) {
      const close = text.indexOf(']]>', stop + 9);
      const cdataEnd = close === -1 || close > end ? end : close;
      const chunk = text.slice(stop + 9, cdataEnd).replace(/\r\n?/g, '\n');
      out.append(chunk, stop + 9, chunk.length === cdataEnd - stop - 9);
      i = cdataEnd + 3;
    } else if (text.startsWith('<!--', stop)) {
      const close = text.indexOf('-->', stop + 4);
      i = close === -1 ? end : close + 3;
    } else if (text.startsWith('<?', stop)) {
      const close = text.indexOf('?>', stop + 2);
      i = close === -1 ? end : close + 2;
    } else {
      const close = text.indexOf('>', stop + 1);
      i = close === -1 ? end : close + 1;
    }
  }
  return out;
}

export interface WellFormednessProblem {
  offset: number;
  reason: string;
}

/** Characters XML 1.0 forbids even raw: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- finding the control characters XML forbids is the point
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Problems fast-xml-parser's validator accepts but an XML parser (and so the
 * Installer) rejects. Returns the first one, or undefined.
 */
export function findStrictProblem(text: string): WellFormednessProblem | undefined {
  const forbidden = FORBIDDEN_CHAR.exec(text);
  const charProblem = forbidden
    ? { offset: forbidden.index, reason: `character U+${forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML` }
    : undefined;
  const markup = findMarkupProblem(text);
  if (charProblem && (!markup || charProblem.offset < markup.offset)) return charProblem;
  return markup;
}

function findMarkupProblem(text: string): WellFormednessProblem | undefined {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 38 /* & */) {
      if (referenceLength(text, i) === 0) return { offset: i, reason: entityReason(text, i) };
      i++;
      continue;
    }
    if (c !== 60 /* < */) {
      i++;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      if (text.indexOf('-->', i + 4) === -1) return { offset: i, reason: 'comment is not closed (missing -->)' };
      i = skipPast(text, i + 4, '-->');
    } else if (text.startsWith('<![CDATA[', i)) {
      if (text.indexOf(']]>', i + 9) === -1) return { offset: i, reason: 'CDATA section is not closed (missing ]]>)' };
      i = skipPast(text, i + 9, ']]>');
    } else if (text.startsWith('<?', i)) {
      if (text.indexOf('?>', i + 2) === -1) return { offset: i, reason: 'processing instruction is not closed (missing ?>)' };
      i = skipPast(text, i + 2, '?>');
    } else if (text.startsWith('<!DOCTYPE', i)) {
      const close = doctypeEnd(text, i);
      const decl = text.slice(i, close);
      const entity = decl.search(/<!ENTITY/);
      if (entity !== -1) return { offset: i + entity, reason: 'entity declarations are not supported (a Distribution never needs them, and they allow entity-expansion attacks)' };
      i = close;
    } else if (text[i + 1] === '/') i = skipPast(text, i + 2, '>');
    else {
      const tag = scanStartTag(text, i);
      if (!tag) {
        i++;
        continue; // the validator reports malformed tags with a better message
      }
      for (const attr of tag.attributes) {
        for (let j = attr.valueStart; j < attr.valueEnd; j++) {
          const v = text.charCodeAt(j);
          if (v === 60) return { offset: j, reason: `'<' is not allowed in the value of attribute '${attr.name}'` };
          if (v === 38 && referenceLength(text, j) === 0) return { offset: j, reason: `'&' in the value of attribute '${attr.name}' does not start an entity reference` };
        }
      }
      i = tag.end;
    }
  }
  return undefined;
}

function entityReason(text: string, offset: number): string {
  const m = /^&([A-Za-z_][\w.-]*);/.exec(text.slice(offset, offset + 40));
  if (m) return `entity '${m[1]}' is not defined`;
  const ref = /^&#(x[0-9A-Fa-f]+|\d+);/.exec(text.slice(offset, offset + 16));
  if (ref) return `character reference ${ref[0]} is not a legal XML character`;
  return "'&' does not start an entity reference";
}

/**
 * The text with comments, processing instructions and the DOCTYPE replaced by
 * spaces (newlines kept), so offsets stay the same. The element tree is
 * parsed from this: fast-xml-parser's parser throws on some well-formed
 * instructions its own validator accepts (a quote inside `<?x "?>`).
 */
export function blankNonElementMarkup(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const blank = (from: number, to: number) => {
    out += text.slice(last, from) + text.slice(from, to).replace(/[^\n]/g, ' ');
    last = to;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    if (text.startsWith('<![CDATA[', lt)) i = skipPast(text, lt + 9, ']]>');
    else if (text.startsWith('<!--', lt)) blank(lt, (i = skipPast(text, lt + 4, '-->')));
    else if (text.startsWith('<?', lt)) blank(lt, (i = skipPast(text, lt + 2, '?>')));
    else if (text.startsWith('<!DOCTYPE', lt)) blank(lt, (i = doctypeEnd(text, lt)));
    else {
      const tag = scanStartTag(text, lt);
      i = tag ? tag.end : lt + 1;
    }
  }
  return out + text.slice(last);
}

function skipPast(text: string, from: number, marker: string): number {
  const close = text.indexOf(marker, from);
  return close === -1 ? text.length : close + marker.length;
}

function doctypeEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start + 2; i < text.length; i++) {
    const ch = text[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (ch === '>' && depth <= 0) return i + 1;
  }
  return text.length;
}
