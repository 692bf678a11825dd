import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { applyResourceTables } from '../distribution/localize.js';
import type { Distribution, PackageSignatureSummary, StringTable } from '../distribution/model.js';
import { parseDistribution } from '../distribution/parse.js';
import { decodeXmlBytes } from '../distribution/source-text.js';
import { readLocalizations } from '../package/localizations.js';
import { openRegularFile } from '../package/open-file.js';
import { componentFactsByPkgRef, readPackageContents, type PackageContents } from '../package/product.js';
import { signatureDiagnostics, signatureFacts, type SignatureFacts } from '../package/signature.js';
import { isXarMagic, XarArchive, type XarLimits } from '../package/xar.js';
import { applyComponentFacts } from './component-facts.js';

/**
 * The clock certificates are checked against when the caller gives none:
 * the guest clock's default, so the same inputs give the same report.
 */
export const DEFAULT_PACKAGE_CLOCK = Date.UTC(2026, 0, 1);

export interface PackageReadOptions {
  /** Repair raw `<`/`&` in the Distribution's scripts instead of rejecting it. */
  recover?: boolean;
  /** The package's name in locations and messages (default: the path as given). */
  label?: string;
  /** Clock for certificate validity, ms since the epoch (default DEFAULT_PACKAGE_CLOCK). */
  now?: number;
  /** Archive limits (tests lower them). */
  limits?: Partial<XarLimits>;
}

/**
 * True when `file` is a regular file that starts with the xar magic. Any
 * problem opening it is left to the reader that follows, which reports it.
 */
export function isPackageFile(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch {
    return false;
  }
  try {
    if (!fstatSync(fd).isFile()) return false;
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && isXarMagic(magic);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a flat package by path, runs `use` on it and closes it. `label`
 * names it in messages. Every problem is an InputError with a code
 * (FILE_UNREADABLE, FILE_NOT_REGULAR, XAR_TRUNCATED, XAR_TOC_INVALID, ...).
 */
export function withPackage<T>(file: string, label: string, use: (archive: XarArchive) => T, limits: Partial<XarLimits> = {}): T {
  const { fd } = openRegularFile(file, label);
  try {
    const archive = XarArchive.fromFd(fd, label, limits);
    try {
      return use(archive);
    } finally {
      archive.close();
    }
  } finally {
    closeSync(fd);
  }
}

/** withPackage for work that reads members asynchronously (copies): the package stays open until `use` settles. */
export async function withPackageAsync<T>(file: string, label: string, use: (archive: XarArchive) => Promise<T>, limits: Partial<XarLimits> = {}): Promise<T> {
  const { fd } = openRegularFile(file, label);
  try {
    const archive = XarArchive.fromFd(fd, label, limits);
    try {
      return await use(archive);
    } finally {
      archive.close();
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The Distribution of a flat package, as the Installer would simulate it: a
 * product archive's own (locations read `widget.pkg/Distribution:12:3`), or
 * for a component package the one-choice Distribution the Installer
 * synthesizes. The model also gets the package's string tables
 * (`resources`), each component's PackageInfo facts on its pkg-ref, the
 * `<product>`, and `package` (kind and signature verdict); the package's
 * findings (damaged members, missing components, unreadable tables, a TOC
 * checksum or signature that does not verify) are added to its diagnostics.
 * The Distribution member keeps the 8 MiB cap of a Distribution file; the
 * archive itself may be any size.
 */
export function readPackageDistribution(file: string, options: PackageReadOptions = {}): Distribution {
  const label = options.label ?? file;
  return withPackage(file, label, (archive) => distributionFromArchive(archive, label, options), options.limits);
}

/** readPackageDistribution on an archive already open. */
export function distributionFromArchive(archive: XarArchive, label: string, options: Pick<PackageReadOptions, 'recover' | 'now'> = {}): Distribution {
  return readPackageDetails(archive, label, options).distribution;
}

/** Everything the package reader learns: the Distribution, and the full facts behind its summaries (for `distsim info`). */
export interface PackageDetails {
  distribution: Distribution;
  contents: PackageContents;
  signature: SignatureFacts;
  /** Languages of the package's `Localizable.strings` tables, sorted. */
  languages: string[];
}

export function readPackageDetails(archive: XarArchive, label: string, options: Pick<PackageReadOptions, 'recover' | 'now'> = {}): PackageDetails {
  const contents = readPackageContents(archive, { file: label });
  const dist = parseContents(contents, options.recover ?? false);
  const found: Diagnostic[] = [...contents.diagnostics];
  if (contents.kind === 'product') {
    const { facts, diagnostics } = componentFactsByPkgRef(dist.pkgRefs, contents, label);
    applyComponentFacts(dist, facts);
    found.push(...diagnostics);
  } else {
    // The synthesized Distribution has one pkg-ref, for this very package.
    applyComponentFacts(dist, new Map(dist.pkgRefs.map((ref) => [ref.id, contents.packageInfo])));
  }
  const localizations = readLocalizations(archive, { file: label });
  found.push(...localizations.diagnostics);
  applyResourceTables(dist, tablesOf(localizations.tables));
  const signature = signatureFacts(archive, { now: new Date(options.now ?? DEFAULT_PACKAGE_CLOCK) });
  found.push(...signatureDiagnostics(signature, label));
  dist.package = { path: label, kind: contents.kind, signature: summarizeSignature(signature) };
  for (const diagnostic of found) dist.diagnostics.push(diagnostic);
  return { distribution: dist, contents, signature, languages: [...localizations.tables.keys()] };
}

function parseContents(contents: PackageContents, recover: boolean): Distribution {
  const text = contents.kind === 'product' ? decodeXmlBytes(contents.distribution, contents.distributionName) : contents.distribution;
  return parseDistribution(text, contents.distributionName, { recover });
}

/** Language → table, as the model's arrays (languages in the order given: sorted by the reader). */
export function tablesOf(tables: ReadonlyMap<string, ReadonlyMap<string, string>>): StringTable[] {
  return [...tables].map(([language, table]) => ({ language, entries: [...table] }));
}

/** The verdict for reports; `distsim info` shows the full facts. */
export function summarizeSignature(facts: SignatureFacts): PackageSignatureSummary {
  const leaf = (facts.cms ?? facts.rsa)?.certificates[0];
  return {
    status: facts.status,
    signed: facts.signed,
    signer: facts.signer,
    teamId: leaf?.teamId ?? null,
    checksumAlgorithm: facts.checksum.algorithm,
    checksumMatches: facts.checksum.matches,
    leafValidAtNow: facts.signed ? (leaf?.validAtNow ?? false) : null,
    problems: [...facts.problems],
    notChecked: [...facts.notChecked],
  };
}
