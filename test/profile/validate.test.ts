import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { builtinProfilesDir, loadProfiles, validateProfileData } from '../../src/profile/index.js';
import { findSyntaxError, parseJsonText } from '../../src/profile/json-parse.js';
import { minimalProfile, writeTemp } from './fixtures.js';

type Mutate = (p: Record<string, unknown>) => void;
const sysctlOf = (p: Record<string, unknown>) => p.sysctl as Record<string, unknown>;
const volumesOf = (p: Record<string, unknown>) => p.volumes as Array<Record<string, unknown>>;

/** Loads `mutate(minimalProfile())` from a temp file; returns the InputError message. */
function loadError(mutate: Mutate): { message: string; file: string } {
  const data = minimalProfile();
  mutate(data);
  const { paths } = writeTemp({ 'p.json': data });
  const file = paths['p.json']!;
  try {
    loadProfiles({ builtin: false, files: [file] });
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return { message: error.message, file };
  }
  assert.fail('expected an InputError');
}

describe('validateProfileData', () => {
  it('accepts the minimal profile', () => {
    assert.deepEqual(validateProfileData(minimalProfile(), 'x.json'), []);
  });

  const cases: Array<{ name: string; mutate: Mutate; problem: string }> = [
    { name: 'wrong sysctl type', mutate: (p) => (sysctlOf(p)['hw.memsize'] = true), problem: 'sysctl.hw.memsize: expected integer' },
    { name: 'fractional sysctl', mutate: (p) => (sysctlOf(p)['hw.memsize'] = 1.5), problem: 'sysctl.hw.memsize: expected integer' },
    { name: 'missing mountpoint', mutate: (p) => delete volumesOf(p)[0]!.mountpoint, problem: 'volumes[0].mountpoint: required' },
    { name: 'missing top-level field', mutate: (p) => delete p.model, problem: 'model: required' },
    {
      name: 'bad id',
      mutate: (p) => (p.id = 'My_Mac'),
      problem: "id: must be kebab-case: lowercase letters and digits, separated by '-' or '.'",
    },
    { name: 'trailing dash in id', mutate: (p) => (p.id = 'mac-'), problem: 'id: must be kebab-case' },
    { name: 'unknown arch', mutate: (p) => (p.arch = 'sparc'), problem: 'arch: expected one of "ppc", "i386", "x86_64", "arm64"' },
    { name: 'unknown field', mutate: (p) => (p.colour = 'red'), problem: 'colour: unknown property' },
    {
      name: 'proc_translated on Intel',
      mutate: (p) => (sysctlOf(p)['sysctl.proc_translated'] = 0),
      problem: 'sysctl.sysctl.proc_translated: must not be defined when arch is "x86_64"',
    },
    {
      name: 'hw.optional.arm64 on Intel',
      mutate: (p) => (sysctlOf(p)['hw.optional.arm64'] = 0),
      problem: 'sysctl.hw.optional.arm64: must not be defined when arch is "x86_64"',
    },
    { name: 'rosetta on Intel', mutate: (p) => (p.rosetta = { installed: true }), problem: 'rosetta: only allowed when arch is "arm64"' },
    {
      name: 'arm64 without proc_translated',
      mutate: (p) => (p.arch = 'arm64'),
      problem: 'sysctl.sysctl.proc_translated: required when arch is "arm64"',
    },
    {
      name: 'arm64 with the translated value as native',
      mutate: (p) => {
        p.arch = 'arm64';
        sysctlOf(p)['sysctl.proc_translated'] = 1;
      },
      problem: 'sysctl.sysctl.proc_translated: must be 0',
    },
    {
      name: 'rosetta shell without Rosetta',
      mutate: (p) => {
        p.arch = 'arm64';
        sysctlOf(p)['sysctl.proc_translated'] = 0;
        p.rosetta = { installed: false };
        p.launch = { mode: 'cli', rosettaShell: true };
      },
      problem: 'launch.rosettaShell: requires rosetta.installed = true',
    },
    {
      name: 'two boot volumes',
      mutate: (p) => volumesOf(p).push({ ...volumesOf(p)[0]! }),
      problem: 'volumes[1].mountpoint: duplicate mountpoint "/" (also volumes[0])',
    },
    {
      name: 'relative mountpoint',
      mutate: (p) => volumesOf(p).push({ mountpoint: 'Volumes/Data', availableKilobytes: 1 }),
      problem: 'volumes[1].mountpoint: must be an absolute path',
    },
    {
      name: 'boot volume with another OS',
      mutate: (p) => ((volumesOf(p)[0]!.systemVersion as Record<string, unknown>).ProductVersion = '13.0'),
      problem: 'volumes[0].systemVersion: must equal systemVersion',
    },
    {
      name: 'negative free space',
      mutate: (p) => (volumesOf(p)[0]!.availableKilobytes = -1),
      problem: 'volumes[0].availableKilobytes: must be >= 0',
    },
    {
      name: 'bad file type',
      mutate: (p) => (volumesOf(p)[0]!.files = { '/Applications/X.app': { type: 'symlink' } }),
      problem: 'volumes[0].files./Applications/X.app.type: expected one of "file", "directory", "plist", "bundle"',
    },
    {
      name: 'bundle without info',
      mutate: (p) => (volumesOf(p)[0]!.files = { '/Applications/X.app': { type: 'bundle' } }),
      problem: 'volumes[0].files./Applications/X.app.info: required',
    },
    {
      name: 'relative file path',
      mutate: (p) => (volumesOf(p)[0]!.files = { 'Applications/X.app': { type: 'directory' } }),
      problem: 'volumes[0].files.Applications/X.app: path must be absolute',
    },
    {
      name: 'receipt without version',
      mutate: (p) => (volumesOf(p)[0]!.receipts = { 'com.example.app': {} }),
      problem: 'volumes[0].receipts.com.example.app.version: required',
    },
    {
      name: 'hw.model disagrees with model',
      mutate: (p) => (sysctlOf(p)['hw.model'] = 'Macmini9,1'),
      problem: 'sysctl.hw.model: must equal model ("Macmini8,1")',
    },
    {
      name: 'kern.osproductversion disagrees',
      mutate: (p) => (sysctlOf(p)['kern.osproductversion'] = '13.0'),
      problem: 'sysctl.kern.osproductversion: must equal systemVersion.ProductVersion ("14.0")',
    },
    {
      name: 'version that is not a version',
      mutate: (p) => {
        (p.systemVersion as Record<string, unknown>).ProductVersion = 'Sonoma';
        (volumesOf(p)[0]!.systemVersion as Record<string, unknown>).ProductVersion = 'Sonoma';
      },
      problem: 'systemVersion.ProductVersion: not a version number: "Sonoma"',
    },
    { name: 'gpu without name', mutate: (p) => (p.gpus = [{ vendorId: '0x8086' }]), problem: 'gpus[0].name: required' },
    { name: 'bad PCI id', mutate: (p) => (p.gpus = [{ name: 'X', vendorId: '8086' }]), problem: 'gpus[0].vendorId: expected a string matching' },
    { name: 'launch mode', mutate: (p) => (p.launch = { mode: 'tty' }), problem: 'launch.mode: expected one of "gui", "cli"' },
    { name: 'env value type', mutate: (p) => (p.env = { N: 1 }), problem: 'env.N: expected string' },
    { name: 'gestalt value type', mutate: (p) => (p.gestalt = { sysv: '4246' }), problem: 'gestalt.sysv: expected integer or null' },
  ];

  for (const c of cases) {
    it(`reports ${c.name} with its path`, () => {
      const data = minimalProfile();
      c.mutate(data);
      const problems = validateProfileData(data, 'profiles/foo.json');
      assert.ok(
        problems.some((line) => line.startsWith(`profiles/foo.json: ${c.problem}`)),
        `expected "${c.problem}" in:\n${problems.join('\n')}`,
      );
    });
  }

  it('reports every problem, one per line', () => {
    const data = minimalProfile();
    sysctlOf(data)['hw.memsize'] = true;
    delete volumesOf(data)[0]!.mountpoint;
    data.id = 'Bad';
    const problems = validateProfileData(data, 'f.json');
    assert.equal(problems.length, 3, problems.join('\n'));
    for (const line of problems) assert.ok(!line.includes('\n'));
  });

  it('ignores extends (it validates resolved profiles)', () => {
    const data = { ...minimalProfile(), extends: 'whatever' };
    assert.deepEqual(validateProfileData(data, 'x.json'), []);
    assert.ok(validateProfileData({ id: 'child', extends: 'parent' }, 'x.json').includes('x.json: name: required'));
  });

  it('rejects a non-object', () => {
    assert.deepEqual(validateProfileData([], 'x.json'), ['x.json: (root): expected object']);
  });
});

describe('loadProfiles errors', () => {
  it('lists every invalid profile problem in one InputError', () => {
    const { message, file } = loadError((p) => {
      sysctlOf(p)['hw.memsize'] = true;
      delete volumesOf(p)[0]!.mountpoint;
    });
    const lines = message.split('\n');
    assert.equal(lines[0], `invalid profile ${file}`);
    assert.ok(lines.includes(`${file}: sysctl.hw.memsize: expected integer`), message);
    assert.ok(lines.includes(`${file}: volumes[0].mountpoint: required`), message);
  });

  it('proc_translated on Intel', () => {
    const { message, file } = loadError((p) => (sysctlOf(p)['sysctl.proc_translated'] = 0));
    assert.ok(message.includes(`${file}: sysctl.sysctl.proc_translated: must not be defined`), message);
  });

  it('extends an unknown profile', () => {
    const { message, file } = loadError((p) => (p.extends = 'no-such-profile'));
    assert.equal(message, `${file}: extends: unknown profile "no-such-profile"`);
  });

  it('extends cycle', () => {
    const { paths } = writeTemp({
      'a.json': { id: 'cycle-a', extends: 'cycle-b' },
      'b.json': { id: 'cycle-b', extends: 'cycle-a' },
    });
    assert.throws(
      () => loadProfiles({ builtin: false, files: [paths['a.json']!, paths['b.json']!] }),
      (error: unknown) => error instanceof InputError && error.message.endsWith('extends: cycle cycle-a -> cycle-b -> cycle-a'),
    );
    const self = writeTemp({ 's.json': { id: 'selfish', extends: 'selfish' } });
    assert.throws(() => loadProfiles({ builtin: false, files: [self.paths['s.json']!] }), /extends: cycle selfish -> selfish$/);
  });

  it('duplicate ids, also against built-ins, name both files', () => {
    const { paths } = writeTemp({ 'one.json': minimalProfile('dup'), 'two.json': minimalProfile('dup') });
    assert.throws(
      () => loadProfiles({ builtin: false, files: [paths['one.json']!, paths['two.json']!] }),
      (error: unknown) => error instanceof InputError && error.message === `duplicate profile id "dup": ${paths['one.json']!} and ${paths['two.json']!}`,
    );
    const clash = writeTemp({ 'mine.json': minimalProfile('macpro-2019-13.7.8') });
    for (const builtin of [true, false]) {
      assert.throws(
        () => loadProfiles({ builtin, files: [clash.paths['mine.json']!] }),
        (error: unknown) =>
          error instanceof InputError &&
          error.message === `duplicate profile id "macpro-2019-13.7.8": profiles/macpro-2019-13.7.8.json and ${clash.paths['mine.json']!}`,
      );
    }
  });

  it('JSON syntax errors give file:line:col', () => {
    const text = '{\n  "id": "x",\n  "name": "y",\n}\n';
    const { paths } = writeTemp({ 'bad.json': text });
    const file = paths['bad.json']!;
    assert.throws(
      () => loadProfiles({ builtin: false, files: [file] }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.message, `${file}:4:1: trailing comma before "}"`);
        return true;
      },
    );
  });

  it('unreadable files and directories', () => {
    const { dir } = writeTemp({});
    const missing = path.join(dir, 'missing.json');
    assert.throws(() => loadProfiles({ files: [missing] }), { message: `cannot read ${missing}: no such file or directory`, code: 'FILE_UNREADABLE' });
    assert.throws(() => loadProfiles({ files: [dir] }), { message: `${dir}: is a directory, not a profile`, code: 'FILE_NOT_REGULAR' });
    assert.throws(() => loadProfiles({ dirs: [missing] }), {
      message: `cannot read profile directory ${missing}: no such file or directory`,
      code: 'FILE_UNREADABLE',
    });
  });

  it('a JSON value that is not an object', () => {
    const { paths } = writeTemp({ 'arr.json': [1, 2] });
    assert.throws(() => loadProfiles({ files: [paths['arr.json']!] }), {
      message: `${paths['arr.json']!}: expected a JSON object (a profile), found an array`,
    });
  });
});

describe('loadProfiles', () => {
  it('returns built-ins then user profiles in the order given', () => {
    const { paths } = writeTemp({ 'b.json': minimalProfile('user-b'), 'a.json': minimalProfile('user-a') });
    const all = loadProfiles({ files: [paths['b.json']!, paths['a.json']!] });
    assert.deepEqual(
      all.slice(-2).map((p) => p.id),
      ['user-b', 'user-a'],
    );
    assert.ok(all.length > 2);
    const mine = loadProfiles({ builtin: false, files: [paths['b.json']!, paths['a.json']!] });
    assert.deepEqual(
      mine.map((p) => p.id),
      ['user-b', 'user-a'],
    );
  });

  it('reads a file named twice, or a built-in named as a user file, once', () => {
    const { paths } = writeTemp({ 'u.json': minimalProfile('user-u') });
    assert.deepEqual(
      loadProfiles({ builtin: false, files: [paths['u.json']!, paths['u.json']!] }).map((p) => p.id),
      ['user-u'],
    );
    const builtinFile = path.join(builtinProfilesDir(), 'macpro-2019-13.7.8.json');
    assert.deepEqual(
      loadProfiles({ builtin: false, files: [builtinFile] }).map((p) => p.id),
      ['macpro-2019-13.7.8'],
    );
    const all = loadProfiles({ files: [builtinFile] });
    assert.equal(all.filter((p) => p.id === 'macpro-2019-13.7.8').length, 1);
    assert.equal(all.at(-1)?.id, 'macpro-2019-13.7.8');
  });

  it('reads directories in file-name order, skipping schema.json and non-JSON files', () => {
    const { dir } = writeTemp({
      'z.json': minimalProfile('dir-z'),
      'a.json': minimalProfile('dir-a'),
      'schema.json': { not: 'a profile' },
      'README.md': '# not a profile',
    });
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'c.json'), JSON.stringify(minimalProfile('dir-c')));
    assert.deepEqual(
      loadProfiles({ builtin: false, dirs: [dir] }).map((p) => p.id),
      ['dir-a', 'dir-z'],
    );
  });

  it('lets a user profile extend a built-in, even when built-ins are not returned', () => {
    const { paths } = writeTemp({
      'big.json': {
        $schema: './schema.json',
        id: 'my-big-m1',
        extends: 'macbookair-m1-2020-12.7.6',
        name: 'My M1 with 16 GB',
        sysctl: { 'hw.memsize': 17179869184, 'hw.optional.amx_version': null },
      },
    });
    const [mine] = loadProfiles({ builtin: false, files: [paths['big.json']!] });
    assert.ok(mine);
    assert.equal(mine.id, 'my-big-m1');
    assert.equal(mine.extends, 'macbookair-m1-2020-12.7.6');
    assert.equal(mine.name, 'My M1 with 16 GB');
    assert.equal(mine.sysctl['hw.memsize'], 17179869184);
    assert.equal(mine.sysctl['hw.model'], 'MacBookAir10,1');
    assert.equal(mine.arch, 'arm64');
    assert.equal(mine.rosetta?.installed, true);
  });

  it('validates the resolved child, naming the child file', () => {
    const { paths } = writeTemp({ 'c.json': { id: 'broken-child', extends: 'macpro-2019-13.7.8', sysctl: { 'sysctl.proc_translated': 0 } } });
    const file = paths['c.json']!;
    assert.throws(() => loadProfiles({ builtin: false, files: [file] }), {
      message: `invalid profile ${file}\n${file}: sysctl.sysctl.proc_translated: must not be defined when arch is "x86_64": the sysctl only exists on Apple silicon`,
    });
  });
});

describe('JSON syntax errors', () => {
  const table: Array<[string, string]> = [
    ['{"a": 1,}', '1:9: trailing comma before "}"'],
    ['[1, 2,]', '1:7: trailing comma before "]"'],
    ['{\n  "a": 1\n  "b": 2\n}', '3:3: expected "," or "}" after a property value, found character "\\""'],
    ["{'a': 1}", '1:2: expected a double-quoted property name, found character "\'"'],
    ['{"a": "unterminated}', '1:7: unterminated string'],
    ['{"a": tru}', '1:7: unexpected character "t"'],
    ['{"a": 01}', '1:8: leading zeros are not allowed in numbers'],
    ['{"a": 1} x', '1:10: unexpected character "x" after the end of the JSON value'],
    ['', '1:1: unexpected end of input: expected a value'],
    ['{"a":\n', '2:1: unexpected end of input: expected a value'],
    ['\ufeff{"a" 1}', '1:6: expected ":" after the property name, found character "1"'],
  ];
  for (const [text, expected] of table) {
    it(JSON.stringify(text), () => {
      assert.throws(() => parseJsonText(text, 'f.json'), { message: `f.json:${expected}` });
    });
  }

  it('accepts valid JSON (and the scanner agrees)', () => {
    const text = '{"a": [1, -2.5e3, "x\\n\\u00e9", true, false, null, {}], "b": {"c": []}}';
    assert.deepEqual(parseJsonText(text, 'f.json'), JSON.parse(text));
    assert.equal(findSyntaxError(text), undefined);
  });
});
