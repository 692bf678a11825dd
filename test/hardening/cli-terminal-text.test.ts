import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createDiagnostic } from '../../src/diagnostics/diagnostic.js';
import { renderText } from '../../src/reporters/text.js';
import type { ChoiceResult, PackageResult, RunReport, SimulationReport } from '../../src/types.js';
import { MAX_TERMINAL_LINE, terminalLines, terminalText } from '../../src/util/terminal-text.js';
import { runCli } from '../helpers.js';

const ESC = '\u001b';
/** Clears the screen, homes the cursor and paints a verdict. */
const REPAINT = `${ESC}[2J${ESC}[H✓ installable`;
/** Sets the window title (OSC 0), terminated by BEL. */
const OSC = `${ESC}]0;owned\u0007`;
/** Every character class the reporter must neutralise, once. */
const HOSTILE = `${REPAINT}${OSC}\u009b31m\u007f\u2028\u2029\u202e\u2066\r\u0000\ud800`;

/** No raw control or reordering character survives (distsim's own colours are checked apart). */
function assertInert(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const bad =
      (c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    assert.ok(!bad, `raw U+${c.toString(16).padStart(4, '0')} at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}`);
  }
}

function hostileReport(): RunReport {
  const location = { file: `dist${HOSTILE}.xml`, line: 3, column: 7 };
  const check = { passed: false, resultType: 'Fatal' as const, title: `title ${HOSTILE}`, message: `message ${OSC}` };
  const simulation: SimulationReport = {
    path: `path${HOSTILE}.xml`,
    title: `Title ${HOSTILE}`,
    diagnostics: [createDiagnostic('XML_UNKNOWN_ELEMENT', `unknown <${HOSTILE}>`, { location })],
    results: [
      {
        profile: `lab${OSC}`,
        mac: { name: `Lab ${HOSTILE}`, model: 'Mac16,10', arch: 'arm64', macos: `14.0${OSC}` },
        evaluatedArch: 'arm64',
        translated: false,
        installable: false,
        blockers: [{ code: 'INSTALLATION_CHECK_FAILED', message: `installation-check failed: ${HOSTILE}` }],
        installationCheck: check,
        volumes: [{ ...check, mountpoint: `/Volumes/${HOSTILE}`, eligible: false }],
        // Only the fields the text reporter shows: the report contract may grow without this test changing.
        choices: [
          { id: `c${OSC}`, parent: null, title: `choice ${HOSTILE}`, visible: true, enabled: true, selected: true },
          { id: 'child', parent: `c${OSC}`, title: null, visible: false, enabled: false, selected: false },
        ] as unknown as ChoiceResult[],
        packages: [
          { id: `pkg${HOSTILE}`, version: null, path: null, choices: [], active: true, install: true },
          { id: `skip${OSC}`, version: null, path: null, choices: [], active: false, install: false },
        ] as unknown as PackageResult[],
        domains: { anywhere: false, currentUserHome: false, localSystem: true },
        restartAction: 'None',
        log: [REPAINT, `line ${OSC}`],
        diagnostics: [createDiagnostic('SCRIPT_EXCEPTION', `Error: ${HOSTILE}`, { location, source: 'installation-check@script' })],
      },
    ],
  };
  const failure = {
    path: `broken${HOSTILE}.xml`,
    error: { code: 'XML_MALFORMED', message: `broken${HOSTILE}.xml:1:2: bad <${HOSTILE}>`, location, hint: `hint ${OSC}` },
  };
  return { schemaVersion: 2, tool: { name: 'distsim', version: '0.0.0' }, distributions: [failure, simulation] };
}

describe('text output shows guest text escaped', () => {
  it('without colour: no raw control character from any report field, and the escapes are visible', () => {
    const text = renderText(hostileReport(), { color: false, verbose: true });
    assertInert(text);
    assert.ok(!text.includes(ESC));
    assert.ok(text.includes('\\x1b[2J\\x1b[H✓ installable'), 'the log line is shown, escaped');
    assert.ok(text.includes('\\x1b]0;owned\\x07'), 'the OSC sequence is shown, escaped');
    assert.ok(text.includes('\\x9b31m\\x7f\\u2028\\u2029\\u202e\\u2066\\r\\x00\\ud800'));
    assert.match(text, /✗ not installable/);
  });

  it("with colour: every ESC is one of distsim's own SGR codes", () => {
    const text = renderText(hostileReport(), { color: true, verbose: true });
    const own = new Set(['[1m', '[22m', '[2m', '[31m', '[32m', '[33m', '[36m', '[39m']);
    for (let at = text.indexOf(ESC); at !== -1; at = text.indexOf(ESC, at + 1)) {
      const end = text.indexOf('m', at);
      assert.ok(own.has(text.slice(at + 1, end + 1)), `foreign escape ${JSON.stringify(text.slice(at, at + 12))}`);
    }
    assertInert(text.split(ESC).join(''));
  });

  it('caps each piece of guest text, so one log line cannot flood the terminal', () => {
    const report = hostileReport();
    (report.distributions[1] as SimulationReport).results[0]!.log = ['x'.repeat(5_000_000)];
    const started = performance.now();
    const text = renderText(report, { color: false, verbose: false });
    assert.ok(performance.now() - started < 2000);
    assert.ok(text.length < 40_000, `${text.length} characters`);
    assert.ok(text.includes(`${'x'.repeat(MAX_TERMINAL_LINE)}… (${5_000_000 - MAX_TERMINAL_LINE} more characters)`));
  });
});

describe('terminalText', () => {
  it('escapes C0, DEL, C1, line separators, bidi controls and lone surrogates', () => {
    assert.equal(terminalText('a\u001b[2Jb'), 'a\\x1b[2Jb');
    assert.equal(terminalText('\t\n\r\u0000\u0007'), '\\t\\n\\r\\x00\\x07');
    assert.equal(terminalText('\u007f\u0080\u009b\u009f'), '\\x7f\\x80\\x9b\\x9f');
    assert.equal(terminalText('\u2028\u2029\u202a\u202e\u2066\u2069\u200e\u200f\u061c'), '\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c');
    assert.equal(terminalText('\ud800x\udc00'), '\\ud800x\\udc00');
  });

  it('keeps ordinary Unicode, including surrogate pairs', () => {
    const text = 'Café 日本語 עברית 🍎 ✓ ☑ – …';
    assert.equal(terminalText(text), text);
  });

  it('caps the length without splitting an escape or a surrogate pair', () => {
    assert.equal(terminalText('abcdef', 4), 'abcd… (2 more characters)');
    assert.equal(terminalText('ab\u001bc', 5), 'ab… (2 more characters)');
    assert.equal(terminalText('a🍎b', 2), 'a… (3 more characters)');
    assert.equal(terminalText('a🍎b', 3), 'a🍎… (1 more characters)');
  });

  it('terminalLines keeps line breaks and treats each line apart', () => {
    assert.equal(terminalLines(`one${ESC}\ntwo`), 'one\\x1b\ntwo');
  });
});

describe('distsim run text output (end to end)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-terminal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a Distribution that writes escapes to system.log, my.result and exceptions cannot repaint the verdict', async () => {
    const file = path.join(dir, 'repaint.xml');
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
  <title>Trap&#x9b;2J</title>
  <options hostArchitectures="x86_64,arm64"/>
  <installation-check script="check()"/>
  <script><![CDATA[
system.log('\\u001b[2J\\u001b[H\\u2713 installable');
function check() {
  my.result.type = 'Fatal';
  my.result.title = '\\u001b]0;pwned\\u0007';
  my.result.message = '\\u001b]8;;https://example.invalid\\u001b\\\\click\\u001b]8;;\\u001b\\\\';
  return false;
}
function boom() { throw new Error('\\u001b[31mred\\u202e'); }
]]></script>
  <choices-outline><line choice="a"/></choices-outline>
  <choice id="a" title="&#x9b;2J&#x202e;choice" selected="boom()"/>
</installer-gui-script>
`,
    );
    const r = await runCli(['run', file, '-p', 'macmini-m4-2024-26.5.2', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assertInert(r.stdout);
    assert.ok(!r.stdout.includes(ESC), 'NO_COLOR: no escape at all');
    assert.match(r.stdout, /✗ not installable/);
    assert.ok(r.stdout.includes('JS: \\x1b[2J\\x1b[H✓ installable'), r.stdout);
    assert.ok(r.stdout.includes('\\x1b]0;pwned\\x07'), r.stdout);
    assert.ok(r.stdout.includes('"\\x9b2J\\u202echoice"'), 'the choice title, escaped');
    assert.ok(r.stdout.includes('Trap\\x9b2J'), 'the distribution title, escaped');
  });
});
