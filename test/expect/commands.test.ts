/**
 * The `test` and `snapshot` command handlers, called in process (the CLI
 * end-to-end tests in test/cli/test-command.test.ts run the built binary).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { snapshotCommand } from '../../src/cli/snapshot-command.js';
import { testCommand } from '../../src/cli/test-command.js';
import { ROOT } from '../helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-commands-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PROFILES = ['macbookpro-15-mid2015-10.14.6', 'imac-27-2019-10.15.7', 'macbookair-m1-2020-11.7.10'];

describe('distsim snapshot and distsim test (handlers)', () => {
  it('snapshot -o writes a spec that test passes; a changed Distribution fails naming the profile', async () => {
    const sub = mkdtempSync(path.join(dir, 'round-'));
    const app = path.join(sub, 'dists', 'app.xml');
    const specDir = path.join(sub, 'specs');
    mkdirSync(path.dirname(app));
    mkdirSync(specDir);
    copyFileSync(path.join(ROOT, 'examples', 'example-app.xml'), app);
    const spec = path.join(specDir, 's.yaml');
    assert.equal(await snapshotCommand({ files: [app], profile: PROFILES, recover: false, output: spec, jobs: '1' }), 0);
    const text = readFileSync(spec, 'utf8');
    assert.match(text, /^ {2}- path: \.\.\/dists\/app\.xml$/m, 'relative to the spec, not to the current directory');

    const report = path.join(sub, 'r.xml');
    assert.equal(await testCommand({ specs: [spec], format: 'junit', output: report, jobs: '1' }), 0);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(report, 'utf8')) as {
      testsuites: Record<string, string>;
    };
    assert.equal(xml.testsuites.tests, '3');
    assert.equal(xml.testsuites.failures, '0');

    writeFileSync(app, readFileSync(app, 'utf8').replace("ProductVersion, '10.15') < 0", "ProductVersion, '10.15.8') < 0"));
    const out = path.join(sub, 'out.txt');
    assert.equal(await testCommand({ specs: [spec], format: 'text', output: out, jobs: '1' }), 1);
    const failures = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('FAIL '));
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /^FAIL .*app\.xml {2}imac-27-2019-10\.15\.7: distributions\[0\]\.expect\[1\] {2}\(/);
  });

  it('every format renders; matrix and markdown print one row per profile', async () => {
    const spec = path.join(ROOT, 'examples', 'example-app.spec.yaml');
    const rows: Record<string, number> = {};
    for (const format of ['matrix', 'markdown', 'json'] as const) {
      const out = path.join(dir, `example.${format}`);
      assert.equal(await testCommand({ specs: [spec], format, output: out, jobs: '1' }), 0);
      const text = readFileSync(out, 'utf8');
      if (format === 'json') {
        const doc = JSON.parse(text) as { schemaVersion: number; tests: unknown[] };
        assert.equal(doc.schemaVersion, 2);
        assert.equal(doc.tests.length, 10);
        continue;
      }
      rows[format] = text.split('\n').filter((l) => /(^|\| )(macbook|imac|macmini)/.test(l)).length;
    }
    assert.deepEqual(rows, { matrix: 5, markdown: 5 });
  });

  it('a bad spec or flag is an input error (exit 2 in the CLI), before anything runs', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'distributions:\n  - path: a.xml\n    expect: [{ instalable: true }]\n');
    await assert.rejects(testCommand({ specs: [bad], format: 'text' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SPEC_INVALID');
      assert.match(error.message, /^.*bad\.yaml:3:16: unknown property "instalable" .*\(at distributions\[0\]\.expect\[0\]\.instalable\)$/);
      return true;
    });
    await assert.rejects(testCommand({ specs: [bad], format: 'text', jobs: '0' }), { code: 'FLAG_INVALID' });
    await assert.rejects(testCommand({ specs: [bad], format: 'text', output: dir }), { code: 'OUTPUT_UNWRITABLE' });
    await assert.rejects(snapshotCommand({ files: [bad], profile: PROFILES, recover: false }), { code: 'XML_MALFORMED' });
    await assert.rejects(
      snapshotCommand({ files: [path.join(ROOT, 'examples', 'example-app.xml')], profile: PROFILES, recover: false, policy: ['truthiness=maybe'] }),
      { code: 'POLICY_VALUE_INVALID', message: /^--policy truthiness=maybe: / },
    );
  });
});
