import type { IORegistryEntry, PlistDict, Profile } from '../profile/types.js';

/**
 * The simulated I/O Registry behind `system.ioregistry`: the profile's own
 * entries, plus entries derived from its facts when it does not list them:
 * the root `IOService:/` (IOConsoleUsers, IOKitBuildVersion), the platform
 * expert with the model, and one accelerator per GPU (below an IOPCIDevice
 * for PCI GPUs). Property values that are CFData on a real Mac (vendor-id,
 * device-id) are given as the profile writes them (hex strings): how the
 * Installer converts CFData is undocumented.
 */
export class SimulatedRegistry {
  readonly entries: IORegistryEntry[];

  constructor(profile: Profile) {
    const given = profile.ioregistry ?? [];
    const derived: IORegistryEntry[] = [];
    const has = (path: string) => given.some((e) => e.path === path);
    if (!has('IOService:/')) {
      const users = Array.from({ length: profile.desktopSessionCount ?? 1 }, (_, i) => ({
        kCGSSessionUserNameKey: i === 0 ? (profile.env?.USER ?? 'user') : `user${i + 1}`,
        kCGSSessionOnConsoleKey: i === 0,
        kCGSSessionUserIDKey: 501 + i,
      }));
      const build = profile.sysctl['kern.version'];
      derived.push({
        path: 'IOService:/',
        class: 'IORegistryEntry',
        name: 'Root',
        properties: { IOConsoleUsers: users, ...(typeof build === 'string' && { IOKitBuildVersion: build }) },
      });
    }
    const platform = `IOService:/${profile.model.replace(/[^\w]/g, '')}`;
    if (!given.some((e) => e.class === 'IOPlatformExpertDevice')) {
      derived.push({ path: platform, class: 'IOPlatformExpertDevice', superclasses: ['IOService'], properties: { model: profile.model } });
    }
    (profile.gpus ?? []).forEach((gpu, i) => {
      if (!gpu.ioAcceleratorClass) return;
      const pci = gpu.vendorId !== undefined;
      const parent = pci ? `${platform}/PCI0@0/GFX${i}@${i}` : platform;
      if (pci) {
        derived.push({
          path: parent,
          class: 'IOPCIDevice',
          superclasses: ['IOService'],
          properties: { model: gpu.name, 'vendor-id': gpu.vendorId!, ...(gpu.deviceId !== undefined && { 'device-id': gpu.deviceId }) },
        });
      }
      const props: PlistDict = { IOClass: gpu.ioAcceleratorClass, model: gpu.name };
      if (gpu.gpuCoreCount !== undefined) props['gpu-core-count'] = gpu.gpuCoreCount;
      derived.push({ path: `${parent}/${gpu.ioAcceleratorClass}`, class: gpu.ioAcceleratorClass, superclasses: ['IOAccelerator', 'IOService'], properties: props });
    });
    this.entries = [...derived, ...given];
  }

  fromPath(path: string): PlistDict | null {
    return this.find(path)?.properties ?? null;
  }

  matchingClass(name: string): IORegistryEntry[] {
    return this.entries.filter((e) => e.class === name || (e.superclasses ?? []).includes(name));
  }

  matchingName(name: string): IORegistryEntry[] {
    return this.entries.filter((e) => entryName(e) === name);
  }

  childrenOf(path: string): IORegistryEntry[] {
    const base = trim(path);
    return this.entries.filter((e) => parentPath(e.path) === base);
  }

  parentsOf(path: string): IORegistryEntry[] {
    const parent = parentPath(trim(path));
    if (parent === undefined) return [];
    const entry = this.find(parent);
    return entry ? [entry] : [];
  }

  private find(path: string): IORegistryEntry | undefined {
    const p = trim(path);
    return this.entries.find((e) => trim(e.path) === p);
  }
}

function trim(path: string): string {
  return path.length > 'IOService:/'.length ? path.replace(/\/+$/, '') : path;
}

function parentPath(path: string): string | undefined {
  const p = trim(path);
  if (p.endsWith(':/')) return undefined;
  const slash = p.lastIndexOf('/');
  const parent = p.slice(0, slash);
  return parent.endsWith(':') ? parent + '/' : parent;
}

function entryName(e: IORegistryEntry): string {
  if (e.name !== undefined) return e.name;
  const last = trim(e.path).split('/').pop() ?? '';
  return last.split('@')[0]!;
}
