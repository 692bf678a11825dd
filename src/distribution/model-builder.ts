import type { DiagnosticCode } from '../diagnostics/codes.js';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { InputError } from '../errors.js';
import { checkApiUsage } from './api-usage.js';
import { checkCrossReferences } from './cross-references.js';
import type { ElementNode, ElementSink } from './document-scan.js';
import { isReservedName, StringTables } from './localize.js';
import type {
  AttributeValue,
  ChoiceAttribute,
  ChoiceDef,
  Distribution,
  DistributionOptions,
  Evaluable,
  GraphicsKind,
  GraphicsRequirement,
  HardwareProperties,
  OutlineNode,
  PkgRefDef,
  Position,
  PredicateSource,
  RequiredGraphics,
  SysctlRequirement,
  VolumeCheck,
} from './model.js';

/** The children of <required-graphics>, by element name. */
const GRAPHICS_KINDS = new Map<string, GraphicsKind>([
  ['required-gl-renderer', 'gl-renderer'],
  ['required-cl-device', 'cl-device'],
  ['required-metal-device', 'metal-device'],
]);
import { codeOffsetToSource } from './positions.js';
import { quote, type StaticDiagnostics } from './static-diagnostics.js';
import { parseStringsTable } from './strings-table.js';
import { closest } from './suggest.js';
import { attributeText, decodeAttribute, decodeContent, type MappedText, type RawAttribute, type SegmentBudget } from './xml-scan.js';

const ROOTS = new Set(['installer-gui-script', 'installer-script']);

/** Root children the Installer knows (Apple's Distribution XML reference), including the reserved ones. */
const KNOWN_ELEMENTS = [
  'allowed-os-versions',
  'auxinfo',
  'background',
  'background-darkAqua',
  'choice',
  'choices-outline',
  'conclusion',
  'domains',
  'installation-check',
  'license',
  'localization',
  'locator',
  'options',
  'pkg-ref',
  'product',
  'readme',
  'script',
  'tags',
  'title',
  'volume-check',
  'welcome',
];
const KNOWN = new Set(KNOWN_ELEMENTS);

const KNOWN_ARCHS = new Set(['ppc', 'i386', 'x86_64', 'arm64']);

/** Restart actions, lower-cased (the Installer compares them case-insensitively). */
const RESTART_ACTIONS = new Set(['none', 'recommendrestart', 'requirelogout', 'requirerestart', 'requireshutdown']);

/** Most `<must-close>` apps and `<bundle-version>` bundles kept per pkg-ref (real files list a handful). */
const MAX_PKG_REF_LIST = 256;

const CHOICE_ATTRIBUTES: ChoiceAttribute[] = ['start_visible', 'start_enabled', 'start_selected', 'visible', 'enabled', 'selected'];

/**
 * Segments one file may start in all: about a million lines or references of
 * exact positions (a real Distribution has a few hundred); past that, a
 * hostile file gets approximate positions instead of gigabytes of maps.
 */
const SEGMENT_BUDGET = 1_000_000;

/** One attribute: its decoded value, and its text with the position map (built only when it is JavaScript). */
class AttrInfo {
  private code: MappedText | undefined;

  constructor(
    private readonly text: string,
    private readonly raw: RawAttribute,
    private readonly budget: SegmentBudget,
    readonly value: string,
  ) {}

  /** Offset of the attribute's name. */
  get offset(): number {
    return this.raw.nameStart;
  }

  get mapped(): MappedText {
    this.code ??= decodeAttribute(this.text, this.raw, this.budget);
    return this.code;
  }
}

/**
 * An element's attributes by name, each decoded when read: an element may
 * carry a million attributes the model never reads. Found by a linear
 * search: the builder asks for a handful of names per element, which costs
 * less than indexing a million. (Repeated names were refused as malformed.)
 */
class Attributes {
  constructor(
    private readonly text: string,
    private readonly attributes: readonly RawAttribute[],
    private readonly budget: SegmentBudget,
  ) {}

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  get(name: string): AttrInfo | undefined {
    const raw = this.find(name);
    return raw && new AttrInfo(this.text, raw, this.budget, attributeText(this.text, raw));
  }

  private find(name: string): RawAttribute | undefined {
    for (const a of this.attributes) if (a.name === name) return a;
    return undefined;
  }
}

/** Builds the model from the elements of a document as it is scanned (see ElementSink). */
export class ModelBuilder implements ElementSink {
  private readonly evaluables: Evaluable[] = [];
  private readonly scripts: number[] = [];
  private readonly choices = new Map<string, ChoiceDef>();
  private readonly pkgRefs = new Map<string, PkgRefDef>();
  private readonly strings = new StringTables();
  private readonly seenOnce = new Set<string>();
  private readonly budget: SegmentBudget = { remaining: SEGMENT_BUDGET };
  private options: DistributionOptions = { allowExternalScripts: false, rootVolumeOnly: false };
  private optionsSeen = false;
  private outline: OutlineNode[] | undefined;
  private rootName: Distribution['root'] = 'installer-gui-script';
  private minSpecVersion: string | undefined;
  private titleKey: string | undefined;
  private product: Distribution['product'];
  private installationCheck: Distribution['installationCheck'];
  private volumeCheck: VolumeCheck | undefined;
  private domains: Distribution['domains'];
  private notADistribution: InputError | undefined;

  constructor(
    private readonly text: string,
    private readonly path: string,
    private readonly position: (offset: number) => Position,
    private readonly sink: StaticDiagnostics,
  ) {}

  /** The root element's start tag (ElementSink). Its children follow through rootChild. */
  root(node: ElementNode): void {
    if (!ROOTS.has(node.name)) {
      const at = this.position(node.start);
      // Thrown by result(): a malformed document is reported as that first.
      this.notADistribution = new InputError(
        `${this.path}:${at.line}:${at.column}: root element <${quote(node.name)}> is not a Distribution (expected <installer-gui-script> or <installer-script>)`,
        { code: 'NOT_A_DISTRIBUTION', location: { file: this.path, ...at } },
      );
      return;
    }
    this.rootName = node.name as Distribution['root'];
    this.minSpecVersion = this.attrs(node).get('minSpecVersion')?.value;
  }

  result(): Distribution {
    if (this.notADistribution) throw this.notADistribution;
    const choices = [...this.choices.values()];
    const outline = this.outline ?? [];
    if (!this.outline && choices.length > 0) this.diag('OUTLINE_MISSING', 'no <choices-outline>: the Installer shows no choice and installs no package', 0);
    checkCrossReferences({ path: this.path, outline, choices: this.choices, pkgRefs: this.pkgRefs }, this.sink);
    if (this.options.requireScripts === false && this.evaluables.length > 0) {
      const first = this.evaluables[0]!;
      this.sink.report(
        'REQUIRE_SCRIPTS_FALSE_WITH_SCRIPTS',
        () => `require-scripts="false" but ${first.source} is JavaScript; evaluated anyway`,
        () => ({
          location: { file: this.path, ...first.position },
          source: first.source,
        }),
      );
    }
    checkApiUsage({ path: this.path, evaluables: this.evaluables, choices }, codeOffsetToSource, this.sink);
    const title = this.titleKey === undefined ? undefined : this.strings.localize(this.titleKey);
    return {
      path: this.path,
      root: this.rootName,
      ...(this.minSpecVersion !== undefined && { minSpecVersion: this.minSpecVersion }),
      ...(title !== undefined && { title, titleKey: this.titleKey }),
      ...(this.product && { product: this.product }),
      options: this.options,
      evaluables: this.evaluables,
      scripts: this.scripts,
      ...(this.installationCheck && { installationCheck: this.installationCheck }),
      ...(this.volumeCheck && { volumeCheck: this.volumeCheck }),
      ...(this.domains && { domains: this.domains }),
      outline,
      choices: choices.map((c) => {
        // In place: a copy of every choice is a second model's worth of objects for a file with 200,000.
        // The text as written is kept: per-Mac titles and a package's tables resolve it again (localize.ts).
        if (c.title !== undefined) {
          c.titleKey = c.title;
          c.title = this.strings.localize(c.title);
        }
        if (c.description !== undefined) {
          c.descriptionKey = c.description;
          c.description = this.strings.localize(c.description);
        }
        return c;
      }),
      pkgRefs: [...this.pkgRefs.values()],
      strings: this.strings.toModel(),
      diagnostics: this.sink.list(),
    };
  }

  /** A complete child of the root (ElementSink). */
  rootChild(node: ElementNode): void {
    if (this.notADistribution) return;
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
      case 'product':
        if (this.once(node)) this.parseProduct(node);
        return;
      default:
        if (KNOWN.has(node.name)) return;
        this.unknownElement(node);
    }
  }

  private unknownElement(node: ElementNode): void {
    this.sink.add('XML_UNKNOWN_ELEMENT', () => {
      const suggestion = closest(node.name, KNOWN_ELEMENTS);
      const name = quote(node.name);
      return this.diagnostic(
        'XML_UNKNOWN_ELEMENT',
        `unknown element <${name}> is ignored` + (suggestion ? ` (did you mean <${suggestion}>?)` : ''),
        node.start,
        {
          element: name,
          ...(suggestion && { suggestion }),
        },
      );
    });
  }

  private once(node: ElementNode): boolean {
    if (this.seenOnce.has(node.name)) {
      this.diag('XML_DUPLICATE_ELEMENT', `<${node.name}> appears more than once; the first one is used`, node.start, { element: node.name });
      return false;
    }
    this.seenOnce.add(node.name);
    return true;
  }

  private parseOptions(node: ElementNode): void {
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
      o.hostArchitectures = archs.value
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a.length > 0);
      for (const arch of o.hostArchitectures) {
        if (KNOWN_ARCHS.has(arch)) continue;
        const value = quote(arch);
        this.diag('HOST_ARCHITECTURES_UNKNOWN_VALUE', `hostArchitectures value '${value}' is not one of ppc, i386, x86_64, arm64`, archs.offset, { value });
      }
    }
  }

  private parseScript(node: ElementNode): void {
    const body = this.content(node);
    const id = this.addEvaluable(`script[${this.scripts.length + 1}]`, body);
    this.scripts.push(id);
  }

  private parseInstallationCheck(node: ElementNode): void {
    if (!this.once(node)) return;
    const attrs = this.attrs(node);
    const check: NonNullable<Distribution['installationCheck']> = { position: this.position(node.start) };
    const script = attrs.get('script');
    if (script) check.script = this.addEvaluable('installation-check@script', script.mapped);
    for (const child of node.children) {
      if (child.name === 'ram') {
        const minGb = Number(this.attrs(child).get('min-gb')?.value);
        if (Number.isFinite(minGb)) check.ramMinGb = minGb;
      } else if (child.name === 'required-graphics') {
        (check.requiredGraphics ??= []).push(this.parseRequiredGraphics(child));
      } else if (child.name === 'hardware-properties') {
        (check.hardwareProperties ??= []).push(this.parseHardwareProperties(child));
      } else {
        this.unknownElement(child);
      }
    }
    this.installationCheck = check;
  }

  private parseRequiredGraphics(node: ElementNode): RequiredGraphics {
    const attrs = this.attrs(node);
    const description = attrs.get('description')?.value;
    const requirements: GraphicsRequirement[] = [];
    for (const child of node.children) {
      const kind = GRAPHICS_KINDS.get(child.name);
      if (kind) requirements.push({ kind, predicate: this.predicate(child), position: this.position(child.start) });
      else this.unknownElement(child);
    }
    return {
      position: this.position(node.start),
      ...(description !== undefined && { description }),
      singleDevice: isTrue(attrs.get('single-device')?.value),
      requirements,
    };
  }

  private parseHardwareProperties(node: ElementNode): HardwareProperties {
    const sysctlRequirements: SysctlRequirement[] = [];
    for (const child of node.children) {
      if (child.name === 'sysctl-requirements') sysctlRequirements.push({ predicate: this.predicate(child), position: this.position(child.start) });
      else this.unknownElement(child);
    }
    return { position: this.position(node.start), sysctlRequirements };
  }

  /** An element's text as a predicate, with the map from its offsets back to the file (as for scripts). */
  private predicate(node: ElementNode): PredicateSource {
    const mapped = this.content(node);
    const segments: number[] = [];
    for (let i = 0; i < mapped.codeStarts.length; i++) {
      const pos = this.position(mapped.srcStarts[i]!);
      segments.push(mapped.codeStarts[i]!, pos.line, pos.column);
    }
    const position = segments.length > 0 ? { line: segments[1]!, column: segments[2]! } : this.position(node.start);
    return { text: mapped.text, position, segments };
  }

  private ensureVolumeCheck(node: ElementNode): VolumeCheck {
    this.volumeCheck ??= { position: this.position(node.start), allowedOsVersions: [], requiredBundles: [] };
    return this.volumeCheck;
  }

  private parseVolumeCheck(node: ElementNode): void {
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

  private parseAllowedOsVersions(node: ElementNode, check: VolumeCheck): void {
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

  private parseDomains(node: ElementNode): void {
    const attrs = this.attrs(node);
    const domains: NonNullable<Distribution['domains']> = { position: this.position(node.start) };
    const anywhere = this.attributeValue(attrs, 'enable_anywhere', () => 'domains@enable_anywhere');
    const home = this.attributeValue(attrs, 'enable_currentUserHome', () => 'domains@enable_currentUserHome');
    const local = this.attributeValue(attrs, 'enable_localSystem', () => 'domains@enable_localSystem');
    if (anywhere) domains.anywhere = anywhere;
    if (home) domains.currentUserHome = home;
    if (local) domains.localSystem = local;
    this.domains = domains;
  }

  /** Recursive, but nesting is at most MAX_DEPTH (checked before the tree is built). */
  private parseOutline(lines: ElementNode[], seen: Set<string>): OutlineNode[] {
    const out: OutlineNode[] = [];
    for (const line of lines) {
      if (line.name !== 'line') {
        const element = quote(line.name);
        this.diag('XML_UNKNOWN_ELEMENT', `<${element}> inside the choices-outline is ignored (only <line> belongs there)`, line.start, { element });
        continue;
      }
      const choice = this.attrs(line).get('choice')?.value ?? '';
      const children = this.parseOutline(line.children, seen);
      if (seen.has(choice)) {
        const shown = quote(choice);
        this.diag('OUTLINE_DUPLICATE_CHOICE', `choice '${shown}' is on more than one outline line; only the first is used`, line.start, { choice: shown });
        for (const child of children) out.push(child); // not push(...children): a spread of 100,000 overflows the stack
        continue;
      }
      seen.add(choice);
      out.push({ choice, position: this.position(line.start), children });
    }
    return out;
  }

  private parseChoice(node: ElementNode): void {
    const attrs = this.attrs(node);
    const id = attrs.get('id')?.value ?? '';
    if (this.choices.has(id)) {
      const shown = quote(id);
      this.diag('XML_DUPLICATE_ELEMENT', `choice '${shown}' is defined more than once; the first definition is used`, node.start, {
        element: 'choice',
        id: shown,
      });
      return;
    }
    const choice: ChoiceDef = { id, position: this.position(node.start), attributes: {}, pkgRefs: [] };
    const title = attrs.get('title')?.value;
    const description = attrs.get('description')?.value;
    if (title !== undefined) choice.title = title;
    if (description !== undefined) choice.description = description;
    if (attrs.has('tooltip')) choice.tooltip = attrs.get('tooltip')!.value;
    if (attrs.has('customLocation')) choice.customLocation = attrs.get('customLocation')!.value;
    for (const name of CHOICE_ATTRIBUTES) {
      const value = this.attributeValue(attrs, name, () => `choice[${id}]@${name}`);
      if (value) choice.attributes[name] = value;
    }
    let refs: Set<string> | undefined; // the ids so far, made on the first pkg-ref (most choices have one or none)
    for (const child of node.children) {
      if (child.name === 'pkg-ref') {
        const ref = this.parsePkgRef(child);
        refs ??= new Set();
        if (ref !== undefined && !refs.has(ref)) {
          refs.add(ref);
          choice.pkgRefs.push(ref);
        }
      } else this.unknownElement(child);
    }
    this.choices.set(id, choice);
  }

  /** Merges a pkg-ref element into the table; returns its id. */
  private parsePkgRef(node: ElementNode): string | undefined {
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
    const onConclusion = attrs.get('onConclusion');
    if (ref.onConclusion === undefined && onConclusion) {
      ref.onConclusion = onConclusion.value;
      this.checkRestartAction(id, onConclusion);
    }
    if (ref.active === undefined) {
      const active = this.attributeValue(attrs, 'active', () => `pkg-ref[${id}]@active`);
      if (active) ref.active = active;
    }
    const script = attrs.get('onConclusionScript');
    if (ref.onConclusionScript === undefined && script) ref.onConclusionScript = this.addEvaluable(`pkg-ref[${id}]@onConclusionScript`, script.mapped);
    if (ref.path === undefined) {
      const path = this.content(node).text.trim();
      if (path.length > 0) ref.path = path;
    }
    for (const child of node.children) {
      if (child.name === 'must-close') this.parseMustClose(child, ref);
      else if (child.name === 'bundle-version') this.parseBundleVersion(child, ref);
    }
    return id;
  }

  /** `<must-close><app id="…"/></must-close>`: merged across the pkg-ref's elements, each id once, at most MAX_PKG_REF_LIST (every profile's report repeats the list). */
  private parseMustClose(node: ElementNode, ref: PkgRefDef): void {
    const list = (ref.mustClose ??= []);
    for (const app of node.children) {
      if (app.name !== 'app' || list.length >= MAX_PKG_REF_LIST) continue;
      const id = this.attrs(app).get('id')?.value;
      if (id !== undefined && !list.includes(id)) list.push(id);
    }
  }

  /** `<bundle-version><bundle id path CFBundleShortVersionString CFBundleVersion/></bundle-version>`, at most MAX_PKG_REF_LIST bundles. */
  private parseBundleVersion(node: ElementNode, ref: PkgRefDef): void {
    const list = (ref.bundleVersions ??= []);
    for (const bundle of node.children) {
      if (bundle.name !== 'bundle' || list.length >= MAX_PKG_REF_LIST) continue;
      const a = this.attrs(bundle);
      const id = a.get('id')?.value;
      if (id === undefined) continue;
      list.push({
        id,
        path: a.get('path')?.value ?? null,
        CFBundleShortVersionString: a.get('CFBundleShortVersionString')?.value ?? null,
        CFBundleVersion: a.get('CFBundleVersion')?.value ?? null,
      });
    }
  }

  /** A literal onConclusion is a fact of the file: checked here once, not on every profile that installs the package. */
  private checkRestartAction(id: string, attr: AttrInfo): void {
    if (RESTART_ACTIONS.has(attr.value.trim().toLowerCase())) return;
    const value = quote(attr.value);
    this.sink.add('RESTART_ACTION_UNKNOWN', () =>
      this.diagnostic('RESTART_ACTION_UNKNOWN', `pkg-ref '${quote(id)}': '${value}' is not a restart action; None is used`, attr.offset, { value }),
    );
  }

  /** `<product id="…" version="…"/>` (productbuild --product, or --identifier and --version). */
  private parseProduct(node: ElementNode): void {
    const attrs = this.attrs(node);
    const id = attrs.get('id')?.value;
    if (id === undefined) return;
    const version = attrs.get('version')?.value;
    this.product = { id, ...(version !== undefined && { version }) };
  }

  private parseLocalization(node: ElementNode): void {
    for (const child of node.children) {
      if (child.name !== 'strings') continue;
      const language = this.attrs(child).get('language')?.value ?? 'English';
      if (isReservedName(language)) {
        const name = quote(language);
        this.diag(
          'XML_RESERVED_NAME',
          `<strings language="${name}"> is ignored: '${name}' is a name every JavaScript object already has, not a language`,
          child.start,
          {
            element: 'strings',
            name,
          },
        );
        continue;
      }
      this.strings.add(language, parseStringsTable(this.content(child).text));
    }
  }

  /** `source` is a function: the label is built only for an attribute that is present and JavaScript. */
  private attributeValue(attrs: Attributes, name: string, source: () => string): AttributeValue | undefined {
    const attr = attrs.get(name);
    if (!attr) return undefined;
    const trimmed = attr.value.trim();
    if (trimmed === 'true' || trimmed === 'false') return { kind: 'literal', value: trimmed === 'true' };
    return { kind: 'script', evaluable: this.addEvaluable(source(), attr.mapped) };
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

  private attrs(node: ElementNode): Attributes {
    return new Attributes(this.text, node.attributes, this.budget);
  }

  private content(node: ElementNode): MappedText {
    return decodeContent(this.text, node.contentStart, node.contentEnd, this.budget);
  }

  private diagnostic(code: DiagnosticCode, message: string, offset: number, args?: Record<string, string>): Diagnostic {
    return createDiagnostic(code, message, { location: { file: this.path, ...this.position(offset) }, ...(args && { args }) });
  }

  private diag(code: DiagnosticCode, message: string, offset: number, args?: Record<string, string>): void {
    this.sink.add(code, () => this.diagnostic(code, message, offset, args));
  }
}

function isTrue(value: string | undefined): boolean {
  const v = value?.trim().toLowerCase();
  return v === 'true' || v === 'yes' || v === '1';
}
