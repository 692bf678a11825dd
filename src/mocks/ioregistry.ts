import type { IORegistryEntry, PlistDict, Profile } from '../profile/types.js';

/** Registry path of the service plane's root. */
const SERVICE_ROOT = 'IOService:/';
/** Planes whose root is the platform expert device too (the device tree's root node is the same object). */
const ROOT_ALIASES = new Set([SERVICE_ROOT, 'IODeviceTree:/']);

/**
 * The simulated I/O Registry behind `system.ioregistry`: the profile's own
 * entries, plus entries derived from its facts.
 *
 * `IOService:/` is the platform expert device (class IOPlatformExpertDevice),
 * as on a real Mac: IORegistryEntry::fromPath resolves a plane's "/" to the
 * root entry's child in that plane, which is the platform expert, not the
 * registry root (xnu iokit/Kernel/IORegistryEntry.cpp). So that is where
 * `model`, `board-id`, `IOPlatformUUID` and `IOPlatformSerialNumber` are read
 * (Apple's macOS installers read `board-id` there). Its `model` is derived
 * from the profile; the profile gives the other properties in an
 * `ioregistry` entry of class IOPlatformExpertDevice (they win over derived
 * ones). The registry root itself (IOConsoleUsers, IOKitBuildVersion) is not
 * reachable through a path, so it is not modelled.
 *
 * One accelerator is derived per GPU, below an IOPCIDevice for PCI GPUs.
 * Property values that are CFData on a real Mac (vendor-id, device-id,
 * board-id) are given as the profile writes them (strings): how the Installer
 * converts CFData is undocumented, and Apple's installers compare board-id
 * with strings.
 *
 * Entries are indexed once by path, class, name and parent, so each query is
 * a Map lookup.
 */
export class SimulatedRegistry {
  readonly entries: IORegistryEntry[];
  private readonly byPath = new Map<string, IORegistryEntry>();
  private readonly byClass = new Map<string, IORegistryEntry[]>();
  private readonly byName = new Map<string, IORegistryEntry[]>();
  private readonly byParent = new Map<string, IORegistryEntry[]>();

  constructor(profile: Profile) {
    const given = profile.ioregistry ?? [];
    const platformGiven = given.find((e) => e.class === 'IOPlatformExpertDevice' || trim(e.path) === SERVICE_ROOT);
    const platform: IORegistryEntry = {
      class: 'IOPlatformExpertDevice',
      superclasses: ['IOService'],
      name: profile.model,
      ...platformGiven,
      path: SERVICE_ROOT,
      properties: { model: profile.model, ...platformGiven?.properties },
    };
    const derived: IORegistryEntry[] = [platform];
    const base = trim(platform.path);
    const join = (parent: string, child: string): string => (parent.endsWith('/') ? parent + child : `${parent}/${child}`);
    (profile.gpus ?? []).forEach((gpu, i) => {
      if (!gpu.ioAcceleratorClass) return;
      const pci = gpu.vendorId !== undefined;
      const parent = pci ? join(base, `PCI0@0/GFX${i}@${i}`) : base;
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
      derived.push({
        path: join(parent, gpu.ioAcceleratorClass),
        class: gpu.ioAcceleratorClass,
        superclasses: ['IOAccelerator', 'IOService'],
        properties: props,
      });
    });
    this.entries = [...derived, ...given.filter((e) => e !== platformGiven)];
    for (const entry of this.entries) {
      const at = trim(entry.path);
      if (!this.byPath.has(at)) this.byPath.set(at, entry);
      for (const cls of new Set([entry.class, ...(entry.superclasses ?? [])])) push(this.byClass, cls, entry);
      push(this.byName, entryName(entry), entry);
      const parent = parentPath(at);
      if (parent !== undefined) push(this.byParent, parent, entry);
    }
  }

  fromPath(path: string): PlistDict | null {
    return this.find(path)?.properties ?? null;
  }

  matchingClass(name: string): IORegistryEntry[] {
    return [...(this.byClass.get(name) ?? [])];
  }

  matchingName(name: string): IORegistryEntry[] {
    return [...(this.byName.get(name) ?? [])];
  }

  childrenOf(path: string): IORegistryEntry[] {
    return [...(this.byParent.get(resolve(path)) ?? [])];
  }

  parentsOf(path: string): IORegistryEntry[] {
    const parent = parentPath(resolve(path));
    const found = parent === undefined ? undefined : this.byPath.get(parent);
    return found ? [found] : [];
  }

  private find(path: string): IORegistryEntry | undefined {
    return this.byPath.get(resolve(path));
  }
}

/** The registry path a query names: trimmed, with the plane roots that are the platform expert resolved to it. */
function resolve(path: string): string {
  const at = trim(path);
  return ROOT_ALIASES.has(at) ? SERVICE_ROOT : at;
}

function push(map: Map<string, IORegistryEntry[]>, key: string, entry: IORegistryEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [entry]);
  else list.push(entry);
}

/** The path without trailing slashes, except a plane root (`IOService:/`). */
function trim(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  const trimmed = path.slice(0, end);
  return trimmed.endsWith(':') ? trimmed + '/' : trimmed;
}

function parentPath(path: string): string | undefined {
  if (path.endsWith(':/')) return undefined;
  const slash = path.lastIndexOf('/');
  if (slash < 0) return undefined;
  const parent = path.slice(0, slash);
  return parent.endsWith(':') ? parent + '/' : parent;
}

function entryName(e: IORegistryEntry): string {
  if (e.name !== undefined) return e.name;
  const at = trim(e.path);
  const last = at.slice(at.lastIndexOf('/') + 1);
  const location = last.indexOf('@');
  return location < 0 ? last : last.slice(0, location);
}
