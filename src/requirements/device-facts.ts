/**
 * What each graphics predicate sees of a profile's GPU: the key paths the
 * productbuild(1) man page documents, built from the profile's `gpus[]`
 * entries. Only documented keys are exposed; anything else reads nil, as it
 * would in the Installer.
 *
 * - gl-renderer: `version` (double), `extensions` (array of strings),
 *   `limits.<GL name>`, `limits.param<enum>`
 * - cl-device: `version`, `extensions`, `limits.<CL_DEVICE_… name>`, `limits.param<enum>`
 * - metal-device: `deviceName`, `supportedFeatureSets` (`MTLFeatureSet_…`
 *   names), `isRemovable`, `isHeadless`, `isLowPowerDevice`,
 *   `rasterOrderGroupsSupported`, `argumentBuffersTier`
 */
import type { Gpu, PlistDict, PlistValue } from '../profile/types.js';
import { CL_LIMITS, GL_LIMITS, namesByValue, parseParamKey } from './limit-names.js';
import type { GraphicsKind } from './model.js';
import { mapFacts, type Facts, type Value } from './value.js';

const GL_BY_VALUE = namesByValue(GL_LIMITS);
const CL_BY_VALUE = namesByValue(CL_LIMITS);

/** The GPU's facts for one API, or undefined when the GPU is not a device of that API (null or no data). */
export function deviceFacts(gpu: Gpu, kind: GraphicsKind): Facts | undefined {
  switch (kind) {
    case 'gl-renderer':
      return isDict(gpu.openGL) ? apiFacts(gpu.openGL, GL_BY_VALUE, 'GL') : undefined;
    case 'cl-device':
      return isDict(gpu.openCL) ? apiFacts(gpu.openCL, CL_BY_VALUE, 'CL') : undefined;
    case 'metal-device':
      return isDict(gpu.metal) ? mapFacts(metalMap(gpu.metal)) : undefined;
  }
}

/** The facts as a plain Map tree (for display and tests). */
export function deviceFactsMap(gpu: Gpu, kind: GraphicsKind): ReadonlyMap<string, Value> | undefined {
  switch (kind) {
    case 'gl-renderer':
      return isDict(gpu.openGL) ? apiMap(gpu.openGL) : undefined;
    case 'cl-device':
      return isDict(gpu.openCL) ? apiMap(gpu.openCL) : undefined;
    case 'metal-device':
      return isDict(gpu.metal) ? metalMap(gpu.metal) : undefined;
  }
}

function apiFacts(dict: PlistDict, byValue: ReadonlyMap<number, string>, api: 'GL' | 'CL'): Facts {
  const base = mapFacts(apiMap(dict));
  const resolve = (path: readonly string[]): readonly string[] => {
    if (path.length !== 2 || path[0] !== 'limits') return path;
    const value = parseParamKey(path[1]!);
    const name = value === undefined ? undefined : byValue.get(value);
    return name === undefined ? path : ['limits', name];
  };
  return {
    lookup: (path) => base.lookup(resolve(path)),
    whyMissing(path) {
      if (path[0] !== 'limits' || path.length !== 2) return undefined;
      const value = parseParamKey(path[1]!);
      if (value !== undefined && !byValue.has(value))
        return `enum 0x${value.toString(16).toUpperCase().padStart(4, '0')} is not a ${api} parameter distsim knows`;
      return `the profile records no value for ${resolve(path)[1]}`;
    },
  };
}

function apiMap(dict: PlistDict): Map<string, Value> {
  const out = new Map<string, Value>();
  const version = versionNumber(own(dict, 'version'));
  if (version !== undefined) out.set('version', version);
  const extensions = own(dict, 'extensions');
  if (Array.isArray(extensions))
    out.set(
      'extensions',
      extensions.filter((e): e is string => typeof e === 'string'),
    );
  const limits = own(dict, 'limits');
  if (isDict(limits)) {
    const table = new Map<string, Value>();
    for (const key of Object.keys(limits)) {
      const v = limits[key];
      if (typeof v === 'number') table.set(key, v);
    }
    out.set('limits', table);
  }
  return out;
}

/** `"4.1"`, `"4.1 (Metal-layered)"`, `4.1` → 4.1: the man page's "version as a double (major.minor)". */
function versionNumber(v: PlistValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d{1,4}(?:\.\d{1,4})?)/.exec(v);
  return m ? Number(m[1]) : undefined;
}

const METAL_BOOLEANS: Array<[string, string[]]> = [
  ['isRemovable', ['isRemovable']],
  ['isHeadless', ['isHeadless']],
  // The profiles say isLowPower (MTLDevice's property is lowPower, getter isLowPower); the predicate key is isLowPowerDevice.
  ['isLowPowerDevice', ['isLowPowerDevice', 'isLowPower']],
  ['rasterOrderGroupsSupported', ['rasterOrderGroupsSupported']],
];

function metalMap(dict: PlistDict): Map<string, Value> {
  const out = new Map<string, Value>();
  const name = own(dict, 'deviceName');
  if (typeof name === 'string') out.set('deviceName', name);
  const sets = own(dict, 'supportedFeatureSets');
  if (Array.isArray(sets)) {
    out.set(
      'supportedFeatureSets',
      sets.filter((s): s is string => typeof s === 'string').map((s) => (s.startsWith('MTLFeatureSet_') ? s : `MTLFeatureSet_${s}`)),
    );
  }
  for (const [key, sources] of METAL_BOOLEANS) {
    for (const source of sources) {
      const v = own(dict, source);
      if (typeof v === 'boolean') {
        out.set(key, v);
        break;
      }
    }
  }
  const tier = own(dict, 'argumentBuffersTier');
  if (typeof tier === 'number') out.set('argumentBuffersTier', tier);
  return out;
}

function own(dict: PlistDict, key: string): PlistValue | undefined {
  return Object.hasOwn(dict, key) ? dict[key] : undefined;
}

function isDict(v: PlistValue | undefined): v is PlistDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
