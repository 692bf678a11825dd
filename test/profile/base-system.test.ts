import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Ajv as AjvClass } from 'ajv';
import semver from 'semver';
import { InputError } from '../../src/errors.js';
import { SimulatedFiles } from '../../src/mocks/filesystem.js';
import { builtinBaseSystemDir, layersFor, loadBaseSystems, pathKey, withBaseSystem } from '../../src/profile/base-system.js';
import type { Profile, RunningApplication } from '../../src/profile/index.js';
import { validateProfileData } from '../../src/profile/index.js';
import { builtin, builtins, minimalProfile, tempDir } from './fixtures.js';

const DOCUMENTED_KEYS = [
  'PSN',
  'Parent PSN',
  'FileType',
  'FileCreator',
  'BundlePath',
  'pid',
  'LSBackgroundOnly',
  'LSUIElement',
  'IsHiddenAttr',
  'RequiresClassic',
  'RequiresCarbon',
];

function files(p: Profile): SimulatedFiles {
  return new SimulatedFiles(withBaseSystem(p));
}

function version(p: Profile): semver.SemVer {
  return semver.coerce(String(p.systemVersion.ProductVersion))!;
}

function guiProfiles(): Profile[] {
  return builtins().filter((p) => (p.desktopSessionCount ?? 1) > 0);
}

function app(p: Profile, id: string): RunningApplication | undefined {
  return withBaseSystem(p).applications?.find((a) => a.CFBundleIdentifier === id);
}

function makeProfile(overrides: Record<string, unknown> = {}): Profile {
  return { ...minimalProfile(), ...overrides } as unknown as Profile;
}

describe('base-system layers (profiles/base-system)', () => {
  const dir = builtinBaseSystemDir();
  const names = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'schema.json');

  it('every layer validates against profiles/base-system/schema.json, with its id as file name', () => {
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
      JSON.parse(readFileSync(path.join(dir, 'schema.json'), 'utf8')) as object,
    );
    assert.ok(names.length >= 10, `only ${names.length} layers`);
    for (const name of names) {
      const data = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { id: string; appliesTo: string; $schema: string };
      assert.ok(validate(data), `${name}: ${JSON.stringify(validate.errors)}`);
      assert.equal(`${data.id}.json`, name);
      assert.equal(data.$schema, './schema.json', name);
      assert.ok(semver.validRange(data.appliesTo), `${name}: appliesTo ${data.appliesTo}`);
    }
    assert.equal(loadBaseSystems().length, names.length);
  });

  it('layers that apply to the same version never define the same path or process', () => {
    const versions = new Set(['10.5.8', '10.6.5', '10.6.6', '10.6.8', '10.9', '10.10', '10.14.6', '10.15', '12.2', '12.3', '13.0', '26.5.2']);
    for (const p of builtins()) versions.add(String(p.systemVersion.ProductVersion));
    for (const v of versions) {
      for (const caseSensitive of [false, true]) {
        const seen = new Map<string, string>();
        for (const { layer } of layersFor(v)) {
          const keys = [
            ...Object.keys(layer.files ?? {}).map((f) => `file:${pathKey(f, caseSensitive)}`),
            ...Object.keys(layer.bundles ?? {}).map((f) => `file:${pathKey(f, caseSensitive)}`),
            ...Object.keys(layer.home ?? {}).map((f) => `home:${pathKey(f, caseSensitive)}`),
            ...(layer.applications ?? []).map((a) => `app:${a.CFBundleIdentifier}`),
          ];
          for (const key of keys) {
            const other = seen.get(key);
            assert.equal(other, undefined, `${v}: ${key} in ${layer.id} and ${other}`);
            seen.set(key, layer.id);
          }
        }
      }
    }
  });

  it('every layer cites sources, and every process carries the documented ProcessInformation keys', () => {
    for (const { layer } of loadBaseSystems()) {
      assert.ok(layer.sources.length > 0, layer.id);
      for (const a of layer.applications ?? []) for (const key of DOCUMENTED_KEYS) assert.ok(key in a, `${layer.id}: ${a.CFBundleIdentifier} lacks ${key}`);
    }
  });
});

describe('withBaseSystem on the built-in profiles', () => {
  it('the Command Line Tools stubs exist from 10.9 on and not before', () => {
    for (const p of builtins()) {
      const f = files(p);
      const expected = semver.gte(version(p), '10.9.0');
      for (const tool of ['/usr/bin/gcc', '/usr/bin/xcodebuild', '/usr/bin/git', '/usr/bin/make', '/usr/bin/clang']) {
        assert.equal(f.exists(tool), expected, `${p.id}: ${tool}`);
      }
    }
  });

  it('every OS has /bin/sh, /bin/bash, Safari, the Finder, the Dock and the standard folders', () => {
    for (const p of builtins()) {
      const f = files(p);
      for (const file of [
        '/bin/sh',
        '/bin/bash',
        '/usr/bin/perl',
        '/usr/sbin/installer',
        '/Library/Application Support',
        '/Users/Shared',
        '/System/Library/Extensions',
        '/var/db',
        '/private/var/root',
        '/etc/hosts',
        '/tmp',
      ]) {
        assert.ok(f.exists(file), `${p.id}: ${file}`);
      }
      assert.equal(f.bundle('/Applications/Safari.app')?.CFBundleIdentifier, 'com.apple.Safari', p.id);
      assert.equal(f.bundle('/System/Library/CoreServices/Finder.app')?.CFBundleIdentifier, 'com.apple.finder', p.id);
      assert.equal(f.bundle('/System/Library/CoreServices/Dock.app')?.CFBundleIdentifier, 'com.apple.dock', p.id);
      assert.equal(f.plist('/Applications/Safari.app/Contents/Info.plist')?.CFBundleName, 'Safari', p.id);
    }
  });

  it('lookups ignore case on the (case-insensitive) built-in volumes', () => {
    for (const p of builtins()) {
      const f = files(p);
      assert.equal(f.bundle('/APPLICATIONS/Safari.app')?.CFBundleIdentifier, 'com.apple.Safari', p.id);
      assert.ok(f.exists('/applications/safari.APP'), p.id);
      assert.ok(f.exists('/USR/BIN/perl'), p.id);
    }
  });

  it('package receipts live in /var/db/receipts from 10.6 on, in /Library/Receipts/boms on 10.5', () => {
    for (const p of builtins()) {
      const f = files(p);
      const snow = semver.gte(version(p), '10.6.0');
      assert.equal(f.exists('/var/db/receipts'), snow, p.id);
      assert.equal(f.exists('/private/var/db/receipts'), snow, p.id);
      assert.equal(f.exists('/Library/Receipts/boms'), !snow, p.id);
    }
  });

  it('Front Row exists on 10.5 and 10.6 only, at both of its paths', () => {
    for (const p of builtins()) {
      const f = files(p);
      const expected = semver.lt(version(p), '10.7.0');
      assert.equal(f.exists('/Applications/Front Row.app'), expected, p.id);
      assert.equal(f.exists('/System/Library/CoreServices/Front Row.app'), expected, p.id);
    }
    assert.ok(files(builtin('powermac-g5-late2005-10.5.8')).exists('/Applications/Front Row.app'));
    assert.ok(files(builtin('macbook-late2008-10.6.8')).exists('/System/Library/CoreServices/Front Row.app'));
  });

  it('Terminal moves to /System/Applications/Utilities in 10.15; iTunes gives way to Music', () => {
    for (const p of builtins()) {
      const f = files(p);
      const catalina = semver.gte(version(p), '10.15.0');
      assert.equal(f.exists('/Applications/Utilities/Terminal.app'), !catalina, p.id);
      assert.equal(f.bundle('/System/Applications/Utilities/Terminal.app')?.CFBundleIdentifier, catalina ? 'com.apple.Terminal' : undefined, p.id);
      assert.equal(f.exists('/Applications/iTunes.app'), !catalina, p.id);
      assert.equal(f.exists('/System/Applications/Music.app'), catalina, p.id);
    }
  });

  it('python 2 is gone from 12.3, the kernel moves in 10.10, the App Store arrives in 10.6.6', () => {
    const at = (id: string) => files(builtin(id));
    assert.ok(at('macbookair-m1-2020-11.7.10').exists('/usr/bin/python'));
    assert.ok(!at('macpro-2019-13.7.8').exists('/usr/bin/python'));
    assert.ok(at('macpro-2019-13.7.8').exists('/usr/bin/python3'));
    assert.ok(at('macbookpro-13-late2013-10.9.5').exists('/mach_kernel'));
    assert.ok(!at('macbookpro-13-early2015-10.10.5').exists('/mach_kernel'));
    assert.ok(at('macbookpro-13-early2015-10.10.5').exists('/System/Library/Kernels/kernel'));
    assert.ok(at('macbook-late2008-10.6.8').exists('/Applications/App Store.app'));
    assert.ok(!at('macbook-2006-10.5.8').exists('/Applications/App Store.app'));
    assert.ok(at('macmini-m4-2024-26.5.2').exists('/System/Applications/System Settings.app'));
    assert.ok(!at('macmini-m4-2024-26.5.2').exists('/System/Applications/System Preferences.app'));
  });

  it("each user's home folder exists, from HOME, USER and SUDO_USER", () => {
    const gui = files(builtin('macbookpro-16-2019-15.7.1'));
    for (const dir of ['/Users/admin', '/Users/admin/Library/Application Support', '/Users/admin/Desktop', '/users/ADMIN/library'])
      assert.ok(gui.exists(dir), dir);
    assert.ok(!gui.exists('/Users/root'));
    const cli = files(builtin('macbookpro-16-2019-15.7.1-cli'));
    for (const dir of ['/var/root', '/var/root/Library/Preferences', '/private/var/root/Library', '/Users/admin/Library']) assert.ok(cli.exists(dir), dir);
  });

  it('the Finder and the Dock run on every built-in GUI profile, with every documented key', () => {
    const gui = guiProfiles();
    assert.ok(gui.length >= 24);
    for (const p of gui) {
      const apps = withBaseSystem(p).applications ?? [];
      for (const id of ['com.apple.finder', 'com.apple.dock', 'com.apple.systemuiserver', 'com.apple.loginwindow']) {
        assert.ok(
          apps.some((a) => a.CFBundleIdentifier === id),
          `${p.id}: ${id}`,
        );
      }
      for (const a of apps) for (const key of DOCUMENTED_KEYS) assert.notEqual(a[key], undefined, `${p.id}: ${a.CFBundleIdentifier}.${key}`);
      assert.equal(new Set(apps.map((a) => a.PSN)).size, apps.length, `${p.id}: PSNs are distinct`);
      assert.equal(new Set(apps.map((a) => a.pid)).size, apps.length, `${p.id}: pids are distinct`);
    }
    const finder = app(builtin('macbookpro-15-mid2015-10.14.6'), 'com.apple.finder')!;
    assert.equal(finder.FileType, 'FNDR');
    assert.equal(finder.FileCreator, 'MACS');
    assert.equal(finder.BundlePath, '/System/Library/CoreServices/Finder.app');
    assert.equal(finder.LSUIElement, false);
    assert.equal(finder['Parent PSN'], app(builtin('macbookpro-15-mid2015-10.14.6'), 'com.apple.loginwindow')!.PSN);
    assert.equal(app(builtin('macbook-2006-10.5.8'), 'com.apple.finder')!.RequiresCarbon, true);
    assert.equal(app(builtin('macbook-late2008-10.6.8'), 'com.apple.finder')!.RequiresCarbon, false);
    assert.equal(app(builtin('macbook-late2008-10.6.8'), 'com.apple.dock')!.LSUIElement, true);
  });

  it("a profile's own process gets the documented keys it leaves out", () => {
    const example = app(builtin('macbookair-m1-2020-12.7.6-example-app-1.0'), 'com.example.app')!;
    assert.ok(example, 'the example app still runs');
    assert.equal(example.FileCreator, '????');
    assert.equal(example.RequiresClassic, false);
    assert.equal(example.RequiresCarbon, false);
    assert.equal(typeof example.PSN, 'number');
    assert.equal(example['Parent PSN'], app(builtin('macbookair-m1-2020-12.7.6-example-app-1.0'), 'com.apple.loginwindow')!.PSN);
  });

  it('the merged built-in profiles still validate', () => {
    for (const p of builtins()) assert.deepEqual(validateProfileData(withBaseSystem(p), p.id), [], p.id);
  });
});

describe('withBaseSystem rules', () => {
  it("the profile's own files and processes win; nothing is added without a session or an OS", () => {
    const p = makeProfile({
      desktopSessionCount: 0,
      volumes: [
        {
          mountpoint: '/',
          availableKilobytes: 1,
          systemVersion: { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' },
          files: { '/bin/SH': { type: 'directory' }, '/Applications/Safari.app': { type: 'bundle', info: { CFBundleIdentifier: 'com.example.fake' } } },
        },
        { mountpoint: '/Volumes/Data', availableKilobytes: 1, systemVersion: null },
      ],
    });
    const merged = withBaseSystem(p);
    const f = new SimulatedFiles(merged);
    assert.equal(f.lookup('/bin/sh')?.type, 'directory');
    assert.equal(f.bundle('/Applications/Safari.app')?.CFBundleIdentifier, 'com.example.fake');
    assert.deepEqual(merged.applications, []);
    assert.ok(!f.exists('/Volumes/Data/bin/sh'), 'an OS-less volume gets no base files');
    assert.ok(f.exists('/Volumes/Data'));
    assert.equal(p.volumes[0]!.files!['/usr/bin/gcc'], undefined, 'the input profile is not changed');
  });

  it('a process the profile lists replaces the base one with the same bundle identifier', () => {
    const p = makeProfile({ applications: [{ CFBundleIdentifier: 'com.apple.finder', pid: 4242, BundlePath: '/Applications/Finder Copy.app' }] });
    const apps = withBaseSystem(p).applications!;
    const finders = apps.filter((a) => a.CFBundleIdentifier === 'com.apple.finder');
    assert.equal(finders.length, 1);
    assert.equal(finders[0]!.pid, 4242);
    assert.equal(finders[0]!.CFBundleName, 'Finder Copy');
    assert.deepEqual(
      apps.map((a) => a.CFBundleIdentifier),
      ['com.apple.loginwindow', 'com.apple.dock', 'com.apple.systemuiserver', 'com.apple.finder'],
    );
  });

  it('a file the profile lists under a link exists under its other name too', () => {
    const p = makeProfile({
      volumes: [
        {
          mountpoint: '/',
          availableKilobytes: 1,
          systemVersion: { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' },
          files: { '/var/db/receipts/com.example.pkg.plist': { type: 'file' }, '/private/etc/example.conf': { type: 'file' } },
        },
      ],
    });
    const f = files(p);
    assert.ok(f.exists('/private/var/db/receipts/com.example.pkg.plist'));
    assert.ok(f.exists('/etc/example.conf'));
  });

  it('a case-sensitive volume is looked up case-sensitively', () => {
    const p = makeProfile({
      volumes: [
        {
          mountpoint: '/',
          availableKilobytes: 1,
          caseSensitive: true,
          systemVersion: { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' },
        },
      ],
    });
    const f = files(p);
    assert.ok(f.exists('/Applications/Safari.app'));
    assert.ok(!f.exists('/APPLICATIONS/Safari.app'));
  });

  it('hostile environment values and lookup names find nothing', () => {
    const systemVersion = { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' };
    const p = makeProfile({
      env: { USER: '../etc', SUDO_USER: 'a/b', HOME: '/' },
      volumes: [{ mountpoint: '/', availableKilobytes: 1, systemVersion, receipts: { 'com.example.pkg': { version: '1.0' } } }],
    });
    const merged = withBaseSystem(p);
    const f = new SimulatedFiles(merged);
    assert.ok(!f.exists('/Users/../etc/Library'));
    assert.ok(!f.exists('/Library/Desktop'), 'HOME=/ adds no home folders at the root');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(merged.sysctl[name], undefined, name);
      assert.equal(merged.env?.[name], undefined, name);
      assert.equal(merged.volumes[0]!.receipts?.[name], undefined, name);
      assert.equal(merged.volumes[0]!.files?.[name], undefined, name);
    }
  });

  it('is cached per profile and deterministic', () => {
    const p = builtin('macmini-m4-2024-26.5.2');
    assert.equal(withBaseSystem(p), withBaseSystem(p));
    assert.deepEqual(JSON.parse(JSON.stringify(withBaseSystem(structuredClone(p)))), JSON.parse(JSON.stringify(withBaseSystem(p))));
  });
});

describe('loadBaseSystems', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const write = (layers: Record<string, unknown>): string => {
    const dir = tempDir();
    dirs.push(dir);
    mkdirSync(dir, { recursive: true });
    for (const [name, data] of Object.entries(layers)) writeFileSync(path.join(dir, name), typeof data === 'string' ? data : JSON.stringify(data));
    return dir;
  };
  const layer = (id: string, appliesTo: string) => ({ id, description: 'x', appliesTo, sources: ['x'] });

  it('reads a directory once, in file-name order, and applies layers by version', () => {
    const dir = write({ 'b.json': layer('b', '>=11'), 'a.json': { ...layer('a', '>=10.5 <11'), files: { '/x': { type: 'file' } } }, 'schema.json': '{}' });
    const layers = loadBaseSystems(dir);
    assert.equal(loadBaseSystems(dir), layers);
    assert.deepEqual(
      layers.map((l) => l.layer.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      layersFor('10.9.5', layers).map((l) => l.layer.id),
      ['a'],
    );
    assert.deepEqual(
      layersFor('26.0', layers).map((l) => l.layer.id),
      ['b'],
    );
    assert.deepEqual(layersFor('not a version', layers), []);
    assert.ok(Object.isFrozen(layers[0]!.layer.files));
  });

  it('a broken layer is a one-line InputError with a stable code', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'a.json': layer('b', '>=10') }, /id must be the file name/],
      [{ 'a.json': layer('a', 'soon') }, /appliesTo: not a version range/],
      [{ 'a.json': '[1]' }, /expected a JSON object/],
      [{ 'a.json': { ...layer('a', '>=10'), applications: [{}] } }, /applications/],
    ];
    for (const [layers, message] of cases) {
      assert.throws(
        () => loadBaseSystems(write(layers)),
        (e: unknown) => e instanceof InputError && e.code === 'BASE_SYSTEM_INVALID' && message.test(e.message) && !e.message.includes('\n'),
      );
    }
    assert.throws(() => loadBaseSystems(write({ 'a.json': '{' })), InputError);
    assert.throws(
      () => loadBaseSystems(path.join(write({}), 'missing')),
      (e: unknown) => e instanceof InputError && e.code === 'FILE_UNREADABLE',
    );
  });
});
