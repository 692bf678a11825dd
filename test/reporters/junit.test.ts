import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { loadSpec, runSpecs } from '../../src/expect/index.js';
import { renderJunit } from '../../src/reporters/junit.js';
import type { RunReport } from '../../src/types.js';
import { ROOT } from '../helpers.js';
import { HOSTILE, rawControls, result, runReport, sampleRunReport, simulation } from './report-fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-junit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = { color: false, verbose: false };

interface Parsed {
  attrs: Record<string, string>;
  suites: Array<{
    attrs: Record<string, string>;
    cases: Array<{
      attrs: Record<string, string>;
      failure?: { attrs: Record<string, string>; text: string };
      error?: { attrs: Record<string, string>; text: string };
    }>;
  }>;
}

/** Parses the XML back (after checking it is well-formed) into suites and cases. */
function parse(xml: string): Parsed {
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
    textNodeName: '#text',
    parseAttributeValue: false,
    parseTagValue: false,
  }).parse(xml) as Record<string, unknown>;
  const root = doc.testsuites as Record<string, unknown>;
  const attrs = (node: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(Object.entries(node).filter(([k, v]) => typeof v === 'string' && k !== '#text')) as Record<string, string>;
  const child = (node: Record<string, unknown>, name: string): { attrs: Record<string, string>; text: string } | undefined => {
    const c = node[name] as Record<string, unknown> | undefined;
    return c === undefined ? undefined : { attrs: attrs(c), text: String(c['#text'] ?? '') };
  };
  return {
    attrs: attrs(root),
    suites: ((root.testsuite ?? []) as Array<Record<string, unknown>>).map((s) => ({
      attrs: attrs(s),
      cases: ((s.testcase ?? []) as Array<Record<string, unknown>>).map((c) => ({ attrs: attrs(c), failure: child(c, 'failure'), error: child(c, 'error') })),
    })),
  };
}

describe('JUnit reporter', () => {
  it('a run report: a suite per Distribution, a case per profile, failing when not installable or on error diagnostics', () => {
    const xml = renderJunit(sampleRunReport(), OPTIONS);
    const doc = parse(xml);
    assert.deepEqual(doc.attrs, { name: 'distsim', tests: '4', failures: '2', errors: '1' });
    assert.deepEqual(
      doc.suites.map((s) => s.attrs),
      [
        { name: 'dist.xml', tests: '3', failures: '2', errors: '0', skipped: '0' },
        { name: 'bad.xml', tests: '1', failures: '0', errors: '1', skipped: '0' },
      ],
    );
    const [ok, old, scripty] = doc.suites[0]!.cases;
    assert.deepEqual(ok!.attrs, { classname: 'dist.xml', name: 'ok' });
    assert.equal(ok!.failure, undefined);
    assert.deepEqual(old!.failure!.attrs, {
      type: 'NOT_INSTALLABLE',
      message: 'not installable: INSTALLATION_CHECK_FAILED: installation-check failed: too old',
    });
    assert.equal(scripty!.failure!.attrs.type, 'SCRIPT_EXCEPTION');
    assert.equal(scripty!.failure!.text, 'error SCRIPT_EXCEPTION: ReferenceError: x is not defined (dist.xml:3:5)');
    const bad = doc.suites[1]!.cases[0]!;
    assert.deepEqual(bad.error!.attrs, { type: 'XML_MALFORMED', message: 'bad.xml:1:2: not XML' });
    assert.equal(bad.error!.text, 'bad.xml:1:2: not XML\nhint: fix it');
    assert.ok(!/time|timestamp|hostname/.test(xml), 'nothing that changes between runs');
    assert.equal(renderJunit(sampleRunReport(), OPTIONS), xml, 'reproducible');
  });

  it('junitFailOn chooses what fails a run case', () => {
    const count = (failOn: Array<'not-installable' | 'error' | 'warning'>): string =>
      parse(renderJunit(sampleRunReport(), { ...OPTIONS, junitFailOn: failOn })).attrs.failures!;
    assert.equal(count([]), '0');
    assert.equal(count(['not-installable']), '1');
    assert.equal(count(['error']), '1');
    const warned = runReport([simulation('d.xml', [result('w', { diagnostics: [{ code: 'ARCH_TRANSLATED', severity: 'warning', message: 'Rosetta' }] })])]);
    assert.equal(parse(renderJunit(warned, { ...OPTIONS, junitFailOn: ['error'] })).attrs.failures, '0');
    assert.equal(parse(renderJunit(warned, { ...OPTIONS, junitFailOn: ['warning'] })).attrs.failures, '1');
  });

  it('a lost evaluation is an error, not a failure', () => {
    const lost = runReport([simulation('d.xml', [result('x', { diagnostics: [{ code: 'SANDBOX_WORKER_LOST', severity: 'error', message: 'worker died' }] })])]);
    assert.deepEqual(parse(renderJunit(lost, OPTIONS)).attrs, { name: 'distsim', tests: '1', failures: '0', errors: '1' });
  });

  it('hostile text stays well-formed XML: markup escaped, forbidden characters shown as escapes', () => {
    const report = runReport([
      simulation(HOSTILE, [result(HOSTILE, { installable: false, blockers: [{ code: 'NO_ENABLED_DOMAIN', message: HOSTILE }] })], HOSTILE),
    ]);
    const xml = renderJunit(report, OPTIONS);
    const doc = parse(xml);
    const c = doc.suites[0]!.cases[0]!;
    assert.ok(c.attrs.name!.includes('a|b <i>x</i> & "q"'), 'markup survives as text');
    assert.ok(c.attrs.name!.includes('\\u001b[2J\\u0000\\u0007\\ufffe'), 'forbidden characters are visible escapes');
    assert.ok(c.attrs.name!.includes('\\ud800'), 'a lone surrogate is a visible escape');
    assert.ok(c.attrs.name!.includes('\u202e'), 'allowed characters are kept');
    assert.ok(c.failure!.text.includes(']]>'));
    assert.deepEqual(rawControls(xml.replace(/\u202e/g, '')), [], 'only characters XML 1.0 allows');
  });

  it('a test report: a case per profile × expectation, failures with expected and actual, parsed back with the right counts', async () => {
    const sub = mkdtempSync(path.join(dir, 'spec-'));
    copyFileSync(path.join(ROOT, 'examples', 'example-app.xml'), path.join(sub, 'app.xml'));
    writeFileSync(path.join(sub, 'broken.xml'), '<installer-gui-script><title>x</installer-gui-script>');
    const spec = path.join(sub, 's.yaml');
    writeFileSync(
      spec,
      [
        'profiles:',
        '  ids: [macbookpro-15-mid2015-10.14.6, imac-27-2019-10.15.7, macbookair-m1-2020-11.7.10]',
        'distributions:',
        '  - path: app.xml',
        '    expect:',
        '      - name: installs',
        '        installable: true',
        '      - name: clean',
        '        diagnostics: { noErrors: true }',
        '  - path: broken.xml',
        '    expect: [{ installable: true }]',
        '',
      ].join('\n'),
    );
    const report: RunReport = await runSpecs([loadSpec(spec)], { workers: 0, cwd: sub });
    const doc = parse(renderJunit(report, OPTIONS));
    assert.deepEqual(doc.attrs, { name: 'distsim', tests: '7', failures: '1', errors: '1' });
    assert.deepEqual(
      doc.suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.errors]),
      [
        ['app.xml', '6', '1', '0'],
        ['broken.xml', '1', '0', '1'],
      ],
    );
    const failed = doc.suites[0]!.cases.find((c) => c.failure !== undefined)!;
    assert.equal(failed.attrs.name, 'macbookpro-15-mid2015-10.14.6: installs');
    assert.deepEqual(failed.failure!.attrs, { type: 'EXPECTATION_FAILED', message: 'installable: expected true, got false' });
    assert.equal(failed.failure!.text, `installable (${spec}:7:22): expected true, got false`);
    assert.equal(doc.suites[1]!.cases[0]!.error!.attrs.type, 'XML_MALFORMED');
  });
});
