import type { Arch, Profile } from './types.js';

export interface ProfileSummary {
  id: string;
  name: string;
  model: string;
  arch: Arch;
  /** systemVersion.ProductVersion */
  macos: string;
  /** systemVersion.ProductBuildVersion */
  build: string;
  /** hw.memsize (0 when the profile does not give it) */
  ramBytes: number;
  /** Rosetta 2 installed; null off Apple silicon. */
  rosetta: boolean | null;
  launch: 'gui' | 'cli';
  volumes: number;
}

export function summarizeProfile(p: Profile): ProfileSummary {
  const memsize = p.sysctl['hw.memsize'];
  const ramBytes = typeof memsize === 'number' ? memsize : typeof memsize === 'string' && /^\d+$/.test(memsize) ? Number(memsize) : 0;
  return {
    id: p.id,
    name: p.name,
    model: p.model,
    arch: p.arch,
    macos: String(p.systemVersion.ProductVersion ?? ''),
    build: String(p.systemVersion.ProductBuildVersion ?? ''),
    ramBytes,
    rosetta: p.arch === 'arm64' ? p.rosetta?.installed === true : null,
    launch: p.launch?.mode ?? 'gui',
    volumes: p.volumes.length,
  };
}
