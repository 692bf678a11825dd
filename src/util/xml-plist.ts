import { XMLValidator } from 'fast-xml-parser';
import { parse as parsePlist, type PlistValue } from 'plist';
import { InputError } from '../errors.js';

export interface XmlPlistLimits {
  /** Elements, comments and other markup at most (the XML library costs tens of microseconds per node). */
  maxNodes: number;
  /** dict/array nesting at most (the library's parser recurses). */
  maxNesting: number;
  /** The code of every error (`CHOICE_CHANGES_MALFORMED`, `REQUIREMENTS_PLIST_MALFORMED`, ...). */
  code: string;
}

/**
 * Parses an XML property list that comes from input. The plist library is
 * only given text that one linear scan has found safe: no entity
 * declarations or internal DTD subsets (entity expansion), no entities but
 * the predefined ones and character references, bounded nesting and a
 * bounded number of nodes; then fast-xml-parser's validator locates any
 * remaining malformation at line:column. Every refusal is an InputError with
 * `limits.code`.
 */
export function parseXmlPlist(text: string, label: string, limits: XmlPlistLimits): PlistValue {
  const unsafe = unsafeMarkup(text, limits);
  if (unsafe) throw located(label, text, unsafe.offset, unsafe.reason, limits.code);
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    throw new InputError(`${label}:${line}:${col}: ${msg.replace(/\.$/, '')}`, { code: limits.code, location: { file: label, line, column: col } });
  }
  try {
    return parsePlist(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const first = (message.split('\n')[0] ?? '').trim().replace(/\.$/, '').slice(0, 200) || 'unreadable';
    throw new InputError(`${label}: not a property list: ${first}`, { code: limits.code });
  }
}

/** Whether bytes start with an ASCII prefix (`bplist` marks a binary property list). */
export function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (bytes[k] !== prefix.charCodeAt(k)) return false;
  return true;
}

const ENTITY_REASON = 'an entity other than &lt; &gt; &amp; &quot; &apos; or a character reference (write & as &amp;)';

function unsafeMarkup(text: string, limits: XmlPlistLimits): { offset: number; reason: string } | undefined {
  let depth = 0;
  let nodes = 0;
  let i = 0;
  while (i < text.length) {
    const found = text.indexOf('<', i);
    const lt = found === -1 ? text.length : found;
    const entity = badEntity(text, i, lt);
    if (entity !== undefined) return { offset: entity, reason: ENTITY_REASON };
    if (found === -1) return undefined;
    if (++nodes > limits.maxNodes) return { offset: lt, reason: `more than ${limits.maxNodes} elements, comments and other markup` };
    if (text.startsWith('<!--', lt)) i = after(text, lt + 4, '-->');
    else if (text.startsWith('<![CDATA[', lt)) i = after(text, lt + 9, ']]>');
    else if (text.startsWith('<?', lt)) i = after(text, lt + 2, '?>');
    else {
      const end = text.indexOf('>', lt);
      if (end === -1) return undefined; // the validator locates it
      if (text.startsWith('<!', lt)) {
        if (text.startsWith('<!ENTITY', lt) || text.startsWith('<!entity', lt) || hasChar(text, lt, end, 0x5b /* [ */)) {
          return { offset: lt, reason: 'entity declarations and internal DTD subsets are not accepted' };
        }
      } else {
        const entityInTag = badEntity(text, lt, end);
        if (entityInTag !== undefined) return { offset: entityInTag, reason: ENTITY_REASON };
        const closing = text.charCodeAt(lt + 1) === 0x2f; /* / */
        const name = tagName(text, closing ? lt + 2 : lt + 1, end);
        if (name === 'dict' || name === 'array') {
          if (closing) depth--;
          else if (text.charCodeAt(end - 1) !== 0x2f && ++depth > limits.maxNesting) {
            return { offset: lt, reason: `dictionaries and arrays nested deeper than ${limits.maxNesting} levels` };
          }
        }
      }
      i = end + 1;
    }
  }
  return undefined;
}

function tagName(text: string, from: number, to: number): string {
  let k = from;
  while (k < to && k - from < 8) {
    const c = text.charCodeAt(k);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2f || c === 0x3e) break;
    k++;
  }
  return text.slice(from, k);
}

function hasChar(text: string, from: number, to: number, code: number): boolean {
  for (let k = from; k < to; k++) if (text.charCodeAt(k) === code) return true;
  return false;
}

const ENTITY_OK = /^&(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/;

/** Offset of the first `&` in [from, to) that does not start a predefined entity or character reference. */
function badEntity(text: string, from: number, to: number): number | undefined {
  // A bounded character loop: indexOf would scan past `to` and make the whole scan quadratic.
  for (let k = from; k < to; k++) {
    if (text.charCodeAt(k) === 38 && !ENTITY_OK.test(text.slice(k, k + 12))) return k;
  }
  return undefined;
}

function after(text: string, from: number, marker: string): number {
  const at = text.indexOf(marker, from);
  return at === -1 ? text.length : at + marker.length;
}

function located(label: string, text: string, offset: number, reason: string, code: string): InputError {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    const c = text.charCodeAt(k);
    // CR, LF and CRLF each end a line, as everywhere else in distsim.
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) {
      line++;
      lineStart = k + 1;
    }
  }
  const column = offset - lineStart + 1;
  return new InputError(`${label}:${line}:${column}: ${reason}`, { code, location: { file: label, line, column } });
}
