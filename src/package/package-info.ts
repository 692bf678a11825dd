import { InputError } from '../errors.js';
import { child, childrenNamed, parseXmlTree } from './xml-tree.js';

/**
 * A component package's PackageInfo (pkgbuild writes it; the Installer reads
 * it for the receipt, the install size and the bundles it upgrades):
 *
 *   <pkg-info format-version="2" identifier="com.example.app" version="1.2"
 *             install-location="/" auth="root" postinstall-action="none">
 *     <payload numberOfFiles="42" installKBytes="1234"/>
 *     <bundle id="com.example.App" CFBundleShortVersionString="1.2" CFBundleVersion="12" path="./Applications/Example.app"/>
 *     <bundle-version><bundle id="com.example.App"/></bundle-version>
 *   </pkg-info>
 */
export interface PackageInfoFacts {
  /** Member path inside the archive (`PackageInfo`, `Foo.pkg/PackageInfo`). */
  path: string;
  identifier: string | null;
  version: string | null;
  formatVersion: string | null;
  installLocation: string | null;
  auth: string | null;
  /** `postinstall-action`: `none`, `logout`, `restart`, `shutdown`. */
  postinstallAction: string | null;
  installKBytes: number | null;
  numberOfFiles: number | null;
  /** The `<bundle>` elements with their versions (top-level and nested), in document order. */
  bundles: BundleFacts[];
  /** Ids listed under `<bundle-version>`: the bundles whose versions the Installer compares for upgrades. */
  bundleVersionIds: string[];
}

export interface BundleFacts {
  id: string;
  path: string | null;
  CFBundleShortVersionString: string | null;
  CFBundleVersion: string | null;
}

const LIMITS = { maxDepth: 64, maxElements: 100_000 };

export function parsePackageInfo(text: string, path: string, what = path): PackageInfoFacts {
  const root = parseXmlTree(text, { what, code: 'PKG_PACKAGEINFO_INVALID', tooLargeCode: 'XAR_TOO_LARGE', ...LIMITS });
  if (root.name !== 'pkg-info') throw new InputError(`${what}: root element is <${root.name}>, not <pkg-info>`, { code: 'PKG_PACKAGEINFO_INVALID' });
  const attr = (name: string): string | null => root.attributes.get(name) ?? null;
  const payload = child(root, 'payload');
  const bundles: BundleFacts[] = [];
  // Bundles with versions are root children, and nest (plug-ins inside an app); references elsewhere
  // (<upgrade-bundle>, <strict-identifier>, <relocate>) carry only ids. Walk without recursion.
  const stack = [...root.children].reverse();
  const bundleVersionIds: string[] = [];
  while (stack.length > 0) {
    const element = stack.pop()!;
    if (element.name === 'bundle') {
      const id = element.attributes.get('id');
      if (id !== undefined) {
        bundles.push({
          id,
          path: element.attributes.get('path') ?? null,
          CFBundleShortVersionString: element.attributes.get('CFBundleShortVersionString') ?? null,
          CFBundleVersion: element.attributes.get('CFBundleVersion') ?? null,
        });
      }
      for (let k = element.children.length - 1; k >= 0; k--) stack.push(element.children[k]!);
    } else if (element.name === 'bundle-version') {
      for (const b of childrenNamed(element, 'bundle')) {
        const id = b.attributes.get('id');
        if (id !== undefined) bundleVersionIds.push(id);
      }
    }
  }
  return {
    path,
    identifier: attr('identifier'),
    version: attr('version'),
    formatVersion: attr('format-version'),
    installLocation: attr('install-location'),
    auth: attr('auth'),
    postinstallAction: attr('postinstall-action'),
    installKBytes: count(payload?.attributes.get('installKBytes')),
    numberOfFiles: count(payload?.attributes.get('numberOfFiles')),
    bundles,
    bundleVersionIds,
  };
}

function count(text: string | undefined): number | null {
  if (text === undefined || !/^\s*[0-9]{1,15}\s*$/.test(text)) return null;
  return Number(text);
}
