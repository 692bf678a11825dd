import type { StringTable } from './model.js';

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
  /** The tables in lookup order (English first), computed on the first lookup after a change. */
  private order: Array<Map<string, string>> | undefined;

  add(language: string, entries: ReadonlyMap<string, string>): void {
    let table = this.tables.get(language);
    if (!table) this.tables.set(language, (table = new Map()));
    for (const [key, text] of entries) table.set(key, text);
    this.order = undefined;
  }

  /** Resolves a localization key through the tables, English first; the key itself when no table has it. */
  localize(key: string): string {
    this.order ??= [...this.tables].sort(([a], [b]) => rankLanguage(a) - rankLanguage(b)).map(([, table]) => table);
    for (const table of this.order) {
      const text = table.get(key);
      if (text !== undefined) return text;
    }
    return key;
  }

  /** The model's form: plain arrays, which survive structuredClone and JSON alike. */
  toModel(): StringTable[] {
    return [...this.tables].map(([language, table]) => ({ language, entries: [...table] }));
  }
}

function rankLanguage(language: string): number {
  return /^(en|english|en[-_].*|base)$/i.test(language) ? 0 : 1;
}

/** Old-style `.lproj` names the Installer still accepts beside ISO codes. */
const LANGUAGE_NAMES = new Map([
  ['english', 'en'], ['french', 'fr'], ['german', 'de'], ['japanese', 'ja'], ['spanish', 'es'], ['italian', 'it'], ['dutch', 'nl'],
]);

function languageCode(name: string): string {
  const lower = name.toLowerCase();
  return (LANGUAGE_NAMES.get(lower) ?? lower).split(/[-_]/)[0]!;
}

/**
 * The table a Mac whose preferred languages are `languages` reads
 * `system.localizedString` from: the first preferred language a table
 * exists for (by language code: `English`, `en` and `en_GB` all match `en`),
 * then English, then the first table. Undefined when there is none.
 */
export function selectStringTable(tables: readonly StringTable[], languages: readonly string[]): ReadonlyMap<string, string> | undefined {
  if (tables.length === 0) return undefined;
  for (const language of [...languages, 'en']) {
    const want = languageCode(language);
    const found = tables.find((t) => languageCode(t.language) === want);
    if (found) return new Map(found.entries);
  }
  return new Map(tables[0]!.entries);
}
