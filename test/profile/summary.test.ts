import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeProfile } from '../../src/profile/index.js';
import { builtin } from './fixtures.js';

describe('summarizeProfile', () => {
  it('summarises an Apple-silicon profile', () => {
    assert.deepEqual(summarizeProfile(builtin('macmini-m4-2024-26.5.2-rosetta-shell')), {
      id: 'macmini-m4-2024-26.5.2-rosetta-shell',
      name: 'Mac mini (M4, 2024), installer run from a Rosetta (x86_64) shell',
      model: 'Mac16,10',
      arch: 'arm64',
      macos: '26.5.2',
      build: '25F84',
      ramBytes: 17179869184,
      rosetta: true,
      launch: 'cli',
      volumes: 1,
    });
  });

  it('reports rosetta null off Apple silicon and false when not installed', () => {
    const intel = summarizeProfile(builtin('macmini-2018-14.8.3'));
    assert.equal(intel.rosetta, null);
    assert.equal(intel.volumes, 2);
    assert.equal(intel.launch, 'gui');
    assert.equal(summarizeProfile(builtin('powermac-g5-late2005-10.5.8')).rosetta, null);
    assert.equal(summarizeProfile(builtin('macbookair-m1-2020-11.7.10')).rosetta, false);
    assert.equal(summarizeProfile(builtin('powermac-g5-late2005-10.5.8')).build, '9L31a');
  });
});
