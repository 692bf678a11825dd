/**
 * Static findings (facts about the file, not about a simulated Mac) are
 * reported once per file in the Distribution's own diagnostics, and their
 * number and size are bounded whatever the input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parseDistribution } from '../../src/distribution/parse.js';

const wrap = (body: string) => `<?xml version="1.0"?>\n<installer-gui-script minSpecVersion="2">\n${body}\n</installer-gui-script>\n`;

const LIMIT = 100;

function ofCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** Parses and asserts it took less than `limitMs`. */
function timedParse(text: string, limitMs: number, recover = false) {
  const started = performance.now();
  const dist = parseDistribution(text, 'd.xml', { recover });
  const elapsed = performance.now() - started;
  assert.ok(elapsed < limitMs, `parsing took ${elapsed.toFixed(0)} ms (limit ${limitMs} ms)`);
  return dist;
}

/** At most LIMIT of `code`, then exactly one DIAGNOSTICS_SUPPRESSED saying how many more there were. */
function assertCapped(diagnostics: Diagnostic[], code: string, total: number): void {
  assert.equal(ofCode(diagnostics, code).length, LIMIT);
  const summaries = ofCode(diagnostics, 'DIAGNOSTICS_SUPPRESSED').filter((d) => d.args?.code === code);
  assert.equal(summaries.length, 1);
  assert.deepEqual(summaries[0]!.args, { code, suppressed: total - LIMIT });
  assert.equal(summaries[0]!.severity, 'info');
}

describe('static findings once per file, at parse time', () => {
  it('OUTLINE_UNKNOWN_CHOICE: an outline line naming an undefined choice, with its location', () => {
    const dist = parseDistribution(
      wrap('<choices-outline>\n  <line choice="a">\n    <line choice="ghost"/>\n  </line>\n</choices-outline>\n<choice id="a"/>'),
      'd.xml',
    );
    assert.deepEqual(
      ofCode(dist.diagnostics, 'OUTLINE_UNKNOWN_CHOICE').map((d) => [d.severity, d.location, d.args]),
      [['warning', { file: 'd.xml', line: 5, column: 5 }, { choice: 'ghost' }]],
    );
  });

  it('PKG_REF_UNDEFINED: an outline choice references a pkg-ref with no package path', () => {
    const dist = parseDistribution(
      wrap(
        '<choices-outline><line choice="a"/><line choice="b"/></choices-outline>\n<choice id="a"><pkg-ref id="p"/><pkg-ref id="q"/></choice>\n<choice id="b"><pkg-ref id="p"/></choice>\n<pkg-ref id="q">#q.pkg</pkg-ref>',
      ),
      'd.xml',
    );
    assert.deepEqual(
      ofCode(dist.diagnostics, 'PKG_REF_UNDEFINED').map((d) => [d.location, d.args]),
      [[{ file: 'd.xml', line: 4, column: 16 }, { pkgRef: 'p' }]],
    );
  });

  it('RESTART_ACTION_UNKNOWN: a literal onConclusion that is not a restart action (including inherited names)', () => {
    const dist = parseDistribution(
      wrap(
        '<pkg-ref id="a" onConclusion="constructor">#a.pkg</pkg-ref>\n<pkg-ref id="b" onConclusion=" requirerestart ">#b.pkg</pkg-ref>\n<pkg-ref id="c" onConclusion="Reboot">#c.pkg</pkg-ref>',
      ),
      'd.xml',
    );
    assert.deepEqual(
      ofCode(dist.diagnostics, 'RESTART_ACTION_UNKNOWN').map((d) => [d.location?.line, d.args]),
      [
        [3, { value: 'constructor' }],
        [5, { value: 'Reboot' }],
      ],
    );
  });
});

describe('bounded static diagnostics', () => {
  it('150,000 outline lines naming undefined choices (3.5 MB): 100 findings and one summary', () => {
    const N = 150_000;
    let lines = '';
    for (let i = 0; i < N; i++) lines += `<line choice="undefined-choice-${i}"/>\n`;
    const dist = timedParse(wrap(`<choices-outline>\n${lines}</choices-outline>`), 5000);
    assertCapped(dist.diagnostics, 'OUTLINE_UNKNOWN_CHOICE', N);
    assert.deepEqual(ofCode(dist.diagnostics, 'OUTLINE_UNKNOWN_CHOICE')[0]!.location, { file: 'd.xml', line: 4, column: 1 });
    assert.ok(JSON.stringify(dist.diagnostics).length < 50_000, `${JSON.stringify(dist.diagnostics).length} bytes of diagnostics`);
  });

  it('caps every code: unknown elements, duplicates, unlisted choices, unknown API members, repairs', () => {
    const N = 5000;
    let body = '<choices-outline><line choice="x"/>';
    for (let i = 0; i < N; i++) body += '<line choice="x"/>';
    body += '</choices-outline><choice id="x"/>';
    for (let i = 0; i < N; i++) body += `<unknown-${i}/><choice id="c${i}"/><choice id="c${i}"/>`;
    body += '<script>';
    for (let i = 0; i < N; i++) body += `system.nope${i}; my.nope${i}; choices.nope${i}; if (a < b) {}\n`;
    body += '</script>';
    const dist = timedParse(wrap(body), 5000, true);
    assertCapped(dist.diagnostics, 'OUTLINE_DUPLICATE_CHOICE', N);
    assertCapped(dist.diagnostics, 'XML_UNKNOWN_ELEMENT', N);
    assertCapped(dist.diagnostics, 'XML_DUPLICATE_ELEMENT', N);
    assertCapped(dist.diagnostics, 'CHOICE_NOT_IN_OUTLINE', N);
    assertCapped(dist.diagnostics, 'API_UNKNOWN_MEMBER', 2 * N);
    assertCapped(dist.diagnostics, 'API_UNKNOWN_CHOICE', N);
    assertCapped(dist.diagnostics, 'XML_SCRIPT_ESCAPE_REPAIRED', N);
    // The summaries come last, in the order their codes were first suppressed.
    const tail = dist.diagnostics.slice(-7);
    assert.ok(
      tail.every((d) => d.code === 'DIAGNOSTICS_SUPPRESSED'),
      JSON.stringify(tail.map((d) => d.code)),
    );
  });

  it('clips input text quoted in messages and arguments', () => {
    const long = 'x'.repeat(1_000_000);
    const dist = timedParse(wrap(`<choices-outline><line choice="${long}"/></choices-outline><${long}/><script>system.${long};</script>`), 5000);
    assert.deepEqual(dist.diagnostics.map((d) => d.code).sort(), ['API_UNKNOWN_MEMBER', 'OUTLINE_UNKNOWN_CHOICE', 'XML_UNKNOWN_ELEMENT']);
    for (const d of dist.diagnostics) {
      assert.ok(d.message.length < 600, `${d.code}: a message of ${d.message.length} characters`);
      assert.ok(JSON.stringify(d.args).length < 600, `${d.code}: arguments of ${JSON.stringify(d.args).length} characters`);
    }
  });

  it('never cuts a surrogate pair when clipping', () => {
    const dist = parseDistribution(wrap(`<choices-outline><line choice="${'😀'.repeat(1000)}"/></choices-outline>`), 'd.xml');
    const d = ofCode(dist.diagnostics, 'OUTLINE_UNKNOWN_CHOICE')[0]!;
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    assert.ok(!lone.test(d.message) && !lone.test(String(d.args?.choice)), d.message);
  });

  it('is deterministic', () => {
    const text = wrap(`<choices-outline>${'<line choice="nope"/><line choice="x"/>'.repeat(300)}</choices-outline><choice id="x"/>`);
    assert.deepEqual(parseDistribution(text, 'd.xml'), parseDistribution(text, 'd.xml'));
  });
});
