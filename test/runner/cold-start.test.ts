import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import semver from 'semver';
import { chooseProfiles } from '../../src/cli/profile-options.js';
import { guessRunSize } from '../../src/cli/quick-start.js';
import { layersFor, loadBaseSystems } from '../../src/profile/base-system.js';
import { applyOverrides } from '../../src/profile/index.js';
import { builtinProfileIds, loadBuiltinProfilesById, loadProfiles } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/types.js';

describe('cold start', () => {
  it('guesses from raw arguments whether a run is small (never wrongly) or large', () => {
    const guess = (...argv: string[]) => guessRunSize(argv, {});
    assert.equal(guess('profiles', 'list'), undefined);
    assert.equal(guess('run', 'a.xml', '-p', 'macmini-m4-2024-26.5.2', '--format', 'json'), 'small');
    assert.equal(guess('run', 'a.xml', 'b.xml', '-p', 'x', 'y'), 'small');
    assert.equal(guess('run', 'a.xml', '--profile=x', '--profile=y', '-f', 'json'), 'small');
    // Five words may be five jobs (or 2 × 3): large.
    assert.equal(guess('run', 'a.xml', 'b.xml', '-p', 'x', 'y', 'z'), 'large');
    assert.equal(guess('run', 'a.xml', 'b.xml', 'c.xml', '--profile=x', '--profile=y', '-p', 'z'), 'large');
    // No -p: one file on every built-in profile is small (26 jobs); two files are not.
    assert.equal(guess('run', 'a.xml'), 'small');
    assert.equal(guess('run', 'a.xml', '--format', 'json', '-o', 'out.json'), 'small');
    assert.equal(guess('run', 'a.xml', 'b.xml'), 'large');
    assert.equal(guess('run', 'a.xml', '--timeout', '100'), 'large');
    for (const flag of ['--where', '--profiles-dir', '--profile-file', '--jobs', '-j', '--stack-limit'])
      assert.equal(guess('run', 'a.xml', '-p', 'x', flag, '1'), 'large', flag);
    assert.equal(guess('run', 'a.xml', '-p', 'x', '--jobs=2'), 'large');
    // Short flags it does not know could hide values: large.
    assert.equal(guess('run', 'a.xml', '-px'), 'large');
    assert.equal(guessRunSize(['run', 'a.xml', '-p', 'x'], { DISTSIM_NO_MAIN_THREAD: '1' }), 'large');
  });

  it('loads built-in profiles by id exactly as the full load resolves them', () => {
    const all = new Map(loadProfiles({}).map((p) => [p.id, p]));
    const ids = builtinProfileIds();
    assert.deepEqual([...ids].sort(), [...all.keys()].sort());
    for (const id of ids) {
      const [one] = loadBuiltinProfilesById([id]);
      assert.equal(JSON.stringify(one), JSON.stringify(all.get(id)), id);
    }
    // A profile that extends another, its parent, and one id twice: in the order given.
    const chosen = loadBuiltinProfilesById(['macmini-m4-2024-26.5.2-rosetta-shell', 'macmini-m4-2024-26.5.2', 'macmini-m4-2024-26.5.2-rosetta-shell']);
    assert.deepEqual(
      chosen.map((p) => p.id),
      ['macmini-m4-2024-26.5.2-rosetta-shell', 'macmini-m4-2024-26.5.2', 'macmini-m4-2024-26.5.2-rosetta-shell'],
    );
    assert.equal(JSON.stringify(chosen[0]), JSON.stringify(all.get('macmini-m4-2024-26.5.2-rosetta-shell')));
  });

  it('-p with built-in ids or prefixes chooses what the full load chooses; other selections and errors are unchanged', () => {
    const full = loadProfiles({});
    const byId = (id: string) => full.find((p) => p.id === id)!;
    const cases: Array<[Parameters<typeof chooseProfiles>[0], Profile[]]> = [
      [{ profile: ['macmini-m4-2024-26.5.2'] }, [byId('macmini-m4-2024-26.5.2')]],
      [{ profile: ['macbookpro-16-2019-15.7.1-c', 'imac-27-2019'] }, [byId('macbookpro-16-2019-15.7.1-cli'), byId('imac-27-2019-10.15.7')]],
      [{ profile: ['macmini-m4-2024-26.5.2', 'imac-27-2019-10.15.7'], where: ['arch=arm64'] }, [byId('macmini-m4-2024-26.5.2')]],
      [
        { profile: ['macmini-m4-2024-26.5.2'], set: ['sysctl.hw.memsize=4294967296'] },
        [applyOverrides(byId('macmini-m4-2024-26.5.2'), ['sysctl.hw.memsize=4294967296'])],
      ],
    ];
    for (const [args, expected] of cases) {
      assert.deepEqual(
        chooseProfiles(args).map((p) => JSON.stringify(p)),
        expected.map((p) => JSON.stringify(p)),
        JSON.stringify(args),
      );
    }
    assert.throws(() => chooseProfiles({ profile: ['macmini'] }), {
      code: 'PROFILE_AMBIGUOUS',
      message: /macmini-m4-2024-15\.3\.1, macmini-m4-2024-26\.5\.2, /,
    });
    assert.throws(() => chooseProfiles({ profile: ['macmini-m4-2024-26.5.3'] }), { code: 'PROFILE_UNKNOWN', message: /Did you mean macmini-m4-2024-26\.5\.2/ });
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-layers-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('base-system layer ranges apply exactly as semver ranges, the simple form without semver', () => {
    const forms = [
      '>=10.5',
      '<11',
      '>=10.6.6 <10.15',
      '>=0 <0.1',
      '>=12.3.1',
      '>10.5',
      '<=12',
      '10.x',
      '~10.15',
      '^11.2',
      '>=10.5 <11 || >=13',
      '10.9 - 10.12',
      '*',
      '',
    ];
    forms.forEach((appliesTo, i) => {
      writeFileSync(path.join(dir, `l${i}.json`), JSON.stringify({ id: `l${i}`, description: 'x', appliesTo, sources: ['x'] }));
    });
    const layers = [...loadBaseSystems(dir), ...loadBaseSystems()];
    const versions: string[] = ['10.15', '13', 'x', ''];
    for (let major = 0; major <= 27; major++)
      for (let minor = 0; minor <= 16; minor++) for (const patch of [0, 1, 6, 7]) versions.push(`${major}.${minor}.${patch}`);
    for (const version of versions) {
      const coerced = semver.coerce(version);
      const expected = coerced === null ? [] : layers.filter((l) => new semver.Range(l.layer.appliesTo).test(coerced)).map((l) => l.layer.id);
      assert.deepEqual(
        layersFor(version, layers).map((l) => l.layer.id),
        expected,
        version,
      );
    }
  });
});
