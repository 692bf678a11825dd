import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { InputError } from '../errors.js';
import type {
  AttributeValue,
  ChoiceAttribute,
  ChoiceDef,
  Distribution,
  DistributionOptions,
  Evaluable,
  OutlineNode,
  PkgRefDef,
  Position,
  VolumeCheck,
} from './model.js';
import { repairScriptEscapes } from './recover.js';
import { LineIndex } from './source-text.js';
import { checkApiUsage } from './api-usage.js';
import { codeOffsetToSource } from './positions.js';
import { parseStringsTable } from './strings-table.js';
import { blankNonElementMarkup, decodeAttribute, decodeContent, findStrictProblem, scanStartTag, type MappedText, type RawAttribute } from './xml-scan.js';

export interface ParseOptions {
  /** Repair raw `<`/`&` in scripts and JavaScript attributes instead of rejecting the file. */
  recover?: boolean;
}

const ROOTS = new Set(['installer-gui-script', 'installer-script']);

/** Root children the Installer knows (DISTREF), including the reserved ones. */
const KNOWN_ELEMENTS = [
  'allowed-os-versions', 'auxinfo', 'background', 'background-darkAqua', 'choice', 'choices-outline', 'conclusion', 'domains',
  'installation-check', 'license', 'localization', 'locator', 'options', 'pkg-ref', 'product', 'readme', 'script', 'tags',
  'title', 'volume-check', 'welcome',
];
const KNOWN = new Set(KNOWN_ELEMENTS);

const KNOWN_ARCHS = new Set(['ppc', 'i386', 'x86_64', 'arm64']);

interface Node {
  name: string;
  start: number;
  end: number;
  children: Node[];
}

/**
 * Parses Distribution XML text. Malformed XML throws an InputError whose
 * message is `FILE:LINE:COL: reason`.
 */
export function parseDistribution(text: string, path: string, options: ParseOptions = {}): Distribution {
  if (text.trim() === '') throw new InputError(`${path}:1:1: the file is empty`);
  const originalIndex = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  let source = text;
  let toOriginal = (offset: number) => offset;

  const problem = wellFormednessProblem(text, originalIndex);
  if (problem) {
    const repair = repairScriptEscapes(text);
    const where = originalIndex.position(problem.offset);
    const location = `${path}:${where.line}:${where.column}`;
    const firstRepair = repair.repairs[0];
    if (!options.recover || !firstRepair || wellFormednessProblem(repair.text, new LineIndex(repair.text))) {
      let hint: string | undefined;
      if (firstRepair) {
        const at = originalIndex.position(firstRepair.offset);
        const inWhat = firstRepair.where === 'script' ? 'a <script>' : `the JavaScript attribute '${firstRepair.where}'`;
        hint = `raw '${firstRepair.char}' inside ${inWhat} at ${path}:${at.line}:${at.column}: wrap scripts in <![CDATA[ ... ]]> or write &lt; and &amp;` +
          (options.recover ? '' : ' (--recover repairs this and simulates the rest)');
      }
      throw new InputError(`${location}: ${problem.reason}`, hint === undefined ? undefined : { hint });
    }
    source = repair.text;
    toOriginal = repair.toOriginal;
    for (const r of repair.repairs) {
      const at = originalIndex.position(r.offset);
      const inWhat = r.where === 'script' ? '<script>' : `attribute '${r.where}'`;
      diagnostics.push(createDiagnostic('XML_SCRIPT_ESCAPE_REPAIRED', `raw '${r.char}' in ${inWhat} escaped; the real Installer rejects this file as malformed XML`, {
        location: { file: path, ...at },
        args: { char: r.char, where: r.where },
      }));
    }
  }

  const position = (offset: number): Position => originalIndex.position(toOriginal(offset));
  const builder = new ModelBuilder(source, path, position, diagnostics);
  const root = buildTree(source, path);
  builder.build(root);
  return builder.result();
}

function wellFormednessProblem(text: string, index: LineIndex): { offset: number; reason: string } | undefined {
  const candidates: Array<{ offset: number; reason: string }> = [];
  const shape = topLevelElements(text);
  if (shape.deepest !== undefined) return { offset: shape.deepest, reason: `elements nested deeper than ${MAX_DEPTH} levels (a Distribution needs a handful)` };
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    candidates.push({ offset: index.offset(Number.isFinite(line) ? line : 1, Number.isFinite(col) ? col : 1), reason: msg.replace(/\.$/, '') });
  }
  const strict = findStrictProblem(text);
  if (strict) candidates.push(strict);
  const roots = shape.roots;
  if (roots.length === 0 && validation === true) candidates.push({ offset: 0, reason: 'no root element' });
  if (roots.length > 1) candidates.push({ offset: roots[1]!, reason: 'extra content after the root element (a Distribution has exactly one root element)' });
  if (candidates.length === 0) return undefined;
  return candidates.reduce((a, b) => (b.offset < a.offset ? b : a));
}

/** Deeper nesting is refused: real Distributions nest about 5 levels, and the tree walk is recursive. */
const MAX_DEPTH = 256;

/** Offsets of the top-level elements (skipping the prolog, comments and PIs), and of the first element nested too deep. */
function topLevelElements(text: string): { roots: number[]; deepest: number | undefined } {
  const starts: number[] = [];
  let deepest: number | undefined;
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    if (text.startsWith('<!--', lt)) i = skip(text, lt + 4, '-->');
    else if (text.startsWith('<![CDATA[', lt)) i = skip(text, lt + 9, ']]>');
    else if (text.startsWith('<?', lt)) i = skip(text, lt + 2, '?>');
    else if (text.startsWith('<!', lt)) i = skip(text, lt + 2, '>');
    else if (text[lt + 1] === '/') {
      depth--;
      i = skip(text, lt + 2, '>');
    } else {
      const tag = scanStartTag(text, lt);
      if (!tag) return { roots: starts, deepest }; // malformed: the validator reports it
      if (depth === 0) starts.push(lt);
      if (!tag.selfClosing) depth++;
      if (depth > MAX_DEPTH && deepest === undefined) deepest = lt;
      i = tag.end;
    }
  }
  return { roots: starts, deepest };
}

function skip(text: string, from: number, marker: string): number {
  const close = text.indexOf(marker, from);
  return close === -1 ? text.length : close + marker.length;
}

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Element tree with source offsets (attributes and text are read from the source by the builder). */
function buildTree(source: string, path: string): Node {
  const text = blankNonElementMarkup(source);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: true,
    captureMetaData: true,
    processEntities: false,
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const convert = (items: unknown[]): Node[] => {
    const nodes: Node[] = [];
    for (const item of items as Array<Record<string | symbol, unknown>>) {
      const name = Object.keys(item).find((k) => k !== ':@' && !k.startsWith('#'));
      const meta = item[META] as { startIndex: number; endIndex?: number } | undefined;
      if (name === undefined || !meta) continue;
      const children = Array.isArray(item[name]) ? convert(item[name] as unknown[]) : [];
      nodes.push({ name, start: meta.startIndex, end: meta.endIndex ?? meta.startIndex, children });
    }
    return nodes;
  };
  let parsed: unknown[];
  try {
    parsed = parser.parse(text) as unknown[];
  } catch (error) {
    // The checks above accept only well-formed XML; this is a parser disagreement, still an input problem.
    throw new InputError(`${path}:1:1: ${(error as Error).message.replace(/\.$/, '')}`);
  }
  const root = convert(parsed)[0];
  if (!root) throw new InputError(`${path}:1:1: no root element`);
  return root;
}

class ModelBuilder {
  private readonly evaluables: Evaluable[] = [];
  private readonly scripts: number[] = [];
  private readonly choices = new Map<string, ChoiceDef>();
  private readonly pkgRefs = new Map<string, PkgRefDef>();
  private readonly strings: Record<string, Record<string, string>> = {};
  private readonly seenOnce = new Set<string>();
  private options: DistributionOptions = { allowExternalScripts: false, rootVolumeOnly: false };
  private optionsSeen = false;
  private outline: OutlineNode[] | undefined;
  private rootName: Distribution['root'] = 'installer-gui-script';
  private minSpecVersion: string | undefined;
  private titleKey: string | undefined;
  private installationCheck: Distribution['installationCheck'];
  private volumeCheck: VolumeCheck | undefined;
  private domains: Distribution['domains'];

  constructor(
    private readonly text: string,
    private readonly path: string,
    private readonly position: (offset: number) => Position,
    private readonly diagnostics: Diagnostic[],
  ) {}

  build(root: Node): void {
    if (!ROOTS.has(root.name)) {
      const at = this.position(root.start);
      throw new InputError(`${this.path}:${at.line}:${at.column}: root element <${root.name}> is not a Distribution (expected <installer-gui-script> or <installer-script>)`);
    }
    this.rootName = root.name as Distribution['root'];
    this.minSpecVersion = this.attrs(root).get('minSpecVersion')?.value;
    for (const child of root.children) this.rootChild(child);
  }

  result(): Distribution {
    const choices = [...this.choices.values()];
    const outline = this.outline ?? [];
    if (!this.outline && choices.length > 0) this.diag('OUTLINE_MISSING', 'no <choices-outline>: the Installer shows no choice and installs no package', 0);
    const listed = new Set<string>();
    const visit = (nodes: OutlineNode[]) => nodes.forEach((n) => (listed.add(n.choice), visit(n.children)));
    visit(outline);
    for (const choice of choices) {
      if (!listed.has(choice.id)) {
        this.diagnostics.push(createDiagnostic('CHOICE_NOT_IN_OUTLINE', `choice '${choice.id}' is not in the choices-outline; it is ignored`, {
          location: { file: this.path, ...choice.position },
          args: { choice: choice.id },
        }));
      }
    }
    if (this.options.requireScripts === false && this.evaluables.length > 0) {
      const first = this.evaluables[0]!;
      this.diagnostics.push(createDiagnostic('REQUIRE_SCRIPTS_FALSE_WITH_SCRIPTS', `require-scripts="false" but ${first.source} is JavaScript; evaluated anyway`, {
        location: { file: this.path, ...first.position },
        source: first.source,
      }));
    }
    this.diagnostics.push(...checkApiUsage({ path: this.path, evaluables: this.evaluables, choices }, codeOffsetToSource));
    const title = this.titleKey === undefined ? undefined : this.localize(this.titleKey);
    return {
      path: this.path,
      root: this.rootName,
      ...(this.minSpecVersion !== undefined && { minSpecVersion: this.minSpecVersion }),
      ...(title !== undefined && { title }),
      options: this.options,
      evaluables: this.evaluables,
      scripts: this.scripts,
      ...(this.installationCheck && { installationCheck: this.installationCheck }),
      ...(this.volumeCheck && { volumeCheck: this.volumeCheck }),
      ...(this.domains && { domains: this.domains }),
      outline,
      choices: choices.map((c) => ({
        ...c,
        ...(c.title !== undefined && { title: this.localize(c.title) }),
        ...(c.description !== undefined && { description: this.localize(c.description) }),
      })),
      pkgRefs: [...this.pkgRefs.values()],
      strings: this.strings,
      diagnostics: this.diagnostics,
    };
  }

  /** Resolves a localization key through the inline string table (English first); a literal otherwise. */
  private localize(key: string): string {
    const tables = Object.keys(this.strings).sort((a, b) => rankLanguage(a) - rankLanguage(b));
    for (const lang of tables) {
      const value = this.strings[lang]![key];
      if (value !== undefined) return value;
    }
    return key;
  }

  private rootChild(node: Node): void {
    switch (node.name) {
      case 'title':
        if (this.once(node)) this.titleKey = this.content(node).text.trim();
        return;
      case 'options':
        return this.parseOptions(node);
      case 'script':
        return this.parseScript(node);
      case 'installation-check':
        return this.parseInstallationCheck(node);
      case 'volume-check':
        return this.parseVolumeCheck(node);
      case 'allowed-os-versions':
        return this.parseAllowedOsVersions(node, this.ensureVolumeCheck(node));
      case 'domains':
        if (this.once(node)) this.parseDomains(node);
        return;
      case 'choices-outline':
        // Several outlines are alternatives selected with productbuild --ui; the first is the default.
        if (this.once(node)) this.outline = this.parseOutline(node.children, new Set());
        return;
      case 'choice':
        return this.parseChoice(node);
      case 'pkg-ref':
        this.parsePkgRef(node);
        return;
      case 'localization':
        return this.parseLocalization(node);
      default:
        if (KNOWN.has(node.name)) return;
        this.unknownElement(node);
    }
  }

  private unknownElement(node: Node): void {
    const suggestion = closest(node.name, KNOWN_ELEMENTS);
    this.diag('XML_UNKNOWN_ELEMENT', `unknown element <${node.name}> is ignored` + (suggestion ? ` (did you mean <${suggestion}>?)` : ''), node.start, {
      element: node.name,
      ...(suggestion && { suggestion }),
    });
  }

  private once(node: Node): boolean {
    if (this.seenOnce.has(node.name)) {
      this.diag('XML_DUPLICATE_ELEMENT', `<${node.name}> appears more than once; the first one is used`, node.start, { element: node.name });
      return false;
    }
    this.seenOnce.add(node.name);
    return true;
  }

  private parseOptions(node: Node): void {
    const attrs = this.attrs(node);
    const first = !this.optionsSeen;
    if (!first) this.diag('XML_MULTIPLE_ROOT_OPTIONS', 'several <options> elements: attributes are merged, the first occurrence wins', node.start);
    this.optionsSeen = true;
    const o = this.options;
    const get = (name: string) => attrs.get(name)?.value;
    if (o.customize === undefined && get('customize') !== undefined) o.customize = get('customize');
    if (attrs.has('allow-external-scripts') && (first || !o.allowExternalScripts)) o.allowExternalScripts = isTrue(get('allow-external-scripts'));
    if (attrs.has('require-scripts') && o.requireScripts === undefined) o.requireScripts = isTrue(get('require-scripts'));
    if (attrs.has('rootVolumeOnly') && (first || !o.rootVolumeOnly)) o.rootVolumeOnly = isTrue(get('rootVolumeOnly'));
    const archs = attrs.get('hostArchitectures');
    if (archs && o.hostArchitectures === undefined) {
      o.hostArchitectures = archs.value.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
      for (const arch of o.hostArchitectures) {
        if (!KNOWN_ARCHS.has(arch)) this.diag('HOST_ARCHITECTURES_UNKNOWN_VALUE', `hostArchitectures value '${arch}' is not one of ppc, i386, x86_64, arm64`, archs.offset, { value: arch });
      }
    }
  }

  private parseScript(node: Node): void {
    const body = this.content(node);
    const id = this.addEvaluable(`script[${this.scripts.length + 1}]`, body);
    this.scripts.push(id);
  }

  private parseInstallationCheck(node: Node): void {
    if (!this.once(node)) return;
    const attrs = this.attrs(node);
    const check: NonNullable<Distribution['installationCheck']> = { position: this.position(node.start) };
    const script = attrs.get('script');
    if (script) check.script = this.addEvaluable('installation-check@script', script.mapped);
    for (const child of node.children) {
      if (child.name === 'ram') {
        const minGb = Number(this.attrs(child).get('min-gb')?.value);
        if (Number.isFinite(minGb)) check.ramMinGb = minGb;
      } else if (child.name === 'required-graphics' || child.name === 'hardware-properties') {
        this.diag('REQUIREMENT_NOT_EVALUATED', `<${child.name}> is not evaluated by this version of distsim; it is assumed to pass`, child.start, { element: child.name });
      } else {
        this.unknownElement(child);
      }
    }
    this.installationCheck = check;
  }

  private ensureVolumeCheck(node: Node): VolumeCheck {
    this.volumeCheck ??= { position: this.position(node.start), allowedOsVersions: [], requiredBundles: [] };
    return this.volumeCheck;
  }

  private parseVolumeCheck(node: Node): void {
    if (!this.once(node)) return;
    const check = this.ensureVolumeCheck(node);
    check.position = this.position(node.start);
    const script = this.attrs(node).get('script');
    if (script) check.script = this.addEvaluable('volume-check@script', script.mapped);
    for (const child of node.children) {
      if (child.name === 'allowed-os-versions') this.parseAllowedOsVersions(child, check);
      else if (child.name === 'required-bundles') {
        const attrs = this.attrs(child);
        const bundles = child.children
          .filter((b) => b.name === 'bundle')
          .map((b) => {
            const a = this.attrs(b);
            return {
              id: a.get('id')?.value ?? '',
              path: a.get('path')?.value ?? '',
              ...(a.has('CFBundleShortVersionString') && { CFBundleShortVersionString: a.get('CFBundleShortVersionString')!.value }),
              ...(a.has('CFBundleVersion') && { CFBundleVersion: a.get('CFBundleVersion')!.value }),
              search: isTrue(a.get('search')?.value),
            };
          });
        check.requiredBundles.push({
          all: attrs.has('all') ? isTrue(attrs.get('all')!.value) : true,
          ...(attrs.has('description') && { description: attrs.get('description')!.value }),
          bundles,
        });
      } else this.unknownElement(child);
    }
  }

  private parseAllowedOsVersions(node: Node, check: VolumeCheck): void {
    const ranges = node.children
      .filter((c) => c.name === 'os-version')
      .map((c) => {
        const a = this.attrs(c);
        const before = a.get('before')?.value;
        return { min: a.get('min')?.value ?? '0', ...(before !== undefined && { before }) };
      });
    for (const c of node.children) if (c.name !== 'os-version') this.unknownElement(c);
    check.allowedOsVersions.push(ranges);
  }

  private parseDomains(node: Node): void {
    const attrs = this.attrs(node);
    const domains: NonNullable<Distribution['domains']> = { position: this.position(node.start) };
    const anywhere = this.attributeValue(attrs, 'enable_anywhere', 'domains@enable_anywhere');
    const home = this.attributeValue(attrs, 'enable_currentUserHome', 'domains@enable_currentUserHome');
    const local = this.attributeValue(attrs, 'enable_localSystem', 'domains@enable_localSystem');
    if (anywhere) domains.anywhere = anywhere;
    if (home) domains.currentUserHome = home;
    if (local) domains.localSystem = local;
    this.domains = domains;
  }

  private parseOutline(lines: Node[], seen: Set<string>): OutlineNode[] {
    const out: OutlineNode[] = [];
    for (const line of lines) {
      if (line.name !== 'line') {
        this.diag('XML_UNKNOWN_ELEMENT', `<${line.name}> inside the choices-outline is ignored (only <line> belongs there)`, line.start, { element: line.name });
        continue;
      }
      const choice = this.attrs(line).get('choice')?.value ?? '';
      const children = this.parseOutline(line.children, seen);
      if (seen.has(choice)) {
        this.diag('OUTLINE_DUPLICATE_CHOICE', `choice '${choice}' is on more than one outline line; only the first is used`, line.start, { choice });
        out.push(...children);
        continue;
      }
      seen.add(choice);
      out.push({ choice, position: this.position(line.start), children });
    }
    return out;
  }

  private parseChoice(node: Node): void {
    const attrs = this.attrs(node);
    const id = attrs.get('id')?.value ?? '';
    if (this.choices.has(id)) {
      this.diag('XML_DUPLICATE_ELEMENT', `choice '${id}' is defined more than once; the first definition is used`, node.start, { element: 'choice', id });
      return;
    }
    const choice: ChoiceDef = { id, position: this.position(node.start), attributes: {}, pkgRefs: [] };
    const title = attrs.get('title')?.value;
    const description = attrs.get('description')?.value;
    if (title !== undefined) choice.title = title;
    if (description !== undefined) choice.description = description;
    if (attrs.has('tooltip')) choice.tooltip = attrs.get('tooltip')!.value;
    if (attrs.has('customLocation')) choice.customLocation = attrs.get('customLocation')!.value;
    for (const name of ['start_visible', 'start_enabled', 'start_selected', 'visible', 'enabled', 'selected'] as ChoiceAttribute[]) {
      const value = this.attributeValue(attrs, name, `choice[${id}]@${name}`);
      if (value) choice.attributes[name] = value;
    }
    for (const child of node.children) {
      if (child.name === 'pkg-ref') {
        const ref = this.parsePkgRef(child);
        if (ref && !choice.pkgRefs.includes(ref)) choice.pkgRefs.push(ref);
      } else this.unknownElement(child);
    }
    this.choices.set(id, choice);
  }

  /** Merges a pkg-ref element into the table; returns its id. */
  private parsePkgRef(node: Node): string | undefined {
    const attrs = this.attrs(node);
    const id = attrs.get('id')?.value;
    if (id === undefined) return undefined;
    let ref = this.pkgRefs.get(id);
    if (!ref) {
      ref = { id, position: this.position(node.start) };
      this.pkgRefs.set(id, ref);
    }
    if (ref.version === undefined && attrs.has('version')) ref.version = attrs.get('version')!.value;
    if (ref.installKBytes === undefined && attrs.has('installKBytes')) {
      const kb = Number(attrs.get('installKBytes')!.value);
      if (Number.isFinite(kb)) ref.installKBytes = kb;
    }
    if (ref.onConclusion === undefined && attrs.has('onConclusion')) ref.onConclusion = attrs.get('onConclusion')!.value;
    if (ref.active === undefined) {
      const active = this.attributeValue(attrs, 'active', `pkg-ref[${id}]@active`);
      if (active) ref.active = active;
    }
    const script = attrs.get('onConclusionScript');
    if (ref.onConclusionScript === undefined && script) ref.onConclusionScript = this.addEvaluable(`pkg-ref[${id}]@onConclusionScript`, script.mapped);
    if (ref.path === undefined) {
      const path = this.content(node).text.trim();
      if (path.length > 0) ref.path = path;
    }
    return id;
  }

  private parseLocalization(node: Node): void {
    for (const child of node.children) {
      if (child.name !== 'strings') continue;
      const language = this.attrs(child).get('language')?.value ?? 'English';
      Object.assign((this.strings[language] ??= {}), parseStringsTable(this.content(child).text));
    }
  }

  private attributeValue(attrs: Map<string, AttrInfo>, name: string, source: string): AttributeValue | undefined {
    const attr = attrs.get(name);
    if (!attr) return undefined;
    const trimmed = attr.value.trim();
    if (trimmed === 'true' || trimmed === 'false') return { kind: 'literal', value: trimmed === 'true' };
    return { kind: 'script', evaluable: this.addEvaluable(source, attr.mapped) };
  }

  private addEvaluable(source: string, mapped: MappedText): number {
    const id = this.evaluables.length;
    const segments: number[] = [];
    for (let i = 0; i < mapped.codeStarts.length; i++) {
      const pos = this.position(mapped.srcStarts[i]!);
      segments.push(mapped.codeStarts[i]!, pos.line, pos.column);
    }
    const position = segments.length > 0 ? { line: segments[1]!, column: segments[2]! } : { line: 0, column: 0 };
    this.evaluables.push({ id, source, code: mapped.text, position, segments });
    return id;
  }

  private attrs(node: Node): Map<string, AttrInfo> {
    const tag = scanStartTag(this.text, node.start);
    const map = new Map<string, AttrInfo>();
    for (const raw of tag?.attributes ?? []) {
      if (map.has(raw.name)) continue;
      const mapped = decodeAttribute(this.text, raw);
      map.set(raw.name, { value: mapped.text, mapped, offset: raw.nameStart, raw });
    }
    return map;
  }

  private content(node: Node): MappedText {
    const tag = scanStartTag(this.text, node.start);
    if (!tag || tag.selfClosing) return decodeContent(this.text, 0, 0);
    const close = this.text.lastIndexOf('</', node.end);
    return decodeContent(this.text, tag.end, close > tag.end ? close : tag.end);
  }

  private diag(code: Parameters<typeof createDiagnostic>[0], message: string, offset: number, args?: Record<string, string>): void {
    this.diagnostics.push(createDiagnostic(code, message, { location: { file: this.path, ...this.position(offset) }, ...(args && { args }) }));
  }
}

interface AttrInfo {
  value: string;
  mapped: MappedText;
  offset: number;
  raw: RawAttribute;
}

function isTrue(value: string | undefined): boolean {
  const v = value?.trim().toLowerCase();
  return v === 'true' || v === 'yes' || v === '1';
}

function rankLanguage(lang: string): number {
  return /^(en|english|en[-_].*|base)$/i.test(lang) ? 0 : 1;
}

/** The known name within edit distance 2, if any (for "did you mean"). */
function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
