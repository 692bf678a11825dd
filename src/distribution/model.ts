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
  /** The <title> text, resolved through the inline string table when it is a key. */
  title?: string;
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
  /** Problems found while parsing (warnings and infos; fatal problems throw InputError instead). */
  diagnostics: Diagnostic[];
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
  title?: string;
  description?: string;
  tooltip?: string;
  customLocation?: string;
  attributes: Partial<Record<ChoiceAttribute, AttributeValue>>;
  /** pkg-ref ids in the order the choice lists them. */
  pkgRefs: string[];
}

export interface PkgRefDef {
  id: string;
  position: Position;
  version?: string;
  /** Component package URL from the element text (`#foo.pkg`, `file:./Contents/Packages/foo.pkg`). */
  path?: string;
  installKBytes?: number;
  active?: AttributeValue;
  onConclusion?: string;
  onConclusionScript?: number;
}
