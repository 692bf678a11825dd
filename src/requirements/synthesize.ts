/**
 * The Distribution `productbuild --synthesize --product requirements.plist`
 * writes for one component package: what distsim simulates for
 * `run --product`, and what `synthesize` prints.
 *
 * The shape follows productbuild's output as measured key by key by
 * go-macos-pkg (https://github.com/deploymenttheory/go-macos-pkg,
 * pkg/flatpkg/requirements.go; third-party, not verified against Apple's
 * tool here) and the productbuild(1) man page:
 * - hostArchitectures `x86_64,arm64` unless `arch` is given (i386 is written
 *   as x86_64: "i386 infers x86_64");
 * - `os`: the highest version open-ended and listed first, every other one
 *   capped before the next minor release of its line (10.5.4 → before 10.6);
 * - graphics predicates imply OS floors (gl-renderer 10.6.8, cl-device 10.7,
 *   metal-device 10.14.4): `os` versions below the highest implied floor
 *   are dropped; when none is left the floor itself is required, inside the
 *   volume-check after the bundles, or in a volume-check of its own at the
 *   end of the document when there are no bundles. sysctl-requirements
 *   implies no floor by default (the man page says 10.10; go-macos-pkg
 *   measured that productbuild does not add it): `sysctlFloor` opts in;
 * - `ram` with two decimals; bundles as attributes in alphabetical order,
 *   `search` always written; `home` opens all three domains;
 * - minSpecVersion 2 when os, bundle, ram or a graphics key is given, else 1;
 * - predicates are written as given inside CDATA (productbuild re-prints
 *   graphics predicates through NSPredicate, e.g. `2.0` → `2`; the meaning
 *   is the same).
 *
 * Output is deterministic: same input, same bytes.
 */
import { compareVersions } from '../installer/versions.js';
import { requirementOsFloor } from './floors.js';
import type { ProductRequirements } from './product-plist.js';

export interface SynthesizeOptions {
  /** Product identifier (`<product id>`, productbuild --identifier); also the package identifier. */
  identifier?: string;
  /** Product version (`<product version>`, productbuild --version); also the package version. */
  version?: string;
  title?: string;
  /** The component package's file name (default `<identifier>.pkg`). */
  packageFile?: string;
  /** Apply the man page's 10.10 floor for sysctl-requirements (default false: what productbuild does). */
  sysctlFloor?: boolean;
}

/** Package identifier used when no identifier is given. */
export const DEFAULT_PACKAGE_IDENTIFIER = 'com.example.pkg';

const INDENT = '    ';

export function synthesizeDistribution(req: ProductRequirements, options: SynthesizeOptions = {}): string {
  const pkgId = options.identifier ?? DEFAULT_PACKAGE_IDENTIFIER;
  const pkgVersion = options.version ?? '1.0';
  const pkgFile = options.packageFile ?? `${pkgId}.pkg`;
  const hasGraphics = req.glRenderer !== undefined || req.clDevice !== undefined || req.metalDevice !== undefined;
  const minSpec = req.os?.length || req.bundle?.length || req.ram !== undefined || hasGraphics ? '2' : '1';

  const lines: string[] = ['<?xml version="1.0" encoding="utf-8"?>', `<installer-gui-script minSpecVersion="${minSpec}">`];
  const add = (depth: number, line: string) => lines.push(INDENT.repeat(depth) + line);

  add(1, `<pkg-ref id=${attr(pkgId)}>`);
  add(2, '<bundle-version/>');
  add(1, '</pkg-ref>');
  if (options.identifier !== undefined) {
    add(1, `<product id=${attr(options.identifier)}${options.version !== undefined ? ` version=${attr(options.version)}` : ''}/>`);
  }
  if (options.title !== undefined) add(1, `<title>${text(options.title)}</title>`);
  add(1, `<options customize="never" require-scripts="false" hostArchitectures=${attr(hostArchitectures(req.arch).join(','))}/>`);
  if (req.home === true) add(1, '<domains enable_localSystem="true" enable_anywhere="true" enable_currentUserHome="true"/>');

  const { declared, implied } = osRanges(req, options.sysctlFloor === true);
  const hasBundles = (req.bundle?.length ?? 0) > 0;
  const trailing: string[] = [];
  if (declared.length > 0 || hasBundles) {
    add(1, '<volume-check>');
    if (declared.length > 0) allowedOsVersions(declared, add, 2);
    if (hasBundles) {
      add(2, `<required-bundles all="${req.allBundles === false ? 'false' : 'true'}">`);
      for (const b of req.bundle!) {
        const attrs = [
          ...(b.CFBundleShortVersionString !== undefined ? [`CFBundleShortVersionString=${attr(b.CFBundleShortVersionString)}`] : []),
          `id=${attr(b.id)}`,
          `path=${attr(b.path)}`,
          `search="${b.search === true ? 'true' : 'false'}"`,
        ];
        add(3, `<bundle ${attrs.join(' ')}/>`);
      }
      add(2, '</required-bundles>');
      if (implied !== undefined) allowedOsVersions([{ min: implied }], add, 2);
    }
    add(1, '</volume-check>');
  } else if (implied !== undefined) {
    // productbuild appends a floor implied only by a graphics key after everything else.
    trailing.push(`${INDENT}<volume-check>`);
    allowedOsVersions([{ min: implied }], (depth, line) => trailing.push(INDENT.repeat(depth) + line), 2);
    trailing.push(`${INDENT}</volume-check>`);
  }

  if (req.ram !== undefined || hasGraphics || req.sysctlRequirements !== undefined) {
    add(1, '<installation-check>');
    if (req.ram !== undefined) add(2, `<ram min-gb="${req.ram.toFixed(2)}"/>`);
    if (hasGraphics) {
      add(2, `<required-graphics${req.singleGraphicsDevice === true ? ' single-device="true"' : ''}>`);
      if (req.glRenderer !== undefined) add(3, `<required-gl-renderer>${cdata(req.glRenderer)}</required-gl-renderer>`);
      if (req.clDevice !== undefined) add(3, `<required-cl-device>${cdata(req.clDevice)}</required-cl-device>`);
      if (req.metalDevice !== undefined) add(3, `<required-metal-device>${cdata(req.metalDevice)}</required-metal-device>`);
      add(2, '</required-graphics>');
    }
    if (req.sysctlRequirements !== undefined) {
      add(2, '<hardware-properties>');
      add(3, `<sysctl-requirements>${cdata(req.sysctlRequirements)}</sysctl-requirements>`);
      add(2, '</hardware-properties>');
    }
    add(1, '</installation-check>');
  }

  add(1, '<choices-outline>');
  add(2, '<line choice="default">');
  add(3, `<line choice=${attr(pkgId)}/>`);
  add(2, '</line>');
  add(1, '</choices-outline>');
  add(1, '<choice id="default"/>');
  add(1, `<choice id=${attr(pkgId)} visible="false">`);
  add(2, `<pkg-ref id=${attr(pkgId)}/>`);
  add(1, '</choice>');
  add(1, `<pkg-ref id=${attr(pkgId)} version=${attr(pkgVersion)} onConclusion="none">${text(`#${pkgFile}`)}</pkg-ref>`);
  lines.push(...trailing);
  lines.push('</installer-gui-script>');
  return lines.join('\n') + '\n';
}

/** `arch` as written into hostArchitectures: i386 becomes x86_64, duplicates go; default both. */
export function hostArchitectures(arch: readonly string[] | undefined): string[] {
  if (!arch || arch.length === 0) return ['x86_64', 'arm64'];
  const out: string[] = [];
  for (const a of arch) {
    const name = a === 'i386' ? 'x86_64' : a;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

interface Range {
  min: string;
  before?: string;
}

/** The os ranges productbuild writes, and the implied floor when it replaces them. */
export function osRanges(req: ProductRequirements, sysctlFloor = false): { declared: Range[]; implied: string | undefined } {
  const floors: string[] = [];
  if (req.glRenderer !== undefined) floors.push(requirementOsFloor('gl-renderer'));
  if (req.clDevice !== undefined) floors.push(requirementOsFloor('cl-device'));
  if (req.metalDevice !== undefined) floors.push(requirementOsFloor('metal-device'));
  if (sysctlFloor && req.sysctlRequirements !== undefined) floors.push(requirementOsFloor('sysctl-requirements'));
  const floor = floors.reduce<string | undefined>((a, b) => (a === undefined || compareVersions(b, a) > 0 ? b : a), undefined);
  const versions = (req.os ?? []).filter((v) => floor === undefined || compareVersions(v, floor) >= 0);
  if (versions.length === 0) return { declared: [], implied: floor };
  let highest = 0;
  versions.forEach((v, i) => {
    if (compareVersions(v, versions[highest]!) > 0) highest = i;
  });
  const declared: Range[] = [{ min: versions[highest]! }];
  versions.forEach((v, i) => {
    if (i !== highest) declared.push({ min: v, before: nextMinor(v) });
  });
  return { declared, implied: undefined };
}

/** 10.5.4 → 10.6, 13.4 → 13.5, 14 → 14.1: the release after the version's own line. */
function nextMinor(v: string): string {
  const [major = '0', minor = '0'] = v.split('.');
  return `${major}.${Number(minor) + 1}`;
}

function allowedOsVersions(ranges: Range[], add: (depth: number, line: string) => void, depth: number): void {
  add(depth, '<allowed-os-versions>');
  for (const r of ranges) add(depth + 1, `<os-version min=${attr(r.min)}${r.before !== undefined ? ` before=${attr(r.before)}` : ''}/>`);
  add(depth, '</allowed-os-versions>');
}

/** A double-quoted attribute value; whitespace other than space is escaped so attribute normalisation keeps it. */
function attr(value: string): string {
  return `"${value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;')}"`;
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** CDATA, split where the text itself contains `]]>`. */
function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
