import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { applyOverrides, loadProfiles, parseWhere, resolveInheritance, validateProfileData } from '../../src/profile/index.js';
import type { Profile } from '../../src/profile/types.js';
import { parsePolicies } from '../../src/installer/policy.js';
import { builtinProfiles, runCli } from '../helpers.js';

/** Names every plain object inherits, or that JavaScript treats specially. */
const RESERVED = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const M1 = 'macbookair-m1-2020-12.7.6';
const INTEL = 'macmini-2018-14.8.3';

const objectKeys = Object.keys;
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

/** The process is unpolluted: nothing new on Object.prototype, built-ins untouched. */
function assertClean(): void {
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.keys, objectKeys);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeNames);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
}

/** Runs `fn`; it either returns or throws an InputError with a code (never a TypeError or a RangeError). */
function outcome<T>(fn: () => T): { value: T } | { error: InputError } {
  try {
    return { value: fn() };
  } catch (error) {
    assert.ok(error instanceof InputError, `not an InputError: ${String((error as Error)?.stack ?? error)}`);
    assert.match(error.code, /^[A-Z][A-Z0-9_]+$/);
    return { error };
  }
}

/** Every object in the profile has the ordinary prototype and no inherited `polluted`. */
function assertPlainData(value: unknown, at = '(root)'): void {
  const stack: Array<[unknown, string]> = [[value, at]];
  while (stack.length > 0) {
    const [v, where] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (!Array.isArray(v)) {
      assert.equal(Object.getPrototypeOf(v), Object.prototype, `${where} has another prototype`);
      assert.equal((v as Record<string, unknown>).polluted === undefined || Object.hasOwn(v, 'polluted'), true, `${where} inherits "polluted"`);
    }
    for (const [k, child] of Object.entries(v)) stack.push([child, `${where}.${k}`]);
  }
}

function builtin(id: string): Profile {
  return builtinProfiles().find((p) => p.id === id)!;
}

describe('reserved names in CLI values and profile data', () => {
  afterEach(assertClean);

  it('--policy NAME=VALUE: an unknown policy, never a crash', () => {
    for (const name of RESERVED) {
      for (const flag of [`${name}=x`, `${name}=`, name, `truthiness=${name}`]) {
        const r = outcome(() => parsePolicies([flag]));
        assert.ok('error' in r, flag);
        assert.equal(r.error.code, name === flag.split('=')[0] ? 'POLICY_UNKNOWN' : 'POLICY_VALUE_INVALID', flag);
        assert.doesNotMatch(r.error.message, /^--policy/, 'the library does not name the flag');
      }
    }
    assert.deepEqual(objectKeys(parsePolicies([])).sort(), objectKeys(parsePolicies(['truthiness=strict'])).sort());
  });

  it('--set into every map: a reserved key is an own entry or an InputError, never a prototype', () => {
    const maps: Array<[string, string, string]> = [
      [INTEL, 'sysctl', '1'],
      [M1, 'rosetta.sysctl', '1'],
      [INTEL, 'env', 'x'],
      [INTEL, 'gestalt', '1'],
      [INTEL, 'uncertain', 'why'],
      [INTEL, 'run', '0'],
      [INTEL, 'volumes[0].receipts', '1.0'],
      [INTEL, 'volumes[0].files', 'file'],
      [INTEL, 'defaults', 'x'],
      [INTEL, 'systemVersion', 'x'],
    ];
    for (const [id, map, value] of maps) {
      for (const name of RESERVED) {
        for (const raw of [value, '{"polluted":1}', `{"${name}":{"polluted":1}}`]) {
          const arg = `${map}.${name}=${raw}`;
          const r = outcome(() => applyOverrides(builtin(id), [arg]));
          if (name === '__proto__') assert.ok('error' in r, `${arg} is refused`);
          if ('value' in r) assertPlainData(r.value, arg);
          assertClean();
        }
      }
    }
    const env = applyOverrides(builtin(INTEL), ['env.constructor=x', 'env.toString=y', 'sysctl.valueOf=7']);
    assert.equal(Object.getOwnPropertyDescriptor(env.env!, 'constructor')?.value, 'x');
    assert.equal(env.env!.toString, 'y');
    assert.equal(env.sysctl.valueOf, 7);
    assert.ok('error' in outcome(() => applyOverrides(builtin(INTEL), ['sysctl.__proto__=1'])));
  });

  it('--set with a reserved name as a field or path start: an InputError', () => {
    for (const name of RESERVED) {
      for (const arg of [
        `${name}=1`,
        `${name}.x=1`,
        `${name}.polluted=1`,
        `launch.${name}=1`,
        `volumes[0].${name}=1`,
        `volumes[0].${name}.x=1`,
        `${name}[0]=1`,
        `${name}={"polluted":1}`,
      ]) {
        const r = outcome(() => applyOverrides(builtin(INTEL), [arg]));
        assert.ok('error' in r, `${arg} is refused`);
        assert.doesNotMatch(r.error.message, /^--set/, 'the library does not name the flag');
      }
    }
  });

  it('--where with reserved names as keys and values', () => {
    for (const name of RESERVED) {
      for (const expr of [`${name}=1`, `arch=${name}`, `ram>=1${name}`, `os=${name}`, `rosetta=${name}`, `launch=${name}`, `model=${name}`, `id=${name}`]) {
        const r = outcome(() => parseWhere(expr));
        if ('error' in r) assert.doesNotMatch(r.error.message, /^--where/);
      }
    }
  });

  describe('profile files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'distsim-reserved-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** Writes raw JSON text (JSON.parse makes "__proto__" an own key) and loads it. */
    function load(name: string, text: string): ReturnType<typeof outcome<Profile[]>> {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, text);
      return outcome(() => loadProfiles({ builtin: false, files: [file] }));
    }

    it('a "__proto__" key anywhere is refused with its JSON path; other reserved keys are ordinary entries', () => {
      for (const name of RESERVED) {
        for (const map of ['sysctl', 'env', 'gestalt', 'defaults', 'uncertain', 'run']) {
          const value = map === 'sysctl' || map === 'run' || map === 'gestalt' ? '1' : '"x"';
          const r = load(`${map}-${name}`, `{"id":"r-${map}","extends":"${INTEL}","${map}":{"${name}":{"polluted":1},"other":${value}}}`);
          if (name === '__proto__') {
            assert.ok('error' in r, `${map}.${name}`);
            assert.match(r.error.message, new RegExp(`${map}\\.__proto__: reserved name`));
          }
          if ('value' in r) assertPlainData(r.value);
          const plain = load(`${map}-${name}-plain`, `{"id":"r-${map}","extends":"${INTEL}","${map}":{"${name}":${value}}}`);
          if (name === '__proto__') assert.ok('error' in plain);
          else if ('value' in plain) {
            assertPlainData(plain.value);
            assert.ok(Object.hasOwn((plain.value[0] as unknown as Record<string, object>)[map]!, name), `${map}.${name} is an own entry`);
          }
        }
        const top = load(`top-${name}`, `{"id":"r-top","extends":"${INTEL}","${name}":{"polluted":1,"rosetta":{"installed":true}}}`);
        assert.ok('error' in top, `top-level ${name}`);
        const nested = load(
          `vol-${name}`,
          `{"id":"r-vol","extends":"${INTEL}","volumes":[{"mountpoint":"/","availableKilobytes":1,"${name}":{"polluted":1}}]}`,
        );
        assert.ok('error' in nested, `volumes[0].${name}`);
        const extendsName = load(`ext-${name}`, `{"id":"r-ext","extends":"${name}"}`);
        assert.ok('error' in extendsName);
        assert.equal(extendsName.error.message.endsWith(`extends: unknown profile "${name}"`), true, extendsName.error.message);
      }
    });

    it('languages naming an Object.prototype member is refused, not passed on as a lookup key', () => {
      for (const name of RESERVED) {
        const r = load(`lang-${name}`, `{"id":"r-lang","extends":"${INTEL}","languages":["${name}","en"]}`);
        if (name === 'prototype') {
          assert.ok('value' in r, 'plain objects have no "prototype": an ordinary (unknown) language');
          continue;
        }
        assert.ok('error' in r, name);
        assert.match(r.error.message, new RegExp(`languages\\[0\\]: "${name}" is not a language`));
      }
    });

    it('resolveInheritance and validateProfileData hold with own "__proto__" keys from JSON.parse', () => {
      const child = JSON.parse(`{"id":"c","extends":"p","sysctl":{"__proto__":{"polluted":1}},"__proto__":{"polluted":2}}`) as Record<string, unknown>;
      const parent = JSON.parse(`{"id":"p","sysctl":{"a":1}}`) as Record<string, unknown>;
      const [, resolved] = resolveInheritance([
        { data: parent, source: 'p.json' },
        { data: child, source: 'c.json' },
      ]);
      assertPlainData(resolved!.profile);
      assert.ok(Object.hasOwn(resolved!.profile.sysctl, '__proto__'), 'kept as an own key, for validation to refuse');
      const problems = validateProfileData(resolved!.profile, 'c.json');
      assert.ok(problems.includes('c.json: sysctl.__proto__: reserved name, not allowed as a key'), problems.join('\n'));
      assert.ok(problems.includes('c.json: __proto__: reserved name, not allowed as a key'), problems.join('\n'));
    });
  });
});

describe('reserved names on the command line (end to end)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-reserved-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function exits(args: string[], expected: 0 | 2): Promise<void> {
    const r = await runCli(args);
    assert.equal(r.code, expected, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
  }

  for (const name of RESERVED) {
    it(`${name} through --policy, --set, --where, -p and a profile file`, async () => {
      const base = ['run', 'examples/example-app.xml', '-f', 'json'];
      await exits([...base, '-p', INTEL, '--policy', `${name}=x`], 2);
      await exits([...base, '-p', INTEL, '--policy', `truthiness=${name}`], 2);
      await exits([...base, '-p', INTEL, '--set', `${name}.x=1`], 2);
      await exits([...base, '-p', INTEL, '--set', `sysctl.${name}={"polluted":1}`], 2);
      await exits([...base, '-p', INTEL, '--set', `env.${name}=x`], name === '__proto__' ? 2 : 0);
      await exits([...base, '-p', INTEL, '--where', `${name}=1`], 2);
      await exits([...base, '-p', name], 2);
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, `{"id":"reserved-cli","extends":"${INTEL}","env":{"${name}":"x"},"languages":["${name}"]}`);
      await exits([...base, '--profile-file', file], name === 'prototype' ? 0 : 2);
    });
  }
});
