import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseProfiles } from '../../src/cli/profile-options.js';
import { InputError } from '../../src/errors.js';
import { findProfileId } from '../../src/profile/find-id.js';

const IDS = [
  'macmini-m4-2024-15.3.1',
  'macmini-m4-2024-26.5.2',
  'macmini-m4-2024-26.5.2-rosetta-shell',
  'macbookpro-15-mid2015-10.14.6',
  'imac-27-2019-10.15.7',
];

describe('finding a profile id', () => {
  it('an exact id wins, even when it is also a prefix of another', () => {
    assert.deepEqual(findProfileId('macmini-m4-2024-26.5.2', IDS), { kind: 'found', id: 'macmini-m4-2024-26.5.2' });
  });

  it('an unambiguous prefix is accepted', () => {
    assert.deepEqual(findProfileId('macbookpro', IDS), { kind: 'found', id: 'macbookpro-15-mid2015-10.14.6' });
    assert.deepEqual(findProfileId('imac', IDS), { kind: 'found', id: 'imac-27-2019-10.15.7' });
  });

  it('an ambiguous prefix lists every id it starts, in the given order', () => {
    assert.deepEqual(findProfileId('macmini-m4', IDS), {
      kind: 'ambiguous',
      matches: ['macmini-m4-2024-15.3.1', 'macmini-m4-2024-26.5.2', 'macmini-m4-2024-26.5.2-rosetta-shell'],
    });
  });

  it('an unknown id gets at most three suggestions, nearest first', () => {
    assert.deepEqual(findProfileId('macmini-m4-2024-26.5.3', IDS), { kind: 'unknown', suggestions: ['macmini-m4-2024-26.5.2', 'macmini-m4-2024-15.3.1'] });
    assert.deepEqual(findProfileId('macbokpro-15-mid2015-10.14.6', IDS), { kind: 'unknown', suggestions: ['macbookpro-15-mid2015-10.14.6'] });
    const many = ['ab-1', 'ab-2', 'ab-3', 'ab-4'];
    assert.deepEqual(findProfileId('ab-9', many), { kind: 'unknown', suggestions: ['ab-1', 'ab-2', 'ab-3'] });
  });

  it('nothing close, an empty id or a very long one gets no suggestion', () => {
    assert.deepEqual(findProfileId('powerbook', IDS), { kind: 'unknown', suggestions: [] });
    assert.deepEqual(findProfileId('', IDS), { kind: 'unknown', suggestions: [] });
    assert.deepEqual(findProfileId('m'.repeat(100_000), IDS), { kind: 'unknown', suggestions: [] });
  });
});

describe('--profile with the built-in profiles', () => {
  it('accepts a prefix', () => {
    assert.deepEqual(
      chooseProfiles({ profile: ['macbookpro-15-mid2015-10'] }).map((p) => p.id),
      ['macbookpro-15-mid2015-10.14.6'],
    );
  });

  it('refuses an ambiguous prefix with the candidates', () => {
    assert.throws(
      () => chooseProfiles({ profile: ['macmini-m4-2024-26'] }),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'PROFILE_AMBIGUOUS' &&
        e.message === "profile 'macmini-m4-2024-26' is ambiguous: 2 profile ids start with it (macmini-m4-2024-26.5.2, macmini-m4-2024-26.5.2-rosetta-shell)",
    );
  });

  it('suggests the closest ids for an unknown one', () => {
    assert.throws(
      () => chooseProfiles({ profile: ['macmini-m4-2024-15.3.2'] }),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'PROFILE_UNKNOWN' &&
        e.message === "unknown profile 'macmini-m4-2024-15.3.2'. Did you mean macmini-m4-2024-15.3.1, macmini-m4-2024-26.5.2?",
    );
  });
});
