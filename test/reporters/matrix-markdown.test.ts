import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderMatrix } from '../../src/reporters/matrix.js';
import type { RunReport } from '../../src/types.js';
import { HOSTILE, rawControls, result, runReport, sampleRunReport, simulation } from './report-fixtures.js';

const OPTIONS = { color: false, verbose: false };

/** A test report over the sample: one failed expectation on `old`. */
function sampleTestReport(): RunReport {
  const report = sampleRunReport();
  const base = { spec: 's.yaml', distribution: 0, location: { file: 's.yaml', line: 3, column: 7 }, error: null };
  report.tests = [
    { ...base, profile: 'ok', name: 'installs', status: 'passed', failures: [] },
    {
      ...base,
      profile: 'old',
      name: 'installs',
      status: 'failed',
      failures: [{ assertion: 'installable', expected: 'true', actual: 'false', location: null, why: null }],
    },
    { ...base, profile: 'scripty', name: 'installs', status: 'passed', failures: [] },
    {
      ...base,
      distribution: 1,
      profile: null,
      name: 'read bad.xml',
      status: 'error',
      failures: [],
      error: { code: 'XML_MALFORMED', message: 'bad.xml:1:2: not XML' },
    },
  ];
  return report;
}

describe('matrix reporter', () => {
  it('one row per profile; columns for installable, checks and every choice; a legend', () => {
    const text = renderMatrix(sampleRunReport(), OPTIONS);
    const lines = text.split('\n');
    assert.equal(lines[0], 'dist.xml "App"');
    assert.match(lines[1]!, /^PROFILE +INSTALLABLE +CHECK +\/ +app +helper$/);
    assert.match(lines[2]!, /^ok +✓ +✓ +✓ +ves +-e-$/);
    assert.match(lines[3]!, /^old +✗ +✗ +✓ +ves +-e-$/);
    assert.match(lines[4]!, /^scripty +✓ +✓ +✓ +ves +-e-$/);
    assert.equal(lines[5], '');
    assert.equal(lines[6], 'bad.xml');
    assert.equal(lines[7], '  error XML_MALFORMED: bad.xml:1:2: not XML');
    assert.match(text, /\nlegend: installable ✓ yes, ✗ no; checks ✓ passed, W failed with Warn/);
  });

  it('with a test report: a tests column and the failed expectations', () => {
    const text = renderMatrix(sampleTestReport(), OPTIONS);
    assert.match(text, /^PROFILE +INSTALLABLE +CHECK +\/ +app +helper +TESTS$/m);
    assert.match(text, /^ok +✓ .* ✓ 1$/m);
    assert.match(text, /^old +✗ .* ✗ 1\/1$/m);
    assert.match(text, /^failed expectations:\n {2}✗ old: installs — installable: expected true, got false$/m);
  });

  it('a choice missing on one profile, a Warn check, a volume only some have', () => {
    const report = runReport([
      simulation('d.xml', [
        result('a', { installationCheck: { passed: false, resultType: 'Warn', title: null, message: 'low memory' } }),
        result('b', {
          choices: [],
          volumes: [...result('b').volumes, { mountpoint: '/Volumes/X', passed: false, resultType: 'Fatal', title: null, message: null, eligible: false }],
        }),
      ]),
    ]);
    const lines = renderMatrix(report, OPTIONS).split('\n');
    assert.match(lines[1]!, /^PROFILE +INSTALLABLE +CHECK +\/ +\/Volumes\/X +app +helper$/);
    assert.match(lines[2]!, /^a +✓ +W +✓ +\? +ves +-e-$/);
    assert.match(lines[3]!, /^b +✓ +✓ +✓ +✗ +\? +\?$/);
  });

  it('escapes control characters and cuts long headings', () => {
    const report = runReport([
      simulation(HOSTILE, [
        result(HOSTILE, { choices: [{ id: `${'c'.repeat(40)}\u001b`, parent: null, title: null, visible: true, enabled: false, selected: true } as never] }),
      ]),
    ]);
    const text = renderMatrix(report, OPTIONS);
    assert.deepEqual(rawControls(text.replace(/\ufffe/g, '')), [], 'no raw control or bidi character (a non-character is harmless on a terminal)');
    assert.ok(text.includes(`${'c'.repeat(23)}…`));
    assert.ok(text.includes('v-s'));
  });
});

describe('Markdown reporter', () => {
  it('a GitHub table per Distribution: one row per profile, blockers, a legend', () => {
    const text = renderMarkdown(sampleRunReport(), OPTIONS);
    const lines = text.split('\n');
    assert.equal(lines[0], '### dist.xml — App');
    assert.equal(lines[2], '| Profile | Arch | macOS | Installable | installation-check | / | app | helper | Blockers |');
    assert.equal(lines[3], '| --- | --- | --- | :-: | :-: | :-: | :-: | :-: | --- |');
    assert.equal(lines[4], '| ok | arm64 | 14.0 | ✅ | ✅ | ✅ | ves | -e- |  |');
    assert.equal(lines[5], '| old | arm64 | 14.0 | ❌ | ❌ Fatal | ✅ | ves | -e- | INSTALLATION\\_CHECK\\_FAILED: installation-check failed: too old |');
    assert.equal(lines[6], '| scripty | arm64 | 14.0 | ✅ | ✅ | ✅ | ves | -e- |  |');
    assert.equal(lines.filter((l) => l.startsWith('| ')).length, 5, 'heading, alignment, three profiles');
    assert.match(text, /^### bad\.xml\n\n❌ \*\*XML\\_MALFORMED\*\*: bad\.xml:1:2: not XML$/m);
    assert.match(text, /^<sub>Installable ✅ yes/m);
  });

  it('with a test report: the verdict first, a tests column, the failed expectations', () => {
    const text = renderMarkdown(sampleTestReport(), OPTIONS);
    assert.match(text, /^\*\*distsim test: ❌ failed\*\* — 2 passed, 1 failed, 1 errors of 4 checks\n/);
    assert.match(text, /^\| Profile .* \| Tests \| Blockers \|$/m);
    assert.match(text, /^\| old \| .* \| ❌ 1 of 1 \| INSTALLATION/m);
    assert.match(text, /^- ❌ \*\*old\*\* installs: installable expected true, got false$/m);
  });

  it('a cell cannot break the table: pipes, markup and line breaks are escaped, length is capped', () => {
    const report = runReport([
      simulation('d.xml', [
        result(HOSTILE, {
          installable: false,
          blockers: [{ code: 'NO_ENABLED_DOMAIN', message: `${HOSTILE}${'x'.repeat(5000)}` }],
          choices: [{ id: 'a|b', parent: null, title: null, visible: true, enabled: true, selected: true } as never],
        }),
      ]),
    ]);
    const text = renderMarkdown(report, OPTIONS);
    const rows = text.split('\n').filter((l) => l.startsWith('| '));
    assert.equal(rows.length, 3);
    const cells = (row: string): number => row.replace(/\\\|/g, '').split('|').length;
    assert.equal(cells(rows[2]!), cells(rows[0]!), 'same number of cells as the heading');
    assert.ok(rows[0]!.includes('a\\|b'));
    assert.ok(rows[2]!.includes('a\\|b \\<i\\>x\\</i\\> \\& "q" \\\\x1b\\[2J'));
    assert.deepEqual(rawControls(text.replace(/\ufffe/g, '')), []);
    assert.ok(rows[2]!.length < 1500, `${rows[2]!.length}`);
  });
});
