/**
 * `distsim test`, `distsim snapshot` and the CI formats, end to end through
 * the built binary (dist/, with the commands registered in main.ts and the
 * junit, markdown and matrix reporters in the registry).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ROOT, runCli } from '../helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-cli-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const APP = path.join(ROOT, 'examples', 'example-app.xml');
const P = ['-p', 'macbookpro-15-mid2015-10.14.6', '-p', 'imac-27-2019-10.15.7', '-p', 'macbookair-m1-2020-11.7.10'];

function counts(xml: string): Record<string, string> {
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: Record<string, string> };
  return { tests: doc.testsuites.tests!, failures: doc.testsuites.failures!, errors: doc.testsuites.errors! };
}

describe('distsim snapshot, then distsim test', () => {
  it('snapshot > s.yaml && test s.yaml exits 0; a change to one profile exits 1 naming it', async () => {
    const sub = mkdtempSync(path.join(dir, 'round-'));
    const app = path.join(sub, 'app.xml');
    copyFileSync(APP, app);
    const spec = path.join(sub, 's.yaml');
    const snap = await runCli(['snapshot', app, ...P, '-o', spec]);
    assert.equal(snap.code, 0, snap.stderr);
    assert.equal(snap.stdout, '');
    assert.match(readFileSync(spec, 'utf8'), /^ {2}- path: app\.xml$/m);

    const pass = await runCli(['test', spec]);
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
    assert.match(pass.stdout, /^ok: 3 passed, 0 failed \(3 checks on 1 Distribution × 3 profiles\)$/m);

    writeFileSync(app, readFileSync(app, 'utf8').replace("ProductVersion, '10.15') < 0", "ProductVersion, '10.15.8') < 0"));
    const fail = await runCli(['test', spec]);
    assert.equal(fail.code, 1, fail.stderr);
    assert.match(fail.stdout, /^FAIL \S*app\.xml {2}imac-27-2019-10\.15\.7: /m);
    assert.match(fail.stdout, /^ {2}installable \(line \d+\): expected true, got false$/m);
    assert.equal(fail.stdout.match(/^FAIL /gm)?.length, 1);
  });

  it('snapshot to stdout writes paths relative to the current directory', async () => {
    const r = await runCli(['snapshot', 'examples/example-app.xml', '-p', 'macmini-m4-2024-26.5.2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}- path: examples\/example-app\.xml$/m);
    assert.match(r.stdout, /^ {6}- profiles:\n {10}- macmini-m4-2024-26\.5\.2\n {8}installable: true$/m);
  });

  it('the example spec passes', async () => {
    const r = await runCli(['test', 'examples/example-app.spec.yaml']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok: 10 passed, 0 failed/m);
  });
});

describe('distsim test formats', () => {
  it('--format junit -o FILE parses back with the right counts', async () => {
    const out = path.join(dir, 'example.xml');
    const r = await runCli(['test', 'examples/example-app.spec.yaml', '--format', 'junit', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(counts(readFileSync(out, 'utf8')), { tests: '10', failures: '0', errors: '0' });
  });

  it('--format matrix and --format markdown print one row per profile', async () => {
    const matrix = await runCli(['test', 'examples/example-app.spec.yaml', '-f', 'matrix']);
    assert.equal(matrix.code, 0, matrix.stderr);
    assert.equal(matrix.stdout.split('\n').filter((l) => /^(macbook|imac|macmini)/.test(l)).length, 5);
    const markdown = await runCli(['test', 'examples/example-app.spec.yaml', '-f', 'markdown']);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.equal(markdown.stdout.split('\n').filter((l) => /^\| (macbook|imac|macmini)/.test(l)).length, 5);
  });

  it('a malformed Distribution is a failing test (an <error>), not an aborted run', async () => {
    const sub = mkdtempSync(path.join(dir, 'broken-'));
    writeFileSync(path.join(sub, 'bad.xml'), '<installer-gui-script><script>if (a < b) {}</script></installer-gui-script>');
    copyFileSync(APP, path.join(sub, 'app.xml'));
    writeFileSync(
      path.join(sub, 's.yaml'),
      'profiles: { ids: [macmini-m4-2024-26.5.2] }\nexpect: [{ installable: true }]\ndistributions: [app.xml, bad.xml]\n',
    );
    const r = await runCli(['test', path.join(sub, 's.yaml'), '-f', 'junit']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(counts(r.stdout), { tests: '2', failures: '0', errors: '1' });
  });

  it('a bad spec exits 2 with one located line', async () => {
    const sub = mkdtempSync(path.join(dir, 'bad-spec-'));
    mkdirSync(path.join(sub, 'specs'));
    const spec = path.join(sub, 'specs', 's.yaml');
    writeFileSync(spec, 'distributions:\n  - path: ../app.xml\n    expect:\n      - choices: { app: { selectd: true } }\n');
    const r = await runCli(['test', spec]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const first = r.stderr.split('\n')[0]!;
    assert.equal(first.startsWith(`distsim: ${spec}:4:27: unknown property "selectd" (expected one of: visible, enabled, selected)`), true, first);
    assert.match(first, / \(at distributions\[0\]\.expect\[0\]\.choices\.app\.selectd\)$/);
  });
});

describe('distsim run with the CI formats', () => {
  it('--format junit: a case per profile, failing when not installable or on error diagnostics', async () => {
    const r = await runCli(['run', 'examples/example-app.xml', ...P, '-f', 'junit']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(counts(r.stdout), { tests: '3', failures: '1', errors: '0' });
  });

  it('--format matrix and markdown: one row per profile', async () => {
    const matrix = await runCli(['run', 'examples/example-app.xml', ...P, '-f', 'matrix']);
    assert.equal(matrix.code, 0, matrix.stderr);
    assert.equal(matrix.stdout.split('\n').filter((l) => /^(macbook|imac)/.test(l)).length, 3);
    const markdown = await runCli(['run', 'examples/example-app.xml', ...P, '-f', 'markdown']);
    assert.equal(markdown.stdout.split('\n').filter((l) => /^\| (macbook|imac)/.test(l)).length, 3);
  });
});
