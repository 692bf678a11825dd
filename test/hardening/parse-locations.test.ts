/**
 * Locations are file:line:column in the XML as an editor shows it, whatever
 * the line endings (LF, CRLF, or CR alone as in old Mac files), and inside
 * attribute values XML has flattened to one line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Distribution, Evaluable } from '../../src/distribution/model.js';
import { parseDistribution } from '../../src/distribution/parse.js';
import { codeOffsetToSource, codeToSource } from '../../src/distribution/positions.js';
import { LineIndex } from '../../src/distribution/source-text.js';
import { InputError } from '../../src/errors.js';
import { simulateOne } from '../helpers.js';

const PROFILE = 'macmini-m4-2024-26.5.2';

/** The file's lines joined with `eol`. */
const doc = (eol: string, ...lines: string[]) => lines.join(eol) + eol;

/** 1-based line and UTF-16 column of the first `needle` in `text`, lines ending in CR, LF or CRLF. */
function whereIs(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  assert.ok(at !== -1, `${needle} not in the text`);
  const lines = text.slice(0, at).split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

function parseError(text: string, options = {}): InputError {
  try {
    parseDistribution(text, 'd.xml', options);
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('expected an InputError');
}

function evaluable(dist: Distribution, source: string): Evaluable {
  const ev = dist.evaluables.find((e) => e.source === source);
  assert.ok(ev, `no evaluable ${source}`);
  return ev;
}

describe('LineIndex', () => {
  it('treats CR, LF and CRLF each as one line end', () => {
    const index = new LineIndex('ab\rcd\r\nef\ngh\r');
    assert.deepEqual(
      [0, 2, 3, 5, 6, 7, 10, 12, 13].map((o) => index.position(o)),
      [
        { line: 1, column: 1 },
        { line: 1, column: 3 },
        { line: 2, column: 1 },
        { line: 2, column: 3 },
        { line: 2, column: 4 },
        { line: 3, column: 1 },
        { line: 4, column: 1 },
        { line: 4, column: 3 },
        { line: 5, column: 1 },
      ],
    );
    assert.deepEqual(
      [
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 2],
        [5, 1],
      ].map(([l, c]) => index.offset(l!, c!)),
      [0, 3, 7, 11, 13],
    );
  });
});

for (const [name, eol] of [
  ['CR-only', '\r'],
  ['CRLF', '\r\n'],
  ['LF', '\n'],
] as const) {
  describe(`${name} files`, () => {
    it('locate a well-formedness error on line 3', () => {
      const text = doc(eol, '<?xml version="1.0"?>', '<installer-gui-script minSpecVersion="2">', '  <title>&nbsp;</title>', '</installer-gui-script>');
      assert.match(parseError(text).message, /^d\.xml:3:10: entity 'nbsp' is not defined/);
      const mismatched = doc(eol, '<?xml version="1.0"?>', '<installer-gui-script minSpecVersion="2">', '  <title>x</titl>', '</installer-gui-script>');
      assert.match(parseError(mismatched).message, /^d\.xml:3:11: /);
    });

    it('locate parse-time diagnostics and --recover repairs', () => {
      const text = doc(
        eol,
        '<?xml version="1.0"?>',
        '<installer-gui-script minSpecVersion="2">',
        '<unknown-thing/>',
        '<script>',
        'if (a < b) {}',
        '</script>',
        '</installer-gui-script>',
      );
      const dist = parseDistribution(text, 'd.xml', { recover: true });
      assert.deepEqual(
        dist.diagnostics.map((d) => [d.code, d.location?.line, d.location?.column]),
        [
          ['XML_SCRIPT_ESCAPE_REPAIRED', 5, 7],
          ['XML_UNKNOWN_ELEMENT', 3, 1],
        ],
      );
    });

    it('map script positions back to the file (codeToSource), and an exception on line 5 reports line 5', async () => {
      const text = doc(
        eol,
        '<?xml version="1.0"?>',
        '<installer-gui-script minSpecVersion="2">',
        '<script>',
        'var a = 1;',
        '  null.x;',
        '</script>',
        '</installer-gui-script>',
      );
      const dist = parseDistribution(text, 'd.xml');
      const ev = evaluable(dist, 'script[1]');
      const codeLine = ev.code.split('\n').findIndex((l) => l.includes('null')) + 1;
      assert.deepEqual(codeToSource(ev, codeLine, 3), { line: 5, column: 3 });
      assert.deepEqual(codeOffsetToSource(ev, ev.code.indexOf('null')), { line: 5, column: 3 });
      const result = await simulateOne(text, PROFILE);
      const exception = result.diagnostics.find((d) => d.code === 'SCRIPT_EXCEPTION');
      assert.deepEqual(exception?.location, { file: 'inline.xml', ...whereIs(text, '.x') });
    });

    it('locate a syntax error on line 5', async () => {
      const text = doc(
        eol,
        '<?xml version="1.0"?>',
        '<installer-gui-script minSpecVersion="2">',
        '<script>',
        'var a = 1;',
        'var = 2;',
        '</script>',
        '</installer-gui-script>',
      );
      const result = await simulateOne(text, PROFILE);
      const syntax = result.diagnostics.find((d) => d.code === 'SCRIPT_SYNTAX_ERROR');
      assert.equal(syntax?.location?.line, 5);
    });

    it('locate code on the later lines of a multi-line attribute', async () => {
      const text = doc(
        eol,
        '<?xml version="1.0"?>',
        '<installer-gui-script minSpecVersion="2">',
        '<choices-outline><line choice="a"/></choices-outline>',
        '<choice id="a"',
        '    selected="true &amp;&amp;',
        '        null.x"/>',
        '</installer-gui-script>',
      );
      const dist = parseDistribution(text, 'd.xml');
      const ev = evaluable(dist, 'choice[a]@selected');
      assert.equal(ev.code, 'true &&         null.x');
      assert.deepEqual(codeOffsetToSource(ev, 0), { line: 5, column: 15 });
      assert.deepEqual(codeOffsetToSource(ev, ev.code.indexOf('&&') + 1), { line: 5, column: 25 });
      assert.deepEqual(codeOffsetToSource(ev, ev.code.indexOf('null')), { line: 6, column: 9 });
      assert.deepEqual(codeToSource(ev, 1, ev.code.indexOf('null') + 1), { line: 6, column: 9 });
      const result = await simulateOne(text, PROFILE);
      const exception = result.diagnostics.find((d) => d.code === 'SCRIPT_EXCEPTION');
      assert.deepEqual(exception?.location, { file: 'inline.xml', ...whereIs(text, '.x') });
    });
  });
}

describe('positions inside scripts', () => {
  it('a decoded &#10; is a line in the code but not in the file', () => {
    const text = doc('\n', '<installer-gui-script minSpecVersion="2">', '<script>// note&#10;null.x;</script>', '</installer-gui-script>');
    const ev = evaluable(parseDistribution(text, 'd.xml'), 'script[1]');
    assert.equal(ev.code, '// note\nnull.x;');
    assert.deepEqual(codeToSource(ev, 2, 1), whereIs(text, 'null'));
  });

  it('guest columns count code points; file columns count UTF-16 units', async () => {
    const text = doc('\n', '<installer-gui-script minSpecVersion="2">', '<script>var s = "😀😀"; null.x;</script>', '</installer-gui-script>');
    const ev = evaluable(parseDistribution(text, 'd.xml'), 'script[1]');
    // QuickJS counts columns in code points: 14 precede `null`, which UTF-16 puts at offset 16.
    assert.deepEqual(codeToSource(ev, 1, 15), whereIs(text, 'null'));
    const result = await simulateOne(text, PROFILE);
    assert.deepEqual(result.diagnostics.find((d) => d.code === 'SCRIPT_EXCEPTION')?.location, { file: 'inline.xml', ...whereIs(text, '.x') });
  });

  it('positions stay right after thousands of --recover repairs', () => {
    const lines = ['<installer-gui-script minSpecVersion="2">', '<script>'];
    for (let i = 0; i < 3000; i++) lines.push(`if (a < b && c) {}`);
    lines.push('</script>', '<unknown-after/>', '</installer-gui-script>');
    const text = doc('\r', ...lines);
    const dist = parseDistribution(text, 'd.xml', { recover: true });
    const unknown = dist.diagnostics.find((d) => d.code === 'XML_UNKNOWN_ELEMENT');
    assert.deepEqual(unknown?.location, { file: 'd.xml', line: 3004, column: 1 });
    const ev = evaluable(dist, 'script[1]');
    const last = ev.code.lastIndexOf('c)');
    assert.deepEqual(codeOffsetToSource(ev, last), { line: 3002, column: 14 });
  });
});
