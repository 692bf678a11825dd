import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { loadProfiles, validateProfileData } from '../../src/profile/index.js';
import { MAX_PROFILE_BYTES, MAX_PROFILES_TOTAL_BYTES } from '../../src/profile/load.js';
import { MAX_REPORTED_PROBLEMS } from '../../src/profile/validate.js';
import { runCli } from '../helpers.js';

const BASE = 'macmini-2018-14.8.3';

describe('profile problems and sizes are bounded', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-profile-size-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a profile with 100,000 invalid values: found in linear time, reported in a bounded message', () => {
    const sysctl: Record<string, boolean> = {};
    for (let i = 0; i < 100_000; i++) sysctl[`k.${i}`] = true;
    const file = path.join(dir, 'many.json');
    writeFileSync(file, JSON.stringify({ id: 'many-problems', extends: BASE, sysctl }));
    const started = performance.now();
    assert.throws(
      () => loadProfiles({ builtin: false, files: [file] }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.code, 'PROFILE_INVALID');
        const lines = error.message.split('\n');
        assert.equal(lines.length, 1 + MAX_REPORTED_PROBLEMS + 1);
        assert.equal(lines[1], `${file}: sysctl.k.0: expected integer or string`);
        assert.equal(lines.at(-1), `… and ${100_000 - MAX_REPORTED_PROBLEMS} more problems`);
        return true;
      },
    );
    assert.ok(performance.now() - started < 10_000, `${Math.round(performance.now() - started)} ms`);
  });

  it('validateProfileData lists each distinct problem once', () => {
    const problems = validateProfileData({ id: 'x', sysctl: { a: true, b: true } }, 'x.json');
    assert.equal(new Set(problems).size, problems.length);
  });

  it('the user profiles together are capped, whatever each file holds', async () => {
    const big = path.join(dir, 'big');
    mkdirSync(big);
    const count = Math.floor(MAX_PROFILES_TOTAL_BYTES / MAX_PROFILE_BYTES) + 1;
    for (let i = 0; i < count; i++) {
      const json = JSON.stringify({ id: `big-${i}`, extends: BASE });
      writeFileSync(path.join(big, `p${String(i).padStart(3, '0')}.json`), json + ' '.repeat(MAX_PROFILE_BYTES - json.length));
    }
    assert.throws(() => loadProfiles({ builtin: false, dirs: [big] }), { code: 'PROFILES_TOO_LARGE' });
    const r = await runCli(['run', 'examples/example-app.xml', '--profiles-dir', big]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^distsim: profiles: more than 64 MiB of profile files in total/);
    rmSync(big, { recursive: true, force: true });
  });
});
