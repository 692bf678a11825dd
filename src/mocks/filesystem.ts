import type { FileEntry, PlistDict, Profile, Volume } from '../profile/types.js';

/**
 * The simulated file system behind `system.files`: paths are host-absolute
 * (research §2.2), so `/Volumes/Data/x` belongs to the volume mounted at
 * `/Volumes/Data` and `/Applications/x` to the boot volume. Parent folders of
 * listed files exist implicitly, and a volume with an OS has the standard
 * system folders and its SystemVersion.plist.
 */
export class SimulatedFiles {
  private readonly volumes: Volume[];

  constructor(profile: Profile) {
    // Longest mountpoint first, so /Volumes/X wins over /.
    this.volumes = [...profile.volumes].sort((a, b) => normalize(b.mountpoint).length - normalize(a.mountpoint).length);
  }

  /** The entry at a host path, or undefined. */
  lookup(hostPath: string): FileEntry | undefined {
    const path = normalize(hostPath);
    for (const volume of this.volumes) {
      const mount = normalize(volume.mountpoint);
      if (mount !== '/' && path !== mount && !path.startsWith(mount + '/')) continue;
      const inner = mount === '/' ? path : path.slice(mount.length) || '/';
      return entryOn(volume, inner);
    }
    return undefined;
  }

  exists(path: string): boolean {
    return this.lookup(path) !== undefined;
  }

  plist(path: string): PlistDict | null {
    const entry = this.lookup(path);
    if (entry?.type === 'plist') return entry.plist;
    return null;
  }

  bundle(path: string): PlistDict | null {
    const entry = this.lookup(path);
    return entry?.type === 'bundle' ? entry.info : null;
  }
}

const SYSTEM_FOLDERS = ['/Applications', '/Library', '/System', '/System/Library', '/System/Library/CoreServices', '/Users', '/usr', '/usr/bin', '/usr/lib', '/usr/local', '/bin', '/sbin', '/private', '/private/var', '/private/tmp', '/var', '/tmp', '/etc'];

function entryOn(volume: Volume, path: string): FileEntry | undefined {
  if (path === '/') return { type: 'directory' };
  const files = volume.files ?? {};
  const exact = files[path];
  if (exact) return exact;
  // Inside a bundle: Contents/Info.plist is the bundle's Info.plist.
  for (const [key, entry] of Object.entries(files)) {
    if (entry.type !== 'bundle') continue;
    const root = normalize(key);
    if (path === `${root}/Contents/Info.plist`) return { type: 'plist', plist: entry.info };
    if (path === `${root}/Contents`) return { type: 'directory' };
  }
  const prefix = path + '/';
  for (const key of Object.keys(files)) if (normalize(key).startsWith(prefix)) return { type: 'directory' };
  if (volume.systemVersion) {
    if (path === '/System/Library/CoreServices/SystemVersion.plist') return { type: 'plist', plist: volume.systemVersion };
    if (SYSTEM_FOLDERS.includes(path)) return { type: 'directory' };
  }
  return undefined;
}

/** Collapses `//`, `.` and `..`; no trailing slash. */
export function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}
