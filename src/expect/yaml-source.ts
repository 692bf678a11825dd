/**
 * An expectation file as data, with the place of every value in the text.
 *
 * YAML (JSON is YAML too) is read with the `yaml` package, which keeps source
 * ranges, so every problem is reported at `file:line:col`. The file is
 * hostile input, and the package's parser and composer cost time and stack in
 * proportion to nesting depth (a megabyte of `[` takes seconds, and the
 * composer recurses once per level). So, before the parser sees the text, a
 * pass over the package's lexer (linear, no recursion) bounds what can nest:
 * open flow collections, block indicators on one line, and indentation. The
 * parsed tree is then checked for its exact depth, iteratively, before it is
 * composed. Aliases are bounded in number and in what they expand to, keys
 * must be scalars (a collection key would be stringified with a process
 * warning), explicit tags are refused, and the file must hold one document.
 */
import { CST, Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { depthExceeds } from '../util/plain-data.js';
import type { PathSegment } from './json-path.js';
import { MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_FLOW_DEPTH, MAX_INDENT, MAX_INDICATORS_PER_LINE, MAX_SPEC_DEPTH } from './limits.js';
import { SpecError, type SpecPosition } from './spec-error.js';

export interface SpecSource {
  /** The file name used in messages. */
  readonly file: string;
  /** The document as plain JSON-like data (objects, arrays, strings, numbers, booleans, null). */
  readonly data: unknown;
  /**
   * Where the value at `path` starts (with `key`, where its key starts). A
   * path that leaves the text (through an alias, or to a value that is not
   * there) gives the place of the deepest part that is in it.
   */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SpecPosition;
  /** A SpecError at the value (or key) at `path`. */
  error(path: readonly PathSegment[], message: string, options?: { key?: boolean; code?: string; hint?: string }): SpecError;
}

/** Parses YAML or JSON text; throws a SpecError (one line, located) for anything malformed or out of bounds. */
export function parseSpecSource(text: string, file: string): SpecSource {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineCounter();
  const at = (offset: number): SpecPosition => {
    const pos = lines.linePos(Math.max(0, Math.min(offset, source.length)));
    return { line: pos.line, column: pos.col };
  };
  const fail = (offset: number, message: string): never => {
    throw new SpecError(file, at(offset), message, null, { code: 'SPEC_MALFORMED' });
  };

  const tokens: CST.Token[] = [];
  for (const token of parseChecked(source, lines, fail)) {
    const deep = deepestCollection(token);
    if (deep !== undefined) fail(deep, `nested deeper than ${MAX_SPEC_DEPTH} levels`);
    tokens.push(token);
  }

  // Duplicate keys are found by checkNodes with a Set: the package's own check compares each key with every earlier one.
  const composer = new Composer({ version: '1.2', schema: 'core', merge: false, resolveKnownTags: false, uniqueKeys: false, strict: true, intAsBigInt: false });
  const docs: Document.Parsed[] = [];
  for (const doc of composer.compose(tokens, true, source.length)) {
    docs.push(doc);
    if (docs.length > 1) fail(doc.range[0], 'more than one YAML document; an expectation file holds one');
  }
  const doc = docs[0];
  if (doc === undefined) return fail(0, 'empty file');
  const error = doc.errors[0];
  if (error !== undefined) fail(error.pos[0], yamlMessage(error.message));
  // Before the warnings: an explicit tag is reported as such, not as the package's "unresolved tag".
  checkNodes(doc, fail);
  const warning = doc.warnings[0];
  if (warning !== undefined) fail(warning.pos[0], yamlMessage(warning.message));

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return fail(firstAliasOffset(doc), `aliases expand to too much data (${yamlMessage(error.message)})`);
  }
  // Aliases can nest what the text does not (an alias inside its own anchor is a cycle).
  if (depthExceeds(data, MAX_SPEC_DEPTH)) fail(firstAliasOffset(doc), `nested deeper than ${MAX_SPEC_DEPTH} levels once aliases are expanded`);

  const pairsCache = new WeakMap<YAMLMap, Map<string, Pair>>();
  const locate = (path: readonly PathSegment[], options: { key?: boolean } = {}): SpecPosition => {
    let node: unknown = doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (isMap(node)) {
        const pair = pairsOf(node, pairsCache).get(String(segment));
        if (pair === undefined) break;
        const last = i === path.length - 1;
        if (last && options.key === true) {
          offset = rangeStart(pair.key) ?? offset;
          break;
        }
        node = pair.value;
        offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) break;
        offset = rangeStart(node) ?? offset;
      } else {
        break;
      }
    }
    return at(offset);
  };
  return {
    file,
    data,
    locate,
    error: (path, message, options = {}) =>
      new SpecError(file, locate(path, options), message, path, {
        ...(options.code !== undefined && { code: options.code }),
        ...(options.hint !== undefined && { hint: options.hint }),
      }),
  };
}

/** The yaml package appends " at line L, column C" and a source excerpt when errors are prettified; keep the first clause. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

/**
 * The parser's tokens, from one pass over the lexer's that refuses text
 * nesting too deeply for the parser before the parser sees it: flow
 * collections, `- `/`? ` indicators on one line, and indentation. Quoted and
 * plain scalars are single lexemes, so brackets inside strings and comments
 * are not counted. (This is the package's own `Parser.parse` loop, with the
 * checks between its lexer and its parser.)
 */
function* parseChecked(source: string, lines: LineCounter, fail: (offset: number, message: string) => never): Generator<CST.Token> {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  let offset = 0;
  let flow = 0;
  let indicators = 0;
  let lineStart = true;
  let payload = false;
  for (const lexeme of new Lexer().lex(source)) {
    const start = offset;
    // The lexer adds one-character markers that are not in the source: document, scalar, flow-error end.
    const marker = lexeme === CST.DOCUMENT || lexeme === CST.SCALAR || lexeme === CST.FLOW_END;
    if (marker) {
      payload = lexeme === CST.SCALAR;
    } else if (payload) {
      // A scalar's text: may span lines (block scalars), holds no structure.
      payload = false;
      offset += lexeme.length;
      if (lexeme.includes('\n')) lineStart = lexeme.endsWith('\n');
    } else {
      offset += lexeme.length;
      const type = CST.tokenType(lexeme);
      if (type === 'newline') {
        lineStart = true;
        indicators = 0;
      } else {
        if (type === 'space' && lineStart && lexeme.length > MAX_INDENT) fail(start, `indented more than ${MAX_INDENT} columns`);
        lineStart = false;
        if (type === 'flow-seq-start' || type === 'flow-map-start') {
          if (++flow > MAX_FLOW_DEPTH) fail(start, `more than ${MAX_FLOW_DEPTH} nested [ ] or { }`);
        } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
          flow = Math.max(0, flow - 1);
        } else if (type === 'seq-item-ind' || type === 'explicit-key-ind') {
          if (++indicators > MAX_INDICATORS_PER_LINE) fail(start, `more than ${MAX_INDICATORS_PER_LINE} nested "- " or "? " on one line`);
        }
      }
    }
    yield* parser.next(lexeme);
  }
  yield* parser.end();
}

/** The offset of the first collection nested deeper than MAX_SPEC_DEPTH in a parsed token, if any. Iterative. */
function deepestCollection(root: CST.Token): number | undefined {
  const stack: Array<[CST.Token, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'document') {
      if (token.value !== undefined) stack.push([token.value, depth]);
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > MAX_SPEC_DEPTH) return token.offset;
    for (const item of token.items as CST.CollectionItem[]) {
      if (item.key !== undefined && item.key !== null) stack.push([item.key, depth + 1]);
      if (item.value !== undefined) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

/** Refuses what the data model has no use for and what could cost out of proportion: collection keys, tags, too many aliases. */
function checkNodes(doc: Document.Parsed, fail: (offset: number, message: string) => never): void {
  let aliases = 0;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) fail(rangeStart(node) ?? 0, `more than ${MAX_ALIASES} aliases`);
      continue;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.tag !== undefined) fail(rangeStart(node) ?? 0, `explicit tag ${node.tag.slice(0, 40)} is not supported`);
    }
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (keys.has(key)) fail(rangeStart(pair.key) ?? rangeStart(node) ?? 0, `duplicate key ${JSON.stringify(key.slice(0, 64))}`);
        keys.add(key);
        if (pair.key !== null && !isScalar(pair.key) && !isAlias(pair.key))
          fail(rangeStart(pair.key) ?? rangeStart(node) ?? 0, 'a key must be a plain value, not a mapping or a sequence');
        if (isAlias(pair.key)) fail(rangeStart(pair.key) ?? 0, 'a key must be a plain value, not an alias');
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
}

function firstAliasOffset(doc: Document.Parsed): number {
  // Breadth first, so the alias reported is the first one a reader meets near the top.
  const queue: unknown[] = [doc.contents];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    if (isAlias(node)) return rangeStart(node) ?? 0;
    if (isMap(node)) for (const pair of node.items) queue.push(pair.value);
    else if (isSeq(node)) for (const item of node.items) queue.push(item);
  }
  return 0;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

/** A map's pairs by key text, built once per map so that locating many values stays linear. */
function pairsOf(map: YAMLMap, cache: WeakMap<YAMLMap, Map<string, Pair>>): Map<string, Pair> {
  let pairs = cache.get(map);
  if (pairs === undefined) {
    pairs = new Map();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!pairs.has(key)) pairs.set(key, pair as Pair);
    }
    cache.set(map, pairs);
  }
  return pairs;
}
