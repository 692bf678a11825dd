import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateProfileData } from '../../src/profile/index.js';
import type { Profile } from '../../src/profile/index.js';
import { sysctlView } from '../../src/profile/rosetta.js';
import { builtin, builtins, minimalProfile } from './fixtures.js';

const intel = (): Profile[] => builtins().filter((p) => p.arch === 'x86_64' || p.arch === 'i386');
const appleSilicon = (): Profile[] => builtins().filter((p) => p.arch === 'arm64');

/**
 * The x86 hw.optional names each Darwin major registers (bsd/kern/kern_mib.c
 * at xnu-1228.15.4, 1504.15.3, 1699.32.7, 2050.48.11, 2422.115.4,
 * 2782.40.9, 3248.60.10, 3789.70.16, 4570.71.2 and later).
 */
function x86OptionalNames(darwinMajor: number): string[] {
  const names = ['floatingpoint', 'mmx', 'sse', 'sse2', 'sse3', 'supplementalsse3', 'sse4_1', 'sse4_2', 'x86_64'];
  if (darwinMajor >= 10) names.push('aes');
  if (darwinMajor >= 11) names.push('avx1_0', 'rdrand', 'f16c', 'enfstrg');
  if (darwinMajor >= 12) names.push('fma', 'avx2_0', 'bmi1', 'bmi2', 'rtm', 'hle');
  if (darwinMajor >= 14) names.push('adx');
  if (darwinMajor >= 15) names.push('mpx', 'sgx');
  if (darwinMajor >= 17) names.push('avx512f', 'avx512cd', 'avx512dq', 'avx512bw', 'avx512vl', 'avx512ifma', 'avx512vbmi');
  return names.sort();
}

/** x86 CPU subtypes (osfmk/mach/machine.h): X86_ALL 3, X86_ARCH1 4, X86_64_H 8. */
const X86_SUBTYPES = [3, 4, 8];

describe('built-in sysctl data', () => {
  it('every Intel profile has hw.cpufrequency_max (the nominal frequency) and machdep.cpu.features', () => {
    assert.ok(intel().length >= 15);
    for (const p of intel()) {
      assert.equal(p.sysctl['hw.cpufrequency_max'], p.sysctl['hw.cpufrequency'], p.id);
      const features = p.sysctl['machdep.cpu.features'];
      assert.equal(typeof features, 'string', p.id);
      const set = new Set(String(features).split(' '));
      for (const f of ['FPU', 'TSC', 'CX8', 'CMOV', 'MMX', 'FXSR', 'SSE', 'SSE2', 'SSE3']) assert.ok(set.has(f), `${p.id}: ${f}`);
      assert.ok(!set.has('VMM'), `${p.id}: a real Mac, not a virtual machine`);
      assert.equal(p.sysctl['machdep.cpu.vendor'], 'GenuineIntel', p.id);
    }
    assert.equal(builtin('powermac-g5-late2005-10.5.8').sysctl['hw.cpufrequency_max'], 2300000000);
  });

  it('machdep.cpu.features agrees with the hw.optional flags', () => {
    const pairs: Array<[string, string]> = [
      ['SSSE3', 'supplementalsse3'],
      ['SSE4.1', 'sse4_1'],
      ['SSE4.2', 'sse4_2'],
      ['AES', 'aes'],
      ['AVX1.0', 'avx1_0'],
      ['RDRAND', 'rdrand'],
      ['F16C', 'f16c'],
      ['FMA', 'fma'],
    ];
    for (const p of intel()) {
      const set = new Set(String(p.sysctl['machdep.cpu.features']).split(' '));
      for (const [feature, optional] of pairs) {
        const flag = p.sysctl[`hw.optional.${optional}`];
        if (flag === undefined) continue;
        assert.equal(set.has(feature), flag === 1, `${p.id}: ${feature} vs hw.optional.${optional} = ${flag}`);
      }
    }
  });

  it('each Intel profile has exactly the x86 hw.optional names its kernel registers', () => {
    for (const p of intel()) {
      const major = Number(String(p.sysctl['kern.osrelease']).split('.')[0]);
      const names = Object.keys(p.sysctl)
        .filter((k) => k.startsWith('hw.optional.'))
        .map((k) => k.slice('hw.optional.'.length))
        .sort();
      assert.deepEqual(names, x86OptionalNames(major), p.id);
      for (const name of names) assert.ok(p.sysctl[`hw.optional.${name}`] === 0 || p.sysctl[`hw.optional.${name}`] === 1, `${p.id}: ${name}`);
    }
  });

  it('hw.optional.avx2_0 is 1 on the Broadwell 10.10.5 profile and 0 on the Ivy Bridge 10.8.5 one', () => {
    assert.equal(builtin('macbookpro-13-early2015-10.10.5').sysctl['hw.optional.avx2_0'], 1);
    assert.equal(builtin('macbookair-13-mid2012-10.8.5').sysctl['hw.optional.avx2_0'], 0);
    assert.equal(builtin('macbookair-13-mid2012-10.8.5').sysctl['hw.optional.fma'], 0);
  });
});

describe('the Rosetta 2 view of every Apple-silicon profile', () => {
  it('is an x86 CPU throughout: x86 type, subtype and family; no ARM subtype leaks through', () => {
    assert.ok(appleSilicon().length >= 6);
    for (const p of appleSilicon()) {
      const native = sysctlView(p, false);
      const view = sysctlView(p, true);
      assert.equal(native['hw.cputype'], 16777228, p.id);
      assert.equal(view['hw.cputype'], 7, p.id);
      assert.ok(X86_SUBTYPES.includes(Number(view['hw.cpusubtype'])), `${p.id}: hw.cpusubtype ${view['hw.cpusubtype']}`);
      // Captured under Rosetta 2 (archspec-json rossetta2-monterey-core2): X86_ARCH1 and CPUFAMILY_INTEL_WESTMERE.
      assert.equal(view['hw.cpusubtype'], 4, p.id);
      assert.equal(view['hw.cpufamily'], 1463508716, p.id);
      assert.equal(view['hw.cpusubfamily'], 0, p.id);
      assert.equal(view['hw.machine'], 'x86_64', p.id);
      assert.equal(view['hw.pagesize'], 4096, p.id);
      assert.equal(view['sysctl.proc_translated'], 1, p.id);
      assert.equal(view['hw.optional.arm64'], 1, `${p.id}: arm64 stays 1 under Rosetta`);
      assert.equal(view['hw.optional.x86_64'], 1, p.id);
      assert.equal(typeof view['hw.cpufrequency_max'], 'number', `${p.id}: Rosetta reports a frequency`);
      assert.equal(native['hw.cpufrequency_max'], undefined, `${p.id}: native Apple silicon has none`);
    }
  });

  it('shows Intel features but, as Rosetta does, no machdep.cpu.vendor, model or leaf-7 features', () => {
    for (const p of appleSilicon()) {
      const view = sysctlView(p, true);
      const features = String(view['machdep.cpu.features']);
      for (const f of ['SSE4.2', 'AES', 'SSSE3']) assert.ok(features.split(' ').includes(f), `${p.id}: ${f}`);
      assert.ok(!features.includes('AVX'), `${p.id}: Rosetta does not advertise AVX by default`);
      assert.equal(view['hw.optional.avx1_0'], 0, p.id);
      assert.equal(view['hw.optional.avx2_0'], 0, p.id);
      assert.equal(view['machdep.cpu.family'], 6, p.id);
      // "sysctl: unknown oid 'machdep.cpu.vendor'" under Rosetta 2 (spack issue 30076, archspec issue 76).
      for (const absent of ['machdep.cpu.vendor', 'machdep.cpu.model', 'machdep.cpu.leaf7_features'])
        assert.equal(view[absent], undefined, `${p.id}: ${absent}`);
      assert.match(String(view['machdep.cpu.brand_string']), /^Apple M\d/, `${p.id}: the brand string stays the real chip`);
    }
  });

  it('marks the values not captured on that chip and OS as uncertain', () => {
    for (const p of appleSilicon()) {
      if (p.id === 'macbookair-m1-2020-12.7.6' || p.extends !== undefined) continue;
      assert.ok(p.uncertain?.['rosetta.sysctl'], p.id);
    }
  });
});

describe('known sysctl names are typed in the profile schema', () => {
  const check = (sysctl: Record<string, unknown>): string[] => {
    const data = minimalProfile();
    data.sysctl = { ...(data.sysctl as object), ...sysctl };
    return validateProfileData(data, 'p.json');
  };

  it('a string where the kernel exports a number is an error naming the path', () => {
    assert.deepEqual(check({ 'hw.memsize': '16GB' }), ['p.json: sysctl.hw.memsize: expected integer']);
    assert.deepEqual(check({ 'hw.ncpu': '8' }), ['p.json: sysctl.hw.ncpu: expected integer']);
    assert.deepEqual(check({ 'hw.optional.avx2_0': 'yes' }), ['p.json: sysctl.hw.optional.avx2_0: expected integer']);
    assert.deepEqual(check({ 'hw.optional.arm.FEAT_SME': 'yes' }), ['p.json: sysctl.hw.optional.arm.FEAT_SME: expected integer']);
  });

  it('a number where the kernel exports a string is an error', () => {
    assert.deepEqual(check({ 'hw.machine': 64 }), ['p.json: sysctl.hw.machine: expected string']);
    assert.deepEqual(check({ 'kern.osrelease': 23 }), ['p.json: sysctl.kern.osrelease: expected string']);
    assert.deepEqual(check({ 'machdep.cpu.features': 1 }), ['p.json: sysctl.machdep.cpu.features: expected string']);
  });

  it('unknown names stay free: a number or a string', () => {
    assert.deepEqual(check({ 'kern.example': 'x', 'vm.example': 3, 'hw.perflevel0.name': 'Performance' }), []);
    assert.deepEqual(check({ 'vm.example': true }), ['p.json: sysctl.vm.example: expected integer or string']);
  });

  it('the translated table is typed the same way', () => {
    const data = minimalProfile();
    data.arch = 'arm64';
    data.sysctl = { ...(data.sysctl as object), 'sysctl.proc_translated': 0 };
    data.rosetta = { installed: true, sysctl: { 'hw.cpusubtype': 'x86' } };
    assert.deepEqual(validateProfileData(data, 'p.json'), ['p.json: rosetta.sysctl.hw.cpusubtype: expected integer']);
  });
});
