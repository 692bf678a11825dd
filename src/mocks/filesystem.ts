import { normalizePath, pathKey } from '../profile/base-system.js';
import type { FileEntry, PlistDict, Profile, Volume } from '../profile/types.js';

/** macOS refuses longer paths (ENAMETOOLONG), so they exist nowhere. */
const PATH_MAX = 1024;

const DIRECTORY: FileEntry = Object.freeze({ type: 'directory' });

/**
 * One volume's files, indexed once as a tree of folded names: every node
 * exists (as a folder unless it has an entry), so parents of listed files
 * exist implicitly. Nodes are numbers; one Map holds every edge, keyed by the
 * parent's number and the child's folded name, so building and looking up
 * cost one Map operation per path component.
 */
interface VolumeIndex {
  readonly mount: string;
  readonly caseSensitive: boolean;
  /** `${parent}\u0000${folded name}` -> child node (the root is 0). */
  readonly edges: Map<string, number>;
  readonly entries: Map<number, FileEntry>;
  nodes: number;
}

// The index depends only on the volume object, which no one changes after loading.
const indexes = new WeakMap<Volume, VolumeIndex>();

export class SimulatedFiles {
  /** Volumes with their mount point folded as the boot volume folds names, longest first. */
  private readonly volumes: Array<{ mountKey: string; index: VolumeIndex }>;
  private readonly rootCaseSensitive: boolean;

  constructor(profile: Profile) {
    const root = profile.volumes.find((v) => normalizePath(v.mountpoint) === '/');
    this.rootCaseSensitive = root?.caseSensitive === true;
    // Longest mountpoint first, so /Volumes/X wins over /.
    this.volumes = profile.volumes
      .map((volume) => {
        const index = indexOf(volume);
        return { mountKey: pathKey(index.mount, this.rootCaseSensitive), index };
      })
      .sort((a, b) => b.mountKey.length - a.mountKey.length);
  }

  /** The entry at a host path, or undefined. */
  lookup(hostPath: string): FileEntry | undefined {
    if (hostPath.length > PATH_MAX) return undefined;
    const path = normalizePath(hostPath);
    const key = pathKey(path, this.rootCaseSensitive);
    for (const { mountKey, index } of this.volumes) {
      let inner: string;
      if (mountKey === '/') inner = path;
      else if (key === mountKey) inner = '/';
      else if (key.startsWith(mountKey + '/')) inner = innerPath(path, index.mount);
      else continue;
      return find(index, inner);
    }
    return undefined;
  }

  exists(path: string): boolean {
    return this.lookup(path) !== undefined;
  }

  plist(path: string): PlistDict | null {
    const entry = this.lookup(path);
    return entry?.type === 'plist' ? entry.plist : null;
  }

  bundle(path: string): PlistDict | null {
    const entry = this.lookup(path);
    return entry?.type === 'bundle' ? entry.info : null;
  }
}

/** The part of `path` below the mount point, dropping as many components as the mount point has. */
function innerPath(path: string, mount: string): string {
  // Components, not characters: folding can change a name's length.
  const depth = mount.split('/').length;
  return '/' + path.split('/').slice(depth).join('/');
}

function indexOf(volume: Volume): VolumeIndex {
  const cached = indexes.get(volume);
  if (cached !== undefined) return cached;
  const index: VolumeIndex = {
    mount: normalizePath(volume.mountpoint),
    caseSensitive: volume.caseSensitive === true,
    edges: new Map(),
    entries: new Map(),
    nodes: 1,
  };
  const files = volume.files ?? {};
  for (const name of Object.keys(files)) {
    const entry = files[name];
    if (entry === undefined || typeof entry !== 'object' || entry === null) continue;
    const file = normalizePath(name);
    if (file === '/' || file.length > PATH_MAX) continue;
    const node = insert(index, 0, file);
    index.entries.set(node, entry);
    if (entry.type === 'bundle') {
      // Inside a bundle, Contents/Info.plist is the bundle's Info.plist.
      const plist = insert(index, node, '/Contents/Info.plist');
      if (!index.entries.has(plist)) index.entries.set(plist, { type: 'plist', plist: entry.info });
    }
  }
  if (volume.systemVersion) {
    const node = insert(index, 0, '/System/Library/CoreServices/SystemVersion.plist');
    if (!index.entries.has(node)) index.entries.set(node, { type: 'plist', plist: volume.systemVersion });
  }
  indexes.set(volume, index);
  return index;
}

/** The node for a normalized path below node `from`, created with its parents. */
function insert(index: VolumeIndex, from: number, file: string): number {
  let node = from;
  for (const name of file.split('/')) {
    if (name === '') continue;
    const edge = `${node}\u0000${pathKey(name, index.caseSensitive)}`;
    let child = index.edges.get(edge);
    if (child === undefined) {
      child = index.nodes++;
      index.edges.set(edge, child);
    }
    node = child;
  }
  return node;
}

function find(index: VolumeIndex, inner: string): FileEntry | undefined {
  let node = 0;
  for (const name of inner.split('/')) {
    if (name === '') continue;
    const child = index.edges.get(`${node}\u0000${pathKey(name, index.caseSensitive)}`);
    if (child === undefined) return undefined;
    node = child;
  }
  return index.entries.get(node) ?? DIRECTORY;
}
