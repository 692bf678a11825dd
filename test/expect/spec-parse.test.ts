import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSpec, parseSpec, SpecError } from '../../src/expect/index.js';
import type { ExpectationSpec } from '../../src/expect/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-spec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string): ExpectationSpec {
  return parseSpec(text, 's.yaml', dir);
}

/** The SpecError a text gives: its message, code and JSON path. */
function problem(text: string): { message: string; code: string; jsonPath: string; line: number; column: number } {
  try {
    parse(text);
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected a SpecError, got ${String(error)}`);
    return { message: error.message, code: error.code, jsonPath: error.jsonPath, line: error.location!.line, column: error.location!.column };
  }
  assert.fail('the spec was accepted');
}

const GOOD = `profiles:
  ids: [macmini-m4-2024-26.5.2, imac-27-2019-10.15.7]
  set: ['rosetta=false']
policies:
  truthiness: strict
expect:
  - diagnostics: { noErrors: true, absent: [SCRIPT_EXCEPTION] }
distributions:
  - a.xml
  - path: sub/b.xml
    recover: true
    profiles:
      where: ['arch=arm64', 'os>=15']
      files: [mine.json]
    expect:
      - name: arm
        where: arch=arm64
        except: [macmini-m4-2024-26.5.2]
        installable: true
        blockers: []
        installationCheck: { passed: false, resultType: Warn, message: '(?i)memory' }
        volumes:
          /: { eligible: true }
        choices:
          com.example.app: { visible: true, selected: false }
        packages: { installed: [com.example.app], notInstalled: [com.example.x] }
        restartAction: RequireRestart
        log: { contains: ['hello'] }
`;

describe('expectation files: good ones', () => {
  it('reads every part, with paths resolved against the spec directory', () => {
    const spec = parse(GOOD);
    assert.equal(spec.file, 's.yaml');
    assert.equal(spec.policies.truthiness, 'strict');
    assert.equal(spec.distributions.length, 2);
    const [a, b] = spec.distributions as [ExpectationSpec['distributions'][0], ExpectationSpec['distributions'][0]];
    assert.equal(a.file, path.join(dir, 'a.xml'));
    assert.equal(a.recover, false);
    assert.deepEqual(a.profiles.ids, ['macmini-m4-2024-26.5.2', 'imac-27-2019-10.15.7']);
    assert.deepEqual(a.profiles.set, ['rosetta=false']);
    assert.equal(a.profiles.where, null);
    assert.equal(a.expectations.length, 1);
    assert.equal(a.expectations[0]!.name, 'expect[0]');
    assert.deepEqual(
      a.expectations[0]!.assertions.map((x) => [x.kind, x.what, x.location.line, x.location.column]),
      [
        ['no-errors', 'diagnostics.noErrors', 7, 30],
        ['diagnostic', 'diagnostics.absent', 7, 45],
      ],
    );

    assert.equal(b.file, path.join(dir, 'sub', 'b.xml'));
    assert.equal(b.recover, true);
    assert.equal(b.profiles.ids, null);
    assert.deepEqual(
      b.profiles.where!.map((s) => s.expr),
      ['arch=arm64', 'os>=15'],
    );
    assert.deepEqual(b.profiles.files, [path.join(dir, 'mine.json')]);
    assert.equal(b.expectations.length, 2, 'the file-level expectation, then its own');
    const own = b.expectations[1]!;
    assert.equal(own.name, 'arm');
    assert.deepEqual(own.path, ['distributions', 1, 'expect', 0]);
    assert.deepEqual(own.location, { file: 's.yaml', line: 16, column: 9 });
    assert.deepEqual(own.except, ['macmini-m4-2024-26.5.2']);
    assert.deepEqual(
      own.where!.map((s) => s.expr),
      ['arch=arm64'],
    );
    assert.deepEqual(
      own.assertions.map((x) => x.what),
      [
        'installable',
        'blockers',
        'installationCheck.passed',
        'installationCheck.resultType',
        'installationCheck.message',
        'volumes["/"].eligible',
        'choices["com.example.app"].visible',
        'choices["com.example.app"].selected',
        'packages["com.example.app"]',
        'packages["com.example.x"]',
        'restartAction',
        'log',
      ],
    );
    const choice = own.assertions.find((x) => x.what === 'choices["com.example.app"].selected')!;
    assert.deepEqual(choice.location, { file: 's.yaml', line: 25, column: 55 });
  });

  it('reads JSON, which is YAML too', () => {
    const spec = parse(JSON.stringify({ distributions: [{ path: 'x.xml', expect: [{ profiles: ['macmini-m4-2024-26.5.2'], installable: true }] }] }));
    assert.equal(spec.distributions[0]!.expectations[0]!.assertions[0]!.kind, 'installable');
    assert.deepEqual(spec.distributions[0]!.profiles.path, [], 'no profiles block: every built-in, errors at the root');
  });

  it('loads from a file, ignores a UTF-8 byte-order mark and the $schema hint', () => {
    const file = path.join(dir, 'bom.yaml');
    writeFileSync(file, '\ufeff$schema: ../schemas/expectations.schema.json\ndistributions: [{ path: a.xml, expect: [{ installable: true }] }]\n');
    const spec = loadSpec(file);
    assert.equal(spec.file, file);
    assert.equal(spec.distributions[0]!.file, path.join(dir, 'a.xml'));
  });
});

describe('expectation files: bad ones, one located line each', () => {
  it('an unknown property, at its key, with the properties allowed', () => {
    const p = problem('distributions:\n  - path: a.xml\n    expect:\n      - installabel: true\n');
    assert.equal(p.code, 'SPEC_INVALID');
    assert.equal(p.jsonPath, 'distributions[0].expect[0].installabel');
    assert.equal(p.line, 4);
    assert.equal(p.column, 9);
    assert.match(p.message, /^s\.yaml:4:9: unknown property "installabel" \(expected one of: name, profiles, where, except, installable, /);
    assert.match(p.message, / \(at distributions\[0\]\.expect\[0\]\.installabel\)$/);
  });

  it('a wrong type, at the value', () => {
    const p = problem('distributions:\n  - path: a.xml\n    expect:\n      - installable: "yes"\n');
    assert.equal(p.message, 's.yaml:4:22: expected a boolean, found string "yes" (at distributions[0].expect[0].installable)');
  });

  it('a wrong enum value', () => {
    const p = problem('distributions:\n  - path: a.xml\n    expect: [{ restartAction: Reboot }]\n');
    assert.equal(p.jsonPath, 'distributions[0].expect[0].restartAction');
    assert.equal(p.line, 3);
    assert.equal(p.column, 31);
    assert.match(p.message, /expected one of "None", "RecommendRestart", "RequireLogout", "RequireRestart", "RequireShutdown", found "Reboot"/);
  });

  it('a missing required property', () => {
    const p = problem('expect: [{ installable: true }]\n');
    assert.equal(p.message, 's.yaml:1:1: missing required property "distributions" (at (root))');
  });

  it('a choice id quoted in the path', () => {
    const p = problem('distributions: [{ path: a.xml, expect: [{ choices: { "com.x": { visibel: true } } }] }]\n');
    assert.equal(p.jsonPath, 'distributions[0].expect[0].choices["com.x"].visibel');
  });

  it('YAML that does not parse', () => {
    const p = problem('distributions:\n  - path: [a.xml\nb: 1\n');
    assert.equal(p.code, 'SPEC_MALFORMED');
    assert.equal(p.line, 3);
    assert.match(p.message, /^s\.yaml:3:\d+: /);
  });

  it('a duplicate key', () => {
    const p = problem('distributions: []\ndistributions: []\n');
    assert.equal(p.code, 'SPEC_MALFORMED');
    assert.equal(p.line, 2);
    assert.match(p.message, /^s\.yaml:2:1: duplicate key "distributions"$/);
  });

  it('a selector that does not parse, with the selector code', () => {
    const p = problem("distributions:\n  - path: a.xml\n    expect:\n      - where: 'arch=sparc'\n        installable: true\n");
    assert.equal(p.code, 'WHERE_INVALID');
    assert.equal(p.jsonPath, 'distributions[0].expect[0].where');
    assert.equal(p.line, 4);
    assert.equal(p.column, 16);
  });

  it('a pattern that cannot run without backtracking', () => {
    const p = problem("distributions:\n  - path: a.xml\n    expect:\n      - installationCheck: { message: '(a)\\1' }\n");
    assert.equal(p.jsonPath, 'distributions[0].expect[0].installationCheck.message');
    assert.match(p.message, /^s\.yaml:4:39: invalid pattern: .* \(at character \d+\)/);
  });

  it('an unbalanced pattern cannot escape the search wrapper', () => {
    const p = problem("distributions: [{ path: a.xml, expect: [{ installationCheck: { message: 'a)(b' } }] }]\n");
    assert.match(p.message, /invalid pattern/);
  });

  it('an unknown diagnostic code', () => {
    const p = problem('distributions: [{ path: a.xml, expect: [{ diagnostics: { absent: [SCRIPT_EXCEPTON] } }] }]\n');
    assert.equal(p.jsonPath, 'distributions[0].expect[0].diagnostics.absent[0]');
    assert.match(p.message, /unknown diagnostic code SCRIPT_EXCEPTON/);
  });

  it('a code both present and absent, a package both installed and not', () => {
    assert.match(
      problem('distributions: [{ path: a.xml, expect: [{ diagnostics: { present: [ARCH_TRANSLATED], absent: [ARCH_TRANSLATED] } }] }]\n').message,
      /also listed as present/,
    );
    assert.equal(
      problem('distributions: [{ path: a.xml, expect: [{ packages: { installed: [a], notInstalled: [b, a] } }] }]\n').jsonPath,
      'distributions[0].expect[0].packages.notInstalled[1]',
    );
  });

  it('an expectation that asserts nothing, a Distribution with nothing to check', () => {
    assert.equal(problem('distributions: [{ path: a.xml, expect: [{ profiles: [x] }] }]\n').jsonPath, 'distributions[0].expect[0]');
    assert.match(problem('distributions: [a.xml]\n').message, /^s\.yaml:1:17: no expectations for this Distribution \(at distributions\[0\]\)$/);
  });

  it('a policy that does not exist, at its key', () => {
    const p = problem('policies:\n  truthyness: strict\ndistributions: [{ path: a.xml, expect: [{ installable: true }] }]\n');
    assert.equal(p.code, 'POLICY_UNKNOWN');
    assert.equal(p.line, 2);
    assert.equal(p.column, 3);
    assert.equal(p.jsonPath, 'policies.truthyness');
  });

  it('a pattern longer than the bound', () => {
    const p = problem(`distributions: [{ path: a.xml, expect: [{ installationCheck: { message: '${'a'.repeat(901)}' } }] }]\n`);
    assert.match(p.message, /longer than 900 characters/);
  });

  it('a file that is missing, or not UTF-8', () => {
    assert.throws(() => loadSpec(path.join(dir, 'missing.yaml')), { code: 'FILE_UNREADABLE' });
    const file = path.join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    assert.throws(() => loadSpec(file), { code: 'SPEC_MALFORMED', message: `${file}:1:1: not UTF-8 text` });
  });
});
