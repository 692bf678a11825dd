import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { prepareOutput } from '../../src/cli/output-file.js';
import type { RunReport } from '../../src/types.js';
import { runCli } from '../helpers.js';

const PROFILE = 'macmini-m4-2024-26.5.2';
const root = process.getuid?.() === 0;

describe('-o is checked before simulating and written atomically when the report is ready', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-output-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // A Distribution that keeps every profile busy for a long time: if -o were checked after simulating, the test would time out.
  const slow = path.join(dir, 'slow.xml');
  writeFileSync(
    slow,
    `<installer-gui-script minSpecVersion="2"><installation-check script="spin()"/><script>function spin() { for (;;) {} }</script></installer-gui-script>`,
  );
  const slowRun = ['run', slow, '--timeout', '600000', '--hard-timeout', '600000', '-j', '1'];

  async function refusedAtOnce(output: string, pattern: RegExp): Promise<void> {
    const before = readdirSync(dir).sort();
    const started = Date.now();
    const r = await runCli([...slowRun, '-o', output], { timeoutMs: 20_000 });
    assert.equal(r.code, 2, `exit ${r.code} after ${Date.now() - started} ms: ${r.stderr}`);
    assert.ok(Date.now() - started < 10_000, 'refused before simulating');
    assert.match(r.stderr.trimEnd(), pattern);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing created');
  }

  it('a directory', async () => {
    const target = path.join(dir, 'a-directory');
    mkdirSync(target);
    await refusedAtOnce(target, /^distsim: -o .*a-directory: is a directory$/);
  });

  it('a missing parent directory', async () => {
    await refusedAtOnce(path.join(dir, 'missing', 'report.json'), /^distsim: -o .*report\.json: cannot write in .*missing: no such file or directory$/);
  });

  it('a parent that is a file', async () => {
    await refusedAtOnce(path.join(slow, 'report.json'), /^distsim: -o .*report\.json: (cannot write in .*slow\.xml: )?not a directory$/);
  });

  it('an unwritable file, left untouched', { skip: root && 'root may write anything' }, async () => {
    const target = path.join(dir, 'locked.json');
    writeFileSync(target, 'previous report');
    chmodSync(target, 0o444);
    await refusedAtOnce(target, /^distsim: -o .*locked\.json: permission denied$/);
    assert.equal(readFileSync(target, 'utf8'), 'previous report');
  });

  it('an unwritable directory', { skip: root && 'root may write anything' }, async () => {
    const locked = path.join(dir, 'locked-dir');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    await refusedAtOnce(path.join(locked, 'report.json'), /cannot write in .*locked-dir: permission denied$/);
    chmodSync(locked, 0o755);
  });

  it('an existing report is not truncated when the run stops before a report is ready', async () => {
    const target = path.join(dir, 'kept.json');
    writeFileSync(target, 'previous report');
    const r = await runCli(['run', 'examples/example-app.xml', '--profile-file', path.join(dir, 'no-such.json'), '-o', target]);
    assert.equal(r.code, 2);
    assert.equal(readFileSync(target, 'utf8'), 'previous report');
    rmSync(target);
  });

  it('replaces the report in one step, leaves no temporary file, and follows a symlink', async () => {
    const target = path.join(dir, 'report.json');
    writeFileSync(target, 'previous report');
    const link = path.join(dir, 'latest.json');
    symlinkSync(target, link);
    const r = await runCli(['run', 'examples/example-app.xml', '-p', PROFILE, '-f', 'json', '-o', link]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal((JSON.parse(readFileSync(target, 'utf8')) as RunReport).distributions.length, 1);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.equal(readlinkSync(link), target);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
    );
    rmSync(link);
    rmSync(target);
  });

  it('writes to a device such as /dev/null directly', { skip: process.platform === 'win32' }, async () => {
    const r = await runCli(['run', 'examples/example-app.xml', '-p', PROFILE, '-o', '/dev/null']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('prepareOutput creates nothing until write', () => {
    const target = path.join(dir, 'later.json');
    const output = prepareOutput(target);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.startsWith('later') || name.startsWith('.later')),
      [],
    );
    output.write('{}\n');
    assert.equal(readFileSync(target, 'utf8'), '{}\n');
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.startsWith('.later')),
      [],
    );
    rmSync(target);
    assert.throws(() => prepareOutput(dir), { code: 'OUTPUT_UNWRITABLE', message: `${dir}: is a directory` });
  });
});
