import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { applyOverrides, summarizeProfile } from '../../src/profile/index.js';
import type { Profile } from '../../src/profile/index.js';
import { builtin } from './fixtures.js';

const INTEL_TWO_VOLUMES = 'macmini-2018-14.8.3';
const M1 = 'macbookair-m1-2020-12.7.6';

function apply(id: string, ...sets: string[]): Profile {
  return applyOverrides(builtin(id), sets);
}

describe('applyOverrides (--set)', () => {
  it('sysctl values: integer literals become numbers, anything else a string', () => {
    const p = apply(INTEL_TWO_VOLUMES, 'sysctl.hw.memsize=4294967296', 'sysctl.kern.osrelease=23.1.0', 'sysctl.hw.optional.avx512f=1');
    assert.equal(p.sysctl['hw.memsize'], 4294967296);
    assert.equal(p.sysctl['kern.osrelease'], '23.1.0');
    assert.equal(p.sysctl['hw.optional.avx512f'], 1);
    assert.equal(summarizeProfile(p).ramBytes, 4294967296);
  });

  it('null removes a sysctl (absent, not null)', () => {
    const p = apply(M1, 'sysctl.hw.optional.arm64=null');
    assert.equal('hw.optional.arm64' in p.sysctl, false);
    assert.equal('hw.optional.arm64' in builtin(M1).sysctl, true, 'the original is untouched');
  });

  it('systemVersion.ProductVersion also updates the boot volume and the linked sysctls', () => {
    const before = structuredClone(builtin(INTEL_TWO_VOLUMES));
    const p = apply(INTEL_TWO_VOLUMES, 'systemVersion.ProductVersion=14.0', 'systemVersion.ProductBuildVersion=23A344');
    assert.equal(p.systemVersion.ProductVersion, '14.0');
    assert.equal(p.systemVersion.ProductUserVisibleVersion, '14.0');
    assert.equal(p.volumes[0]!.systemVersion?.ProductVersion, '14.0');
    assert.equal(p.volumes[0]!.systemVersion?.ProductBuildVersion, '23A344');
    assert.deepEqual(p.volumes[0]!.systemVersion, p.systemVersion);
    assert.equal(p.volumes[1]!.systemVersion, null, 'the OS-less volume stays OS-less');
    assert.equal(p.sysctl['kern.osproductversion'], '14.0');
    assert.equal(p.sysctl['kern.osversion'], '23A344');
    assert.equal(p.sysctl['kern.osrelease'], '23.6.0', 'kern.osrelease is not derived');
    assert.deepEqual(builtin(INTEL_TWO_VOLUMES), before, 'never mutates its input');
  });

  it('systemVersion without kern.osproductversion (10.x) only touches the plist and the boot volume', () => {
    const p = apply('macbook-late2008-10.6.8', 'systemVersion.ProductVersion=10.6.7');
    assert.equal(p.systemVersion.ProductVersion, '10.6.7');
    assert.equal(p.volumes[0]!.systemVersion?.ProductVersion, '10.6.7');
    assert.equal('kern.osproductversion' in p.sysctl, false);
  });

  it('rosetta=false and rosetta=true are shorthands for rosetta.installed', () => {
    const off = apply(M1, 'rosetta=false');
    assert.equal(off.rosetta?.installed, false);
    assert.deepEqual(off.rosetta?.sysctl, builtin(M1).rosetta?.sysctl);
    assert.equal(summarizeProfile(off).rosetta, false);
    assert.equal(apply('macbookair-m1-2020-11.7.10', 'rosetta=true').rosetta?.installed, true);
    assert.equal(apply(M1, 'rosetta.installed=false').rosetta?.installed, false);
    assert.deepEqual(apply(INTEL_TWO_VOLUMES, 'rosetta=false'), builtin(INTEL_TWO_VOLUMES), 'no Rosetta on Intel: a no-op');
  });

  it('launch.mode=cli sets COMMAND_LINE_INSTALL, gui removes it', () => {
    const cli = apply(M1, 'launch.mode=cli');
    assert.equal(cli.launch?.mode, 'cli');
    assert.equal(cli.env?.COMMAND_LINE_INSTALL, '1');
    const gui = apply('macbookpro-16-2019-15.7.1-cli', 'launch.mode=gui');
    assert.equal(gui.launch?.mode, 'gui');
    assert.equal(gui.env?.COMMAND_LINE_INSTALL, undefined);
    assert.equal(apply(M1, 'launch.rosettaShell=true').env?.COMMAND_LINE_INSTALL, undefined);
  });

  it('receipts: verbatim keys, scalar means the version', () => {
    const p = apply(M1, 'volumes[0].receipts.com.example.app=2.1');
    assert.deepEqual(p.volumes[0]!.receipts?.['com.example.app'], { version: '2.1' });
    const removed = apply('macbookair-m1-2020-12.7.6-example-app-1.0', 'volumes[0].receipts.com.example.app=null');
    assert.deepEqual(removed.volumes[0]!.receipts, {});
  });

  it('second volume, env, gestalt, files, JSON values', () => {
    const p = apply(
      INTEL_TWO_VOLUMES,
      'volumes[1].availableKilobytes=1000',
      'env.FOO=bar',
      'env.FOO=baz',
      'gestalt.sysv=null',
      'desktopSessionCount=2',
      'volumes[0].files./Applications/Foo.app=directory',
      'volumes[0].files./Applications/Bar.app={"type":"bundle","info":{"CFBundleShortVersionString":"2.0"}}',
      'languages=["fr","en"]',
    );
    assert.equal(p.volumes[1]!.availableKilobytes, 1000);
    assert.equal(p.env?.FOO, 'baz', 'later sets win');
    assert.equal(p.gestalt?.sysv, null);
    assert.equal('sysv' in (p.gestalt ?? {}), true, 'null is a legal gestalt value: kept');
    assert.equal(p.desktopSessionCount, 2);
    assert.deepEqual(p.volumes[0]!.files?.['/Applications/Foo.app'], { type: 'directory' });
    assert.deepEqual(p.volumes[0]!.files?.['/Applications/Bar.app'], { type: 'bundle', info: { CFBundleShortVersionString: '2.0' } });
    assert.deepEqual(p.languages, ['fr', 'en']);
  });

  it('volume systemVersion=null makes an OS-less volume; [n]=null drops a volume; [len]={...} appends one', () => {
    const p = apply(INTEL_TWO_VOLUMES, 'volumes[1]=null', 'volumes[1]={"mountpoint":"/Volumes/USB","availableKilobytes":5}');
    assert.deepEqual(
      p.volumes.map((v) => v.mountpoint),
      ['/', '/Volumes/USB'],
    );
    const q = apply(INTEL_TWO_VOLUMES, 'volumes[1].systemVersion=null', 'volumes[1].name=Backup');
    assert.equal(q.volumes[1]!.systemVersion, null);
    assert.equal(q.volumes[1]!.name, 'Backup');
  });

  it('no sets returns an equal copy', () => {
    const p = applyOverrides(builtin(M1), []);
    assert.deepEqual(p, builtin(M1));
    assert.notEqual(p, builtin(M1));
  });

  const errors: Array<[string, string, string, string]> = [
    [M1, 'nonsense', 'nonsense: expected PATH=VALUE', 'OVERRIDE_SYNTAX'],
    [M1, '=1', '=1: expected PATH=VALUE', 'OVERRIDE_SYNTAX'],
    [M1, 'foo.bar=1', 'foo.bar=1: unknown path: a profile has no field "foo"', 'OVERRIDE_UNKNOWN_PATH'],
    [M1, 'launch.colour=red', 'launch.colour=red: unknown path: launch has no field "colour" (fields: mode, rosettaShell)', 'OVERRIDE_UNKNOWN_PATH'],
    [M1, 'volumes[0].availableKilobytes=lots', 'volumes[0].availableKilobytes=lots: expected integer, got "lots"', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'desktopSessionCount=1.5', 'desktopSessionCount=1.5: expected integer', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'launch.mode=tty', 'launch.mode=tty: expected one of "gui", "cli"', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'launch.rosettaShell=yes', 'launch.rosettaShell=yes: expected boolean', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'arch=sparc', 'arch=sparc: expected one of "ppc", "i386", "x86_64", "arm64"', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'name=null', 'name=null: name is required and cannot be removed', 'OVERRIDE_VALUE_INVALID'],
    [
      M1,
      'volumes[1].availableKilobytes=1000',
      'volumes[1].availableKilobytes=1000: volumes[1] does not exist (the list has 1 element',
      'OVERRIDE_UNKNOWN_PATH',
    ],
    [
      M1,
      'volumes[5]={"mountpoint":"/x","availableKilobytes":1}',
      'volumes[5]={"mountpoint":"/x","availableKilobytes":1}: volumes[5] does not exist',
      'OVERRIDE_UNKNOWN_PATH',
    ],
    [M1, 'env[0]=x', 'env[0]=x: env is not a list', 'OVERRIDE_UNKNOWN_PATH'],
    [M1, 'languages={oops', 'languages={oops: the value starts with "{" or "[" but is not valid JSON', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'volumes[0].files./x=link', 'volumes[0].files./x=link: a file is "file", "directory" or a JSON object', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'gpus=3', 'gpus=3: expected array (as JSON)', 'OVERRIDE_VALUE_INVALID'],
    [M1, 'sysctl.__proto__=1', 'sysctl.__proto__=1: "__proto__" is a reserved name', 'OVERRIDE_RESERVED_NAME'],
    [M1, 'constructor=1', 'constructor=1: unknown path: a profile has no field "constructor"', 'OVERRIDE_UNKNOWN_PATH'],
    [M1, `defaults={"a":${'['.repeat(80)}${']'.repeat(80)}}`, 'defaults={"a":[[[', 'OVERRIDE_VALUE_INVALID'],
  ];
  for (const [id, arg, message, code] of errors) {
    it(`rejects ${arg.slice(0, 60)} (${code})`, () => {
      assert.throws(
        () => apply(id, arg),
        (error: unknown) => {
          assert.ok(error instanceof InputError, String(error));
          assert.equal(error.code, code);
          assert.ok(error.message.startsWith(message), error.message);
          return true;
        },
      );
    });
  }

  it('re-validates the result', () => {
    const invalid: Array<[string, string, string]> = [
      [INTEL_TWO_VOLUMES, 'rosetta=true', 'rosetta: only allowed when arch is "arm64"'],
      [M1, 'sysctl.sysctl.proc_translated=null', 'sysctl.sysctl.proc_translated: required when arch is "arm64"'],
      [M1, 'volumes[0].mountpoint=Macintosh', 'volumes[0].mountpoint: must be an absolute path'],
      [INTEL_TWO_VOLUMES, 'sysctl.sysctl.proc_translated=0', 'sysctl.sysctl.proc_translated: must not be defined'],
      [M1, 'id=Not_Kebab', 'id: must be kebab-case'],
    ];
    for (const [id, arg, problem] of invalid) {
      assert.throws(
        () => apply(id, arg),
        (error: unknown) => {
          assert.ok(error instanceof InputError, String(error));
          assert.equal(error.code, 'OVERRIDE_PROFILE_INVALID');
          const lines = error.message.split('\n');
          assert.equal(lines[0], `${arg}: the profile is no longer valid`);
          assert.ok(
            lines.some((l) => l.startsWith(`${id} (after overrides): ${problem}`)),
            error.message,
          );
          return true;
        },
      );
    }
  });
});
