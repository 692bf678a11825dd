import type { Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * A parsed Distribution: plain data (structured-cloneable, so it can be sent
 * to worker threads once and evaluated against many profiles).
 */
export interface Distribution {
  /** Path as given by the caller (used in locations). */
  path: string;
  root: 'installer-gui-script' | 'installer-script';
  minSpecVersion?: string;
  /** The <title> text, resolved through the string tables (localize.ts, DEFAULT_LANGUAGES) when it is a key. */
  title?: string;
  /** The <title> text as written: a localization key or literal text (localizeTitle resolves it for a Mac). */
  titleKey?: string;
  /** `<product id version>`: the product's identifier and version (MDM manifests). */
  product?: { id: string; version?: string };
  options: DistributionOptions;
  /** Every piece of JavaScript, in document order; everything else refers to these by index. */
  evaluables: Evaluable[];
  /** Indexes of `<script>` evaluables, in document order. */
  scripts: number[];
  installationCheck?: InstallationCheck;
  volumeCheck?: VolumeCheck;
  domains?: Domains;
  outline: OutlineNode[];
  /** Choices by id, in document order. */
  choices: ChoiceDef[];
  /** pkg-refs by id (several elements with one id merged), in first-appearance order. */
  pkgRefs: PkgRefDef[];
  /**
   * Inline `<localization><strings language=…>` tables in first-appearance
   * order (several elements with one language merged). Arrays of pairs, not
   * objects keyed by the file's text: a language or key such as `__proto__`
   * or `constructor` is data, and the shape survives structuredClone and
   * JSON alike. `selectStringTable` (localize.ts) picks one for a Mac's
   * languages as a Map.
   */
  strings: StringTable[];
  /**
   * The package's string tables (`Resources/<lang>.lproj/Localizable.strings`,
   * or those of a resources directory given with a bare Distribution), by
   * folder name in sorted order; absent when there are none. For one
   * language an inline entry wins over a resource entry with the same key.
   */
  resources?: StringTable[];
  /** Present when the Distribution was read from a flat package. */
  package?: PackageSource;
  /** Problems found while parsing (warnings and infos; fatal problems throw InputError instead). */
  diagnostics: Diagnostic[];
}

export type { PackageSource, PackageSignatureSummary } from '../types.js';
import type { PackageSource } from '../types.js';

/** A component package's PackageInfo facts, for the pkg-ref that names it. */
export interface ComponentFacts {
  /** Member path of the PackageInfo (`Widget.pkg/PackageInfo`). */
  packageInfo: string;
  identifier: string | null;
  version: string | null;
  installKBytes: number | null;
  numberOfFiles: number | null;
  /** `none`, `logout`, `restart`, `shutdown`. */
  postinstallAction: string | null;
  /** The bundles whose versions the Installer compares for upgrades (`<bundle-version>`), with their versions. */
  bundles: Array<{ id: string; path: string | null; CFBundleShortVersionString: string | null; CFBundleVersion: string | null }>;
}

/** One language's inline string table. */
export interface StringTable {
  language: string;
  /** [key, text] in first-appearance order of the key; a later entry with the same key has replaced the earlier text. */
  entries: Array<[string, string]>;
}

export interface Position {
  line: number;
  column: number;
}

export interface Evaluable {
  id: number;
  /** Apple-style address: `script[1]`, `installation-check@script`, `choice[id]@selected`. */
  source: string;
  code: string;
  /** Where `code` starts in the file. */
  position: Position;
  /**
   * Flattened triples [codeOffset, line, column]: where each run of `code`
   * starts in the file. Within a run the code matches the file character for
   * character, except that a line end of the file (CR, LF or CRLF) is one LF
   * in the code; runs are split wherever that stops being true (after an
   * entity reference, and after each line end of an attribute value, which
   * XML turns into a space). See positions.ts.
   */
  segments: number[];
}

/** A Boolean-or-JavaScript attribute: a literal `true`/`false`, or an evaluable. */
export type AttributeValue = { kind: 'literal'; value: boolean } | { kind: 'script'; evaluable: number };

export interface DistributionOptions {
  customize?: string;
  allowExternalScripts: boolean;
  /** Parsed list, or undefined when the attribute is absent. */
  hostArchitectures?: string[];
  requireScripts?: boolean;
  rootVolumeOnly: boolean;
}

export interface InstallationCheck {
  position: Position;
  script?: number;
  /** `<ram min-gb>`: decimal gigabytes (10^9 bytes). */
  ramMinGb?: number;
  /** `<required-graphics>` elements (evaluated by src/requirements). */
  requiredGraphics?: RequiredGraphics[];
  /** `<hardware-properties>` elements with their `<sysctl-requirements>`. */
  hardwareProperties?: HardwareProperties[];
}

// ---- declarative requirements, as they sit in the file (evaluated by src/requirements) ----

export type GraphicsKind = 'gl-renderer' | 'cl-device' | 'metal-device';

/** A predicate as it sits in the file: decoded text and how its offsets map back. */
export interface PredicateSource {
  /** The element's decoded text content (CDATA and entities resolved); whitespace kept. */
  text: string;
  /** Where `text` starts in the file. */
  position: Position;
  /**
   * Flattened triples [textOffset, line, column]: where each linear run of
   * `text` starts in the file (the scheme of `Evaluable.segments`, so the
   * parser's MappedText fills it the same way). Empty: offsets are counted
   * from `position`.
   */
  segments: number[];
}

export interface GraphicsRequirement {
  kind: GraphicsKind;
  predicate: PredicateSource;
  /** The `<required-…>` element. */
  position: Position;
}

/** One `<required-graphics>` element. */
export interface RequiredGraphics {
  position: Position;
  description?: string;
  /** `single-device="true"` (productbuild's `single-graphics-device`). */
  singleDevice: boolean;
  /** The `<required-gl-renderer>`, `<required-cl-device>`, `<required-metal-device>` children, in document order. */
  requirements: GraphicsRequirement[];
}

export interface SysctlRequirement {
  predicate: PredicateSource;
  /** The `<sysctl-requirements>` element. */
  position: Position;
}

/** One `<hardware-properties>` element. */
export interface HardwareProperties {
  position: Position;
  sysctlRequirements: SysctlRequirement[];
}

export interface OsRange {
  min: string;
  before?: string;
}

export interface RequiredBundle {
  id: string;
  path: string;
  CFBundleShortVersionString?: string;
  CFBundleVersion?: string;
  search: boolean;
}

export interface VolumeCheck {
  position: Position;
  script?: number;
  /** Each `<allowed-os-versions>` element is one group; the volume's OS must fall in a range of every group. */
  allowedOsVersions: OsRange[][];
  requiredBundles: Array<{ all: boolean; description?: string; bundles: RequiredBundle[] }>;
}

export interface Domains {
  position: Position;
  anywhere?: AttributeValue;
  currentUserHome?: AttributeValue;
  localSystem?: AttributeValue;
}

export interface OutlineNode {
  choice: string;
  position: Position;
  children: OutlineNode[];
}

export type ChoiceAttribute = 'start_visible' | 'start_enabled' | 'start_selected' | 'visible' | 'enabled' | 'selected';

export interface ChoiceDef {
  id: string;
  position: Position;
  /** Resolved through the string tables for DEFAULT_LANGUAGES (see localize.ts). */
  title?: string;
  description?: string;
  /** `title` and `description` as written (localization keys or literal text). */
  titleKey?: string;
  descriptionKey?: string;
  tooltip?: string;
  customLocation?: string;
  attributes: Partial<Record<ChoiceAttribute, AttributeValue>>;
  /** pkg-ref ids in the order the choice lists them. */
  pkgRefs: string[];
}

export interface PkgRefDef {
  id: string;
  position: Position;
  /** From the element, else from the component's PackageInfo when read from a package. */
  version?: string;
  /** Component package URL from the element text (`#foo.pkg`, `file:./Contents/Packages/foo.pkg`). */
  path?: string;
  /** From the element, else from the component's PackageInfo when read from a package. */
  installKBytes?: number;
  /** The component package's facts, when the Distribution was read from a package that holds it. */
  component?: ComponentFacts;
  active?: AttributeValue;
  onConclusion?: string;
  onConclusionScript?: number;
  /** `<must-close><app id>`: bundle identifiers of the applications the Installer asks to quit when the package installs (distinct, in first-appearance order). */
  mustClose?: string[];
  /** `<bundle-version><bundle>`: the bundles the package installs, whose versions the Installer compares for upgrades. */
  bundleVersions?: BundleVersionDef[];
}

/** One `<bundle>` of a pkg-ref's `<bundle-version>`, as written (null for an absent attribute). */
export interface BundleVersionDef {
  id: string;
  path: string | null;
  CFBundleShortVersionString: string | null;
  CFBundleVersion: string | null;
}
