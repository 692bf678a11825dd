import { MAX_NESTING } from './limits.js';
import { LineIndex } from './source-text.js';
import {
  describeChar,
  isXmlSpace,
  referenceLength,
  scanEndTag,
  scanStartTag,
  type RawAttribute,
  type TagFailure,
  type WellFormednessProblem,
} from './xml-scan.js';

/** An element, with the offsets the model builder reads its attributes and text from. */
export interface ElementNode {
  name: string;
  /** Offset of the start tag's `<`. */
  start: number;
  attributes: RawAttribute[];
  /** The content: from just past the start tag to the end tag's `<` (empty for `<x/>`). */
  contentStart: number;
  contentEnd: number;
  children: ElementNode[];
}

/** The children of an element without any: shared (and frozen), since most elements are leaves. */
const NO_CHILDREN = Object.freeze([]) as unknown as ElementNode[];

/**
 * Receives the document as it is scanned: the root element's start tag, then
 * each child of the root once it is complete with its subtree. Nothing is
 * passed on once a problem is found. A subtree is not kept after it is
 * passed on, so the scan holds one root child at a time, not a second copy
 * of the whole document as objects.
 */
export interface ElementSink {
  root(node: ElementNode): void;
  rootChild(node: ElementNode): void;
}

export interface DocumentScan {
  /** Offset of the first element nested deeper than MAX_NESTING. */
  deepest: number | undefined;
  /** The earliest well-formedness problem found in the markup. */
  problem: WellFormednessProblem | undefined;
}

/**
 * One forward pass over the document: it builds the element tree (with an
 * explicit stack, no recursion), hands it to `sink` a root child at a time,
 * and checks the markup is well-formed XML
 * without a DTD: tags and attributes well written, no repeated attribute,
 * end tags matching, one root element with nothing but white space,
 * comments and processing instructions around it, no raw `<` or stray `&`
 * in an attribute value, no entity but the five XML predefines, no entity
 * declaration, comments, CDATA sections and processing instructions closed.
 * (Characters XML forbids are checked apart, with one regular expression.)
 *
 * Each character is looked at a bounded number of times: after a tag that
 * does not scan, the pass goes on from where that scan stopped. No object
 * keyed by input text is built (fast-xml-parser's validator keeps attribute
 * names in a plain object, so it never saw a repeated `__proto__`).
 */
export function scanDocument(text: string, sink?: ElementSink): DocumentScan {
  const n = text.length;
  const stack: ElementNode[] = [];
  let root: ElementNode | undefined;
  /** Whether the sink still gets elements: not after a problem, nor past the nesting limit. */
  const feeding = () => sink !== undefined && problem === undefined && deepest === undefined;
  let deepest: number | undefined;
  let depth = 0;
  let problem: WellFormednessProblem | undefined;
  const note = (offset: number, reason: () => string) => {
    if (problem === undefined || offset < problem.offset) problem = { offset, reason: reason() };
  };
  const failure: TagFailure = { at: 0, reason: '' };
  let lines: LineIndex | undefined;
  const where = (offset: number) => {
    lines ??= new LineIndex(text);
    const p = lines.position(offset);
    return `line ${p.line}, column ${p.column}`;
  };

  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const start = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 0x3c /* < */) {
      if (depth === 0) {
        if (!isXmlSpace(c)) {
          const at = i;
          note(at, () => `${describeChar(text, at)} outside the root element (only white space, comments and processing instructions may surround it)`);
          i = nextLt(text, i);
        } else i++;
      } else if (c === 0x26 /* & */) {
        if (problem === undefined && referenceLength(text, i) === 0) {
          const at = i;
          note(at, () => entityReason(text, at));
        }
        i++;
      } else i++;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close === -1) note(i, () => 'comment is not closed (missing -->)');
      i = close === -1 ? n : close + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const close = text.indexOf(']]>', i + 9);
      if (close === -1) note(i, () => 'CDATA section is not closed (missing ]]>)');
      else if (depth === 0) note(i, () => 'a CDATA section outside the root element');
      i = close === -1 ? n : close + 3;
    } else if (text.startsWith('<?', i)) {
      const close = text.indexOf('?>', i + 2);
      if (close === -1) note(i, () => 'processing instruction is not closed (missing ?>)');
      else if (i !== start && /^xml(?=[\s?])/.test(text.slice(i + 2, i + 6)))
        note(i, () => 'the XML declaration <?xml ...?> is only allowed at the very start of the file');
      i = close === -1 ? n : close + 2;
    } else if (text.startsWith('<!', i)) {
      const close = declarationEnd(text, i);
      const doctype = text.startsWith('<!DOCTYPE', i);
      if (!doctype || root) {
        const at = i;
        note(at, () => (doctype ? 'a DOCTYPE after the root element started' : "'<!' starts no comment, CDATA section or DOCTYPE here"));
      } else {
        const entity = text.slice(i, close).indexOf('<!ENTITY');
        if (entity !== -1)
          note(i + entity, () => 'entity declarations are not supported (a Distribution never needs them, and they allow entity-expansion attacks)');
      }
      i = close;
    } else if (text.charCodeAt(i + 1) === 0x2f /* / */) {
      const tag = scanEndTag(text, i);
      const at = i;
      if (!tag) {
        note(at, () => 'malformed end tag (expected </name>)');
        const close = text.indexOf('>', i + 2);
        i = close === -1 ? n : close + 1;
        continue;
      }
      depth--;
      const open = depth < MAX_NESTING ? stack.pop() : undefined;
      if (depth < 0) {
        note(at, () => `closing tag </${tag.name}> has not been opened`);
        depth = 0;
      } else if (open) {
        if (open.name !== tag.name) note(at, () => `expected </${open.name}> (for the <${open.name}> at ${where(open.start)}) instead of </${tag.name}>`);
        open.contentEnd = at;
        if (depth === 1 && feeding()) sink!.rootChild(open);
      }
      i = tag.end;
    } else {
      const at = i;
      const tag = scanStartTag(text, i, failure);
      if (!tag) {
        const reason = failure.reason;
        note(failure.at === at + 1 ? at : failure.at, () => reason);
        i = failure.at;
        continue;
      }
      if (problem === undefined) checkAttributes(text, tag.attributes, note);
      if (depth === 0 && root) note(at, () => 'extra content after the root element (a Distribution has exactly one root element)');
      const node: ElementNode = { name: tag.name, start: at, attributes: tag.attributes, contentStart: tag.end, contentEnd: tag.end, children: NO_CHILDREN };
      const parent = stack[stack.length - 1];
      if (depth === 0) {
        if (!root) {
          root = node;
          if (feeding()) sink!.root(node);
        }
      } else if (depth === 1) {
        if (tag.selfClosing && feeding()) sink!.rootChild(node); // the root's children go to the sink, not into the tree
      } else if (parent && depth <= MAX_NESTING) {
        if (parent.children === NO_CHILDREN) parent.children = [node];
        else parent.children.push(node);
      }
      if (!tag.selfClosing) {
        depth++;
        if (depth > MAX_NESTING) deepest ??= at;
        else stack.push(node);
      }
      i = tag.end;
    }
  }
  // An element still open at the end is often the consequence of an earlier problem: reported only alone.
  if (depth > 0 && stack.length > 0 && problem === undefined) {
    const open = stack[stack.length - 1]!;
    note(open.start, () => `Unclosed tag '${open.name}'`);
  }
  // Only when nothing else is wrong: a start tag that does not scan also leaves no root, and says more.
  if (!root && problem === undefined) note(0, () => 'no root element');
  return { deepest, problem };
}

function nextLt(text: string, from: number): number {
  const lt = text.indexOf('<', from);
  return lt === -1 ? text.length : lt;
}

/** Repeated names, and what XML forbids in a value: a raw `<`, or an `&` that starts no reference. */
function checkAttributes(text: string, attributes: readonly RawAttribute[], note: (offset: number, reason: () => string) => void): void {
  if (attributes.length > 1) {
    const names = new Set<string>();
    for (const attr of attributes) {
      if (names.has(attr.name)) {
        note(attr.nameStart, () => `attribute '${attr.name}' is repeated`);
        return;
      }
      names.add(attr.name);
    }
  }
  for (const attr of attributes) {
    for (let j = attr.valueStart; j < attr.valueEnd; j++) {
      const v = text.charCodeAt(j);
      const at = j;
      if (v === 0x3c) return note(at, () => `'<' is not allowed in the value of attribute '${attr.name}'`);
      if (v === 0x26 && referenceLength(text, j) === 0)
        return note(at, () => `'&' in the value of attribute '${attr.name}' does not start an entity reference`);
    }
  }
}

function entityReason(text: string, offset: number): string {
  const m = /^&([A-Za-z_][\w.-]*);/.exec(text.slice(offset, offset + 40));
  if (m) return `entity '${m[1]}' is not defined`;
  const ref = /^&#(x[0-9A-Fa-f]+|\d+);/.exec(text.slice(offset, offset + 16));
  if (ref) return `character reference ${ref[0]} is not a legal XML character`;
  return "'&' does not start an entity reference";
}

/** Past a `<!…>` declaration; a DOCTYPE's internal subset in brackets may contain `>`. */
function declarationEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start + 2; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b /* [ */) depth++;
    else if (ch === 0x5d /* ] */) depth--;
    else if (ch === 0x3e /* > */ && depth <= 0) return i + 1;
  }
  return text.length;
}
