import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PATTERN_LENGTH, MatchBudgetError, PatternError, compileLike, compileRegex, fullMatch } from '../../src/requirements/regex.js';

const plain = { caseInsensitive: false };
const ci = { caseInsensitive: true };

describe('MATCHES: the ICU subset, whole-string match', () => {
  const rows: Array<[string, string, boolean, boolean?]> = [
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['abc', 'xabc', false],
    ['a.c', 'abc', true],
    ['a.c', 'a\nc', false],
    ['.', '😀', true],
    ['a*', '', true],
    ['a+', '', false],
    ['a?b', 'b', true],
    ['a{2}', 'aa', true],
    ['a{2}', 'aaa', false],
    ['a{2,}', 'aaaa', true],
    ['a{2,3}', 'aaaa', false],
    ['a{0,1}b', 'ab', true],
    ['a+?b', 'aaab', true],
    ['a*?', 'aa', true],
    ['a|b|c', 'b', true],
    ['a|b|c', 'd', false],
    ['(ab)+', 'ababab', true],
    ['(?:ab)+c', 'ababc', true],
    ['(?<n>x)y', 'xy', true],
    ['a(?#comment)b', 'ab', true],
    ['(a|)b', 'b', true],
    ['[a-c]+', 'abcabc', true],
    ['[^a-c]', 'd', true],
    ['[^a-c]', 'a', false],
    ['[]a]', ']', true],
    ['[a\\-z]', '-', true],
    ['[a-]', '-', true],
    ['[\\d]+', '123', true],
    ['[\\x41-\\x43]+', 'ABC', true],
    ['\\d+', '123', true],
    ['\\d', '٣', true],
    ['\\D', 'a', true],
    ['\\w+', 'héllo_1', true],
    ['\\W', '!', true],
    ['\\s', '\t', true],
    ['\\S', 'x', true],
    ['\\h', ' ', true],
    ['\\v', '\n', true],
    ['\\p{L}+', 'Ωmega', true],
    ['\\pL', 'x', true],
    ['\\P{L}', '1', true],
    ['\\p{Lu}', 'a', false],
    ['^abc$', 'abc', true],
    ['abc$', 'abc\n', false],
    ['\\bfoo\\b', 'foo', true],
    ['a\\Bb', 'ab', true],
    ['a\\bb', 'ab', false],
    ['\\Aab\\z', 'ab', true],
    ['\\t', '\t', true],
    ['\\x41', 'A', true],
    ['\\x{1F600}', '😀', true],
    ['\\u00e9', 'é', true],
    ['\\U0001F600', '😀', true],
    ['\\Q.*\\E', '.*', true],
    ['\\Q.*\\E', 'ab', false],
    ['\\.', '.', true],
    ['\\cA', '\x01', true],
    ['\\0101', 'A', true],
    ['\\e', '\x1b', true],
    ['abc', 'ABC', false],
    ['abc', 'ABC', true, true],
    ['(?i)abc', 'ABC', true],
    ['[a-z]+', 'ABC', true, true],
    ['[^a]', 'A', false, true],
    ['\\x41', 'a', true, true],
  ];
  for (const [pattern, subject, expected, caseInsensitive] of rows) {
    it(`${JSON.stringify(pattern)} ${caseInsensitive ? '[c] ' : ''}on ${JSON.stringify(subject)} → ${expected}`, () => {
      assert.equal(fullMatch(compileRegex(pattern, caseInsensitive ? ci : plain), subject), expected);
    });
  }
});

describe('MATCHES refuses what needs backtracking or is outside the subset', () => {
  const rows: Array<[string, RegExp, number?]> = [
    ['(a)\\1', /backreferences/, 3],
    ['\\k<n>', /named backreferences/],
    ['(?=a)', /lookahead and lookbehind/, 0],
    ['(?<=a)b', /lookahead and lookbehind/],
    ['(?>a)', /atomic groups/],
    ['a*+', /possessive/, 2],
    ['(?m)a', /inline flags/],
    ['[[:alpha:]]', /nested sets/, 1],
    ['[a&&b]', /set operations/, 2],
    ['*a', /nothing to repeat/, 0],
    ['a**', /quantifier cannot follow a quantifier/, 2],
    ['(a', /missing '\)'/, 0],
    ['a)', /unbalanced '\)'/, 1],
    ['[a', /missing '\]'/, 0],
    ['a{2,1}', /max below min/, 1],
    ['a{1001}', /bounds above 1000/, 1],
    ['a{x}', /must start a repetition/, 1],
    ['^*', /anchor cannot be repeated/, 1],
    ['\\X', /unsupported escape \\X/, 0],
    ['\\p{Bogus}', /unknown Unicode property/],
    ['ab\\', /trailing backslash/, 2],
    ['[z-a]', /range out of order/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), /longer than 1000/, MAX_PATTERN_LENGTH],
    [`${'('.repeat(101)}a${')'.repeat(101)}`, /groups nested deeper than 100/, 100],
    ['(a{1000}){1000}', /more than 10000 states/],
  ];
  for (const [pattern, message, offset] of rows) {
    it(JSON.stringify(pattern.length > 40 ? `${pattern.slice(0, 40)}…` : pattern), () => {
      assert.throws(
        () => compileRegex(pattern, plain),
        (e: unknown) => e instanceof PatternError && message.test(e.message) && (offset === undefined || e.offset === offset),
      );
    });
  }
});

describe('LIKE', () => {
  const rows: Array<[string, string, boolean, boolean?]> = [
    ['a*c', 'abbbc', true],
    ['a*c', 'a\nc', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*', '', true],
    ['?', '😀', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['a\\?', 'a?', true],
    ['A*', 'abc', false],
    ['A*', 'abc', true, true],
    ['.*', 'abc', false],
    ['[ab]', 'a', false],
  ];
  for (const [pattern, subject, expected, caseInsensitive] of rows) {
    it(`${JSON.stringify(pattern)} ${caseInsensitive ? '[c] ' : ''}on ${JSON.stringify(subject)} → ${expected}`, () => {
      assert.equal(fullMatch(compileLike(pattern, caseInsensitive ? ci : plain), subject), expected);
    });
  }
});

describe('matching is bounded', () => {
  it('stops with MatchBudgetError when the step budget runs out', () => {
    assert.throws(() => fullMatch(compileRegex('(a|b)*c', plain), 'ab'.repeat(100), { steps: 50 }), MatchBudgetError);
  });

  it('runs the classic catastrophic patterns in time linear in the subject', () => {
    const subject = `${'a'.repeat(20000)}!`;
    for (const pattern of ['(a+)+$', '(a*)*b', '(a|aa)+', '(a|a?)+b', '(.*){10}b']) {
      const start = performance.now();
      assert.equal(fullMatch(compileRegex(pattern, plain), subject), false, pattern);
      const ms = performance.now() - start;
      assert.ok(ms < 1000, `${pattern} took ${ms} ms`);
    }
  });
});
