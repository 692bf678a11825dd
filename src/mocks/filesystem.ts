import { normalizePath, pathKey } from '../profile/base-system.js';
import type { FileEntry, PlistDict, Profile, Volume } from '../profile/types.js';

/** macOS refuses longer paths (ENAMETOOLONG), so they exist nowhere. */
const PATH_MAX = 1024;

const DIRECTORY: FileEntry = Object.freeze({ type: 'directory' });

/**
 * One volume's files, indexed once as a tree of folded names: a node exists
 * (as a folder unless it has an entry), so parents of listed files exist
 * implicitly. Building and looking up are linear in the path lengths.
 */
interface Node {
  entry?: FileEntry;
  children?: Map<string, Node>;
}

interface VolumeIndex {
  readonly mount: string;
  readonly caseSensitive: boolean;
  readonly root: Node;
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
  const caseSensitive = volume.caseSensitive === true;
  const root: Node = {};
  const files = volume.files ?? {};
  for (const name of Object.keys(files)) {
    const entry = files[name];
    if (entry === undefined || typeof entry !== 'object' || entry === null) continue;
    const file = normalizePath(name);
    if (file === '/' || file.length > PATH_MAX) continue;
    const node = insert(root, file, caseSensitive);
    node.entry = entry;
    if (entry.type === 'bundle') {
      // Inside a bundle, Contents/Info.plist is the bundle's Info.plist.
      const plist = insert(node, '/Contents/Info.plist', caseSensitive);
      plist.entry ??= { type: 'plist', plist: entry.info };
    }
  }
  if (volume.systemVersion) {
    const node = insert(root, '/System/Library/CoreServices/SystemVersion.plist', caseSensitive);
    node.entry ??= { type: 'plist', plist: volume.systemVersion };
  }
  const index: VolumeIndex = { mount: normalizePath(volume.mountpoint), caseSensitive, root };
  indexes.set(volume, index);
  return index;
}

/** The node for a normalized path below `from`, created with its parents. */
function insert(from: Node, file: string, caseSensitive: boolean): Node {
  let node = from;
  for (const name of file.split('/')) {
    if (name === '') continue;
    node.children ??= new Map();
    const key = pathKey(name, caseSensitive);
    let child = node.children.get(key);
    if (child === undefined) {
      child = {};
      node.children.set(key, child);
    }
    node = child;
  }
  return node;
}

function find(index: VolumeIndex, inner: string): FileEntry | undefined {
  let node: Node | undefined = index.root;
  for (const name of inner.split('/')) {
    if (name === '') continue;
    node = node.children?.get(pathKey(name, index.caseSensitive));
    if (node === undefined) return undefined;
  }
  return node.entry ?? DIRECTORY;
}
