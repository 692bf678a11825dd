import type { Distribution } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
import { defaultPolicies } from '../installer/policy.js';
import type { RunSettings } from '../simulate/settings.js';
import { DEFAULT_LIMITS } from '../simulate/limits.js';

/**
 * A tiny simulation a fresh worker runs while it waits for its first job:
 * the first QuickJS context and the first pass through the host code cost
 * ~60 ms cold and ~1 ms warm (measured), and a worker is otherwise idle while
 * the CLI loads its own modules.
 */
const at = { line: 1, column: 1 };
export const WARMUP_DISTRIBUTION: Distribution = {
  path: 'warm-up',
  root: 'installer-gui-script',
  options: { allowExternalScripts: false, rootVolumeOnly: false },
  evaluables: [
    {
      id: 0,
      source: 'script[1]',
      code: "function f(){ return system.sysctl('hw.machine') == 'x86_64' && system.compareVersions(system.version.ProductVersion, '10.5') >= 0 && choices.a.selected; }",
      position: at,
      segments: [0, 1, 1],
    },
    { id: 1, source: 'installation-check@script', code: 'f()', position: at, segments: [0, 1, 1] },
  ],
  scripts: [0],
  installationCheck: { position: at, script: 1 },
  outline: [{ choice: 'a', position: at, children: [] }],
  choices: [{ id: 'a', position: at, attributes: { selected: { kind: 'script', evaluable: 1 } }, pkgRefs: ['p'] }],
  pkgRefs: [{ id: 'p', position: at, path: '#p.pkg' }],
  strings: [],
  diagnostics: [],
};

export const WARMUP_PROFILE: Profile = {
  id: 'warm-up',
  name: 'warm-up',
  model: 'Mac',
  arch: 'x86_64',
  systemVersion: { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' },
  sysctl: { 'hw.machine': 'x86_64' },
  volumes: [{ mountpoint: '/', availableKilobytes: 1, systemVersion: { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' } }],
};

export const WARMUP_SETTINGS: RunSettings = { policies: defaultPolicies(), limits: DEFAULT_LIMITS, now: 0, seed: 1 };
