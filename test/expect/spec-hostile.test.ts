/**
 * Expectation files are input: each attack below must end in one located
 * SpecError (or be harmless data), quickly, with no stack overflow and no
 * change to any prototype.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSpec, parseSpec, SpecError } from '../../src/expect/index.js';
import { compilePattern, searchPattern } from '../../src/expect/pattern.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-spec-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The SpecError for a text, and how long it took. */
function refused(text: string): { error: SpecError; ms: number } {
  const start = performance.now();
  try {
    parseSpec(text, 'h.yaml', dir);
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected a SpecError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'one line');
    return { error, ms: performance.now() - start };
  }
  assert.fail('accepted');
}

const MIB = 1024 * 1024;
const VALID_TAIL = 'distributions: [{ path: a.xml, expect: [{ installable: true }] }]\n';

describe('hostile expectation files', () => {
  it('deep flow nesting is refused before the parser (a megabyte of [ would take it seconds)', () => {
    const { error, ms } = refused(`a: ${'['.repeat(MIB - 10)}`);
    assert.equal(error.code, 'SPEC_MALFORMED');
    assert.match(error.message, /^h\.yaml:1:\d+: more than 32 nested \[ \] or \{ \}$/);
    assert.ok(ms < 1000, `${ms} ms`);
  });

  it('brackets inside quoted strings and comments are not nesting', () => {
    const spec = parseSpec(
      `# ${'['.repeat(100)}\ndistributions: [{ path: a.xml, expect: [{ installationCheck: { message: '${'\\['.repeat(50)}' } }] }]\n`,
      'h.yaml',
      dir,
    );
    assert.equal(spec.distributions.length, 1);
  });

  it('block nesting on one line (- - - …) and deep indentation are refused', () => {
    assert.match(refused(`a:\n${'- '.repeat(MIB / 4)}x\n`).error.message, /^h\.yaml:2:\d+: more than 32 nested "- " or "\? " on one line$/);
    let deep = '';
    for (let i = 0; i < 300; i++) deep += `${' '.repeat(i)}k${i}:\n`;
    assert.match(refused(deep).error.message, /indented more than 256 columns/);
  });

  it('nesting deeper than 32 within those bounds is refused with its line', () => {
    let text = '';
    for (let i = 0; i < 40; i++) text += `${' '.repeat(i * 2)}k${i}:\n`;
    const { error } = refused(`${text}${' '.repeat(80)}x: 1\n`);
    assert.match(error.message, /^h\.yaml:33:\d+: nested deeper than 32 levels$/);
  });

  it('an alias bomb is refused', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const { error, ms } = refused(bomb);
    assert.match(error.message, /aliases expand to too much data/);
    assert.ok(ms < 1000);
  });

  it('too many aliases, and an alias inside its own anchor, are refused', () => {
    const many = `a: &a x\nb: [${Array.from({ length: 65 }, () => '*a').join(', ')}]\n`;
    assert.match(refused(many).error.message, /more than 64 aliases/);
    assert.match(refused('a: &a [1, *a]\n').error.message, /nested deeper than 32 levels once aliases are expanded/);
  });

  it('an alias chain cannot nest past the bound', () => {
    const chain = ['a0: &a0 [x]', ...Array.from({ length: 40 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`)].join('\n');
    assert.match(refused(chain).error.message, /aliases expand to too much data|nested deeper than 32 levels once aliases are expanded/);
  });

  it('explicit tags, collection keys, alias keys and several documents are refused', () => {
    assert.match(refused('a: !!binary aGVsbG8=\n').error.message, /^h\.yaml:1:\d+: explicit tag tag:yaml.org,2002:binary is not supported$/);
    assert.match(refused('a: !!set { x, y }\n').error.message, /explicit tag/);
    assert.match(refused('? [a, b]\n: 1\n').error.message, /^h\.yaml:1:3: a key must be a plain value/);
    assert.match(refused('a: &k x\n*k : 1\n').error.message, /a key must be a plain value, not an alias/);
    assert.match(refused(`${VALID_TAIL}---\n${VALID_TAIL}`).error.message, /^h\.yaml:2:1: more than one YAML document/);
    assert.match(refused('a: !custom 1\n').error.message, /^h\.yaml:1:\d+: explicit tag !custom is not supported$/);
  });

  it('__proto__ and constructor are data, never prototypes', () => {
    const spec = parseSpec(
      'distributions:\n  - path: a.xml\n    expect:\n      - choices:\n          __proto__: { selected: true }\n          constructor: { visible: false }\n        volumes:\n          toString: { passed: true }\n',
      'h.yaml',
      dir,
    );
    const whats = spec.distributions[0]!.expectations[0]!.assertions.map((a) => a.what);
    assert.deepEqual(whats, ['volumes.toString.passed', 'choices.__proto__.selected', 'choices.constructor.visible']);
    assert.equal(({} as Record<string, unknown>).selected, undefined, 'Object.prototype untouched');
    assert.match(refused(`constructor: 1\n${VALID_TAIL}`).error.message, /unknown property "constructor"/);
    assert.match(refused(`__proto__: {}\n${VALID_TAIL}`).error.message, /unknown property "__proto__"/);
  });

  it('a file over 1 MiB is refused before it is parsed', () => {
    const file = path.join(dir, 'big.yaml');
    writeFileSync(file, `${VALID_TAIL}# ${'x'.repeat(MIB)}\n`);
    assert.throws(() => loadSpec(file), { code: 'FILE_TOO_LARGE' });
    assert.throws(() => parseSpec(`${VALID_TAIL}# ${'x'.repeat(MIB)}\n`, 'h.yaml', dir), { code: 'FILE_TOO_LARGE', message: 'h.yaml:1:1: larger than 1 MiB' });
  });

  it('many keys in one mapping cost linear time (the YAML package compares each key with every earlier one)', () => {
    const cpu = (keys: number): number => {
      const lines = Array.from({ length: keys }, (_, i) => `          "c${i}": { selected: true }`);
      const text = `distributions:\n  - path: a.xml\n    expect:\n      - choices:\n${lines.join('\n')}\n`;
      assert.ok(text.length < MIB);
      const start = process.cpuUsage();
      // Valid up to 10,000 choices, refused by the schema beyond: parsed either way.
      assert.throws(() => parseSpec(text.replace('- choices:', '- bogus: 1\n        choices:'), 'h.yaml', dir), /unknown property "bogus"/);
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    cpu(2000); // warm-up
    const small = Math.min(cpu(5000), cpu(5000));
    const large = Math.min(cpu(20000), cpu(20000));
    // Linear: about 4 times; the package's pairwise check made it about 16.
    assert.ok(large / small < 9, `5000 keys ${small / 1000} ms, 20000 keys ${large / 1000} ms of CPU`);
  });
});

describe('message patterns', () => {
  it('search the text; ^ and $ anchor; a leading (?i) ignores case', () => {
    const budget = { steps: 1e7 };
    assert.equal(searchPattern(compilePattern('requires macOS 1[0-9]'), 'Example App requires macOS 10.15 or later.', budget), true);
    assert.equal(searchPattern(compilePattern('^requires'), 'Example App requires macOS', budget), false);
    assert.equal(searchPattern(compilePattern('^Example.*later\\.$'), 'Example App requires macOS 10.15 or later.', budget), true);
    assert.equal(searchPattern(compilePattern('(?i)EXAMPLE'), 'an example', budget), true);
    assert.equal(searchPattern(compilePattern('line two'), 'line one\nline two', budget), true);
  });

  it('a pattern that backtracks exponentially elsewhere runs in linear time here', () => {
    const pattern = compilePattern('(a+)+$');
    const subject = `${'a'.repeat(30_000)}!`;
    const start = performance.now();
    assert.equal(searchPattern(pattern, subject, { steps: 50_000_000 }), false);
    assert.ok(performance.now() - start < 3000);
  });

  it('the shared budget ends matching with no verdict instead of running on', () => {
    const budget = { steps: 1000 };
    assert.equal(searchPattern(compilePattern('(x|y)*z'), 'x'.repeat(10_000), budget), undefined);
    assert.equal(budget.steps, 0);
    assert.equal(searchPattern(compilePattern('a'), 'a', budget), undefined, 'spent for the rest of the run');
  });
});
