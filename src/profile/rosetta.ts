import type { Profile, SysctlValue } from './types.js';

/**
 * What a translated (x86_64 under Rosetta 2) process sees when the profile
 * does not record it: docs/installer-behaviour.md §2. `hw.optional.arm64`, the brand
 * string, `kern.version`, `hw.model`, `hw.ncpu` and `hw.memsize` keep their
 * native values.
 */
const DEFAULT_TRANSLATED: Record<string, SysctlValue> = {
  'sysctl.proc_translated': 1,
  'hw.machine': 'x86_64',
  'hw.cputype': 7,
  // A real Rosetta 2 capture (M1, macOS 12): a Westmere-class x86_64 CPU, never an arm64 subtype beside cputype 7.
  'hw.cpusubtype': 4,
  'hw.cpufamily': 1463508716,
  'hw.cpusubfamily': 0,
  'hw.pagesize': 4096,
  'hw.optional.x86_64': 1,
  'hw.optional.sse4_2': 1,
  'hw.optional.avx1_0': 0,
  'hw.optional.avx2_0': 0,
  'hw.optional.avx512f': 0,
};

/**
 * The sysctl table the Distribution's JavaScript sees: native, or the
 * translated view when the Installer runs under Rosetta 2.
 */
export function sysctlView(profile: Profile, translated: boolean): Record<string, SysctlValue> {
  if (!translated) return profile.sysctl;
  // No prototype: a name from the guest (`constructor`) must find nothing.
  const view: Record<string, SysctlValue> = Object.assign(
    Object.create(null) as Record<string, SysctlValue>,
    profile.sysctl,
    DEFAULT_TRANSLATED,
    profile.rosetta?.sysctl,
  );
  for (const name of [...TRANSLATED_ABSENT, ...(profile.rosetta?.sysctlAbsent ?? [])]) delete view[name];
  return view;
}

/** x86 CPUID details Rosetta 2 does not report (`unknown oid 'machdep.cpu.vendor'` under translation, spack issue 30076). */
const TRANSLATED_ABSENT = ['machdep.cpu.vendor', 'machdep.cpu.model', 'machdep.cpu.leaf7_features', 'machdep.cpu.extfeatures'];
