import type { Argv } from 'yargs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { DEFAULT_PACKAGE_CLOCK, readPackageDetails, withPackage, type PackageDetails } from '../input/read-package.js';
import type { PackageInfoFacts } from '../package/package-info.js';
import type { CertificateFacts, SignatureBlockFacts, SignatureFacts } from '../package/signature.js';
import { terminalText } from '../util/terminal-text.js';
import { toolVersion } from '../version.js';
import { dateFlag } from './flag-values.js';

export interface InfoArgs {
  pkg: string;
  format: 'text' | 'json';
  now?: unknown;
}

/** `distsim info PKG [--format text|json] [--now ISO]`. */
export function infoCommandBuilder(y: Argv): Argv<InfoArgs> {
  return y
    .positional('pkg', { type: 'string', demandOption: true, describe: 'Flat package (.pkg): product archive or component package' })
    .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
    .option('now', {
      type: 'string',
      requiresArg: true,
      describe: 'Date the certificates are checked against (ISO, UTC unless an offset is given); default 2026-01-01T00:00:00Z',
    }) as unknown as Argv<InfoArgs>;
}

/** The JSON document of `distsim info --format json`. */
export interface PackageInfoReport {
  schemaVersion: 1;
  tool: { name: 'distsim'; version: string };
  path: string;
  kind: 'product' | 'component';
  size: number;
  /** Members in the table of contents (files and folders). */
  members: number;
  title: string | null;
  product: { id: string; version?: string } | null;
  /** Every fact checked offline, and what is not checked. */
  signature: SignatureFacts;
  pkgRefs: Array<{ id: string; version: string | null; installKBytes: number | null; path: string | null; packageInfo: string | null }>;
  components: PackageInfoFacts[];
  /** Languages of `Resources/<lang>.lproj/Localizable.strings`. */
  localizations: string[];
  diagnostics: Diagnostic[];
}

/**
 * Prints what can be said about a package offline: its kind, product and
 * components, the TOC checksum, the signatures and certificate chains
 * (checked against `--now`), and what is not checked. Exit 0 whatever the
 * verdict (it is data: `signature.status`); a file that is not a readable
 * package throws an InputError (exit 2: XAR_NOT_XAR, XAR_TRUNCATED, ...).
 */
export function infoCommand(args: InfoArgs, write: (text: string) => void = (text) => process.stdout.write(text)): number {
  const file = String(args.pkg);
  const now = dateFlag('--now', args.now) ?? DEFAULT_PACKAGE_CLOCK;
  const report = withPackage(file, file, (archive) => packageReport(readPackageDetails(archive, file, { now }), archive.fileSize, archive.entries.size));
  write(args.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderInfo(report));
  return 0;
}

function packageReport(details: PackageDetails, size: number, members: number): PackageInfoReport {
  const dist = details.distribution;
  return {
    schemaVersion: 1,
    tool: { name: 'distsim', version: toolVersion() },
    path: dist.package!.path,
    kind: details.contents.kind,
    size,
    members,
    title: dist.title ?? null,
    product: dist.product ?? null,
    signature: details.signature,
    pkgRefs: dist.pkgRefs.map((ref) => ({
      id: ref.id,
      version: ref.version ?? null,
      installKBytes: ref.installKBytes ?? null,
      path: ref.path ?? null,
      packageInfo: ref.component?.packageInfo ?? null,
    })),
    components: details.contents.kind === 'product' ? [...details.contents.components.values()] : [details.contents.packageInfo],
    localizations: details.languages,
    diagnostics: dist.diagnostics.filter((d) => d.code.startsWith('PKG_')),
  };
}

/** The text form: one fact per line, every input-controlled string escaped for the terminal. */
export function renderInfo(report: PackageInfoReport): string {
  const t = (text: string | null | undefined) => terminalText(text ?? '');
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(14)}${value}`);
  lines.push(`${t(report.path)}: ${report.kind === 'product' ? 'product archive' : 'component package'}, ${report.size} bytes, ${report.members} members`);
  if (report.title !== null) row('title', t(report.title));
  if (report.product) row('product', `${t(report.product.id)}${report.product.version === undefined ? '' : ` ${t(report.product.version)}`}`);
  const sig = report.signature;
  const checksum = sig.checksum;
  row('TOC checksum', checksum.algorithm === 'none' ? 'none' : `${t(checksum.algorithm)}, ${checksum.matches ? 'matches' : 'DOES NOT MATCH'}`);
  row('signature', sig.status === 'unsigned' ? 'unsigned' : `${sig.status}${sig.signer === null ? '' : `: ${t(sig.signer)}`}`);
  if (sig.signatureCreationTime !== null) row('signed at', sig.signatureCreationTime);
  for (const block of [sig.rsa, sig.cms]) if (block) describeBlock(block, lines, t);
  for (const problem of sig.problems) row('problem', t(problem));
  for (const [k, item] of sig.notChecked.entries()) row(k === 0 ? 'not checked' : '', t(item));
  if (report.components.length > 0) lines.push('  components');
  for (const c of report.components) {
    const facts = [
      c.installKBytes === null ? undefined : `${c.installKBytes} KB`,
      c.numberOfFiles === null ? undefined : `${c.numberOfFiles} files`,
      c.postinstallAction === null || c.postinstallAction === 'none' ? undefined : `postinstall ${t(c.postinstallAction)}`,
    ].filter((f) => f !== undefined);
    lines.push(`    ${t(c.identifier ?? '(no identifier)')} ${t(c.version ?? '(no version)')}  ${t(c.path)}${facts.length > 0 ? `  ${facts.join(', ')}` : ''}`);
    const versioned = new Set(c.bundleVersionIds);
    for (const b of c.bundles) {
      if (!versioned.has(b.id)) continue;
      lines.push(
        `      bundle ${t(b.id)} ${t(b.CFBundleShortVersionString ?? '?')} (${t(b.CFBundleVersion ?? '?')})${b.path === null ? '' : `  ${t(b.path)}`}`,
      );
    }
  }
  row('localizations', report.localizations.length === 0 ? 'none' : report.localizations.map(t).join(', '));
  if (report.diagnostics.length > 0) lines.push('  diagnostics');
  for (const d of report.diagnostics) lines.push(`    ${d.severity} ${d.code}: ${t(d.message)}`);
  return `${lines.join('\n')}\n`;
}

function describeBlock(block: SignatureBlockFacts, lines: string[], t: (text: string | null) => string): void {
  const chain = block.chain;
  const chainText = `chain of ${block.certificates.length} ${chain.consistent ? 'internally consistent' : 'NOT internally consistent'}${chain.rootSelfSigned ? ', root self-signed' : ''}`;
  lines.push(`    ${block.style.padEnd(12)}${block.verified ? 'verifies with the leaf certificate' : `DOES NOT VERIFY: ${t(block.problem)}`}; ${chainText}`);
  for (const [k, cert] of block.certificates.entries()) lines.push(`      [${k}] ${describeCertificate(cert, t)}`);
}

function describeCertificate(cert: CertificateFacts, t: (text: string | null) => string): string {
  if (cert.problem !== null) return t(cert.problem);
  const extras = [cert.teamId === null ? undefined : `team ${t(cert.teamId)}`, cert.developerIdInstaller ? 'Developer ID Installer' : undefined].filter(
    (e) => e !== undefined,
  );
  return `${t(cert.commonName ?? cert.subject)}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}; issued by ${t(cert.issuerCommonName ?? cert.issuer)}; valid ${cert.validFrom} to ${cert.validTo}${cert.validAtNow ? '' : ', NOT valid at --now'}`;
}
