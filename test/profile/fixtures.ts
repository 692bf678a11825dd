import { writeFileSync } from 'node:fs';
import { tempDir as processTempDir } from '../helpers.js';
import path from 'node:path';
import { loadProfiles } from '../../src/profile/index.js';
import type { Profile } from '../../src/profile/index.js';

/** The ten machines of research/hardware-facts.json. */
export const FACT_IDS = [
  'powermac-g5-late2005-10.5.8',
  'macbook-late2008-10.6.8',
  'macbookpro-15-mid2015-10.14.6',
  'imac-27-2019-10.15.7',
  'macpro-2019-13.7.8',
  'macbookair-m1-2020-11.7.10',
  'macbookair-m1-2020-12.7.6',
  'macbookpro-14-m3pro-2023-14.8.3',
  'macstudio-m2ultra-2023-15.2',
  'macmini-m4-2024-26.5.2',
];

/** Apple-silicon built-ins on which Rosetta 2 is deliberately not installed. */
export const NO_ROSETTA_IDS = ['macbookair-m1-2020-11.7.10', 'macmini-m4-2024-15.3.1'];

let cache: Profile[] | undefined;

/** The built-in profiles, loaded once. */
export function builtins(): Profile[] {
  cache ??= loadProfiles();
  return cache;
}

export function builtin(id: string): Profile {
  const found = builtins().find((p) => p.id === id);
  if (found === undefined) throw new Error(`no built-in profile ${id}`);
  return found;
}

/** A small valid Intel profile, as plain JSON data. */
export function minimalProfile(id = 'test-intel-14.0'): Record<string, unknown> {
  const systemVersion = { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' };
  return {
    $schema: './schema.json',
    id,
    name: 'Test Mac',
    model: 'Macmini8,1',
    arch: 'x86_64',
    systemVersion,
    sysctl: { 'hw.model': 'Macmini8,1', 'hw.memsize': 8589934592, 'hw.machine': 'x86_64' },
    volumes: [{ mountpoint: '/', availableKilobytes: 1000000, systemVersion: { ...systemVersion } }],
  };
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return processTempDir('profile-');
}

/** Writes `files` (name → JSON value or raw text) into a new temporary directory; returns full paths by name. */
export function writeTemp(files: Record<string, unknown>): { dir: string; paths: Record<string, string> } {
  const dir = tempDir();
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    writeFileSync(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    paths[name] = full;
  }
  return { dir, paths };
}
