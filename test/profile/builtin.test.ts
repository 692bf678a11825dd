import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import semver from 'semver';
import { builtinProfilesDir, validateProfileData } from '../../src/profile/index.js';
import type { Profile } from '../../src/profile/index.js';
import { builtin, builtins, FACT_IDS, NO_ROSETTA_IDS } from './fixtures.js';

function version(p: Profile): semver.SemVer {
  const v = semver.coerce(String(p.systemVersion.ProductVersion));
  assert.ok(v, `${p.id}: ProductVersion`);
  return v;
}

function bootVolume(p: Profile) {
  return p.volumes.find((v) => v.mountpoint === '/');
}

describe('built-in profiles', () => {
  const files = readdirSync(builtinProfilesDir()).filter((f) => f.endsWith('.json') && f !== 'schema.json');

  it('every file loads and validates, with its id as file name', () => {
    assert.equal(builtins().length, files.length);
    for (const file of files) {
      const raw = JSON.parse(readFileSync(path.join(builtinProfilesDir(), file), 'utf8')) as Record<string, unknown>;
      assert.equal(`${String(raw.id)}.json`, file);
      assert.equal(raw.$schema, './schema.json', file);
    }
    for (const p of builtins()) assert.deepEqual(validateProfileData(p, p.id), [], p.id);
  });

  it('has at least 24 profiles', () => {
    assert.ok(builtins().length >= 24, `only ${builtins().length}`);
  });

  it('spans every macOS major from 10.5 to 26', () => {
    const majors = new Set(
      builtins().map((p) => {
        const v = version(p);
        return v.major === 10 ? `10.${v.minor}` : String(v.major);
      }),
    );
    const wanted = ['10.5', '10.6', '10.7', '10.8', '10.9', '10.10', '10.11', '10.12', '10.13', '10.14', '10.15', '11', '12', '13', '14', '15', '26'];
    for (const major of wanted) assert.ok(majors.has(major), `no profile runs macOS ${major}`);
  });

  it('includes the ten hardware-facts machines under their ids', () => {
    const ids = new Set(builtins().map((p) => p.id));
    for (const id of FACT_IDS) assert.ok(ids.has(id), id);
  });

  it('has Rosetta installed on every arm64 profile except the deliberate ones', () => {
    const arm = builtins().filter((p) => p.arch === 'arm64');
    const without = arm
      .filter((p) => p.rosetta?.installed !== true)
      .map((p) => p.id)
      .sort();
    assert.deepEqual(without, [...NO_ROSETTA_IDS].sort());
    for (const p of arm) assert.ok(p.rosetta, `${p.id} has rosetta facts`);
    for (const p of builtins().filter((q) => q.arch !== 'arm64')) assert.equal(p.rosetta, undefined, p.id);
  });

  it('covers Intel on macOS 11, 12, 14 and 15, i386 and ppc', () => {
    const intelMajors = new Set(
      builtins()
        .filter((p) => p.arch === 'x86_64')
        .map((p) => version(p).major),
    );
    for (const major of [11, 12, 14, 15]) assert.ok(intelMajors.has(major), `no Intel profile on ${major}`);
    assert.ok(builtins().some((p) => p.arch === 'i386'));
    assert.ok(builtins().some((p) => p.arch === 'ppc'));
  });

  it('maps the research facts faithfully', () => {
    const g5 = builtin('powermac-g5-late2005-10.5.8');
    assert.equal(g5.arch, 'ppc');
    assert.equal(g5.sysctl['hw.cpufamily'], -310978390);
    assert.equal(g5.sysctl['kern.osrelease'], '9.8.0');
    assert.equal(g5.gestalt?.sysv, 4184);
    assert.equal(g5.gestalt?.sysvHex, undefined);
    const mb = builtin('macbook-late2008-10.6.8');
    assert.equal(mb.arch, 'x86_64');
    assert.equal(mb.sysctl['hw.machine'], 'i386');
    assert.equal(mb.sysctl['hw.cpu64bit_capable'], 1);
    const m1 = builtin('macbookair-m1-2020-12.7.6');
    assert.equal(m1.name, 'MacBook Air (M1, 2020), 7-core GPU, 8 GB');
    assert.equal(m1.model, 'MacBookAir10,1');
    assert.equal(m1.rosetta?.sysctl?.['hw.machine'], 'x86_64');
    assert.equal(m1.rosetta?.sysctl?.['sysctl.proc_translated'], 1);
    assert.equal(m1.systemVersion.iOSSupportVersion, '15.7');
    const m4 = builtin('macmini-m4-2024-26.5.2');
    assert.deepEqual(Object.keys(m4.gpus?.[0] ?? {}).sort(), ['gpuCoreCount', 'ioAcceleratorClass', 'metal', 'name', 'openCL', 'openGL', 'uncertain']);
    assert.ok((m4.notes ?? []).some((n) => n.includes('renumbered')));
    assert.ok((m4.sources ?? []).length > 0);
  });

  it('defines sysctl.proc_translated and hw.optional.arm64 only on Apple silicon', () => {
    for (const p of builtins()) {
      if (p.arch === 'arm64') {
        assert.equal(p.sysctl['sysctl.proc_translated'], 0, p.id);
        assert.equal(p.sysctl['hw.optional.arm64'], 1, p.id);
      } else {
        assert.equal(p.sysctl['sysctl.proc_translated'], undefined, p.id);
        assert.equal(p.sysctl['hw.optional.arm64'], undefined, p.id);
      }
    }
  });

  it('is internally consistent', () => {
    for (const p of builtins()) {
      const v = version(p);
      const s = p.sysctl;
      const id = p.id;
      assert.equal(s['hw.model'], p.model, id);
      assert.equal(typeof s['hw.memsize'], 'number', id);
      assert.equal(s['hw.ncpu'], s['hw.logicalcpu'], id);
      assert.equal(s['hw.cputype'], { ppc: 18, i386: 7, x86_64: 7, arm64: 16777228 }[p.arch], id);
      assert.equal(s['hw.pagesize'], p.arch === 'arm64' ? 16384 : 4096, id);
      assert.equal(s['hw.cpu64bit_capable'], p.arch === 'i386' ? 0 : 1, id);
      // Darwin major: 10.x -> x + 4, 11..15 -> +9, 26 -> 25.
      const darwin = v.major === 10 ? v.minor + 4 : v.major === 26 ? 25 : v.major + 9;
      assert.equal(String(s['kern.osrelease']).split('.')[0], String(darwin), id);
      assert.equal(s['kern.osrevision'], 199506, id);
      assert.equal(s['kern.osversion'], p.systemVersion.ProductBuildVersion, id);
      assert.match(String(s['kern.version']), new RegExp(`^Darwin Kernel Version ${String(s['kern.osrelease']).replace(/\./g, '\\.')}: `), id);
      const kernel = p.arch === 'arm64' ? 'RELEASE_ARM64_T' : p.arch === 'ppc' ? 'RELEASE_PPC' : s['hw.machine'] === 'i386' ? 'RELEASE_I386' : 'RELEASE_X86_64';
      assert.ok(String(s['kern.version']).includes(kernel), `${id}: ${kernel}`);
      assert.equal(s['kern.osproductversion'] === undefined, semver.lt(v, '10.13.4'), `${id}: kern.osproductversion`);
      if (s['kern.osproductversion'] !== undefined) assert.equal(s['kern.osproductversion'], p.systemVersion.ProductVersion, id);
      assert.equal(s['kern.osproductversioncompat'] !== undefined, v.major >= 11, `${id}: kern.osproductversioncompat`);
      assert.equal(s['hw.cpusubfamily'] !== undefined, v.major >= 11, `${id}: hw.cpusubfamily`);
      assert.equal(p.systemVersion.ProductName, v.major >= 11 ? 'macOS' : 'Mac OS X', id);
      assert.equal(p.systemVersion.ProductUserVisibleVersion, p.systemVersion.ProductVersion, id);
      assert.equal(p.systemVersion.iOSSupportVersion !== undefined, semver.gte(v, '10.15.0'), `${id}: iOSSupportVersion`);
      if (p.arch === 'x86_64' && v.major === 10 && v.minor >= 9) {
        const haswellOrLater = Number(s['hw.optional.avx2_0'] ?? 0) === 1;
        assert.equal(s['hw.cpusubtype'], haswellOrLater ? 8 : 4, `${id}: hw.cpusubtype`);
      }
      if (p.arch !== 'arm64' && v.major === 10 && v.minor <= 8) assert.equal(s['hw.cpusubtype'], p.arch === 'ppc' ? 100 : 4, id);
      // Gestalt: sys1/2/3 are the version; sysv BCD with minor and bug-fix clamped to 9, null from 11.
      assert.equal(p.gestalt?.sys1, v.major, id);
      assert.equal(p.gestalt?.sys2, v.minor, id);
      assert.equal(p.gestalt?.sys3, v.patch, id);
      assert.equal(p.gestalt?.sysv, v.major >= 11 ? null : 0x1000 + Math.min(v.minor, 9) * 16 + Math.min(v.patch, 9), id);
      assert.equal(p.gestalt?.sysa, { ppc: 2, i386: 10, x86_64: 10, arm64: 20 }[p.arch], id);
      // Simulated session facts.
      const boot = bootVolume(p);
      assert.ok(boot, `${id}: boot volume`);
      assert.deepEqual(boot.systemVersion, p.systemVersion, id);
      assert.equal(p.volumes.filter((vol) => vol.mountpoint === '/').length, 1, id);
      for (const key of ['USER', 'HOME', 'PATH', 'SHELL', 'LANG']) assert.equal(typeof p.env?.[key], 'string', `${id}: env.${key}`);
      assert.equal(p.desktopSessionCount, 1, id);
      assert.deepEqual(p.languages, ['en'], id);
      const mode = p.launch?.mode ?? 'gui';
      assert.equal(p.env?.COMMAND_LINE_INSTALL, mode === 'cli' ? '1' : undefined, `${id}: COMMAND_LINE_INSTALL`);
      assert.ok((p.sources ?? []).length > 0, `${id}: sources`);
      assert.ok(p.uncertain?.['volumes[0].availableKilobytes'], `${id}: simulated free space is marked uncertain`);
      assert.ok(p.uncertain?.env, `${id}: simulated env is marked uncertain`);
    }
  });

  it('orders built-ins by macOS version, then id', () => {
    const list = builtins();
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      const order = semver.compare(version(a), version(b));
      assert.ok(order < 0 || (order === 0 && a.id < b.id), `${a.id} before ${b.id}`);
    }
    const ids = list.map((p) => p.id);
    assert.ok(ids.indexOf('macbookpro-13-late2013-10.9.5') < ids.indexOf('macbookpro-13-early2015-10.10.5'));
  });

  it('has the scenario profiles the simulator tests need', () => {
    const external = builtins().filter((p) => p.volumes.some((v) => v.mountpoint !== '/' && v.systemVersion === null));
    assert.deepEqual(
      external.map((p) => p.id),
      ['macmini-2018-14.8.3'],
    );
    assert.equal(external[0]!.volumes[1]!.mountpoint, '/Volumes/External');

    const upgrade = builtin('macbookair-m1-2020-12.7.6-example-app-1.0');
    const boot = bootVolume(upgrade)!;
    assert.deepEqual(boot.receipts?.['com.example.app']?.version, '1.0');
    const bundle = boot.files?.['/Applications/Example.app'];
    assert.equal(bundle?.type, 'bundle');
    assert.equal(bundle?.type === 'bundle' ? bundle.info.CFBundleShortVersionString : undefined, '1.0');
    assert.equal(bundle?.type === 'bundle' ? bundle.info.CFBundleIdentifier : undefined, 'com.example.app');
    const app = upgrade.applications?.[0];
    assert.equal(app?.CFBundleIdentifier, 'com.example.app');
    assert.equal(app?.pid, 501);
    assert.equal(app?.BundlePath, '/Applications/Example.app');
    assert.equal(upgrade.extends, 'macbookair-m1-2020-12.7.6');
    assert.equal(upgrade.sysctl['hw.memsize'], builtin('macbookair-m1-2020-12.7.6').sysctl['hw.memsize']);

    const cli = builtins()
      .filter((p) => p.launch?.mode === 'cli')
      .map((p) => p.id)
      .sort();
    assert.deepEqual(cli, ['macbookpro-16-2019-15.7.1-cli', 'macmini-m4-2024-26.5.2-rosetta-shell']);
    const shell = builtins().filter((p) => p.launch?.rosettaShell === true);
    assert.deepEqual(
      shell.map((p) => p.id),
      ['macmini-m4-2024-26.5.2-rosetta-shell'],
    );
    assert.equal(shell[0]!.arch, 'arm64');
    assert.equal(shell[0]!.rosetta?.installed, true);

    const mbp16 = builtin('macbookpro-16-2019-15.7.1');
    assert.equal(mbp16.sysctl['hw.memsize'], 65536 * 2 ** 20);
    assert.equal(mbp16.sysctl['hw.ncpu'], 16);
    assert.equal(mbp16.sysctl['hw.cpufrequency'], 2400000000);
    assert.equal(mbp16.systemVersion.ProductBuildVersion, '24G231');
  });
});
