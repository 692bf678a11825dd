import type { Distribution, StringTable } from './model.js';

/**
 * Localization: which string table a Mac reads, and how a localized string
 * is formatted. One rule for the guest API (`system.localizedString*`) and
 * for the titles in reports.
 *
 * Sources of tables, per language: the Distribution's inline
 * `<localization><strings language=…>` elements and the package's
 * `Resources/<lang>.lproj/Localizable.strings` (or a resources directory
 * given for a bare Distribution). Apple documents neither their priority nor
 * the fallback order; the rule chosen here:
 *
 * 1. The localization is the table language that best matches the Mac's
 *    first preferred language that any table matches (Cocoa bundles pick one
 *    localization the same way): same language code, a compatible script
 *    (`zh_CN` is Simplified, `zh_TW` Traditional), the same region first,
 *    then the region-less table, then another region. Legacy folder names
 *    (`English`, `French`, …) are their ISO codes.
 * 2. A key missing there is looked up in English (`en`, `English`), then in
 *    `Base`; with none of those, the first table listed is the localization.
 * 3. Within one language, an inline `<strings>` entry wins over the
 *    package's resource table for the same key: it is the more specific
 *    source, written into the Distribution itself.
 *
 * A key found nowhere is `null` for the guest API and the key itself for
 * titles (the Installer shows the literal text).
 */

/** The languages used where no Mac is involved (the report's file-level title, manifests). */
export const DEFAULT_LANGUAGES: readonly string[] = Object.freeze(['en']);

/**
 * Names a plain JavaScript object already answers to: `__proto__`,
 * `constructor`, `toString`, `hasOwnProperty`, ... and `prototype`. Input
 * text must never become such a key; where the XML names a table with one
 * (`<strings language="__proto__">`) the element is ignored and reported.
 */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function isReservedName(name: string): boolean {
  return RESERVED.has(name);
}

/** Collects `<strings>` tables: several elements with one language are merged, a later key wins. */
export class StringTables {
  private readonly tables = new Map<string, Map<string, string>>();
  /** The merged table for DEFAULT_LANGUAGES, computed on the first lookup after a change. */
  private merged: ReadonlyMap<string, string> | undefined;

  add(language: string, entries: ReadonlyMap<string, string>): void {
    let table = this.tables.get(language);
    if (!table) this.tables.set(language, (table = new Map()));
    for (const [key, text] of entries) table.set(key, text);
    this.merged = undefined;
  }

  /** Resolves a localization key for DEFAULT_LANGUAGES; the key itself when no table has it. */
  localize(key: string): string {
    this.merged ??= selectStringTable(this.toModel(), DEFAULT_LANGUAGES) ?? new Map<string, string>();
    return this.merged.get(key) ?? key;
  }

  /** The model's form: plain arrays, which survive structuredClone and JSON alike. */
  toModel(): StringTable[] {
    return [...this.tables].map(([language, table]) => ({ language, entries: [...table] }));
  }
}

// ---- language tags --------------------------------------------------------------------------------

/** Old-style `.lproj` names the Installer still accepts beside ISO codes. */
const LEGACY_NAMES = new Map([
  ['english', 'en'],
  ['french', 'fr'],
  ['german', 'de'],
  ['japanese', 'ja'],
  ['spanish', 'es'],
  ['italian', 'it'],
  ['dutch', 'nl'],
  ['portuguese', 'pt'],
  ['swedish', 'sv'],
  ['danish', 'da'],
  ['finnish', 'fi'],
  ['norwegian', 'nb'],
  ['korean', 'ko'],
  ['russian', 'ru'],
  ['polish', 'pl'],
]);

/** Chinese regions imply a script: `zh_CN` is Simplified, `zh_TW` Traditional (as Cocoa maps them). */
const CHINESE_SCRIPT_BY_REGION = new Map([
  ['cn', 'hans'],
  ['sg', 'hans'],
  ['tw', 'hant'],
  ['hk', 'hant'],
  ['mo', 'hant'],
]);

/** Preferred languages considered (macOS lists a handful; a profile could list millions). */
const MAX_PREFERRED_LANGUAGES = 32;

/** Longest language name considered: real ones are a dozen characters (`zh-Hans-CN`). */
const MAX_TAG_LENGTH = 64;

export interface LanguageTag {
  /** Lower-case ISO 639 code (`en`), or `base` for Base.lproj. */
  language: string;
  script: string | undefined;
  region: string | undefined;
}

/**
 * A language name as a tag: `en`, `en_GB`, `en-GB`, `English`, `zh_CN`,
 * `zh-Hans`, `Base`, with or without `.lproj`. Case-insensitive.
 */
export function parseLanguageTag(name: string): LanguageTag {
  let text = name.trim().slice(0, MAX_TAG_LENGTH).toLowerCase();
  if (text.endsWith('.lproj')) text = text.slice(0, -'.lproj'.length);
  text = LEGACY_NAMES.get(text) ?? text;
  const parts = text.split(/[-_]/);
  const language = parts[0] === 'no' ? 'nb' : parts[0]!;
  let script: string | undefined;
  let region: string | undefined;
  for (const part of parts.slice(1)) {
    if (script === undefined && region === undefined && /^[a-z]{4}$/.test(part)) script = part;
    else if (region === undefined && /^(?:[a-z]{2}|[0-9]{3})$/.test(part)) region = part;
  }
  if (language === 'zh' && script === undefined && region !== undefined) script = CHINESE_SCRIPT_BY_REGION.get(region);
  return { language, script, region };
}

/** How well a table's tag serves a preferred language: -1 not at all, higher is better. */
function matchScore(want: LanguageTag, have: LanguageTag): number {
  if (want.language !== have.language) return -1;
  if (want.script !== undefined && have.script !== undefined && want.script !== have.script) return -1;
  const region = want.region !== undefined && want.region === have.region ? 4 : have.region === undefined ? 2 : 0;
  const script = want.script !== undefined && want.script === have.script ? 1 : 0;
  return region + script;
}

function sameTag(a: LanguageTag, b: LanguageTag): boolean {
  return a.language === b.language && a.script === b.script && a.region === b.region;
}

// ---- selecting and merging tables ----------------------------------------------------------------

interface Candidate {
  tag: LanguageTag;
  table: StringTable;
  /** Inline `<strings>` (true) or a package resource (false). */
  inline: boolean;
}

/**
 * The table a Mac whose preferred languages are `languages` reads, merged
 * into one Map along the chain described at the top of this file: its
 * localization, then English, then Base. `tables` are the inline tables,
 * `resources` the package's. Undefined when there is no table at all.
 */
export function selectStringTable(
  tables: readonly StringTable[],
  languages: readonly string[],
  resources: readonly StringTable[] = [],
): ReadonlyMap<string, string> | undefined {
  const candidates: Candidate[] = [
    ...tables.map((table) => ({ tag: parseLanguageTag(table.language), table, inline: true })),
    ...resources.map((table) => ({ tag: parseLanguageTag(table.language), table, inline: false })),
  ];
  if (candidates.length === 0) return undefined;
  const chain: LanguageTag[] = [];
  for (const tag of [chooseLocalization(candidates, languages), chooseLocalization(candidates, DEFAULT_LANGUAGES), chooseLocalization(candidates, ['Base'])]) {
    if (tag && !chain.some((t) => sameTag(t, tag))) chain.push(tag);
  }
  // No preferred language, no English, no Base: the first table listed, as the Installer has nothing better.
  if (chain.length === 0) chain.push(candidates[0]!.tag);
  // Lowest priority first, so that each higher one overwrites: Base, English, the localization; within one, resources under inline.
  const merged = new Map<string, string>();
  for (let i = chain.length - 1; i >= 0; i--) {
    const group = candidates.filter((c) => sameTag(c.tag, chain[i]!));
    for (const candidate of [...group.filter((c) => !c.inline), ...group.filter((c) => c.inline)]) {
      for (const [key, text] of candidate.table.entries) merged.set(key, text);
    }
  }
  return merged;
}

/** The tag of the best table for the first preferred language any table serves; undefined when none does. */
function chooseLocalization(candidates: readonly Candidate[], languages: readonly string[]): LanguageTag | undefined {
  for (const language of languages.slice(0, MAX_PREFERRED_LANGUAGES)) {
    const want = parseLanguageTag(language);
    let best: Candidate | undefined;
    let bestScore = -1;
    for (const candidate of candidates) {
      const score = matchScore(want, candidate.tag);
      if (score > bestScore) [best, bestScore] = [candidate, score];
    }
    if (best) return best.tag;
  }
  return undefined;
}

/** The merged table of a Distribution (inline and resource tables) for a Mac's preferred languages. */
export function stringTableFor(dist: Pick<Distribution, 'strings' | 'resources'>, languages: readonly string[]): ReadonlyMap<string, string> | undefined {
  return selectStringTable(dist.strings, languages, dist.resources ?? []);
}

/** A localization key through a table chosen by stringTableFor; the key itself when absent (the Installer shows the literal text). */
export function localizeWith(table: ReadonlyMap<string, string> | undefined, key: string): string {
  return table?.get(key) ?? key;
}

/**
 * A title, description or other "localization key" text of the
 * Distribution, for a Mac's preferred languages. For many lookups on one
 * Mac, compute `stringTableFor` once and use `localizeWith`.
 */
export function localizeTitle(dist: Pick<Distribution, 'strings' | 'resources'>, key: string | undefined, languages: readonly string[]): string | undefined {
  if (key === undefined) return undefined;
  return localizeWith(stringTableFor(dist, languages), key);
}

/**
 * Adds the package's (or a resources directory's) tables to a parsed
 * Distribution and resolves its title and choice titles and descriptions
 * again with them, for DEFAULT_LANGUAGES (the per-Mac forms come from
 * localizeTitle).
 */
export function applyResourceTables(dist: Distribution, resources: StringTable[]): void {
  if (resources.length === 0) return;
  dist.resources = resources;
  const table = stringTableFor(dist, DEFAULT_LANGUAGES);
  if (dist.titleKey !== undefined) dist.title = localizeWith(table, dist.titleKey);
  for (const choice of dist.choices) {
    if (choice.titleKey !== undefined) choice.title = localizeWith(table, choice.titleKey);
    if (choice.descriptionKey !== undefined) choice.description = localizeWith(table, choice.descriptionKey);
  }
}

// ---- formatting ------------------------------------------------------------------------------------

/**
 * `localizedStringWithFormat`: the template with its placeholders replaced,
 * NSString-style: `%@` (the next argument), `%1$@` (a positional one), `%%`,
 * and the integer forms `%d`, `%i`, `%u`, `%ld`, `%lld`, `%lu` (and their
 * positional `%2$d` forms), which take the argument as a number truncated
 * to an integer (0 when it is not a number). A missing argument is empty;
 * any other `%` sequence is kept as written. One forward scan, and the
 * result is cut at `maxLength` characters: each argument is guest text.
 */
export function formatLocalized(template: string, args: readonly string[], maxLength: number): string {
  let out = '';
  let next = 0;
  let i = 0;
  const n = template.length;
  while (i < n && out.length < maxLength) {
    const percent = template.indexOf('%', i);
    if (percent === -1) {
      out += template.slice(i, Math.min(n, i + maxLength - out.length));
      break;
    }
    out += template.slice(i, Math.min(percent, i + maxLength - out.length));
    const spec = readSpec(template, percent + 1);
    if (spec === undefined) {
      out += '%';
      i = percent + 1;
      continue;
    }
    i = spec.end;
    if (spec.kind === 'percent') {
      out += '%';
      continue;
    }
    const arg = args[spec.position ?? next++] ?? '';
    const text = spec.kind === 'object' ? arg : integerText(arg);
    out += text.length > maxLength - out.length ? text.slice(0, maxLength - out.length) : text;
  }
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}

interface FormatSpec {
  kind: 'percent' | 'object' | 'integer';
  /** 0-based argument index of a positional spec. */
  position?: number;
  /** Offset after the spec. */
  end: number;
}

/** Reads the conversion after a `%` at `from - 1`; undefined when it is not one formatLocalized handles. */
function readSpec(text: string, from: number): FormatSpec | undefined {
  if (text.charCodeAt(from) === 0x25 /* % */) return { kind: 'percent', end: from + 1 };
  let i = from;
  let position: number | undefined;
  // An optional `N$`: at most 3 digits (no real format has a thousand arguments).
  let digits = 0;
  while (digits < 4 && i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
    i++;
    digits++;
  }
  if (digits > 0) {
    if (digits > 3 || text[i] !== '$') return undefined;
    position = Number(text.slice(from, i)) - 1;
    if (position < 0) return undefined;
    i++;
  }
  if (text[i] === '@') return { kind: 'object', ...(position !== undefined && { position }), end: i + 1 };
  let length = 0;
  while (length < 2 && text[i] === 'l') {
    i++;
    length++;
  }
  const conversion = text[i];
  if (conversion === 'd' || conversion === 'i' || conversion === 'u') return { kind: 'integer', ...(position !== undefined && { position }), end: i + 1 };
  return undefined;
}

function integerText(arg: string): string {
  const value = Number(arg.trim() === '' ? Number.NaN : arg);
  return Number.isFinite(value) ? String(Math.trunc(value)) : '0';
}
