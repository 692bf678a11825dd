import path from 'node:path';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { InputError } from '../errors.js';
import { parsePackageInfo, type PackageInfoFacts } from './package-info.js';
import type { XarArchive } from './xar.js';

/**
 * What a flat package holds for the simulator: a product archive
 * (productbuild output: a `Distribution` at the root and one `Name.pkg/`
 * directory per component, each with a PackageInfo) or a component package
 * (pkgbuild output: `PackageInfo` at the root and no Distribution, which the
 * Installer presents as a single hidden choice).
 */
export interface ProductArchiveContents {
  kind: 'product';
  /** Member path of the Distribution (`Distribution`). */
  distributionPath: string;
  /** The Distribution's bytes (decode them like a Distribution file). */
  distribution: Buffer;
  /** File name for locations and messages: `widget.pkg/Distribution`. */
  distributionName: string;
  /** Components by directory name (`Foo.pkg`), in TOC order. */
  components: Map<string, PackageInfoFacts>;
  /** Components whose PackageInfo could not be read: directory name → reason. */
  unreadableComponents: Map<string, string>;
  diagnostics: Diagnostic[];
}

export interface ComponentPackageContents {
  kind: 'component';
  packageInfo: PackageInfoFacts;
  /** A synthesized Distribution (see `synthesizeComponentDistribution`). */
  distribution: string;
  distributionName: string;
  diagnostics: Diagnostic[];
}

export type PackageContents = ProductArchiveContents | ComponentPackageContents;

/** Distribution files are a few kilobytes; the same cap as for a Distribution read from disk. */
const MAX_DISTRIBUTION_BYTES = 8 * 1024 * 1024;
/** PackageInfo files are a few kilobytes even with many bundles. */
const MAX_PACKAGE_INFO_BYTES = 4 * 1024 * 1024;

/**
 * Reads the Distribution (or, for a component package, its PackageInfo) and
 * every component's PackageInfo. `file` names the package in locations
 * (default: the archive's name).
 */
export function readPackageContents(archive: XarArchive, options: { file?: string } = {}): PackageContents {
  const file = options.file ?? archive.name;
  const diagnostics: Diagnostic[] = [];
  const distributionEntry = archive.get('Distribution');
  if (distributionEntry) {
    const member = archive.readMember('Distribution', { maxBytes: MAX_DISTRIBUTION_BYTES });
    if (!member.checksumsMatch) diagnostics.push(checksumDiagnostic(file, 'Distribution'));
    const components = new Map<string, PackageInfoFacts>();
    const unreadableComponents = new Map<string, string>();
    for (const entry of archive.entries.values()) {
      if (!entry.path.includes('/') || !entry.path.endsWith('/PackageInfo') || entry.path.indexOf('/') !== entry.path.lastIndexOf('/')) continue;
      const dir = entry.path.slice(0, -'/PackageInfo'.length);
      try {
        const info = archive.readMember(entry.path, { maxBytes: MAX_PACKAGE_INFO_BYTES });
        if (!info.checksumsMatch) diagnostics.push(checksumDiagnostic(file, entry.path));
        components.set(dir, parsePackageInfo(decodeText(info.bytes, `${file}/${entry.path}`), entry.path, `${file}/${entry.path}`));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        unreadableComponents.set(dir, error.message);
      }
    }
    return {
      kind: 'product',
      distributionPath: 'Distribution',
      distribution: member.bytes,
      distributionName: `${file}/Distribution`,
      components,
      unreadableComponents,
      diagnostics,
    };
  }
  if (archive.get('PackageInfo')) {
    const member = archive.readMember('PackageInfo', { maxBytes: MAX_PACKAGE_INFO_BYTES });
    if (!member.checksumsMatch) diagnostics.push(checksumDiagnostic(file, 'PackageInfo'));
    const packageInfo = parsePackageInfo(decodeText(member.bytes, `${file}/PackageInfo`), 'PackageInfo', `${file}/PackageInfo`);
    const fileName = path.basename(file);
    diagnostics.push(
      createDiagnostic(
        'PKG_COMPONENT_SYNTHESIZED',
        `${file}: a component package without a Distribution; simulated with one hidden choice for ${packageInfo.identifier ?? fileName}, as the Installer presents it`,
        {
          args: { identifier: packageInfo.identifier, version: packageInfo.version },
        },
      ),
    );
    return {
      kind: 'component',
      packageInfo,
      distribution: synthesizeComponentDistribution(packageInfo, { fileName }),
      distributionName: `${file}/Distribution`,
      diagnostics,
    };
  }
  throw new InputError(`${file}: a xar archive with neither a Distribution nor a PackageInfo at its root: not an installer package`, {
    code: 'PKG_NOT_INSTALLER_PACKAGE',
  });
}

export interface SynthesizeOptions {
  /** The package's file name, written as the pkg-ref's URL (`#name.pkg`); default `<identifier>.pkg`. */
  fileName: string;
  /**
   * `hostArchitectures` to write; productbuild --synthesize writes
   * `x86_64,arm64` since macOS 11 (https://keith.github.io/xcode-man-pages/productbuild.1.html).
   * `null` omits the attribute.
   */
  hostArchitectures?: string | null;
}

/**
 * A Distribution for a component package, in the shape productbuild
 * --synthesize writes: one `default` choice with one hidden choice holding
 * the package, its version, install size and bundle versions.
 */
export function synthesizeComponentDistribution(info: PackageInfoFacts, options: Partial<SynthesizeOptions> = {}): string {
  const fileName = options.fileName ?? `${info.identifier ?? 'package'}.pkg`;
  const id = info.identifier ?? fileName.replace(/\.pkg$/i, '');
  const arch = options.hostArchitectures === undefined ? 'x86_64,arm64' : options.hostArchitectures;
  const versioned = new Set(info.bundleVersionIds);
  const bundles = info.bundles.filter((b) => versioned.has(b.id));
  const bundleLines = bundles.map((b) => {
    const attrs = [
      b.CFBundleShortVersionString === null ? '' : ` CFBundleShortVersionString="${attr(b.CFBundleShortVersionString)}"`,
      b.CFBundleVersion === null ? '' : ` CFBundleVersion="${attr(b.CFBundleVersion)}"`,
      ` id="${attr(b.id)}"`,
      b.path === null ? '' : ` path="${attr(b.path)}"`,
    ].join('');
    return `            <bundle${attrs}/>\n`;
  });
  const onConclusion = { restart: 'RequireRestart', logout: 'RequireLogout', shutdown: 'RequireShutdown' }[info.postinstallAction ?? ''] ?? 'none';
  const version = info.version === null ? '' : ` version="${attr(info.version)}"`;
  const kbytes = info.installKBytes === null ? '' : ` installKBytes="${info.installKBytes}"`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<installer-gui-script minSpecVersion="1">\n',
    `    <pkg-ref id="${attr(id)}">\n`,
    bundleLines.length === 0 ? '        <bundle-version/>\n' : `        <bundle-version>\n${bundleLines.join('')}        </bundle-version>\n`,
    '    </pkg-ref>\n',
    `    <options customize="never" require-scripts="false"${arch === null ? '' : ` hostArchitectures="${attr(arch)}"`}/>\n`,
    '    <choices-outline>\n',
    '        <line choice="default">\n',
    `            <line choice="${attr(id)}"/>\n`,
    '        </line>\n',
    '    </choices-outline>\n',
    '    <choice id="default"/>\n',
    `    <choice id="${attr(id)}" visible="false">\n`,
    `        <pkg-ref id="${attr(id)}"/>\n`,
    '    </choice>\n',
    `    <pkg-ref id="${attr(id)}"${version} onConclusion="${onConclusion}"${kbytes}>#${text(fileName)}</pkg-ref>\n`,
    `    <product id="${attr(id)}"${version}/>\n`,
    '</installer-gui-script>\n',
  ].join('');
}

/**
 * PackageInfo facts for each pkg-ref whose URL points inside the archive
 * (`#Foo.pkg`, percent-encoded as productbuild writes it). A `#` reference
 * to a component the archive lacks is a PKG_REF_COMPONENT_MISSING warning;
 * other URLs (`file:…`) point outside the archive and are skipped.
 */
export function componentFactsByPkgRef(
  pkgRefs: ReadonlyArray<{ id: string; path?: string }>,
  contents: ProductArchiveContents,
  file: string,
): { facts: Map<string, PackageInfoFacts>; diagnostics: Diagnostic[] } {
  const facts = new Map<string, PackageInfoFacts>();
  const diagnostics: Diagnostic[] = [];
  for (const ref of pkgRefs) {
    const url = ref.path?.trim();
    if (!url?.startsWith('#')) continue;
    const name = percentDecode(url.slice(1));
    const info = contents.components.get(name);
    if (info) {
      facts.set(ref.id, info);
      continue;
    }
    const reason = contents.unreadableComponents.get(name);
    diagnostics.push(
      createDiagnostic(
        'PKG_REF_COMPONENT_MISSING',
        `${file}: pkg-ref ${ref.id} names ${url}, ${reason ? `whose PackageInfo cannot be read (${reason})` : 'which the package does not contain'}`,
        {
          args: { pkgRef: ref.id, url },
        },
      ),
    );
  }
  return { facts, diagnostics };
}

function checksumDiagnostic(file: string, member: string): Diagnostic {
  return createDiagnostic('PKG_MEMBER_CHECKSUM_MISMATCH', `${file}: ${member} does not match the checksum recorded in the table of contents`, {
    args: { member },
  });
}

/** PackageInfo is UTF-8 XML (a BOM tolerated). */
function decodeText(bytes: Buffer, what: string): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    throw new InputError(`${what}: not valid UTF-8`, { code: 'PKG_PACKAGEINFO_INVALID' });
  }
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;');
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
