/**
 * Hostile XML: entity bombs, external entities, deep nesting, huge files,
 * encodings and illegal characters. Every test bounds its wall-clock time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Distribution } from '../../src/distribution/model.js';
import { parseDistribution } from '../../src/distribution/parse.js';
import { decodeXmlBytes } from '../../src/distribution/source-text.js';
import { InputError } from '../../src/errors.js';
import type { RunReport } from '../../src/types.js';
import { codes, runCli, simulateOne } from '../helpers.js';

const PROFILE = 'macmini-m4-2024-26.5.2';

const wrap = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<installer-gui-script minSpecVersion="2">\n${body}\n</installer-gui-script>\n`;

/** Runs `fn` and asserts it took less than `limitMs`. */
function timed<T>(limitMs: number, what: string, fn: () => T): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    const elapsed = performance.now() - started;
    assert.ok(elapsed < limitMs, `${what} took ${elapsed.toFixed(0)} ms (limit ${limitMs} ms)`);
  }
}

async function timedAsync<T>(limitMs: number, what: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    const elapsed = performance.now() - started;
    assert.ok(elapsed < limitMs, `${what} took ${elapsed.toFixed(0)} ms (limit ${limitMs} ms)`);
  }
}

/** A test whose whole body must finish within `limitMs` (in-process tests take milliseconds; the bound catches blow-ups). */
function bounded(name: string, fn: () => unknown, limitMs = 2000): void {
  it(name, () =>
    timedAsync(limitMs, `the test '${name}'`, async () => {
      await fn();
    }),
  );
}

/** The InputError parseDistribution throws; anything else (a result, another exception type) fails. */
function parseError(text: string, file = 'd.xml', options = {}): InputError {
  let dist: Distribution;
  try {
    dist = parseDistribution(text, file, options);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return error;
  }
  assert.fail(`expected an InputError, but the file parsed (title ${JSON.stringify(dist.title)})`);
}

/** `file:LINE:COL: reason` on one line. */
function assertLocated(error: InputError, file: string): { line: number; column: number } {
  const m = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+): \\S`).exec(error.message);
  assert.ok(m, `not '${file}:LINE:COL: reason': ${JSON.stringify(error.message)}`);
  assert.ok(!error.message.includes('\n'), `several lines: ${JSON.stringify(error.message)}`);
  return { line: Number(m[1]), column: Number(m[2]) };
}

let tmp: string | undefined;
function tempDir(): string {
  tmp ??= mkdtempSync(path.join(tmpdir(), 'distsim-hostile-'));
  return tmp;
}
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/**
 * The CLI contract for a hostile file: exit 0 with a report, or exit 2 with a
 * report whose entry for the file is a located error and one line on stderr
 * (plus an optional hint); never a stack trace.
 */
function assertCliContract(r: { code: number | null; stdout: string; stderr: string }): void {
  const what = `exit ${r.code}, stderr: ${r.stderr.slice(0, 500)}`;
  assert.notEqual(r.code, null, `the CLI was killed by the test's time limit: ${what}`);
  assert.ok(r.code === 0 || r.code === 2, what);
  assert.ok(!r.stderr.split('\n').some((l) => /^\s+at /.test(l)), `stack trace: ${what}`);
  const report = JSON.parse(r.stdout) as RunReport;
  assert.equal(report.distributions.length, 1);
  const entry = report.distributions[0]!;
  if (r.code === 0) {
    assert.ok('results' in entry, JSON.stringify(entry).slice(0, 300));
    assert.equal(entry.results.length, 1);
    assert.equal(typeof entry.results[0]!.installable, 'boolean');
  } else {
    assert.ok('error' in entry, JSON.stringify(entry).slice(0, 300));
    assert.match(entry.error.code, /^[A-Z_]+$/);
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^distsim: \S/, what);
    assert.ok(lines.length === 1 || (lines.length === 2 && lines[1]!.startsWith('hint: ')), `more than one line (and a hint): ${what}`);
  }
}

describe('entities', () => {
  bounded('refuses a billion-laughs entity bomb quickly, mentioning entity declarations', () => {
    let decls = `<!ENTITY a0 "${'a'.repeat(100)}">`;
    for (let i = 1; i <= 12; i++) decls += `\n  <!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`;
    const text = `<?xml version="1.0"?>\n<!DOCTYPE installer-gui-script [\n  ${decls}\n]>\n<installer-gui-script minSpecVersion="2"><title>&a12;</title></installer-gui-script>\n`;
    const error = timed(1000, 'the entity bomb', () => parseError(text, 'bomb.xml'));
    assertLocated(error, 'bomb.xml');
    assert.match(error.message, /entity declarations/);
  });

  bounded('refuses an external entity (nothing is read)', () => {
    const text = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><installer-gui-script>&xxe;</installer-gui-script>';
    const error = timed(1000, 'the external entity', () => parseError(text, 'xxe.xml'));
    assertLocated(error, 'xxe.xml');
    assert.match(error.message, /entit/);
    assert.ok(!/root:|nologin/.test(error.message), error.message);
  });

  bounded('refuses an external parameter entity', () => {
    const text = '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]><installer-gui-script/>';
    const error = timed(1000, 'the parameter entity', () => parseError(text, 'pe.xml'));
    assertLocated(error, 'pe.xml');
  });

  bounded('refuses an entity bomb hidden after a "]" in a DOCTYPE comment', () => {
    let decls = `<!ENTITY a0 "${'a'.repeat(100)}">`;
    for (let i = 1; i <= 12; i++) decls += `<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`;
    const text = `<!DOCTYPE x [<!-- ] --> ${decls}]><installer-gui-script><title>&a12;</title></installer-gui-script>`;
    const error = timed(1000, 'the hidden entity bomb', () => parseError(text, 'hidden.xml'));
    assertLocated(error, 'hidden.xml');
  });

  bounded(
    'accepts a DOCTYPE with a SYSTEM id and no entities (never fetched), and simulates it',
    async () => {
      const text = `<?xml version="1.0"?>\n<!DOCTYPE installer-gui-script SYSTEM "http://example.invalid/x.dtd">\n<installer-gui-script minSpecVersion="2">
<title>With DTD</title>
<choices-outline><line choice="a"/></choices-outline>
<choice id="a" selected="system.sysctl('hw.machine') == 'arm64'"><pkg-ref id="p"/></choice>
<pkg-ref id="p">#p.pkg</pkg-ref>
</installer-gui-script>\n`;
      const dist = timed(1000, 'parsing', () => parseDistribution(text, 'dtd.xml'));
      assert.equal(dist.title, 'With DTD');
      const result = await timedAsync(5000, 'simulating', () => simulateOne(text, PROFILE));
      assert.equal(typeof result.installable, 'boolean');
      assert.deepEqual(
        result.choices.map((c) => c.id),
        ['a'],
      );
      assert.deepEqual(
        result.packages.map((p) => p.id),
        ['p'],
      );
    },
    5000,
  );
});

describe('deep nesting', () => {
  const DEPTH = 100_000;

  /** A one-line located InputError, or a Distribution; never a RangeError (or any other exception). */
  function deep(text: string, file: string): Distribution | InputError {
    return timed(2000, `${DEPTH} nested elements`, () => {
      try {
        return parseDistribution(text, file);
      } catch (error) {
        assert.ok(
          error instanceof InputError,
          `expected an InputError or a result, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
        assertLocated(error, file);
        return error;
      }
    });
  }

  bounded(
    `refuses (or handles) ${DEPTH.toLocaleString('en')} nested unknown elements inside the root`,
    async () => {
      const text = `<installer-gui-script minSpecVersion="2">${'<a>'.repeat(DEPTH)}${'</a>'.repeat(DEPTH)}</installer-gui-script>`;
      const outcome = deep(text, 'deep.xml');
      if (outcome instanceof InputError) {
        assert.match(outcome.message, /nest|deep|depth/i);
        return;
      }
      assert.ok(outcome.diagnostics.some((d) => d.code === 'XML_UNKNOWN_ELEMENT'));
      const result = await timedAsync(5000, 'simulating', () => simulateOne(text, PROFILE));
      assert.equal(typeof result.installable, 'boolean');
    },
    5000,
  );

  bounded(
    `refuses (or handles) a choices-outline ${DEPTH.toLocaleString('en')} lines deep`,
    async () => {
      const text = `<installer-gui-script minSpecVersion="2"><choices-outline>${'<line choice="x">'.repeat(DEPTH)}${'</line>'.repeat(DEPTH)}</choices-outline><choice id="x"/></installer-gui-script>`;
      const outcome = deep(text, 'deep-outline.xml');
      if (outcome instanceof InputError) return;
      assert.equal(outcome.outline.length, 1);
      const result = await timedAsync(5000, 'simulating', () => simulateOne(text, PROFILE));
      assert.deepEqual(
        result.choices.map((c) => c.id),
        ['x'],
      );
    },
    5000,
  );

  bounded('still accepts ordinary nesting (a three-level outline)', () => {
    const text = wrap(`<choices-outline><line choice="a"><line choice="b"><line choice="c"/></line></line></choices-outline>
<choice id="a"/><choice id="b"/><choice id="c"/>`);
    const dist = parseDistribution(text, 'd.xml');
    assert.equal(dist.outline[0]!.children[0]!.children[0]!.choice, 'c');
  });
});

describe('huge files through the CLI', () => {
  bounded(
    'a 50 MB Distribution: exit 2 with one "too large" line, or exit 0, within 20 s; never 3',
    async () => {
      const file = path.join(tempDir(), 'huge.xml');
      writeFileSync(file, wrap(`<title>Huge</title>\n<script><![CDATA[/*${'x'.repeat(50 * 1024 * 1024)}*/ var a = 1;]]></script>`));
      const r = await timedAsync(21_000, 'the CLI on 50 MB', () => runCli(['run', file, '-p', PROFILE, '--format', 'json'], { timeoutMs: 20_000 }));
      assertCliContract(r);
      if (r.code === 2) assert.match(r.stderr, /too large|too big|exceeds|larger than/i);
    },
    25_000,
  );

  bounded(
    '200,000 sibling <choice> elements, all in the outline: exit 0 or 2 within 20 s; never 3',
    async () => {
      const N = 200_000;
      let outline = '';
      let choices = '';
      for (let i = 0; i < N; i++) {
        const id = i.toString(36);
        outline += `<line choice="${id}"/>`;
        choices += `<choice id="${id}"/>`;
      }
      const file = path.join(tempDir(), 'siblings.xml');
      // About 7.9 MB: under the CLI's 8 MiB file limit, so it is parsed and simulated.
      writeFileSync(file, `<installer-gui-script minSpecVersion="2"><choices-outline>${outline}</choices-outline>${choices}</installer-gui-script>`);
      const r = await timedAsync(21_000, `the CLI on ${N} choices`, () => runCli(['run', file, '-p', PROFILE, '--format', 'json'], { timeoutMs: 20_000 }));
      assertCliContract(r);
    },
    25_000,
  );
});

describe('encodings', () => {
  const TITLE = 'Café — 日本語 ✓ 𝄞';
  const doc = (decl: string) =>
    `<?xml version="1.0" encoding="${decl}"?>\n<installer-gui-script minSpecVersion="2">\n<title>${TITLE}</title>\n</installer-gui-script>\n`;

  bounded('decodes UTF-16 LE with a BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc('UTF-16'), 'utf16le')]);
    const dist = timed(1000, 'UTF-16 LE', () => parseDistribution(decodeXmlBytes(bytes, 'le.xml'), 'le.xml'));
    assert.equal(dist.title, TITLE);
  });

  bounded('decodes UTF-16 BE with a BOM', () => {
    const body = Buffer.from(doc('UTF-16'), 'utf16le');
    body.swap16();
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), body]);
    const dist = timed(1000, 'UTF-16 BE', () => parseDistribution(decodeXmlBytes(bytes, 'be.xml'), 'be.xml'));
    assert.equal(dist.title, TITLE);
  });

  bounded('decodes UTF-8 with a BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc('UTF-8'), 'utf8')]);
    const text = decodeXmlBytes(bytes, 'bom.xml');
    assert.ok(text.startsWith('<?xml'), JSON.stringify(text.slice(0, 10)));
    assert.equal(parseDistribution(text, 'bom.xml').title, TITLE);
  });

  bounded('refuses invalid UTF-8 with file:line:col of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('<installer-gui-script>\n<title>'), Buffer.from([0xff]), Buffer.from('</title>\n</installer-gui-script>\n')]);
    const error = timed(1000, 'invalid UTF-8', () => {
      try {
        decodeXmlBytes(bytes, 'bad.xml');
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
        return e;
      }
      assert.fail('invalid UTF-8 was accepted');
    });
    assert.deepEqual(assertLocated(error, 'bad.xml'), { line: 2, column: 8 });
    assert.match(error.message, /UTF-8/);
  });

  bounded('refuses UTF-8-encoded surrogates (CESU-8) and overlong forms', () => {
    for (const bad of [
      [0xed, 0xa0, 0x80],
      [0xc0, 0xbc],
    ]) {
      const bytes = Buffer.concat([Buffer.from('<installer-gui-script><title>'), Buffer.from(bad), Buffer.from('</title></installer-gui-script>')]);
      assert.throws(
        () => decodeXmlBytes(bytes, 'cesu.xml'),
        (e: unknown) => e instanceof InputError && /^cesu\.xml:1:30: /.test(e.message),
      );
    }
  });

  bounded('refuses invalid UTF-16 (odd length, unpaired surrogate)', () => {
    const le = (s: string) => Buffer.from(s, 'utf16le');
    const odd = Buffer.concat([Buffer.from([0xff, 0xfe]), le('<installer-gui-script/>'), Buffer.from([0x41])]);
    const lone = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      le('<installer-gui-script><title>'),
      Buffer.from([0x00, 0xd8]),
      le('</title></installer-gui-script>'),
    ]);
    for (const bytes of [odd, lone])
      assert.throws(
        () => decodeXmlBytes(bytes, 'u16.xml'),
        (e: unknown) => e instanceof InputError && /^u16\.xml:\d+:\d+: /.test(e.message),
      );
  });

  bounded('refuses a NUL byte with its location', () => {
    const bytes = Buffer.from('<installer-gui-script>\n  <title>a\u0000b</title>\n</installer-gui-script>\n', 'utf8');
    assert.throws(
      () => decodeXmlBytes(bytes, 'nul.xml'),
      (e: unknown) => e instanceof InputError && e.message === 'nul.xml:2:11: NUL character: not an XML text file',
    );
  });
});

describe('illegal XML characters', () => {
  bounded('refuses a lone surrogate written as a character reference (&#xD800;), in content and in attributes', () => {
    for (const body of [
      '<title>&#xD800;</title>',
      '<title>&#55296;</title>',
      '<choices-outline><line choice="a"/></choices-outline><choice id="a" title="&#xDFFF;"/>',
    ]) {
      const error = parseError(wrap(body));
      assertLocated(error, 'd.xml');
    }
  });

  bounded('refuses other references to characters XML does not allow (&#0;, &#x1;, &#xFFFE;, &#x110000;)', () => {
    for (const ref of ['&#0;', '&#x1;', '&#xFFFE;', '&#x110000;']) assertLocated(parseError(wrap(`<title>a${ref}b</title>`)), 'd.xml');
  });

  bounded('accepts references to legal characters outside the BMP', () => {
    assert.equal(parseDistribution(wrap('<title>&#x1F600; &#128512;</title>'), 'd.xml').title, '😀 😀');
  });

  // A real XML parser (and so the Installer) rejects these raw characters as not well-formed.
  for (const [name, ch] of [
    ['U+0001 (a C0 control)', '\u0001'],
    ['U+001F (a C0 control)', '\u001f'],
    ['U+FFFE (a noncharacter)', '\ufffe'],
  ] as const) {
    bounded(`refuses a raw ${name} in a UTF-8 file`, () => {
      const bytes = Buffer.from(wrap(`<title>a${ch}b</title>`), 'utf8');
      let error: unknown;
      try {
        parseDistribution(decodeXmlBytes(bytes, 'ctl.xml'), 'ctl.xml');
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof InputError, `a raw ${name} was accepted${error === undefined ? '' : `: ${String(error)}`}`);
      assertLocated(error, 'ctl.xml');
    });
  }

  bounded('refuses a raw lone surrogate in text given to parseDistribution', () => {
    assertLocated(parseError(wrap('<title>a\ud800b</title>')), 'd.xml');
  });
});

describe('raw < and & in JavaScript', () => {
  const attrDoc = wrap(`<title>T</title><options hostArchitectures="x86_64,arm64"/>
<choices-outline><line choice="a"/><line choice="b"/></choices-outline>
<choice id="a" selected="1 < 2 && true"><pkg-ref id="p"/></choice>
<choice id="b" enabled="system.sysctl('hw.machine') == 'arm64' & 1"/>
<pkg-ref id="p">#p.pkg</pkg-ref>`);

  bounded('refuses a raw < in a JavaScript attribute, with a hint naming it and --recover', () => {
    const error = parseError(attrDoc, 'attr.xml');
    assert.deepEqual(assertLocated(error, 'attr.xml'), { line: 5, column: 28 });
    assert.match(error.message, /'<'/);
    assert.ok(error.hint, 'no hint');
    assert.match(error.hint, /selected/);
    assert.match(error.hint, /&lt;/);
    assert.match(error.hint, /--recover/);
  });

  bounded('refuses a raw & in a JavaScript attribute, with a hint', () => {
    const error = parseError(wrap('<choices-outline><line choice="a"/></choices-outline><choice id="a" visible="true && true"/>'), 'amp.xml');
    assertLocated(error, 'amp.xml');
    assert.match(error.message, /'&'/);
    assert.ok(error.hint?.includes('visible'), error.hint);
  });

  bounded('refuses a raw < in a plain <script>, with a hint', () => {
    const error = parseError(wrap('<script>\nif (1 < 2) { system.log("x"); }\n</script>'), 's.xml');
    assertLocated(error, 's.xml');
    assert.ok(error.hint?.includes('<script>'), error.hint);
  });

  bounded(
    '--recover repairs them, reports XML_SCRIPT_ESCAPE_REPAIRED at the right places, and simulates the intended code',
    async () => {
      const dist = parseDistribution(attrDoc, 'attr.xml', { recover: true });
      const repaired = dist.diagnostics.filter((d) => d.code === 'XML_SCRIPT_ESCAPE_REPAIRED');
      assert.deepEqual(
        repaired.map((d) => [d.args?.char, d.args?.where, d.location?.line, d.location?.column]),
        [
          ['<', 'selected', 5, 28],
          ['&', 'selected', 5, 32],
          ['&', 'selected', 5, 33],
          ['&', 'enabled', 6, 64],
        ],
      );
      const selected = dist.choices.find((c) => c.id === 'a')!.attributes.selected;
      assert.ok(selected?.kind === 'script', JSON.stringify(selected));
      assert.equal(dist.evaluables[selected.evaluable]!.code, '1 < 2 && true');
      const result = await simulateOne(attrDoc, PROFILE, { recover: true });
      assert.ok(
        codes(result).every((c) => !c.startsWith('SCRIPT_')),
        JSON.stringify(result.diagnostics),
      );
      assert.equal(result.choices.find((c) => c.id === 'a')!.selected, true);
      assert.equal(result.evaluatedArch, 'arm64');
      assert.equal(result.choices.find((c) => c.id === 'b')!.enabled, true);
      assert.deepEqual(
        result.packages.map((p) => [p.id, p.install]),
        [['p', true]],
      );
    },
    5000,
  );

  bounded('--recover repairs a plain <script> too', () => {
    const dist = parseDistribution(wrap('<script>\nvar ok = 1 < 2 && 3 > 2;\n</script>'), 's.xml', { recover: true });
    assert.equal(dist.evaluables[dist.scripts[0]!]!.code.trim(), 'var ok = 1 < 2 && 3 > 2;');
    assert.ok(dist.diagnostics.some((d) => d.code === 'XML_SCRIPT_ESCAPE_REPAIRED' && d.args?.where === 'script'));
  });

  bounded('--recover does not hide other malformations', () => {
    const error = parseError(wrap('<choices-outline><line choice="a"/></choices-outline><choice id="a" selected="1 < 2"><title>unclosed</choice>'), 'x.xml', {
      recover: true,
    });
    assertLocated(error, 'x.xml');
  });
});
