#!/usr/bin/env node
// Converts the research file hardware-facts.json (ten real Macs) into
// profiles/<id>.json. Usage:
//   node scripts/import-hardware-facts.mjs path/to/hardware-facts.json [out-dir]
// The out-dir defaults to the package's profiles/ directory. Existing files
// with the same ids are overwritten; other profiles are left alone.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [factsPath, outArg] = process.argv.slice(2);
if (factsPath === undefined) {
  console.error('usage: node scripts/import-hardware-facts.mjs <hardware-facts.json> [out-dir]');
  process.exit(2);
}
const outDir = outArg ?? fileURLToPath(new URL('../profiles/', import.meta.url));
const facts = JSON.parse(readFileSync(factsPath, 'utf8'));

/** Simulated per-machine values the facts do not contain (all marked uncertain). */
const SIMULATED = {
  'powermac-g5-late2005-10.5.8': { freeKB: 104857600, shell: '/bin/bash' },
  'macbook-late2008-10.6.8': { freeKB: 62914560, shell: '/bin/bash' },
  'macbookpro-15-mid2015-10.14.6': { freeKB: 209715200, shell: '/bin/bash' },
  'imac-27-2019-10.15.7': { freeKB: 524288000, shell: '/bin/zsh' },
  'macpro-2019-13.7.8': { freeKB: 134217728, shell: '/bin/zsh' },
  'macbookair-m1-2020-11.7.10': { freeKB: 94371840, shell: '/bin/zsh' },
  'macbookair-m1-2020-12.7.6': { freeKB: 83886080, shell: '/bin/zsh' },
  'macbookpro-14-m3pro-2023-14.8.3': { freeKB: 251658240, shell: '/bin/zsh' },
  'macstudio-m2ultra-2023-15.2': { freeKB: 681574400, shell: '/bin/zsh' },
  'macmini-m4-2024-26.5.2': { freeKB: 157286400, shell: '/bin/zsh' },
};
/** Apple-silicon profiles on which Rosetta 2 is deliberately not installed. */
const NO_ROSETTA = new Set(['macbookair-m1-2020-11.7.10']);
const GPU_KEYS = ['name', 'ioAcceleratorClass', 'vendorId', 'deviceId', 'vramBytes', 'gpuCoreCount', 'metal', 'openGL', 'openCL'];

function archOf(record) {
  const a = record.architecture;
  if (a === 'ppc') return 'ppc';
  if (a === 'arm64') return 'arm64';
  // "x86 (64-bit capable CPU, 32-bit kernel)" is the MacBook5,1: a 64-bit CPU.
  if (a === 'x86_64' || a.startsWith('x86')) return 'x86_64';
  throw new Error(`${record.id}: unknown architecture ${a}`);
}

/** Maps a facts `uncertain` key to the dotted path of the same value in a profile. */
function profilePath(key) {
  if (key.startsWith('systemVersionPlist.')) return `systemVersion.${key.slice('systemVersionPlist.'.length)}`;
  if (key === 'systemVersionCompatPlist') return 'sysctl.kern.osproductversioncompat';
  if (key === 'os.build') return 'systemVersion.ProductBuildVersion';
  if (/^(kern|hw|machdep)\./.test(key)) return `sysctl.${key}`;
  return key;
}

function convert(record) {
  const id = record.id;
  const sim = SIMULATED[id];
  if (sim === undefined) throw new Error(`no simulated values for ${id}`);
  const arch = archOf(record);
  const systemVersion = { ...record.systemVersionPlist };
  const gestalt = {};
  for (const [k, v] of Object.entries(record.gestalt ?? {})) if (k !== 'sysvHex' && k !== 'note') gestalt[k] = v;
  const gpus = (record.gpus ?? []).map((gpu) => {
    const out = {};
    for (const k of GPU_KEYS) if (k in gpu) out[k] = gpu[k];
    return out;
  });
  const uncertain = {};
  for (const [k, v] of Object.entries(record.uncertain ?? {})) uncertain[profilePath(k)] = v;
  for (const [k, v] of Object.entries(record.rosetta?.uncertain ?? {})) uncertain[`rosetta.sysctl.${k}`] = v;
  const sysctl = { ...record.sysctl, ...record.kern };
  for (const [name, value] of Object.entries(sysctl)) {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      uncertain[`sysctl.${name}`] = 'the 64-bit value exceeds 2^53: stored as the nearest IEEE double, which is what JavaScript sees';
    }
  }
  if (NO_ROSETTA.has(id)) uncertain['rosetta.installed'] = 'simulated: Rosetta 2 deliberately not installed on this profile';
  uncertain['volumes[0].availableKilobytes'] = 'simulated free space, not from a capture';
  uncertain.env = 'simulated environment of a GUI-launched Installer (first user "admin"), not from a capture';
  uncertain.languages = 'simulated';
  uncertain.desktopSessionCount = 'simulated';

  const profile = {
    $schema: './schema.json',
    id,
    name: record.marketingName,
    model: record.modelIdentifier,
    arch,
  };
  if (arch === 'arm64') {
    profile.rosetta = { installed: !NO_ROSETTA.has(id), sysctl: { ...record.rosetta.sysctlOverridesWhenTranslated } };
  }
  Object.assign(profile, {
    systemVersion,
    sysctl,
    sysctlAbsent: [...(record.sysctlAbsent ?? [])],
    gestalt,
    gpus,
    env: { USER: 'admin', HOME: '/Users/admin', PATH: '/usr/bin:/bin:/usr/sbin:/sbin', SHELL: sim.shell, LANG: 'en_US.UTF-8' },
    desktopSessionCount: 1,
    languages: ['en'],
    launch: { mode: 'gui' },
    volumes: [
      {
        mountpoint: '/',
        name: 'Macintosh HD',
        availableKilobytes: sim.freeKB,
        systemVersion: { ...systemVersion },
        receipts: {},
        files: {},
      },
    ],
    notes: [...(record.installerNotes ?? [])],
    sources: [...(record.sources ?? [])],
    uncertain,
  });
  return profile;
}

for (const record of facts) {
  const file = path.join(outDir, `${record.id}.json`);
  writeFileSync(file, `${JSON.stringify(convert(record), null, 2)}\n`);
  console.log(`wrote ${file}`);
}
