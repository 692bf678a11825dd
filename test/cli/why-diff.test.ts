/** End to end, through bin/distsim.js (needs dist/ built): `why` and `diff` output and exit codes. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers.js';
import { ARM, INTEL, whyXml } from '../explain/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-cli-why-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'why.xml');
writeFileSync(file, whyXml('x86_64'));

describe('distsim why', () => {
  it('prints the causal story in text', async () => {
    const r = await runCli(['why', file, 'arm', '--profile', ARM]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        `choice arm is hidden on ${ARM} because`,
        `  - choice[arm]@visible="isArm()" at ${file}:18:41 (evaluation 2 of this attribute) returned boolean false`,
        `      system.sysctl('hw.machine') = "x86_64"`,
        '  - evaluated under Rosetta 2 (as x86_64) because hostArchitectures (x86_64) lacks arm64',
        '',
      ].join('\n'),
    );
  });

  it('gives the same as data with --format json', async () => {
    const r = await runCli(['why', file, 'installation-check', '--profile', INTEL, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout) as { value: boolean; steps: Array<{ calls?: Array<{ set?: string }> }> };
    assert.equal(e.value, false);
    assert.equal(e.steps[0]!.calls![0]!.set, "--set 'volumes[0].files./Library/Front Row/Plugin.bundle=file'");
  });

  it('refuses an unknown target with exit 2', async () => {
    const r = await runCli(['why', file, 'nope', '--profile', INTEL]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /'nope' is not a choice id or a target of this Distribution/);
  });
});

describe('distsim diff', () => {
  it('exits 1 and names the first differing answer', async () => {
    const r = await runCli(['diff', file, '--profile', INTEL, '--set-b', 'sysctl.hw.machine=arm64']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /choice arm\.visible: false vs true\n {4}decided by choice\[arm\]@visible\n {4}first difference: system\.sysctl\('hw\.machine'\): "x86_64" vs "arm64"/,
    );
  });

  it('exits 0 for identical outcomes', async () => {
    const r = await runCli(['diff', file, '--profile', INTEL, '--profile', INTEL, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { identical: boolean }).identical, true);
  });
});
