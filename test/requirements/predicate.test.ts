import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_PREDICATE_LENGTH,
  MAX_PREDICATE_NESTING,
  PredicateSyntaxError,
  evaluatePredicate,
  explainOutcome,
  formatClause,
  parsePredicate,
} from '../../src/requirements/predicate.js';
import { sysctlFacts } from '../../src/requirements/sysctl.js';
import { mapFacts, type Facts, type Value } from '../../src/requirements/value.js';

const FACTS = mapFacts(
  new Map<string, Value>([
    ['version', 4.1],
    ['major', 4],
    ['name', 'Intel(R) UHD Graphics 630'],
    ['accented', 'Café'],
    ['extensions', ['GL_ARB_texture_float', 'GL_EXT_framebuffer_object', 'GL_APPLE_client_storage']],
    ['numbers', [1, 2, 3]],
    ['empty', []],
    ['flag', true],
    ['off', false],
    ['tier', 0],
    [
      'limits',
      new Map<string, Value>([
        ['GL_MAX_TEXTURE_SIZE', 16384],
        ['GL_MAX_TEXTURE_STACK_DEPTH', 10],
      ]),
    ],
    [
      'dict',
      new Map<string, Value>([
        ['a', 1],
        ['b', 2],
      ]),
    ],
    ['in', 'reserved-named key'],
  ]),
);

function run(text: string, facts: Facts = FACTS) {
  return evaluatePredicate(parsePredicate(text), facts);
}

function check(rows: Array<[string, boolean]>, facts: Facts = FACTS): void {
  for (const [text, expected] of rows) {
    const outcome = run(text, facts);
    assert.equal(outcome.error, undefined, `${text}: unexpected error ${outcome.error?.message}`);
    assert.equal(outcome.satisfied, expected, text);
  }
}

describe('predicate operators (one row per operator and spelling)', () => {
  it('comparisons', () => {
    check([
      ['version = 4.1', true],
      ['version == 4.1', true],
      ['version != 4', true],
      ['version <> 4.1', false],
      ['version < 5', true],
      ['version <= 4.1', true],
      ['version =< 4', false],
      ['version > 4', true],
      ['version >= 4.1', true],
      ['version => 4.2', false],
      ['major == 4.0', true],
      ['flag == YES', true],
      ['flag == 1', true],
      ['off == NO', true],
      ['off == 0', true],
      ["name > 'Intel'", true],
      ["name < 'Intel'", false],
    ]);
  });

  it('string operators and [c] [d] [cd]', () => {
    check([
      ["name CONTAINS 'UHD'", true],
      ["name CONTAINS 'uhd'", false],
      ["name CONTAINS[c] 'uhd'", true],
      ["name BEGINSWITH 'Intel'", true],
      ["name BEGINSWITH[c] 'INTEL'", true],
      ["name ENDSWITH '630'", true],
      ["name ENDSWITH 'Intel'", false],
      ["name LIKE 'Intel*630'", true],
      ["name LIKE 'Intel(R) UHD Graphics 63?'", true],
      ["name LIKE 'intel*'", false],
      ["name LIKE[c] 'intel*'", true],
      ["name LIKE 'Intel\\\\*'", false],
      ["name MATCHES 'Intel\\\\(R\\\\) UHD.*'", true],
      ["name MATCHES '.*[0-9]{3}'", true],
      ["name MATCHES 'UHD'", false],
      ["name MATCHES[c] 'intel.*'", true],
      ["accented == 'Cafe'", false],
      ["accented ==[d] 'Cafe'", true],
      ["accented ==[cd] 'CAFE'", true],
      ["accented ==[c] 'CAFÉ'", true],
      ["accented BEGINSWITH[dc] 'caf'", true],
    ]);
  });

  it('IN, CONTAINS on collections, BETWEEN', () => {
    check([
      ["'GL_ARB_texture_float' IN extensions", true],
      ["'GL_ARB_vertex_blend' IN extensions", false],
      ["'gl_arb_texture_float' IN[c] extensions", true],
      ['version IN {4.1, 3.2}', true],
      ['version IN {2.1, 3.2}', false],
      ["'UHD' IN name", true],
      ['1 IN dict', true],
      ["'a' IN dict", false],
      ["extensions CONTAINS 'GL_APPLE_client_storage'", true],
      ['numbers CONTAINS 2', true],
      ['numbers CONTAINS 4', false],
      ['version BETWEEN {4, 5}', true],
      ['version BETWEEN {4.2, 5}', false],
      ['version between {4.1, 4.1}', true],
    ]);
  });

  it('ANY, SOME, ALL, NONE', () => {
    check([
      ["ANY extensions BEGINSWITH 'GL_EXT'", true],
      ["ANY extensions BEGINSWITH 'GL_NV'", false],
      ['SOME numbers > 2', true],
      ['ALL numbers > 0', true],
      ['ALL numbers > 1', false],
      ['NONE numbers > 3', true],
      ['NONE numbers == 2', false],
      ['ALL empty == 1', true],
      ['ANY empty == 1', false],
      ['any numbers == 1', true],
    ]);
  });

  it('AND, OR, NOT and their symbols; AND binds tighter than OR; parentheses', () => {
    check([
      ['version > 4 AND major == 4', true],
      ['version > 4 && major == 3', false],
      ['version > 5 OR major == 4', true],
      ['version > 5 || major == 3', false],
      ['NOT version > 5', true],
      ['!(version > 5)', true],
      ['! version > 4', false],
      ['major == 4 OR major == 3 AND version > 5', true],
      ['(major == 4 OR major == 3) AND version > 5', false],
      ['((version > 4))', true],
      ['(version) > 4', true],
      ['TRUEPREDICATE', true],
      ['FALSEPREDICATE', false],
      ['NOT FALSEPREDICATE', true],
      ['version > 4 and not (major == 3 or major == 5)', true],
    ]);
  });

  it('arithmetic', () => {
    check([
      ['(1 + 2) * 3 == 9', true],
      ['1 + 2 * 3 == 7', true],
      ['2 ** 3 ** 2 == 512', true],
      ['10 / 4 == 2.5', true],
      ['-version < 0', true],
      ['- - 1 == 1', true],
      ['major - 1 == 3', true],
    ]);
  });
});

describe('predicate key paths (one row per form)', () => {
  it('plain, nested, escaped, SELF, collection operators', () => {
    check([
      ['version == 4.1', true],
      ['limits.GL_MAX_TEXTURE_SIZE >= 16384', true],
      ['limits.GL_MAX_TEXTURE_STACK_DEPTH > 8', true],
      ['dict.a == 1', true],
      ['dict.z == nil', true],
      ['#version == 4.1', true],
      ["#in == 'reserved-named key'", true],
      ['SELF.version == 4.1', true],
      ['extensions.@count == 3', true],
      ['numbers.@sum == 6', true],
      ['numbers.@avg == 2', true],
      ['numbers.@min == 1', true],
      ['numbers.@max == 3', true],
      ['empty.@count == 0', true],
      ['missing.@count == nil', true],
      ['Version == nil', true],
    ]);
  });

  it('never reaches the prototype chain of a facts table', () => {
    check([
      ['constructor == nil', true],
      ['__proto__ == nil', true],
      ['toString == nil', true],
      ['hw.constructor == nil', true],
    ]);
    const table = JSON.parse('{"hw.x": 1, "__proto__": 5, "hw.__proto__": 6}') as Record<string, number>;
    check(
      [
        ['hw.x == 1', true],
        ['hw.__proto__ == 6', true],
        ['hw.constructor == nil', true],
        ['hw.hasOwnProperty == nil', true],
      ],
      sysctlFacts(table),
    );
  });
});

describe('predicate literals (one row per form)', () => {
  it('numbers, strings, booleans, nil', () => {
    check([
      ['0x10 == 16', true],
      ['0X1f == 31', true],
      ['0o17 == 15', true],
      ['0b101 == 5', true],
      ['12 == 12.0', true],
      ['2.71828 > 2.7', true],
      ['1e3 == 1000', true],
      ['9.2e-5 < 0.001', true],
      ['2.5E+1 == 25', true],
      ['\'a\' == "a"', true],
      ["'it\\'s' == \"it's\"", true],
      ['"a\\"b" == \'a"b\'', true],
      ["'\\n' != 'n'", true],
      ["'\\t' == '\t'", true],
      ["'\\x41' == 'A'", true],
      ["'\\u00e9' == 'é'", true],
      ["'\\q' == 'q'", true],
      ['\'x"y\' == "x\\"y"', true],
      ['TRUE == YES', true],
      ['true == 1', true],
      ['FALSE == NO', true],
      ['no == 0', true],
      ['NULL == NIL', true],
      ['nil == null', true],
      ['-1 < 0', true],
      ['0x0D33 == 3379', true],
    ]);
  });
});

describe('nil semantics', () => {
  it('a missing key is nil: equality works, orderings and string operators are false', () => {
    check([
      ['x == nil', true],
      ['x == NULL', true],
      ['x != nil', false],
      ['version != nil', true],
      ['version == nil', false],
      ['x < 1', false],
      ['x > 1', false],
      ['x <= 1', false],
      ['x >= 1', false],
      ['x == 0', false],
      ['x != 0', true],
      ['x BETWEEN {0, 1}', false],
      ["x CONTAINS 'a'", false],
      ["'a' IN x", false],
      ['x IN {1, 2}', false],
      ["x BEGINSWITH 'a'", false],
      ["x ENDSWITH 'a'", false],
      ["x LIKE '*'", false],
      ["x MATCHES '.*'", false],
      ['NOT (x > 1)', true],
      ['nil == nil', true],
      ['name > 1', false],
      ["version == '4.1'", false],
    ]);
  });

  it('ANY/ALL/NONE over nil raises, and a raise fails the predicate', () => {
    for (const text of ['ANY x == 1', 'ALL x == 1', 'NONE x == 1', 'ANY version == 1']) {
      const outcome = run(text);
      assert.equal(outcome.satisfied, false, text);
      assert.match(outcome.error?.message ?? '', /needs a collection/, text);
      assert.deepEqual(outcome.decisive, []);
    }
  });

  it('AND and OR stop at the operand that decides them', () => {
    assert.deepEqual([run('version > 4 OR ANY x == 1').satisfied, run('version > 4 OR ANY x == 1').error], [true, undefined]);
    assert.deepEqual([run('version > 5 AND ANY x == 1').satisfied, run('version > 5 AND ANY x == 1').error], [false, undefined]);
    const raised = run('version > 5 OR ANY x == 1');
    assert.equal(raised.satisfied, false);
    assert.match(raised.error?.message ?? '', /ANY needs a collection/);
  });
});

describe('explanations', () => {
  it('names the clause and the actual values: `argumentBuffersTier == 1` (argumentBuffersTier = 0)', () => {
    const facts = mapFacts(new Map<string, Value>([['argumentBuffersTier', 0]]));
    const outcome = run('argumentBuffersTier == 1', facts);
    assert.equal(outcome.satisfied, false);
    assert.deepEqual(explainOutcome(outcome), ['`argumentBuffersTier == 1` (argumentBuffersTier = 0)']);
    assert.deepEqual(
      outcome.decisive.map((c) => [c.index, c.span.start, c.span.end, c.result]),
      [[0, 0, 24, false]],
    );
  });

  it('AND lists only the false operands; OR lists all when none holds; NOT flips', () => {
    assert.deepEqual(explainOutcome(run('version > 4 AND major == 3 AND tier == 1')), ['`major == 3` (major = 4)', '`tier == 1` (tier = 0)']);
    assert.deepEqual(explainOutcome(run('version > 5 OR major == 3')), ['`version > 5` (version = 4.1)', '`major == 3` (major = 4)']);
    assert.deepEqual(explainOutcome(run('NOT (version > 4)')), ['`version > 4` (version = 4.1)']);
    assert.deepEqual(explainOutcome(run('version > 4 OR major == 3')), ['`version > 4` (version = 4.1)']);
  });

  it('notes nil, kinds and element counts', () => {
    assert.deepEqual(explainOutcome(run('x > 1')), ['`x > 1` (x = nil (absent); nil cannot be ordered: the comparison is false)']);
    assert.deepEqual(explainOutcome(run('name > 1')), [
      "`name > 1` (name = 'Intel(R) UHD Graphics 630'; a string and a number cannot be ordered: the comparison is false)",
    ]);
    assert.deepEqual(explainOutcome(run('ALL numbers > 1')), ['`ALL numbers > 1` (numbers = {1, 2, 3}; 2 of 3 elements match)']);
    const sysctl = run(
      'hw.optional.avx2_0 == 1 AND machdep.cpu.brand_string != nil',
      sysctlFacts({ 'hw.optional.avx2_0': 0, 'machdep.cpu.brand_string': 'Intel' }),
    );
    assert.deepEqual(explainOutcome(sysctl), [
      '`hw.optional.avx2_0 == 1` (hw.optional.avx2_0 = 0)',
      '`machdep.cpu.brand_string != nil` (machdep.cpu.brand_string = nil (not available to sysctl-requirements (only hw.* and kern.ostype, kern.osrelease, kern.osrevision, kern.version)))',
    ]);
  });

  it('formats long arrays and strings briefly', () => {
    const many = mapFacts(new Map<string, Value>([['list', Array.from({ length: 20 }, (_, i) => i)]]));
    const outcome = run('ANY list > 100', many);
    assert.equal(formatClause(outcome.decisive[0]!), '`ANY list > 100` (list = {0, 1, 2, 3, 4, 5, 6, 7, … 12 more}; 0 of 20 elements match)');
  });
});

describe('syntax errors carry the offset of the problem', () => {
  const rows: Array<[string, number, RegExp]> = [
    ['', 0, /empty/],
    ['   ', 0, /empty/],
    ['version >', 9, /expected a value/],
    ['version >= >= 2', 11, /expected a value/],
    ['version = = 2', 10, /expected a value/],
    ['(version > 2', 12, /missing '\)' for the '\(' at offset 0/],
    ['version > 2)', 11, /expected AND, OR or the end/],
    ["name == 'abc", 8, /unterminated string/],
    ["name == 'abc\\", 8, /unterminated string/],
    ['x == 0x', 5, /hexadecimal digits/],
    ['x == 0b2', 5, /binary digits/],
    ['x == 12abc', 5, /malformed number/],
    ['$x == 1', 0, /variables/],
    ['x == %@', 5, /format specifiers/],
    ['x.or == 1', 2, /reserved; write #or/],
    ['x == 1 y', 7, /expected AND, OR/],
    ['x & y', 2, /'&' is not an operator/],
    ['x | y', 2, /'\|' is not an operator/],
    ['version ==[q] 1', 11, /comparison options/],
    ['SUBQUERY(x, $y, $y > 1).@count > 0', 0, /outside the subset/],
    ['x BETWEEN {1}', 10, /BETWEEN needs two bounds/],
    ['ANY x', 5, /expected a comparison operator/],
    ['version', 7, /expected a comparison operator/],
    ['NOT version', 11, /expected a comparison operator/],
    ['(x > 1) > 2', 8, /cannot be compared/],
    ['(x > 1) + 2 > 1', 0, /found a predicate in parentheses/],
    ['x.@foo > 1', 2, /unknown collection operator/],
    ['@count > 1', 0, /must follow a key path/],
    ['x.@count.y > 1', 9, /nothing may follow @count/],
    ['x == 1 AND', 10, /expected a value/],
    ['x €= 1', 2, /unexpected character '€'/],
    ["x == '\\x4'", 6, /hexadecimal digits/],
    ['x == {1, 2', 10, /missing '\}'/],
    ['x.', 1, /expected a key/],
  ];
  for (const [text, offset, message] of rows) {
    it(JSON.stringify(text), () => {
      assert.throws(
        () => parsePredicate(text),
        (e: unknown) => e instanceof PredicateSyntaxError && e.offset === offset && message.test(e.reason) && e.code === 'PREDICATE_SYNTAX_ERROR',
      );
    });
  }
});

describe('hostile predicates are bounded', () => {
  const timed = (f: () => void): number => {
    const start = performance.now();
    f();
    return performance.now() - start;
  };

  it(`accepts ${MAX_PREDICATE_NESTING} levels of nesting and refuses one more, for each nesting construct`, () => {
    const n = MAX_PREDICATE_NESTING;
    assert.equal(run(`${'('.repeat(n)}version > 4${')'.repeat(n)}`).satisfied, true);
    const constructs: Array<[string, number]> = [
      [`${'('.repeat(n + 1)}version > 4${')'.repeat(n + 1)}`, n],
      [`${'NOT '.repeat(n + 1)}version > 4`, n * 4],
      [`version == ${'-'.repeat(n + 1)}1`, 11 + n],
      [`version IN ${'{'.repeat(n + 1)}1${'}'.repeat(n + 1)}`, 11 + n],
    ];
    for (const [text, offset] of constructs) {
      assert.throws(
        () => parsePredicate(text),
        (e: unknown) => e instanceof PredicateSyntaxError && e.offset === offset && /nesting deeper/.test(e.reason),
      );
    }
  });

  it('refuses a predicate longer than the cap and parses a long flat one in linear time', () => {
    assert.throws(
      () => parsePredicate(' '.repeat(MAX_PREDICATE_LENGTH + 1)),
      (e: unknown) => e instanceof PredicateSyntaxError && e.offset === MAX_PREDICATE_LENGTH,
    );
    const clause = 'version > 5 OR ';
    const long = clause.repeat(Math.floor((MAX_PREDICATE_LENGTH - 20) / clause.length)) + 'version > 4';
    let outcome: ReturnType<typeof run> | undefined;
    const ms = timed(() => (outcome = run(long)));
    assert.equal(outcome?.satisfied, true);
    assert.ok(ms < 2000, `long predicate took ${ms} ms`);
  });

  it('deeply nested alternation evaluates within bounds', () => {
    const n = MAX_PREDICATE_NESTING;
    let text = 'version > 5';
    for (let i = 0; i < n; i++) text = `(${text} OR major == ${i})`;
    const outcome = run(text);
    assert.equal(outcome.satisfied, true);
  });

  it('catastrophic regular expressions run in linear time', () => {
    const subject = `${'a'.repeat(5000)}!`;
    const facts = mapFacts(
      new Map<string, Value>([
        ['s', subject],
        ['t', 'a'.repeat(30)],
      ]),
    );
    for (const pattern of ['(a+)+$', '(a|a)*b', '(a*)*b', '(a|aa)+$', '(.*a){20}', '(\\\\w+\\\\s?)+$']) {
      let outcome: ReturnType<typeof run> | undefined;
      const ms = timed(() => (outcome = run(`s MATCHES '${pattern}'`, facts)));
      assert.equal(outcome?.error, undefined, pattern);
      assert.equal(outcome?.satisfied, false, pattern);
      assert.ok(ms < 1500, `${pattern} took ${ms} ms`);
    }
    assert.equal(run("t MATCHES '(a+)+'", facts).satisfied, true);
    const like = timed(() => assert.equal(run("s LIKE '*a*a*a*a*a*a*a*a*b'", facts).satisfied, false));
    assert.ok(like < 1500, `LIKE took ${like} ms`);
  });

  it('a regex that would run past the step budget or compile too large fails the predicate with an error', () => {
    const facts = mapFacts(new Map<string, Value>([['s', 'a'.repeat(60000)]]));
    const big = run("s MATCHES '(a{1000}){1000}'", facts);
    assert.equal(big.satisfied, false);
    assert.match(big.error?.message ?? '', /more than 10000 states/);
    const slow = run(`s MATCHES '${'(a*)'.repeat(240)}b'`, facts);
    assert.equal(slow.satisfied, false);
    assert.match(slow.error?.message ?? '', /more than 5000000 steps/);
  });
});
