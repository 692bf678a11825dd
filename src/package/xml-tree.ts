import { InputError } from '../errors.js';

/**
 * A small XML reader for the machine-written XML inside flat packages (the
 * xar table of contents, PackageInfo, manifest plists). That XML is hostile
 * input, so this reader is iterative (no recursion on nesting), linear (every
 * search is a forward `indexOf`), refuses DOCTYPE and entity declarations,
 * knows only the five predefined entities and character references, and
 * caps nesting depth and element count.
 */
export interface XmlElement {
  name: string;
  /** Attribute name → decoded value (a Map: names are input text). */
  attributes: ReadonlyMap<string, string>;
  children: readonly XmlElement[];
  /** Decoded character data directly inside this element (CDATA included), children's text excluded. */
  text: string;
}

export interface XmlTreeOptions {
  /** Names the document in messages (`widget.pkg: table of contents`). */
  what: string;
  /** Code for malformed XML. */
  code: string;
  /** Code for a document past `maxDepth` or `maxElements`. */
  tooLargeCode: string;
  maxDepth: number;
  maxElements: number;
  /** Skip a `<!DOCTYPE …>` naming an external DTD (plists carry one); one with an internal subset is still refused. */
  allowExternalDoctype?: boolean;
}

interface OpenElement {
  element: XmlElement;
  children: XmlElement[];
  text: string[];
}

/** Shared by every element without attributes or children: most TOC elements, and far less garbage. */
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();
const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);
/** Package XML uses a handful of attributes per element. */
const MAX_ATTRIBUTES = 256;

/** Parses `text` into its root element; every problem is a one-line InputError. */
export function parseXmlTree(text: string, options: XmlTreeOptions): XmlElement {
  const fail = (reason: string, at: number): never => {
    throw new InputError(`${options.what}: ${reason} (at character ${at})`, { code: options.code });
  };
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt === -1 ? text.length : lt;
    if (textEnd > i) {
      const top = stack[stack.length - 1];
      if (top) top.text.push(decodeEntities(text, i, textEnd, fail));
      else if (!isBlank(text, i, textEnd)) fail('text outside the root element', i);
    }
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) fail('unterminated processing instruction', i);
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) fail('unterminated comment', i);
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) fail('unterminated CDATA section', i);
      const top = stack[stack.length - 1];
      if (!top) fail('CDATA outside the root element', i);
      top!.text.push(text.slice(i + 9, end));
      i = end + 3;
    } else if (options.allowExternalDoctype && text.startsWith('<!DOCTYPE', i) && !root) {
      const end = text.indexOf('>', i);
      if (end === -1) fail('unterminated DOCTYPE', i);
      if (text.slice(i, end).includes('[')) fail('a DOCTYPE with an internal subset is not allowed', i);
      i = end + 1;
    } else if (text.startsWith('<!', i)) {
      fail('DOCTYPE and declarations are not allowed', i);
    } else if (text.startsWith('</', i)) {
      const nameEnd = scanName(text, i + 2);
      const name = text.slice(i + 2, nameEnd);
      let j = skipBlank(text, nameEnd);
      if (text[j] !== '>') fail('malformed end tag', i);
      j++;
      const top = stack.pop();
      if (!top || top.element.name !== name) fail(`end tag </${name}> does not match ${top ? `<${top.element.name}>` : 'any open element'}`, i);
      top!.element.text = top!.text.join('');
      if (top!.children.length > 0) top!.element.children = top!.children;
      i = j;
    } else {
      const nameEnd = scanName(text, i + 1);
      if (nameEnd === i + 1) fail('malformed tag', i);
      const element: XmlElement = { name: text.slice(i + 1, nameEnd), attributes: NO_ATTRIBUTES, children: NO_CHILDREN, text: '' };
      let attributes: Map<string, string> | undefined;
      if (++elements > options.maxElements) {
        throw new InputError(`${options.what}: more than ${options.maxElements} elements`, { code: options.tooLargeCode });
      }
      let j = nameEnd;
      let selfClosing = false;
      // Any `<` before this tag's end is an error; finding it once keeps long tags linear.
      const nextLessThan = text.indexOf('<', i + 1);
      for (;;) {
        const before = j;
        j = skipBlank(text, j);
        const c = text[j];
        if (c === undefined) fail('unterminated start tag', i);
        if (c === '>') {
          j++;
          break;
        }
        if (c === '/' && text[j + 1] === '>') {
          j += 2;
          selfClosing = true;
          break;
        }
        if (j === before) fail('attributes must be separated by white space', j);
        const attrEnd = scanName(text, j);
        if (attrEnd === j) fail('malformed attribute', j);
        const attrName = text.slice(j, attrEnd);
        j = skipBlank(text, attrEnd);
        if (text[j] !== '=') fail(`attribute ${attrName} has no value`, j);
        j = skipBlank(text, j + 1);
        const quote = text[j];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attrName} value is not quoted`, j);
        const valueEnd = text.indexOf(quote!, j + 1);
        if (valueEnd === -1) fail('unterminated attribute value', j);
        if (nextLessThan !== -1 && nextLessThan < valueEnd) fail(`raw < in attribute ${attrName}`, nextLessThan);
        attributes ??= new Map();
        if (attributes.size >= MAX_ATTRIBUTES) {
          throw new InputError(`${options.what}: an element with more than ${MAX_ATTRIBUTES} attributes`, { code: options.tooLargeCode });
        }
        if (attributes.has(attrName)) fail(`duplicate attribute ${attrName}`, j);
        attributes.set(attrName, decodeEntities(text, j + 1, valueEnd, fail));
        j = valueEnd + 1;
      }
      if (attributes) element.attributes = attributes;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('more than one root element', i);
      else root = element;
      if (!selfClosing) {
        if (stack.length >= options.maxDepth) {
          throw new InputError(`${options.what}: elements nested deeper than ${options.maxDepth}`, { code: options.tooLargeCode });
        }
        stack.push({ element, children: [], text: [] });
      }
      i = j;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.element.name}> is not closed`, text.length);
  if (!root) fail('no root element', 0);
  return root!;
}

/** The first child element named `name` (namespace prefixes ignored). */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => localName(c.name) === name);
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => localName(c.name) === name);
}

/** Every descendant named `name`, in document order, found iteratively. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const stack: XmlElement[] = [...element.children].reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (localName(e.name) === name) found.push(e);
    for (let k = e.children.length - 1; k >= 0; k--) stack.push(e.children[k]!);
  }
  return found;
}

export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x3a ||
    code === 0x2d ||
    code === 0x2e ||
    code > 0x7f
  );
}

function scanName(text: string, start: number): number {
  let j = start;
  while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
  return j;
}

function isBlankCode(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function skipBlank(text: string, start: number): number {
  let j = start;
  while (j < text.length && isBlankCode(text.charCodeAt(j))) j++;
  return j;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let j = start; j < end; j++) if (!isBlankCode(text.charCodeAt(j))) return false;
  return true;
}

const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

function decodeEntities(text: string, start: number, end: number, fail: (reason: string, at: number) => never): string {
  // Search inside the slice only: a search on the whole text could run past `end` for every value (quadratic).
  const raw = text.slice(start, end);
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    out += raw.slice(from, amp);
    const semi = raw.indexOf(';', amp + 1);
    // Entity names and character references are short; a far-away `;` means a raw `&`.
    if (semi === -1 || semi - amp > 12) fail('raw & (use &amp;)', start + amp);
    const name = raw.slice(amp + 1, semi);
    let decoded = PREDEFINED.get(name);
    if (decoded === undefined) {
      const code = name.startsWith('#x') ? parseHex(name.slice(2)) : name.startsWith('#') ? parseDecimal(name.slice(1)) : -1;
      if (code < 0) fail(`unknown entity &${name};`, start + amp);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail(`invalid character reference &${name};`, start + amp);
      decoded = String.fromCodePoint(code);
    }
    out += decoded;
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

function parseHex(s: string): number {
  return /^[0-9a-fA-F]{1,6}$/.test(s) ? parseInt(s, 16) : -1;
}

function parseDecimal(s: string): number {
  return /^[0-9]{1,7}$/.test(s) ? parseInt(s, 10) : -1;
}
