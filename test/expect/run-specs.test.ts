import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSpec, renderTestText, runSpecs, snapshotSpec, SpecError, testExitCode } from '../../src/expect/index.js';
import { readDistributionInput } from '../../src/input/read-input.js';
import { loadProfiles } from '../../src/profile/index.js';
import { simulateRun } from '../../src/runner/simulate.js';
import { isInputFailure, type RunReport } from '../../src/types.js';
import { ROOT } from '../helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-run-specs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const APP = path.join(ROOT, 'examples', 'example-app.xml');
const INTEL_OLD = 'macbookpro-15-mid2015-10.14.6';
const INTEL = 'imac-27-2019-10.15.7';
const ARM = 'macbookair-m1-2020-11.7.10';
const PROFILES = [INTEL_OLD, INTEL, ARM];

/** Writes a spec (and a copy of the example Distribution beside it) into a fresh directory; returns the spec path. */
function specFile(name: string, text: string): string {
  const sub = mkdtempSync(path.join(dir, `${name}-`));
  copyFileSync(APP, path.join(sub, 'app.xml'));
  const file = path.join(sub, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

async function run(...files: string[]): Promise<RunReport> {
  return runSpecs(
    files.map((f) => loadSpec(f)),
    // Paths in reports are relative to cwd: the spec's directory here, as in a repository checkout.
    { workers: 0, cwd: path.dirname(files[0]!) },
  );
}

const HEADER = `profiles:\n  ids: [${PROFILES.join(', ')}]\ndistributions:\n  - path: app.xml\n    expect:\n`;

describe('runSpecs', () => {
  it('passes when every expectation holds (exit 0), one case per profile and expectation', async () => {
    const file = specFile(
      'pass',
      `${HEADER}      - where: 'os<10.15'\n        installable: false\n        installationCheck: { passed: false, resultType: Fatal, message: 'requires macOS 10\\.15' }\n` +
        `      - where: 'arch=arm64'\n        installable: true\n        choices: { silicon-helper: { visible: true, selected: true } }\n        restartAction: RequireRestart\n` +
        `      - diagnostics: { noErrors: true }\n`,
    );
    const report = await run(file);
    assert.equal(testExitCode(report), 0);
    assert.equal(report.distributions.length, 1);
    assert.deepEqual(
      report.tests!.map((t) => [t.profile, t.name, t.status]),
      [
        [INTEL_OLD, 'distributions[0].expect[0]', 'passed'],
        [INTEL_OLD, 'distributions[0].expect[2]', 'passed'],
        [INTEL, 'distributions[0].expect[2]', 'passed'],
        [ARM, 'distributions[0].expect[1]', 'passed'],
        [ARM, 'distributions[0].expect[2]', 'passed'],
      ],
    );
    assert.match(renderTestText(report), /^ok: 5 passed, 0 failed \(5 checks on 1 Distribution × 3 profiles\)\n$/);
  });

  it('fails (exit 1) naming the profile, the assertion, expected and actual, and where in the spec', async () => {
    const file = specFile(
      'fail',
      `${HEADER}      - name: everything installs\n        installable: true\n        packages: { installed: [com.example.helper.arm64] }\n`,
    );
    const report = await run(file);
    assert.equal(testExitCode(report), 1);
    const failed = report.tests!.filter((t) => t.status === 'failed');
    assert.deepEqual(
      failed.map((t) => [t.profile, t.failures.map((f) => [f.assertion, f.expected, f.actual, f.location?.line, f.why])]),
      [
        [
          INTEL_OLD,
          [
            ['installable', 'true', 'false', 7, null],
            ['packages["com.example.helper.arm64"]', 'installed', 'not installed (no selected choice references it)', 8, null],
          ],
        ],
        [INTEL, [['packages["com.example.helper.arm64"]', 'installed', 'not installed (no selected choice references it)', 8, null]]],
      ],
    );
    assert.deepEqual(failed[0]!.location, { file, line: 6, column: 9 });
    const text = renderTestText(report);
    assert.match(text, new RegExp(`^FAIL app\\.xml  ${INTEL_OLD}: everything installs  \\(.*fail\\.yaml:6:9\\)$`, 'm'));
    assert.match(text, /^ {2}installable \(line 7\): expected true, got false$/m);
    assert.match(text, /^FAILED: 1 passed, 2 failed \(3 checks on 1 Distribution × 3 profiles\)$/m);
  });

  it('a Distribution that cannot be read is an error case, not an aborted run', async () => {
    const file = specFile('broken', `${HEADER}      - diagnostics: { noErrors: true }\n  - path: broken.xml\n    expect: [{ installable: true }]\n`);
    writeFileSync(path.join(path.dirname(file), 'broken.xml'), '<installer-gui-script><script>if (a < b) {}</script></installer-gui-script>');
    const report = await run(file);
    assert.equal(testExitCode(report), 1);
    assert.equal(report.distributions.length, 2);
    assert.ok(isInputFailure(report.distributions[1]!));
    const errors = report.tests!.filter((t) => t.status === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.profile, null);
    assert.equal(errors[0]!.distribution, 1);
    assert.equal(errors[0]!.error!.code, 'XML_MALFORMED');
    assert.equal(report.tests!.filter((t) => t.status === 'passed').length, 3, 'the good file is still checked');
    assert.match(renderTestText(report), /^ERROR broken\.xml {2}\(.*broken\.yaml:7:5\)\n {2}XML_MALFORMED: broken\.xml:1:\d+: /m);
  });

  it('refuses an expectation naming a profile that is not simulated, or selecting none (exit 2)', async () => {
    const unknown = specFile('unknown', `${HEADER}      - profiles: [${ARM}, macmini-m9-2031]\n        installable: true\n`);
    await assert.rejects(run(unknown), (error: unknown) => {
      assert.ok(error instanceof SpecError);
      assert.equal(error.code, 'PROFILE_UNKNOWN');
      assert.equal(error.jsonPath, 'distributions[0].expect[0].profiles[1]');
      assert.match(error.message, /:6:48: profile "macmini-m9-2031" is not among the profiles simulated/);
      return true;
    });
    const none = specFile('none', `${HEADER}      - where: arch=ppc\n        installable: false\n`);
    await assert.rejects(run(none), { code: 'NO_PROFILES_SELECTED' });
    const badSet = specFile('badset', `profiles:\n  ids: [nope]\ndistributions: [{ path: app.xml, expect: [{ installable: true }] }]\n`);
    await assert.rejects(
      run(badSet),
      (error: unknown) => error instanceof SpecError && error.code === 'PROFILE_UNKNOWN' && error.jsonPath === 'profiles.ids[0]',
    );
  });

  it('simulates a Distribution once for several specs with the same profiles', async () => {
    const a = specFile('share-a', `${HEADER}      - installable: true\n        where: arch=arm64\n`);
    const b = path.join(path.dirname(a), 'b.yaml');
    writeFileSync(b, `${HEADER}      - diagnostics: { noErrors: true }\n`);
    const report = await run(a, b);
    assert.equal(report.distributions.length, 1);
    assert.deepEqual(
      report.tests!.map((t) => [path.basename(t.spec), t.profile]),
      [
        ['share-a.yaml', ARM],
        ['b.yaml', INTEL_OLD],
        ['b.yaml', INTEL],
        ['b.yaml', ARM],
      ],
    );
  });

  it('applies overrides and policies from the spec', async () => {
    const file = specFile(
      'overrides',
      `profiles:\n  ids: [${ARM}]\n  set: ['sysctl.hw.memsize=4294967296']\ndistributions:\n  - path: app.xml\n    expect:\n      - installable: true\n        installationCheck: { passed: false, resultType: Warn, message: '8 GB' }\n`,
    );
    assert.equal(testExitCode(await run(file)), 0);
  });
});

describe('snapshot then test', () => {
  async function snapshot(file: string, profiles: string[]): Promise<string> {
    const all = loadProfiles({});
    const chosen = profiles.map((id) => all.find((p) => p.id === id)!);
    const report = await simulateRun([readDistributionInput(file)], chosen, { workers: 0 });
    return snapshotSpec(report, { cwd: path.dirname(file), specDir: path.dirname(file) });
  }

  it('records grouped, minimal outcomes that the same Distribution then passes', async () => {
    const sub = mkdtempSync(path.join(dir, 'snap-'));
    const app = path.join(sub, 'app.xml');
    copyFileSync(APP, app);
    const text = await snapshot(app, PROFILES);
    assert.equal(text, await snapshot(app, PROFILES), 'deterministic');
    assert.match(
      text,
      /^ {6}- profiles:\n {10}- macbookpro-15-mid2015-10\.14\.6\n {8}installable: false\n {8}installationCheck: \{ passed: false, resultType: Fatal \}\n/m,
    );
    assert.match(text, /^ {10}silicon-helper: \{ visible: true, enabled: true, selected: true \}$/m);
    assert.equal((text.match(/- profiles:/g) ?? []).length, 3, 'one group per distinct outcome');
    const spec = path.join(sub, 's.yaml');
    writeFileSync(spec, text);
    const report = await run(spec);
    assert.equal(testExitCode(report), 0, renderTestText(report));
    assert.equal(report.tests!.length, 3);

    // A change that moves one profile's outcome: 10.15.7 is now refused.
    writeFileSync(app, readFileSync(app, 'utf8').replace("ProductVersion, '10.15') < 0", "ProductVersion, '10.15.8') < 0"));
    const changed = await run(spec);
    assert.equal(testExitCode(changed), 1);
    const failed = changed.tests!.filter((t) => t.status !== 'passed');
    assert.deepEqual(
      failed.map((t) => [t.profile, t.failures.map((f) => `${f.assertion}: ${f.expected} -> ${f.actual}`)]),
      [[INTEL, ['installable: true -> false', 'installationCheck.passed: true -> false']]],
    );
    assert.match(renderTestText(changed), new RegExp(`^FAIL app\\.xml  ${INTEL}: `, 'm'));
  });
});
