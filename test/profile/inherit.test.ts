import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { resolveInheritance, validateProfileData } from '../../src/profile/index.js';
import { minimalProfile } from './fixtures.js';

function resolveOne(parent: Record<string, unknown>, child: Record<string, unknown>): Record<string, unknown> {
  const out = resolveInheritance([
    { data: parent, source: 'parent.json' },
    { data: child, source: 'child.json' },
  ]);
  return out[1]!.profile as unknown as Record<string, unknown>;
}

describe('resolveInheritance', () => {
  const parent = {
    ...minimalProfile('parent'),
    env: { USER: 'admin', HOME: '/Users/admin' },
    gestalt: { sysv: 4246, sys1: 10 },
    sources: ['a', 'b'],
    uncertain: { 'sysctl.hw.memsize': 'guess', env: 'simulated' },
    launch: { mode: 'gui' },
    defaults: { 'com.apple.x': { a: 1 } },
  };

  it('merges objects key by key, the child winning', () => {
    const r = resolveOne(parent, { id: 'child', extends: 'parent', sysctl: { 'hw.memsize': 1, 'hw.ncpu': 4 }, env: { USER: 'root' } });
    assert.deepEqual(r.sysctl, { 'hw.model': 'Macmini8,1', 'hw.memsize': 1, 'hw.machine': 'x86_64', 'hw.ncpu': 4 });
    assert.deepEqual(r.env, { USER: 'root', HOME: '/Users/admin' });
    assert.equal(r.id, 'child');
    assert.equal(r.extends, 'parent');
    assert.equal(r.name, 'Test Mac');
  });

  it('replaces arrays and scalars whole', () => {
    const r = resolveOne(parent, { id: 'child', extends: 'parent', sources: ['c'], name: 'Other', volumes: [] });
    assert.deepEqual(r.sources, ['c']);
    assert.equal(r.name, 'Other');
    assert.deepEqual(r.volumes, []);
  });

  it('null removes an inherited key, except where null is a legal value', () => {
    const r = resolveOne(parent, {
      id: 'child',
      extends: 'parent',
      sysctl: { 'hw.machine': null },
      uncertain: { 'sysctl.hw.memsize': null },
      launch: null,
      gestalt: { sysv: null },
      defaults: { 'com.apple.x': { a: null } },
      env: { NEW: null },
    });
    assert.deepEqual(r.sysctl, { 'hw.model': 'Macmini8,1', 'hw.memsize': 8589934592 });
    assert.deepEqual(r.uncertain, { env: 'simulated' });
    assert.equal('launch' in r, false);
    assert.deepEqual(r.gestalt, { sysv: null, sys1: 10 });
    assert.deepEqual(r.defaults, { 'com.apple.x': { a: null } });
    assert.deepEqual(r.env, { USER: 'admin', HOME: '/Users/admin' });
  });

  it('resolves chains and leaves inputs untouched', () => {
    const grandchild = { id: 'grandchild', extends: 'child', env: { LANG: 'de_DE.UTF-8' } };
    const child = { id: 'child', extends: 'parent', env: { USER: 'root' } };
    const before = structuredClone([parent, child, grandchild]);
    const out = resolveInheritance([
      { data: grandchild, source: 'g.json' },
      { data: child, source: 'c.json' },
      { data: parent, source: 'p.json' },
    ]);
    assert.deepEqual(
      out.map((o) => [o.profile.id, o.source]),
      [
        ['grandchild', 'g.json'],
        ['child', 'c.json'],
        ['parent', 'p.json'],
      ],
    );
    assert.deepEqual(out[0]!.profile.env, { USER: 'root', HOME: '/Users/admin', LANG: 'de_DE.UTF-8' });
    assert.deepEqual([parent, child, grandchild], before);
    (out[0]!.profile.env as Record<string, string>).USER = 'changed';
    assert.equal(out[1]!.profile.env?.USER, 'root');
    assert.deepEqual(validateProfileData(out[0]!.profile, 'g.json'), []);
  });

  it('errors: unknown parent, cycles, duplicate ids, non-string extends', () => {
    assert.throws(
      () => resolveInheritance([{ data: { id: 'c', extends: 'nope' }, source: 'c.json' }]),
      (e: unknown) => e instanceof InputError && e.message === 'c.json: extends: unknown profile "nope"',
    );
    assert.throws(
      () =>
        resolveInheritance([
          { data: { id: 'x', extends: 'a' }, source: 'x.json' },
          { data: { id: 'a', extends: 'b' }, source: 'a.json' },
          { data: { id: 'b', extends: 'c' }, source: 'b.json' },
          { data: { id: 'c', extends: 'a' }, source: 'c.json' },
        ]),
      { message: 'c.json: extends: cycle a -> b -> c -> a' },
    );
    assert.throws(
      () =>
        resolveInheritance([
          { data: { id: 'a' }, source: 'one.json' },
          { data: { id: 'a' }, source: 'two.json' },
        ]),
      { message: 'duplicate profile id "a": one.json and two.json' },
    );
    assert.throws(() => resolveInheritance([{ data: { id: 'a', extends: 3 }, source: 'a.json' }]), /a\.json: extends: expected/);
  });
});
