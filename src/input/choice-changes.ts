/**
 * Apple's choice-changes files, the input of `installer -applyChoiceChangesXML`
 * (installer(8), https://keith.github.io/xcode-man-pages/installer.8.html):
 *
 * - the attribute form: an array of dicts, each with `choiceIdentifier`,
 *   `choiceAttribute` (`selected`, `enabled`, `visible` or `customLocation`)
 *   and `attributeSetting` (a number for the first three, `-showChoiceChangesXML`
 *   writes `<true/>`/`<false/>` for visible and enabled; a path string for
 *   customLocation);
 * - the legacy form (before macOS 10.6.6, still in `installer -help`): an
 *   array of choice identifiers, each toggled in order as if clicked;
 * - the hierarchical `-showChoicesXML` output (dicts with `choiceIsSelected`
 *   and `childItems`), which Apple's installer refuses ("either could not be
 *   found or was malformed"): read as the state it shows, and marked so the
 *   simulation can warn that a real Mac would refuse the file.
 *
 * Only XML property lists are read. The text is checked for size, markup
 * count, nesting and entity declarations before the `plist` package sees it,
 * so hostile input gets a one-line InputError and the XML library never
 * recurses deeply or expands entities.
 */
import type { PlistValue } from 'plist';
import { decodeXmlBytes } from '../distribution/source-text.js';
import { InputError } from '../errors.js';
import { readRegularFile } from '../util/read-file.js';
import { parseXmlPlist, startsWithAscii } from '../util/xml-plist.js';

/** One change, applied in order after the choices' default state is evaluated. */
export type ChoiceChange =
  | {
      /** Sets an attribute, as a dict of the attribute form does. */
      kind: 'set';
      choice: string;
      attribute: 'selected' | 'enabled' | 'visible';
      value: boolean;
      /** Where the change comes from, for diagnostics: `changes.plist item 3`, `--select`. */
      origin: string;
      /** Read from `-showChoicesXML` output, a form Apple's installer refuses. */
      form?: 'showChoicesXML';
    }
  | { kind: 'set'; choice: string; attribute: 'customLocation'; value: string; origin: string; form?: 'showChoicesXML' }
  /** A click on the checkbox: selects (value true) or deselects; a mixed parent counts as neither. */
  | { kind: 'click'; choice: string; value: boolean; origin: string }
  /** A click that flips the checkbox, as the legacy form does. */
  | { kind: 'toggle'; choice: string; origin: string };

/** Largest change file read: a template for hundreds of choices is tens of kilobytes. */
export const MAX_CHOICE_CHANGES_BYTES = 1024 * 1024;
/** Markup nodes read: the XML library costs about 10 µs per node, and a template needs seven per change. */
const MAX_NODES = 60_000;
/** Dict/array nesting: the change forms need 2; `-showChoicesXML` output 2 per outline level. */
const MAX_NESTING = 64;
/** Changes in one file. */
const MAX_CHOICE_CHANGES = 5000;
/** Longest choice identifier and custom location accepted. */
const MAX_ID_LENGTH = 1024;
const MAX_PATH_LENGTH = 4096;
const ROOT_PREFIX = '__ROOT_CHOICE_IDENT_';
const ATTRIBUTES = new Set(['selected', 'enabled', 'visible', 'customLocation']);

/**
 * Reads a change file from a path (a regular file of at most
 * MAX_CHOICE_CHANGES_BYTES). Every failure is an InputError: FILE_UNREADABLE,
 * FILE_NOT_REGULAR, FILE_TOO_LARGE, CHOICE_CHANGES_MALFORMED (not an XML
 * property list) or CHOICE_CHANGES_INVALID (a property list of the wrong shape).
 */
export function readChoiceChanges(file: string, label: string = file): ChoiceChange[] {
  const bytes = readRegularFile(file, { maxBytes: MAX_CHOICE_CHANGES_BYTES, what: 'a choice changes file' }, label);
  return parseChoiceChanges(bytes, label);
}

/** Parses a change file's bytes or text; `label` names it in messages and origins. */
export function parseChoiceChanges(input: string | Uint8Array, label: string): ChoiceChange[] {
  const text = decode(input, label);
  const root = parseChangeFile(text, label);
  if (!Array.isArray(root)) invalid(label, 'the property list must be an array (of dicts, or of choice identifiers)');
  if (root.length === 0) return [];
  if (root.every((item) => typeof item === 'string')) return toggles(root as string[], label);
  if (!root.every(isDict)) invalid(label, 'the array must hold only dicts (choiceIdentifier, choiceAttribute, attributeSetting) or only choice identifiers');
  const dicts = root as Dict[];
  if (dicts.some((d) => has(d, 'childItems') || has(d, 'choiceIsSelected'))) return fromShowChoices(dicts, label);
  return attributes(dicts, label);
}

// ---- the three forms ---------------------------------------------------------

function toggles(ids: string[], label: string): ChoiceChange[] {
  if (ids.length > MAX_CHOICE_CHANGES) invalid(label, `more than ${MAX_CHOICE_CHANGES} changes`);
  return ids.map((choice, i) => ({ kind: 'toggle', choice: identifier(choice, label, i), origin: `${label} item ${i + 1}` }));
}

function attributes(dicts: Dict[], label: string): ChoiceChange[] {
  if (dicts.length > MAX_CHOICE_CHANGES) invalid(label, `more than ${MAX_CHOICE_CHANGES} changes`);
  return dicts.map((d, i): ChoiceChange => {
    const at = `item ${i + 1}`;
    const origin = `${label} ${at}`;
    const id = get(d, 'choiceIdentifier');
    if (typeof id !== 'string') invalid(label, `${at}: choiceIdentifier must be a string`);
    const choice = identifier(id, label, i);
    const attribute = get(d, 'choiceAttribute');
    if (typeof attribute !== 'string' || !ATTRIBUTES.has(attribute)) {
      invalid(
        label,
        `${at}: choiceAttribute must be selected, enabled, visible or customLocation`,
        typeof attribute === 'string' ? 'the names are case-sensitive' : undefined,
      );
    }
    const setting = get(d, 'attributeSetting');
    if (setting === undefined) invalid(label, `${at}: attributeSetting is missing`);
    if (attribute === 'customLocation') {
      if (typeof setting !== 'string' || !setting.startsWith('/') || setting.length > MAX_PATH_LENGTH) {
        invalid(label, `${at}: attributeSetting of customLocation must be an absolute path (a string starting with /, at most ${MAX_PATH_LENGTH} characters)`);
      }
      return { kind: 'set', choice, attribute, value: setting, origin };
    }
    return { kind: 'set', choice, attribute: attribute as 'selected' | 'enabled' | 'visible', value: flag(setting, label, at), origin };
  });
}

/** `-showChoicesXML` output: each choice's shown state as settings, in outline pre-order; the synthetic root and mixed states are skipped. */
function fromShowChoices(dicts: Dict[], label: string): ChoiceChange[] {
  const out: ChoiceChange[] = [];
  // Depth-first with an explicit stack (nesting is bounded, but a stack keeps the walk iterative).
  const stack: Array<{ items: PlistValue[]; next: number }> = [{ items: dicts, next: 0 }];
  let count = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.next++]!;
    const at = `item ${++count}`;
    if (!isDict(item)) invalid(label, `${at}: childItems must hold dicts`);
    const id = get(item, 'choiceIdentifier');
    if (typeof id !== 'string') invalid(label, `${at}: choiceIdentifier must be a string`);
    const origin = `${label} ${at} (-showChoicesXML output)`;
    if (!id.startsWith(ROOT_PREFIX)) {
      const choice = identifier(id, label, count - 1);
      const visible = get(item, 'choiceIsVisible');
      const enabled = get(item, 'choiceIsEnabled');
      const selected = get(item, 'choiceIsSelected');
      if (visible !== undefined)
        out.push({ kind: 'set', choice, attribute: 'visible', value: flag(visible, label, `${at}: choiceIsVisible`), origin, form: 'showChoicesXML' });
      if (enabled !== undefined)
        out.push({ kind: 'set', choice, attribute: 'enabled', value: flag(enabled, label, `${at}: choiceIsEnabled`), origin, form: 'showChoicesXML' });
      // -1 is the mixed state of a parent: it follows from the children, so it is not a setting.
      if (selected !== undefined && selected !== -1)
        out.push({ kind: 'set', choice, attribute: 'selected', value: flag(selected, label, `${at}: choiceIsSelected`), origin, form: 'showChoicesXML' });
      if (out.length > MAX_CHOICE_CHANGES) invalid(label, `more than ${MAX_CHOICE_CHANGES} changes`);
    }
    const children = get(item, 'childItems');
    if (children !== undefined) {
      if (!Array.isArray(children)) invalid(label, `${at}: childItems must be an array`);
      stack.push({ items: children, next: 0 });
    }
  }
  return out;
}

/** 1/0 as an integer (Apple's template writes selected so), true/false (it writes visible and enabled so). */
function flag(value: PlistValue, label: string, at: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  return invalid(label, `${at}: attributeSetting must be 1, 0, <true/> or <false/>`);
}

function identifier(id: string, label: string, index: number): string {
  if (id.length === 0) invalid(label, `item ${index + 1}: the choice identifier is empty`);
  if (id.length > MAX_ID_LENGTH) invalid(label, `item ${index + 1}: the choice identifier is longer than ${MAX_ID_LENGTH} characters`);
  return id;
}

// ---- reading the property list -------------------------------------------------

type Dict = { [key: string]: PlistValue };

function isDict(v: PlistValue | undefined): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** A dict entry by a key the reader chose: own properties only. */
function get(d: Dict, key: string): PlistValue | undefined {
  return Object.hasOwn(d, key) ? d[key] : undefined;
}

function has(d: Dict, key: string): boolean {
  return Object.hasOwn(d, key);
}

function decode(input: string | Uint8Array, label: string): string {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_CHOICE_CHANGES_BYTES) {
    throw new InputError(`${label}: too large for a choice changes file (more than ${MAX_CHOICE_CHANGES_BYTES / 1048576} MiB)`, { code: 'FILE_TOO_LARGE' });
  }
  let text: string;
  if (typeof input === 'string') text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  else {
    if (startsWithAscii(input, 'bplist')) throw notXml(label, 'a binary property list');
    try {
      text = decodeXmlBytes(input, label);
    } catch (error) {
      throw malformedError(label, error instanceof Error ? error.message : String(error));
    }
  }
  if (text.startsWith('bplist')) throw notXml(label, 'a binary property list');
  const first = text.trimStart()[0];
  if (first === '{' || first === '(') throw notXml(label, 'an OpenStep (old-style) property list');
  if (text.trim() === '') throw malformedError(label, `${label}: empty file`);
  return text;
}

function parseChangeFile(text: string, label: string): PlistValue {
  return parseXmlPlist(text, label, { maxNodes: MAX_NODES, maxNesting: MAX_NESTING, code: 'CHOICE_CHANGES_MALFORMED' });
}

// ---- errors ------------------------------------------------------------------------

function notXml(label: string, what: string): InputError {
  return new InputError(`${label}: ${what}; only XML property lists are read`, {
    code: 'CHOICE_CHANGES_MALFORMED',
    hint: 'convert it with: plutil -convert xml1 FILE',
  });
}

function malformedError(label: string, message: string): InputError {
  return new InputError(message.startsWith(label) ? message : `${label}: ${message}`, { code: 'CHOICE_CHANGES_MALFORMED' });
}

function invalid(label: string, reason: string, hint?: string): never {
  throw new InputError(`${label}: ${reason}`, {
    code: 'CHOICE_CHANGES_INVALID',
    hint: hint ?? 'expected an array of dicts with choiceIdentifier, choiceAttribute and attributeSetting (installer -showChoiceChangesXML prints a template)',
  });
}
