import type { ComponentFacts, Distribution } from '../distribution/model.js';
import type { PackageInfoFacts } from '../package/package-info.js';

/** A PackageInfo as the model's plain component facts. */
export function componentFacts(info: PackageInfoFacts): ComponentFacts {
  const byId = new Map<string, PackageInfoFacts['bundles'][number]>();
  for (const bundle of info.bundles) if (!byId.has(bundle.id)) byId.set(bundle.id, bundle);
  const bundles: ComponentFacts['bundles'] = [];
  for (const id of new Set(info.bundleVersionIds)) {
    const bundle = byId.get(id);
    bundles.push(bundle ? { ...bundle } : { id, path: null, CFBundleShortVersionString: null, CFBundleVersion: null });
  }
  return {
    packageInfo: info.path,
    identifier: info.identifier,
    version: info.version,
    installKBytes: info.installKBytes,
    numberOfFiles: info.numberOfFiles,
    postinstallAction: info.postinstallAction,
    bundles,
  };
}

/**
 * Attaches each component's facts to the pkg-ref naming it, and fills the
 * pkg-ref's `version` and `installKBytes` from the PackageInfo where the
 * Distribution omits them (productbuild writes both; hand-written files
 * often do not), so sizes and upgrade decisions use the real numbers. A
 * value the Distribution states is kept: it is what the Installer reads.
 */
export function applyComponentFacts(dist: Distribution, facts: ReadonlyMap<string, PackageInfoFacts>): void {
  for (const ref of dist.pkgRefs) {
    const info = facts.get(ref.id);
    if (!info) continue;
    ref.component = componentFacts(info);
    if (ref.version === undefined && info.version !== null) ref.version = info.version;
    if (ref.installKBytes === undefined && info.installKBytes !== null) ref.installKBytes = info.installKBytes;
  }
}
