import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions } from '../../src/installer/versions.js';

describe('compareVersions', () => {
  const table: Array<[string, string, -1 | 0 | 1]> = [
    ['10.10', '10.9', 1],
    ['10.9', '10.10', -1],
    ['10.3.1', '10.4', -1], // Apple's documented example
    ['10.4', '10.4', 0],
    ['1', '1.0', 0],
    ['1.0', '1.0.0', 0],
    ['11.0', '10.16', 1],
    ['26.1', '15.7.1', 1],
    ['10.15.7', '10.15.10', -1],
    ['1.02', '1.2', 0],
    ['7.3.1', '7.3.1.999999999.999999999', -1], // Apple's own ceiling idiom
    ['1.0b2', '1.0', -1],
    ['1.0', '1.0b2', 1],
    ['1.0b2', '1.0b10', -1], // tails compare naturally (b2 < b10): documented policy
    ['', '0', 0],
  ];
  for (const [a, b, expected] of table) {
    it(`'${a}' vs '${b}' → ${expected}`, () => assert.equal(compareVersions(a, b), expected));
  }
  it('shorter-is-less policy', () => {
    assert.equal(compareVersions('1', '1.0', 'shorter-is-less'), -1);
    assert.equal(compareVersions('1.0', '1', 'shorter-is-less'), 1);
    assert.equal(compareVersions('2', '1.0', 'shorter-is-less'), 1);
  });
});
