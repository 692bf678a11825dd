import type { ChoiceAttribute, Distribution } from '../distribution/model.js';
import { blankCommentsAndStrings } from '../distribution/api-usage.js';
import { InputError } from '../errors.js';

/** One dependency: `to`'s attribute reads `from`'s state. */
export interface ChoiceEdge {
  from: string;
  /** What is read: selected, enabled or visible, or `choice` when the choice object itself is passed on. */
  property: 'selected' | 'enabled' | 'visible' | 'choice';
  to: string;
  attribute: ChoiceAttribute;
  /** `my.choice` for the choice's own state, a function name when the read happens inside it, null when direct. */
  via: string | null;
}

export interface ChoiceGraph {
  /** Outline choices in pre-order. */
  nodes: Array<{ id: string; title: string | null; parent: string | null }>;
  edges: ChoiceEdge[];
}

const ATTRIBUTES: readonly ChoiceAttribute[] = ['start_visible', 'start_enabled', 'start_selected', 'visible', 'enabled', 'selected'];
const PROPERTIES = new Set(['selected', 'enabled', 'visible']);
/** Steps of the walk over function calls, over all attributes: hostile call graphs must not cost more. */
const MAX_STEPS = 2_000_000;
/** Edges kept: a graph larger than this is not readable anyway. */
const MAX_EDGES = 20_000;
/** The own choice, in a function's reads (it depends on the caller); XML text cannot hold NUL, so no id is this. */
const SELF = '\u0000';

interface Reads {
  /** `${property}\u0000${choice or SELF}` */
  reads: Set<string>;
  calls: Set<string>;
}

/**
 * Which choice attributes read which choices' state, found statically like
 * the API-usage check: `choices.X.selected`, `choices['X'].enabled`,
 * `my.choice.selected`, also inside functions of the `<script>` elements that
 * an attribute calls (transitively). Dynamic accesses (`choices[name]`) are
 * not seen. Linear in the code for the scan; the call walk is bounded.
 */
export function choiceGraph(dist: Pick<Distribution, 'choices' | 'outline' | 'evaluables' | 'scripts'>): ChoiceGraph {
  const defs = new Map(dist.choices.map((c) => [c.id, c]));
  const nodes: ChoiceGraph['nodes'] = [];
  const seen = new Set<string>();
  const stack: Array<{ list: Distribution['outline']; next: number; parent: string | null }> = [{ list: dist.outline, next: 0, parent: null }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.list.length) {
      stack.pop();
      continue;
    }
    const node = top.list[top.next++]!;
    const def = defs.get(node.choice);
    if (!def || seen.has(def.id)) {
      stack.push({ list: node.children, next: 0, parent: top.parent });
      continue;
    }
    seen.add(def.id);
    nodes.push({ id: def.id, title: def.title ?? null, parent: top.parent });
    stack.push({ list: node.children, next: 0, parent: def.id });
  }

  // Functions of the scripts: what each reads and calls.
  const functions = new Map<string, Reads>();
  for (const id of dist.scripts) scanScript(dist.evaluables[id]!.code, functions);

  const edges = new Map<string, ChoiceEdge>();
  const closures = new Map<string, Map<string, string>>();
  let steps = 0;
  /** Every read reachable from a function, each with the first function it was found in. */
  const closure = (name: string): Map<string, string> => {
    const known = closures.get(name);
    if (known) return known;
    const found = new Map<string, string>();
    const visited = new Set<string>([name]);
    const queue = [name];
    for (let k = 0; k < queue.length; k++) {
      const fn = queue[k]!;
      const info = functions.get(fn)!;
      steps += 1 + info.reads.size + info.calls.size;
      if (steps > MAX_STEPS) throw new InputError('the scripts call each other too much to draw the choice graph', { code: 'CHOICE_GRAPH_TOO_COMPLEX' });
      for (const r of info.reads) if (!found.has(r)) found.set(r, fn);
      for (const c of info.calls) {
        if (!visited.has(c) && functions.has(c)) {
          visited.add(c);
          queue.push(c);
        }
      }
    }
    closures.set(name, found);
    return found;
  };
  const add = (from: string, property: string, to: string, attribute: ChoiceAttribute, via: string | null) => {
    if (!defs.has(from) || !seen.has(from) || edges.size >= MAX_EDGES) return;
    const key = `${from}\u0000${property}\u0000${to}\u0000${attribute}`;
    if (!edges.has(key)) edges.set(key, { from, property: property as ChoiceEdge['property'], to, attribute, via });
  };

  for (const node of nodes) {
    const def = defs.get(node.id)!;
    for (const attribute of ATTRIBUTES) {
      const value = def.attributes[attribute];
      if (value?.kind !== 'script') continue;
      const own: Reads = { reads: new Set(), calls: new Set() };
      scanCode(blankCommentsAndStrings(dist.evaluables[value.evaluable]!.code), dist.evaluables[value.evaluable]!.code, own, () => undefined, functions);
      const target = (who: string) => (who === SELF ? node.id : who);
      for (const r of own.reads) {
        const [property, who] = splitRead(r);
        add(target(who), property, node.id, attribute, who === SELF ? 'my.choice' : null);
      }
      for (const call of own.calls) {
        if (!functions.has(call)) continue;
        for (const [r, fn] of closure(call)) {
          const [property, who] = splitRead(r);
          add(target(who), property, node.id, attribute, who === SELF ? `my.choice in ${fn}()` : `${fn}()`);
        }
      }
    }
  }
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  const sorted = [...edges.values()].sort(
    (a, b) =>
      position.get(a.to)! - position.get(b.to)! ||
      ATTRIBUTES.indexOf(a.attribute) - ATTRIBUTES.indexOf(b.attribute) ||
      position.get(a.from)! - position.get(b.from)! ||
      (a.property < b.property ? -1 : a.property > b.property ? 1 : 0),
  );
  return { nodes, edges: sorted };
}

const IDENT = '[A-Za-z_$][\\w$]*';
/** Function declarations and function expressions assigned to a name. */
const DECLARATION = new RegExp(`(?<![\\w$.])function\\s+(${IDENT})\\s*\\(|(?<![\\w$.])(${IDENT})\\s*=\\s*function\\b`, 'g');
/** choices.X / choices[' / my.choice / NAME( — in code whose comments and strings are blanked. */
const REFERENCE = new RegExp(`(?<![\\w$.])(?:choices\\s*(?:\\.\\s*(${IDENT})|\\[\\s*(["']))|my\\s*\\.\\s*choice(?![\\w$])|(${IDENT})\\s*\\()`, 'g');
const PROPERTY = new RegExp(`\\s*\\.\\s*(${IDENT})`, 'y');
const CLOSING = /\s*\]/y;

/** Reads and calls of each function declared in one `<script>`, attributed to the innermost named function. */
function scanScript(code: string, functions: Map<string, Reads>): void {
  const blanked = blankCommentsAndStrings(code);
  // Where each named function's body opens.
  const bodies = new Map<number, string>();
  const declared = new Set<number>();
  for (const m of blanked.matchAll(DECLARATION)) {
    const name = (m[1] ?? m[2])!;
    const open = blanked.indexOf('{', m.index + m[0].length);
    if (open === -1) continue;
    bodies.set(open, name);
    if (m[1] !== undefined) declared.add(m.index + m[0].indexOf(name, 8));
    if (!functions.has(name)) functions.set(name, { reads: new Set(), calls: new Set() });
  }
  if (bodies.size === 0) return;
  // One pass: braces give the innermost open function at each offset (a stack of all braces, and one of the named ones).
  const opens: boolean[] = [];
  const named: string[] = [];
  const owners: Array<{ at: number; fn: string | undefined }> = [];
  for (let i = 0; i < blanked.length; i++) {
    const c = blanked.charCodeAt(i);
    if (c === 0x7b /* { */) {
      const name = bodies.get(i);
      opens.push(name !== undefined);
      if (name !== undefined) {
        named.push(name);
        owners.push({ at: i, fn: name });
      }
    } else if (c === 0x7d /* } */ && opens.length > 0) {
      if (opens.pop()) {
        named.pop();
        owners.push({ at: i, fn: named[named.length - 1] });
      }
    }
  }
  let o = 0;
  let owner: string | undefined;
  const ownerAt = (offset: number) => {
    while (o < owners.length && owners[o]!.at <= offset) owner = owners[o++]!.fn;
    return owner;
  };
  scanCode(blanked, code, undefined, ownerAt, functions, declared);
}

/**
 * The references in one piece of code. With `into`, all go there; else each
 * goes to the function `owner(offset)` names (references outside functions
 * are dropped: top-level script code runs before any choice).
 */
function scanCode(
  blanked: string,
  code: string,
  into: Reads | undefined,
  owner: (offset: number) => string | undefined,
  functions: Map<string, Reads>,
  skip: ReadonlySet<number> = new Set(),
): void {
  for (const m of blanked.matchAll(REFERENCE)) {
    const target = into ?? functions.get(owner(m.index) ?? '');
    if (!target) continue;
    if (m[3] !== undefined) {
      if (!skip.has(m.index)) target.calls.add(m[3]);
      continue;
    }
    let who: string;
    let end = m.index + m[0].length;
    if (m[1] !== undefined) who = m[1];
    else if (m[2] !== undefined) {
      // choices['id']: the id is read from the original code (the blanked one has spaces there).
      let close = end;
      while (close < blanked.length && blanked.charCodeAt(close) === 0x20) close++;
      if (blanked[close] !== m[2]) continue;
      who = code.slice(end, close);
      CLOSING.lastIndex = close + 1;
      const bracket = CLOSING.exec(blanked);
      if (!bracket) continue;
      end = CLOSING.lastIndex;
    } else who = SELF;
    PROPERTY.lastIndex = end;
    const prop = PROPERTY.exec(blanked);
    const property = prop && PROPERTIES.has(prop[1]!) ? prop[1]! : 'choice';
    if (prop && !PROPERTIES.has(prop[1]!)) continue; // title, packages, packageUpgradeAction: not state a click changes
    target.reads.add(`${property}\u0000${who}`);
  }
}

function splitRead(read: string): [string, string] {
  const cut = read.indexOf('\u0000');
  return [read.slice(0, cut), read.slice(cut + 1)];
}

// ---- rendering ---------------------------------------------------------------------------

/** Mermaid flowchart: solid arrows from the choice read to the attribute reading it, dotted ones from a parent to its children. */
export function renderMermaid(graph: ChoiceGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `c${i}`]));
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) lines.push(`  ${ids.get(n.id)!}["${mermaidText(label(n))}"]`);
  for (const n of graph.nodes) if (n.parent !== null) lines.push(`  ${ids.get(n.parent)!} -.-> ${ids.get(n.id)!}`);
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)!} -->|"${mermaidText(edgeLabel(e))}"| ${ids.get(e.to)!}`);
  return lines.join('\n') + '\n';
}

/** Graphviz DOT, the same graph. */
export function renderDot(graph: ChoiceGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `c${i}`]));
  const lines = ['digraph choices {', '  rankdir=LR;', '  node [shape=box];'];
  for (const n of graph.nodes) lines.push(`  ${ids.get(n.id)!} [label="${dotText(label(n))}"];`);
  for (const n of graph.nodes) if (n.parent !== null) lines.push(`  ${ids.get(n.parent)!} -> ${ids.get(n.id)!} [style=dotted, arrowhead=none];`);
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)!} -> ${ids.get(e.to)!} [label="${dotText(edgeLabel(e))}"];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function label(n: { id: string; title: string | null }): string {
  return n.title !== null && n.title !== '' && n.title !== n.id ? `${clip(n.id)}: ${clip(n.title)}` : clip(n.id);
}

function edgeLabel(e: ChoiceEdge): string {
  return `${e.property} → ${e.attribute}${e.via !== null ? ` (${clip(e.via)})` : ''}`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** Mermaid label text: entity codes for what its parser or HTML would read, no line breaks or controls. */
function mermaidText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += ' ';
    else if (/[A-Za-z0-9 _.:,()/\-→…]/.test(ch) || c > 0x9f) out += ch;
    else out += `#${c};`;
  }
  return out;
}

/** DOT string text: quotes and backslashes escaped, controls as spaces. */
function dotText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += ' ';
    else out += ch;
  }
  return out;
}
