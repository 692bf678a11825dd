import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_DISTRIBUTION_BYTES, readDistribution } from '../../src/input/read-input.js';
import { InputError } from '../../src/errors.js';
import { loadProfiles } from '../../src/profile/index.js';
import { MAX_PROFILE_BYTES } from '../../src/profile/load.js';
import { readRegularFile } from '../../src/util/read-file.js';
import { runCli } from '../helpers.js';

// Devices and FIFOs are POSIX; the suite runs on Linux and macOS.
const posix = process.platform !== 'win32' && existsSync('/dev/zero') && existsSync('/dev/urandom');

describe('inputs must be regular files of bounded size', { skip: !posix && 'needs /dev/zero, /dev/urandom and mkfifo' }, () => {
  let dir: string;
  /** Name → path of a source that is not a regular file. */
  const hostile = new Map<string, string>();
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'distsim-files-'));
    const fifo = path.join(dir, 'fifo.xml');
    execFileSync('mkfifo', [fifo]);
    symlinkSync('/dev/zero', path.join(dir, 'zero-link.xml'));
    symlinkSync(fifo, path.join(dir, 'fifo-link.xml'));
    hostile.set('/dev/zero', '/dev/zero');
    hostile.set('/dev/urandom', '/dev/urandom');
    hostile.set('a FIFO', fifo);
    hostile.set('a symlink to /dev/zero', path.join(dir, 'zero-link.xml'));
    hostile.set('a symlink to a FIFO', path.join(dir, 'fifo-link.xml'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs the CLI and checks the common contract: exit 2 at once, one line naming the file, nothing written.
   * A bad Distribution is also reported in place, as an error entry of the report (`code`); a bad profile
   * stops the run before any report.
   */
  async function refused(args: string[], pattern: RegExp, code?: string): Promise<void> {
    const before = readdirSync(dir).sort();
    const started = Date.now();
    const r = await runCli(args, { timeoutMs: 20_000 });
    assert.equal(r.code, 2, `exit ${r.code} after ${Date.now() - started} ms: ${r.stderr}`);
    assert.ok(Date.now() - started < 15_000);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    if (code === undefined) assert.equal(r.stdout, '');
    else assert.match(r.stdout, new RegExp(`error ${code} `));
    assert.ok(r.stdout.length < 10_000);
    assert.deepEqual(readdirSync(dir).sort(), before, 'no file written');
  }

  const kinds: Array<[string, RegExp]> = [
    ['/dev/zero', /not a regular file \(a character device\)/],
    ['/dev/urandom', /not a regular file \(a character device\)/],
    ['a FIFO', /not a regular file \(a FIFO\)/],
    ['a symlink to /dev/zero', /not a regular file \(a character device\)/],
    ['a symlink to a FIFO', /not a regular file \(a FIFO\)/],
  ];
  for (const [name, pattern] of kinds) {
    it(`refuses ${name} as the Distribution file`, async () => {
      const file = hostile.get(name)!;
      await refused(['run', file, '-p', 'macmini-m4-2024-26.5.2'], new RegExp(`^distsim: ${escape(file)}: ${pattern.source}`), 'FILE_NOT_REGULAR');
    });

    it(`refuses ${name} as --profile-file`, async () => {
      const file = hostile.get(name)!;
      await refused(['run', 'examples/example-app.xml', '--profile-file', file], new RegExp(`^distsim: ${escape(file)}: ${pattern.source}`));
    });

    it(`refuses ${name} inside --profiles-dir`, async () => {
      const profiles = mkdtempSync(path.join(dir, 'profiles-'));
      const target = hostile.get(name)!;
      symlinkSync(target.startsWith('/dev/') ? target : path.resolve(target), path.join(profiles, 'mac.json'));
      await refused(
        ['run', 'examples/example-app.xml', '--profiles-dir', profiles],
        new RegExp(`^distsim: ${escape(path.join(profiles, 'mac.json'))}: ${pattern.source}`),
      );
      rmSync(profiles, { recursive: true, force: true });
    });
  }

  it('refuses a Distribution file over 8 MiB and a profile over 4 MiB, by the bytes read', async () => {
    const big = path.join(dir, 'big.xml');
    writeFileSync(big, Buffer.alloc(MAX_DISTRIBUTION_BYTES + 1, 0x20));
    const bigProfile = path.join(dir, 'big.json');
    writeFileSync(bigProfile, Buffer.alloc(MAX_PROFILE_BYTES + 1, 0x20));
    try {
      await refused(['run', big, '-p', 'macmini-m4-2024-26.5.2'], /: too large for a Distribution file \(more than 8 MiB\)$/m, 'FILE_TOO_LARGE');
      await refused(['run', 'examples/example-app.xml', '--profile-file', bigProfile], /: too large for a profile \(more than 4 MiB\)$/m);
    } finally {
      rmSync(big);
      rmSync(bigProfile);
    }
  });

  describe('readRegularFile', () => {
    it('gives a code for each refusal', () => {
      const limits = { maxBytes: 1024, what: 'a test file' };
      const code = (file: string): string => {
        try {
          readRegularFile(file, limits);
        } catch (error) {
          assert.ok(error instanceof InputError, String(error));
          return error.code;
        }
        return 'read';
      };
      assert.equal(code(path.join(dir, 'missing')), 'FILE_UNREADABLE');
      assert.equal(code(dir), 'FILE_NOT_REGULAR');
      for (const file of hostile.values()) assert.equal(code(file), 'FILE_NOT_REGULAR', file);
      const exact = path.join(dir, 'exact.txt');
      writeFileSync(exact, Buffer.alloc(1024, 0x61));
      assert.equal(readRegularFile(exact, limits).length, 1024);
      writeFileSync(exact, Buffer.alloc(1025, 0x61));
      assert.equal(code(exact), 'FILE_TOO_LARGE');
      rmSync(exact);
      assert.throws(() => readRegularFile(dir, limits), { message: `${dir}: is a directory, not a test file` });
    });

    it('counts the bytes it reads, not the size stat reports', { skip: !existsSync('/proc/self/status') && 'needs /proc' }, () => {
      // /proc files are regular files that report a size of 0.
      assert.equal(statSync('/proc/self/status').size, 0);
      assert.ok(readRegularFile('/proc/self/status', { maxBytes: 1 << 20, what: 'x' }).length > 100);
      assert.throws(() => readRegularFile('/proc/self/status', { maxBytes: 10, what: 'a status file' }), { code: 'FILE_TOO_LARGE' });
    });

    it('is what the Distribution reader and the profile loader use', () => {
      const fifo = hostile.get('a FIFO')!;
      assert.throws(() => readDistribution('/dev/zero', { recover: false }), {
        code: 'FILE_NOT_REGULAR',
        message: '/dev/zero: not a regular file (a character device)',
      });
      assert.throws(() => loadProfiles({ files: [fifo] }), { code: 'FILE_NOT_REGULAR', message: `${fifo}: not a regular file (a FIFO)` });
      const profiles = path.join(dir, 'dir-with-device');
      mkdirSync(profiles);
      symlinkSync('/dev/urandom', path.join(profiles, 'u.json'));
      assert.throws(() => loadProfiles({ dirs: [profiles] }), { code: 'FILE_NOT_REGULAR' });
      rmSync(profiles, { recursive: true, force: true });
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
