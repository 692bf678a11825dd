import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { parseStringsTable } from '../distribution/strings-table.js';
import { InputError } from '../errors.js';
import { child, parseXmlTree } from './xml-tree.js';
import type { XarArchive } from './xar.js';

/**
 * The string tables of a product archive: `Resources/<lang>.lproj/<Table>.strings`,
 * what `system.localizedString` reads. Old-style `.strings` text, usually
 * UTF-16 with a BOM, sometimes UTF-8; an XML property list is read too; a
 * binary property list is reported, not read.
 */
export interface LocalizationMember {
  /** The folder name without `.lproj`: `en`, `English`, `fr`, `Base`, `zh_CN`. */
  language: string;
  path: string;
}

export interface Localizations {
  /** Language → key → text, languages in sorted order. */
  tables: Map<string, Map<string, string>>;
  /** Language → member path the table came from. */
  sources: Map<string, string>;
  /** PKG_STRINGS_UNREADABLE for each table skipped, PKG_MEMBER_CHECKSUM_MISMATCH for each damaged one. */
  diagnostics: Diagnostic[];
}

/** More tables than any real product ships (Apple's own installers carry about 40 languages). */
const MAX_TABLES = 500;
/** Decoded text across all tables. */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** Lists `Resources/<lang>.lproj/<table>.strings` members, sorted by language. */
export function listLocalizations(archive: XarArchive, table = 'Localizable'): LocalizationMember[] {
  const found: LocalizationMember[] = [];
  const suffix = `.lproj/${table}.strings`;
  for (const entry of archive.entries.values()) {
    if (!entry.path.startsWith('Resources/') || !entry.path.endsWith(suffix)) continue;
    const language = entry.path.slice('Resources/'.length, -suffix.length);
    if (language === '' || language.includes('/')) continue;
    found.push({ language, path: entry.path });
  }
  return found.sort((a, b) => (a.language < b.language ? -1 : a.language > b.language ? 1 : 0));
}

/** Reads and parses every table; a table that cannot be read is skipped with a diagnostic. */
export function readLocalizations(archive: XarArchive, options: { file?: string; table?: string } = {}): Localizations {
  const file = options.file ?? archive.name;
  const result: Localizations = { tables: new Map(), sources: new Map(), diagnostics: [] };
  const skip = (member: string, reason: string) => {
    result.diagnostics.push(createDiagnostic('PKG_STRINGS_UNREADABLE', `${file}/${member}: ${reason}`, { args: { member, reason } }));
  };
  let total = 0;
  const members = listLocalizations(archive, options.table);
  for (const [index, { language, path }] of members.entries()) {
    if (index >= MAX_TABLES) {
      skip(path, `more than ${MAX_TABLES} string tables; the rest are not read`);
      break;
    }
    let text: string;
    try {
      const member = archive.readMember(path);
      if (!member.checksumsMatch) {
        result.diagnostics.push(
          createDiagnostic('PKG_MEMBER_CHECKSUM_MISMATCH', `${file}/${path}: does not match the checksum recorded in the table of contents`, {
            args: { member: path },
          }),
        );
      }
      total += member.bytes.length;
      if (total > MAX_TOTAL_BYTES) {
        skip(path, `string tables exceed ${MAX_TOTAL_BYTES} bytes in total; the rest are not read`);
        break;
      }
      text = decodeStringsBytes(member.bytes);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      skip(path, error.message);
      continue;
    }
    let table: Map<string, string>;
    try {
      table = parseStringsText(text, `${file}/${path}`);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      skip(path, error.message);
      continue;
    }
    result.tables.set(language, table);
    result.sources.set(language, path);
  }
  return result;
}

/**
 * Bytes of a `.strings` file → text: UTF-16 with a BOM (either order),
 * UTF-8 with or without a BOM, and BOM-less UTF-16 recognised by its zero
 * bytes. A binary property list is refused (InputError PKG_STRINGS_UNREADABLE).
 */
export function decodeStringsBytes(bytes: Uint8Array): string {
  if (bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') === 'bplist00') {
    throw new InputError('a binary property list, which distsim does not read (convert it: plutil -convert xml1)', { code: 'PKG_STRINGS_UNREADABLE' });
  }
  let encoding = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [encoding, start] = ['utf-16be', 2];
  else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes.length >= 2 && bytes.length % 2 === 0 && bytes[0] !== 0 && bytes[1] === 0) encoding = 'utf-16le';
  else if (bytes.length >= 2 && bytes.length % 2 === 0 && bytes[0] === 0 && bytes[1] !== 0) encoding = 'utf-16be';
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(start));
  } catch {
    throw new InputError(`not valid ${encoding.toUpperCase()} text`, { code: 'PKG_STRINGS_UNREADABLE' });
  }
}

/** A strings table's text: the old-style `"key" = "value";` form, or its XML property-list form. */
export function parseStringsText(text: string, what: string): Map<string, string> {
  return text.trimStart().startsWith('<') ? readXmlPlistTable(text, what) : toMap(parseStringsTable(text));
}

/** Accepts the string-table parser's result whether it is a Map or a null-prototype record. */
function toMap(table: ReadonlyMap<string, string> | Record<string, string>): Map<string, string> {
  if (table instanceof Map) return table as Map<string, string>;
  const out = new Map<string, string>();
  for (const key of Object.keys(table)) out.set(key, (table as Record<string, string>)[key]!);
  return out;
}

/** `<plist><dict><key>K</key><string>V</string>…</dict></plist>`: the XML form of a strings table. */
function readXmlPlistTable(text: string, what: string): Map<string, string> {
  const root = parseXmlTree(text, {
    what,
    code: 'PKG_STRINGS_UNREADABLE',
    tooLargeCode: 'PKG_STRINGS_UNREADABLE',
    maxDepth: 16,
    maxElements: 1_000_000,
    allowExternalDoctype: true,
  });
  const dict = root.name === 'plist' ? child(root, 'dict') : undefined;
  if (!dict) throw new InputError(`${what}: an XML document that is not a property list with a dictionary`, { code: 'PKG_STRINGS_UNREADABLE' });
  const table = new Map<string, string>();
  const items = dict.children;
  for (let k = 0; k + 1 < items.length; k += 2) {
    if (items[k]!.name === 'key' && items[k + 1]!.name === 'string') table.set(items[k]!.text, items[k + 1]!.text);
  }
  return table;
}
