/**
 * Property-based tests (fast-check): the parser and the simulation never
 * fail with anything but an InputError or a result, whatever the input.
 *
 * Budget: DISTSIM_FUZZ_RUNS runs per property (40 by default, `npm run fuzz`
 * uses 2000), with a fixed seed (DISTSIM_FUZZ_SEED, default 42) so CI is
 * reproducible. On failure fast-check prints the seed and the counterexample
 * path; rerun with DISTSIM_FUZZ_SEED=<seed> to reproduce.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ChoiceAttribute, Distribution } from '../../src/distribution/model.js';
import { parseDistribution } from '../../src/distribution/parse.js';
import { InputError } from '../../src/errors.js';
import type { Profile } from '../../src/profile/types.js';
import { getEngine, retireEngine, setWasmMemoryCap } from '../../src/sandbox/engine.js';
import { DEFAULT_LIMITS, DEFAULT_NOW, DEFAULT_SEED } from '../../src/simulate/limits.js';
import { defaultPolicies } from '../../src/installer/policy.js';
import { quickjsSessions, runProfile, type RunSettings } from '../../src/simulate/run-profile.js';
import { isInputFailure, type ProfileResult, type RunReport } from '../../src/types.js';
import { CORPUS, profile, runCli } from '../helpers.js';

const RUNS = Number(process.env.DISTSIM_FUZZ_RUNS ?? 40);
const SEED = Number(process.env.DISTSIM_FUZZ_SEED ?? 42);
const PARAMS = { numRuns: RUNS, seed: SEED, includeErrorInReport: true };

/** Wall-clock bound of one property run (parse + simulation). */
const RUN_BUDGET_MS = 5000;

const SETTINGS: RunSettings = {
  policies: defaultPolicies(),
  limits: { ...DEFAULT_LIMITS, timeoutMs: 50, profileBudgetMs: 2000 },
  now: DEFAULT_NOW,
  seed: DEFAULT_SEED,
};

const INTEL = 'macbookpro-15-mid2015-10.14.6';
const APPLE_SILICON = 'macmini-m4-2024-26.5.2';

// ---- corpus ---------------------------------------------------------------------

const corpusFiles = readdirSync(CORPUS)
  .filter((f) => f !== 'PROVENANCE.json')
  .sort()
  .map((name) => ({ name, text: readFileSync(path.join(CORPUS, name), 'utf8') }));

// ---- in-process simulation ------------------------------------------------------

/** runProfile on each profile; a thrown exception fails the property (runProfile must never throw). */
async function simulateIn(dist: Distribution, profiles: Profile[]): Promise<ProfileResult[]> {
  setWasmMemoryCap(DEFAULT_LIMITS.wasmMemoryBytes);
  const results: ProfileResult[] = [];
  for (const p of profiles) {
    const engine = await getEngine();
    let result: ProfileResult;
    try {
      result = runProfile(quickjsSessions(engine), dist, p, SETTINGS);
    } catch (error) {
      assert.fail(`runProfile threw on profile ${p.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    // The worker replaces a module that aborted during teardown; do the same here.
    if (result.diagnostics.some((d) => d.code === 'SANDBOX_TEARDOWN_ABORT')) retireEngine();
    results.push(result);
  }
  return results;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses; returns the Distribution or undefined after checking the InputError contract. */
function parseOrInputError(text: string, file: string, recover: boolean): Distribution | undefined {
  try {
    return parseDistribution(text, file, { recover });
  } catch (error) {
    if (!(error instanceof InputError)) {
      assert.fail(
        `parseDistribution threw a ${error instanceof Error ? error.constructor.name : typeof error}, not an InputError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    const m = new RegExp(`^${escapeRegExp(file)}:(\\d+):(\\d+): \\S`).exec(error.message);
    assert.ok(m, `InputError message does not start with '${file}:LINE:COL: ': ${JSON.stringify(error.message)}`);
    const line = Number(m[1]);
    const column = Number(m[2]);
    // CR, LF and CRLF each end a line, as in the parser's locations (old Mac files use CR alone).
    const lines = text.split(/\r\n?|\n/).length;
    assert.ok(line >= 1 && line <= lines, `line ${line} outside the file (1..${lines}): ${error.message}`);
    assert.ok(column >= 1, `column ${column} < 1: ${error.message}`);
    assert.ok(!error.message.includes('\n'), `InputError message spans several lines: ${JSON.stringify(error.message)}`);
    return undefined;
  }
}

// ---- guest code pools -----------------------------------------------------------

const NORMAL_STATEMENTS = [
  'var g = 1;',
  "function f(){ return system.sysctl('hw.machine') == 'x86_64'; }",
  "system.log('x' + my.target);",
  "my.result.type = 'Fatal';",
  "var v = system.version.ProductVersion; system.log('v=' + v);",
  "if (system.compareVersions(system.version.ProductVersion, '10.15') < 0 && g) { system.log('old'); }",
  "var s = 'a<b && c]]x';",
  'system.log("quotes \' and \\"");',
];

const ODD_STATEMENTS = [
  "throw new Error('x');",
  'null.x;',
  'undefinedFn();',
  'function (',
  '(function r(){return r()})();',
  'for(var i=0;i<1e5;i++){}',
  'system.sysctl({toString(){throw 1}});',
  'choices.nope.selected;',
  'Object.prototype.x = 1;',
  'throw 1;',
  'my.result = null;',
  'system = undefined;',
];

/** Expressions for JavaScript-valued attributes (no busy loops: they are evaluated repeatedly). */
const EXPRESSIONS = [
  '1',
  '0',
  "'yes'",
  'null',
  'undefined',
  "system.sysctl('hw.machine') == 'arm64'",
  "system.sysctl('hw.optional.arm64') == 1",
  "system.compareVersions(system.version.ProductVersion, '10.15') >= 0",
  "my.target && my.target.mountpoint == '/'",
  'choices.c0 && choices.c0.selected',
  "choices['c1'] ? !choices['c1'].selected : true",
  'my.choice.selected',
  '!my.choice.selected',
  'g == 1',
  'f()',
  "typeof f == 'function' ? f() : true",
  'null.x',
  'undefinedFn()',
  'choices.nope.selected',
  '(function r(){return r()})()',
  'system.sysctl({toString(){throw 1}})',
  '"q" < \'x\' & 1',
  "my.result.type = 'Warn', false",
  "my.result.type = 'Fatal', my.result.message = 'no <way> & \"never\"', false",
  'function (',
  '1 < 2 && 2 > 1',
];

// ---- mutations ------------------------------------------------------------------

const INTERESTING = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '=',
  '/',
  '/>',
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<?',
  '?>',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '\r',
  '\r\n',
  '\t',
  '&amp;',
  '&lt;',
  '&nope;',
  '&#0;',
  '&#xD800;',
  '&#x1F600;',
  '&#65;',
  '&#x110000;',
  '<script>',
  '</script>',
  '<![CDATA[throw 1;]]>',
  '</installer-gui-script>',
  '<installer-gui-script>',
  '<installer-script>',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '<!DOCTYPE installer-gui-script SYSTEM "x.dtd">',
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<choice id="fz" selected="1 &lt; 2"/>',
  '<line choice="fz"/>',
  '<line choice="fz"><line choice="fz"/></line>',
  '<pkg-ref id="fz">#fz.pkg</pkg-ref>',
  ' hostArchitectures="arm64"',
  ' hostArchitectures="ppc,,"',
  ' selected="undefinedFn()"',
  ' enabled="a < b && c"',
  ' script="null.x"',
  '<installation-check script="(function r(){return r()})()"/>',
  '<volume-check><allowed-os-versions><os-version min="99"/></allowed-os-versions></volume-check>',
  '<options customize="always" hostArchitectures="x86_64,arm64"/>',
  '<domains enable_localSystem="false"/>',
  'throw new Error("x");',
  'null.x;',
  '(function r(){return r()})();',
  'Object.prototype.x = 1;',
  '});',
  '{',
  '}',
  '(',
  ')',
  ';',
  'system.sysctl({toString(){throw 1}})',
  'my.result.type = "Fatal"; false',
  'é',
  '日本語',
  '𝄞',
  '\u2028',
  '\u202E',
];

type Mutation =
  | { op: 'insert'; at: number; snap: boolean; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number; length: number; to: number }
  | { op: 'swap'; a: number; b: number; length: number }
  /** Replaces the value of the k-th JavaScript-valued attribute (escaped or raw, so also the --recover path). */
  | { op: 'attribute'; k: number; expression: string; escape: boolean }
  /** Puts a statement at the start of the k-th <script>. */
  | { op: 'script'; k: number; statement: string; cdata: boolean };

/** A position as a fraction of the current length (shrinks towards the start). */
const fraction = fc.integer({ min: 0, max: 0xffff });

const insertText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INTERESTING) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) },
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fraction, snap: fc.boolean(), text: insertText }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fraction, length: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fraction, length: fc.integer({ min: 1, max: 400 }), to: fraction }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), a: fraction, b: fraction, length: fc.integer({ min: 1, max: 200 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('attribute' as const), k: fc.nat({ max: 100 }), expression: fc.constantFrom(...EXPRESSIONS), escape: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('script' as const),
      k: fc.nat({ max: 10 }),
      statement: fc.constantFrom(...NORMAL_STATEMENTS, ...ODD_STATEMENTS),
      cdata: fc.boolean(),
    }),
  },
);

const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

function pos(f: number, length: number): number {
  return Math.floor((f / 0x10000) * (length + 1));
}

/** Moves to the next markup character, so insertions often land inside tags and attribute values. */
function snapToMarkup(text: string, at: number): number {
  for (let i = at; i < text.length; i++) if ('<>"&]'.includes(text[i]!)) return i;
  return at;
}

function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  switch (m.op) {
    case 'insert': {
      let at = pos(m.at, n);
      if (m.snap) at = snapToMarkup(text, at);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'delete': {
      const at = pos(m.at, n);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'truncate':
      return text.slice(0, pos(m.at, n));
    case 'duplicate': {
      const at = pos(m.at, n);
      const slice = text.slice(at, at + m.length);
      const to = pos(m.to, n);
      return text.slice(0, to) + slice + text.slice(to);
    }
    case 'swap': {
      let a = pos(m.a, n);
      let b = pos(m.b, n);
      if (a > b) [a, b] = [b, a];
      const length = Math.min(m.length, b - a);
      if (length <= 0) return text;
      const first = text.slice(a, a + length);
      const second = text.slice(b, b + length);
      return text.slice(0, a) + second + text.slice(a + length, b) + first + text.slice(b + second.length);
    }
    case 'attribute': {
      const values = [
        ...text.matchAll(/\b(?:selected|enabled|visible|start_selected|start_enabled|start_visible|script|active|onConclusionScript|enable_\w+)="([^"]*)"/g),
      ];
      if (values.length === 0) return text;
      const hit = values[m.k % values.length]!;
      const start = hit.index + hit[0].indexOf('"') + 1;
      return text.slice(0, start) + (m.escape ? xmlEscape(m.expression) : m.expression) + text.slice(start + hit[1]!.length);
    }
    case 'script': {
      const opens = [...text.matchAll(/<script\b[^>]*>/g)];
      if (opens.length === 0) return text;
      const hit = opens[m.k % opens.length]!;
      const at = hit.index + hit[0].length;
      return text.slice(0, at) + (m.cdata ? `<![CDATA[${m.statement}]]>` : m.statement) + text.slice(at);
    }
  }
}

function mutate(text: string, mutations: Mutation[]): string {
  return mutations.reduce(applyMutation, text);
}

/** A corpus file name (counterexamples print the name, not the whole text). */
const corpusArb = fc.constantFrom(...corpusFiles.map((f) => f.name));
const corpusText = (name: string): string => corpusFiles.find((f) => f.name === name)!.text;

// ---- byte mutations (for the CLI: invalid UTF-8, BOMs, NULs) -----------------------

const INTERESTING_BYTES = [
  [0x00],
  [0xff],
  [0xfe],
  [0xc3],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xef, 0xbb, 0xbf],
  [0xff, 0xfe],
  [0xfe, 0xff],
  [0xe2, 0x82],
];

interface ByteMutation {
  at: number;
  bytes: number[];
}

const byteMutationArb: fc.Arbitrary<ByteMutation> = fc.record({
  at: fraction,
  bytes: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 })),
});

function mutateBytes(bytes: Buffer, mutations: ByteMutation[]): Buffer {
  let out = bytes;
  for (const m of mutations) {
    const at = pos(m.at, out.length);
    out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
  }
  return out;
}

// ---- generated Distributions ----------------------------------------------------

/** XML-escapes text for an attribute value (double-quoted) or element content. */
function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Drops characters XML 1.0 does not allow (C0 controls, lone surrogates, U+FFFE/U+FFFF). */
function xmlChars(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '');
}

const attrValueArb = fc.oneof({ weight: 2, arbitrary: fc.constantFrom('true', 'false', ' true ') }, { weight: 3, arbitrary: fc.constantFrom(...EXPRESSIONS) });

const ARCHS = [undefined, 'x86_64', 'arm64', 'x86_64,arm64', 'ppc'] as const;
const VERSIONS = ['10.5', '10.9', '10.13', '10.14.6', '10.15', '11.0', '12', '14.0', '15.3', '26', '99'];
const ON_CONCLUSION = [undefined, 'None', 'RequireRestart', 'RecommendRestart', 'requirelogout', 'RequireShutdown', 'bogus', ''];
const ID_SUFFIXES = ['', '', '', '_x', '.dot', '-é', ' sp', '&amp', '"q'];
const CHOICE_ATTRS: ChoiceAttribute[] = ['start_visible', 'start_enabled', 'start_selected', 'visible', 'enabled', 'selected'];

interface GenChoice {
  id: string;
  parent: number;
  attrs: Array<[ChoiceAttribute, string]>;
  pkgs: number[];
}

interface GenDist {
  root: 'installer-gui-script' | 'installer-script';
  title: string;
  hostArchitectures: string | undefined;
  scripts: Array<{ cdata: boolean; statements: string[] }>;
  installationCheck: string | undefined;
  volumeCheck: { script: string | undefined; groups: Array<Array<{ min: string; before: string | undefined }>> } | undefined;
  choices: GenChoice[];
  choicesReversed: boolean;
  pkgRefs: Array<{ defined: boolean; onConclusion: string | undefined; active: string | undefined; version: string }>;
}

const MAX_DEPTH = 3;

const choicesArb: fc.Arbitrary<GenChoice[]> = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc
    .tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc
          .record({
            parentPick: fc.nat({ max: 1000 }),
            suffix: fc.constantFrom(...ID_SUFFIXES),
            attrs: fc.uniqueArray(fc.tuple(fc.constantFrom(...CHOICE_ATTRS), attrValueArb), { maxLength: 6, selector: ([a]) => a }),
            pkgs: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
          })
          .map((c) => ({ i, ...c })),
      ),
    )
    .map((raw) => {
      const depth: number[] = [];
      return raw.map(({ i, parentPick, suffix, attrs, pkgs }) => {
        let parent = (parentPick % (i + 1)) - 1;
        if (parent >= 0 && depth[parent]! >= MAX_DEPTH) parent = -1;
        depth[i] = parent < 0 ? 0 : depth[parent]! + 1;
        return { id: `c${i}${suffix}`, parent, attrs, pkgs };
      });
    }),
);

const versionRangeArb = fc.record({ min: fc.constantFrom(...VERSIONS), before: fc.option(fc.constantFrom(...VERSIONS), { nil: undefined }) });

const genDistArb: fc.Arbitrary<GenDist> = fc.record({
  root: fc.constantFrom('installer-gui-script' as const, 'installer-script' as const),
  title: fc.string({ unit: 'grapheme', maxLength: 12 }).map(xmlChars),
  hostArchitectures: fc.constantFrom(...ARCHS),
  scripts: fc.array(
    fc.record({
      cdata: fc.boolean(),
      statements: fc.array(
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NORMAL_STATEMENTS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_STATEMENTS) }),
        { maxLength: 5 },
      ),
    }),
    { maxLength: 3 },
  ),
  installationCheck: fc.option(fc.constantFrom(...EXPRESSIONS), { nil: undefined }),
  volumeCheck: fc.option(
    fc.record({
      script: fc.option(fc.constantFrom(...EXPRESSIONS), { nil: undefined }),
      groups: fc.array(fc.array(versionRangeArb, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
    }),
    { nil: undefined },
  ),
  choices: choicesArb,
  choicesReversed: fc.boolean(),
  pkgRefs: fc.array(
    fc.record({
      defined: fc.boolean(),
      onConclusion: fc.constantFrom(...ON_CONCLUSION),
      active: fc.option(attrValueArb, { nil: undefined }),
      version: fc.constantFrom('1.0', '2.3.4', ''),
    }),
    { minLength: 4, maxLength: 4 },
  ),
});

function attr(name: string, value: string | undefined): string {
  return value === undefined ? '' : ` ${name}="${xmlEscape(value)}"`;
}

/** The literal value of a choice attribute, or undefined when it is absent or JavaScript. */
function literalOf(c: GenChoice, name: ChoiceAttribute): boolean | undefined {
  const value = c.attrs.find(([a]) => a === name)?.[1].trim();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

function children(choices: GenChoice[], parent: number): number[] {
  return choices.flatMap((c, i) => (c.parent === parent ? [i] : []));
}

function preorder(choices: GenChoice[], parent = -1): GenChoice[] {
  return children(choices, parent).flatMap((i) => [choices[i]!, ...preorder(choices, i)]);
}

function outlineXml(choices: GenChoice[], parent: number, indent: string): string {
  return children(choices, parent)
    .map((i) => {
      const inner = outlineXml(choices, i, indent + '  ');
      const open = `${indent}<line choice="${xmlEscape(choices[i]!.id)}"`;
      return inner === '' ? `${open}/>\n` : `${open}>\n${inner}${indent}</line>\n`;
    })
    .join('');
}

function buildXml(g: GenDist): string {
  let x = '<?xml version="1.0" encoding="utf-8"?>\n';
  x += `<${g.root} minSpecVersion="2">\n`;
  x += `  <title>${xmlEscape(g.title)}</title>\n`;
  x += `  <options customize="allow"${attr('hostArchitectures', g.hostArchitectures)}/>\n`;
  for (const s of g.scripts) {
    const code = s.statements.join('\n');
    x += s.cdata ? `  <script><![CDATA[\n${code}\n]]></script>\n` : `  <script>\n${xmlEscape(code)}\n</script>\n`;
  }
  if (g.installationCheck !== undefined) x += `  <installation-check${attr('script', g.installationCheck)}/>\n`;
  if (g.volumeCheck) {
    x += `  <volume-check${attr('script', g.volumeCheck.script)}>\n`;
    for (const group of g.volumeCheck.groups) {
      x += '    <allowed-os-versions>\n';
      for (const r of group) x += `      <os-version${attr('min', r.min)}${attr('before', r.before)}/>\n`;
      x += '    </allowed-os-versions>\n';
    }
    x += '  </volume-check>\n';
  }
  x += `  <choices-outline>\n${outlineXml(g.choices, -1, '    ')}  </choices-outline>\n`;
  const defs = g.choicesReversed ? [...g.choices].reverse() : g.choices;
  for (const c of defs) {
    const attrs = c.attrs.map(([name, value]) => attr(name, value)).join('');
    const refs = c.pkgs.map((p) => `<pkg-ref id="p${p}"/>`).join('');
    x += `  <choice${attr('id', c.id)}${attr('title', `Choice ${c.id}`)}${attrs}>${refs}</choice>\n`;
  }
  g.pkgRefs.forEach((p, i) => {
    if (!p.defined) return;
    x += `  <pkg-ref id="p${i}"${attr('version', p.version)}${attr('onConclusion', p.onConclusion)}${attr('active', p.active)}>#p${i}.pkg</pkg-ref>\n`;
  });
  x += `</${g.root}>\n`;
  return x;
}

/** What the architecture gate must decide (README "Architecture"), independently of src. */
function expectedArch(hostArchitectures: string | undefined, p: Profile): { evaluatedArch: string; translated: boolean; unsupported: boolean } {
  const list = hostArchitectures?.split(',');
  const allows = (a: string) => list === undefined || list.includes(a);
  if (p.arch === 'arm64') {
    const translated = p.launch?.rosettaShell === true || !list?.includes('arm64');
    return { evaluatedArch: translated ? 'x86_64' : 'arm64', translated, unsupported: translated && !(allows('x86_64') || allows('i386')) };
  }
  if (p.arch === 'x86_64') return { evaluatedArch: 'x86_64', translated: false, unsupported: !(allows('x86_64') || allows('i386')) };
  return { evaluatedArch: p.arch, translated: false, unsupported: !allows(p.arch) };
}

const PROFILES_B = [INTEL, APPLE_SILICON, 'macmini-m4-2024-26.5.2-rosetta-shell', 'powermac-g5-late2005-10.5.8', 'macbookair-m1-2020-11.7.10'];

// ---- temp dir for the CLI property -------------------------------------------------

let tmp: string | undefined;
function tempDir(): string {
  tmp ??= mkdtempSync(path.join(tmpdir(), 'distsim-fuzz-'));
  return tmp;
}
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// ---- properties -------------------------------------------------------------------

/** Minimised counterexamples the properties found, kept as plain regression tests. */
const COUNTEREXAMPLES: Array<{ name: string; text: string }> = [
  // A well-formed processing instruction whose content has an unbalanced quote (property A, seed 42, run 257).
  { name: 'quote in a processing instruction', text: '<?xml version="1.0"?>\n<?x "?>\n<installer-gui-script minSpecVersion="2"/>\n' },
  { name: 'quote in a processing instruction after the root', text: '<installer-gui-script minSpecVersion="2"/>\n<?x \'?>\n' },
  // An unterminated comment after a self-closing root (property A, seed 7).
  { name: 'unterminated comment after a self-closing root', text: '<installer-gui-script minSpecVersion="2"/>\n<!-- x' },
];

describe(`fuzz (runs=${RUNS}, seed=${SEED})`, () => {
  for (const { name, text } of COUNTEREXAMPLES) {
    it(`counterexample: ${name}: parses or throws a located InputError, and the CLI exits 0 or 2`, async () => {
      const file = path.join(tempDir(), `counterexample-${name.replace(/\W+/g, '-')}.xml`);
      writeFileSync(file, text);
      const r = await runCli(['run', file, '-p', APPLE_SILICON, '--format', 'json'], { timeoutMs: 30_000 });
      const cli = `(the CLI exited ${r.code}: ${r.stderr.trim()})`;
      let dist: Distribution | undefined;
      try {
        dist = parseOrInputError(text, 'counterexample.xml', false);
      } catch (error) {
        assert.fail(`${error instanceof Error ? error.message : String(error)} ${cli}`);
      }
      if (dist) for (const result of await simulateIn(dist, [profile(APPLE_SILICON)])) assert.equal(typeof result.installable, 'boolean');
      assert.ok(r.code === 0 || r.code === 2, cli);
    });
  }

  it('has the corpus', () => assert.equal(corpusFiles.length, 42));

  it('A: a mutated corpus file parses or fails with a located InputError, and simulates without throwing', async (t) => {
    const profiles = [profile(INTEL), profile(APPLE_SILICON)];
    const seen = { parsed: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(corpusArb, mutationsArb, fc.boolean(), async (name, mutations, recover) => {
        const started = performance.now();
        const text = mutate(corpusText(name), mutations);
        const dist = parseOrInputError(text, `corpus/${name}`, recover);
        seen[dist ? 'parsed' : 'rejected']++;
        if (dist) {
          assert.doesNotThrow(() => structuredClone(dist), 'a Distribution must be structured-cloneable (it is sent to workers)');
          for (const result of await simulateIn(dist, profiles)) {
            assert.equal(typeof result.installable, 'boolean');
            assert.doesNotThrow(() => JSON.stringify(result));
          }
        }
        const elapsed = performance.now() - started;
        assert.ok(elapsed < RUN_BUDGET_MS, `one run took ${elapsed.toFixed(0)} ms (limit ${RUN_BUDGET_MS} ms)`);
      }),
      PARAMS,
    );
    t.diagnostic(`parsed and simulated ${seen.parsed}, rejected with an InputError ${seen.rejected}`);
  });

  it('B: generated well-formed Distributions parse and simulate consistently', async () => {
    await fc.assert(
      fc.asyncProperty(genDistArb, fc.shuffledSubarray(PROFILES_B, { minLength: 1, maxLength: 2 }), async (g, profileIds) => {
        const started = performance.now();
        const xml = buildXml(g);
        let dist: Distribution;
        try {
          dist = parseDistribution(xml, 'generated.xml');
        } catch (error) {
          assert.fail(`a well-formed generated Distribution was rejected: ${String(error)}\n${xml}`);
        }
        assert.equal(dist.root, g.root);
        const order = preorder(g.choices);
        const profiles = profileIds.map((id) => profile(id));
        const results = await simulateIn(dist, profiles);
        results.forEach((result, k) => {
          const p = profiles[k]!;
          const where = `profile ${p.id}\n${xml}`;
          assert.equal(typeof result.installable, 'boolean');
          // Every outline choice once, in pre-order, with its parent.
          assert.deepEqual(
            result.choices.map((c) => c.id),
            order.map((c) => c.id),
            where,
          );
          assert.deepEqual(
            result.choices.map((c) => c.parent),
            order.map((c) => (c.parent < 0 ? null : g.choices[c.parent]!.id)),
            where,
          );
          for (const c of result.choices) for (const key of ['visible', 'enabled', 'selected'] as const) assert.equal(typeof c[key], 'boolean', where);
          // A package installs exactly when it is active and a referencing choice is selected. A mixed parent (-1)
          // shows selected for its children's sake; its own packages follow its own state, which the report does not
          // show, so packages of mixed parents are left out of this check.
          const mixed = (id: string) => result.choices.find((x) => x.id === id)?.selectedState === -1;
          assert.ok(
            result.packages
              .filter((pkg) => !pkg.choices.some(mixed))
              .every((pkg) => pkg.install === (pkg.active && pkg.choices.some((c) => result.choices.find((x) => x.id === c)?.selected === true))),
            `package install flags inconsistent: ${JSON.stringify({ packages: result.packages, choices: result.choices })}\n${where}`,
          );
          // Packages: the ones the outline's choices reference, each once.
          const referenced = new Set(order.flatMap((c) => c.pkgs.map((i) => `p${i}`)));
          assert.deepEqual(new Set(result.packages.map((pkg) => pkg.id)), referenced, where);
          assert.equal(new Set(result.packages.map((pkg) => pkg.id)).size, result.packages.length, where);
          // Literal attributes are final (the dynamic one wins over start_*, and nothing in the pools assigns choice
          // state), within the outline's rules: a hidden or disabled ancestor shows its subtree hidden or disabled,
          // and a parent's selected state is derived from its children and passes to them.
          const byId = new Map(result.choices.map((x) => [x.id, x]));
          const ancestorsOf = (id: string) => {
            const out: string[] = [];
            for (let p = byId.get(id)?.parent ?? null; p !== null; p = byId.get(p)?.parent ?? null) out.push(p);
            return out;
          };
          const parents = new Set(result.choices.map((x) => x.parent).filter((x): x is string => x !== null));
          for (const c of order) {
            const got = byId.get(c.id)!;
            const ancestors = ancestorsOf(c.id);
            for (const key of ['visible', 'enabled', 'selected'] as const) {
              const literal = literalOf(c, key) ?? (c.attrs.some(([a]) => a === key) ? undefined : literalOf(c, `start_${key}`));
              if (literal === undefined) continue;
              const free = key === 'selected' ? ancestors.length === 0 && !parents.has(c.id) : ancestors.every((a) => byId.get(a)![key]);
              if (free) assert.equal(got[key], literal, `choice ${c.id} ${key}\n${where}`);
              else if (key !== 'selected' && !literal) assert.equal(got[key], false, `choice ${c.id} ${key}\n${where}`);
            }
          }
          // The restart action is the strongest literal onConclusion among installed packages.
          const ranks = ['None', 'RecommendRestart', 'RequireLogout', 'RequireRestart', 'RequireShutdown'];
          const expectedRestart = result.packages
            .filter((pkg) => pkg.install)
            .map((pkg) => g.pkgRefs[Number(pkg.id.slice(1))]!)
            .map((ref) => (ref.defined ? ranks.findIndex((r) => r.toLowerCase() === ref.onConclusion?.trim().toLowerCase()) : 0))
            .reduce((a, b) => Math.max(a, b), 0);
          assert.equal(result.restartAction, ranks[expectedRestart], where);
          if (g.installationCheck === undefined) assert.equal(result.installationCheck.passed, true, where);
          assert.deepEqual(result.domains, { anywhere: true, currentUserHome: false, localSystem: true }, where);
          // The architecture gate.
          const arch = expectedArch(g.hostArchitectures, p);
          assert.equal(result.evaluatedArch, arch.evaluatedArch, where);
          assert.equal(result.translated, arch.translated, where);
          if (p.arch !== 'arm64') assert.equal(result.translated, false, where);
          assert.equal(
            result.blockers.some((b) => b.code === 'ARCH_UNSUPPORTED'),
            arch.unsupported,
            where,
          );
          assert.equal(result.installable, result.blockers.length === 0, where);
          assert.doesNotThrow(() => JSON.stringify(result));
        });
        const elapsed = performance.now() - started;
        assert.ok(elapsed < RUN_BUDGET_MS, `one run took ${elapsed.toFixed(0)} ms (limit ${RUN_BUDGET_MS} ms)`);
      }),
      PARAMS,
    );
  });

  it('C: the CLI never exits 3 on a mutated corpus file', async (t) => {
    let n = 0;
    const exits: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(corpusArb, mutationsArb, fc.array(byteMutationArb, { maxLength: 2 }), async (name, mutations, byteMutations) => {
        const bytes = mutateBytes(Buffer.from(mutate(corpusText(name), mutations), 'utf8'), byteMutations);
        const target = path.join(tempDir(), `${n++}-${name}`);
        writeFileSync(target, bytes);
        const started = performance.now();
        const r = await runCli(['run', target, '-p', APPLE_SILICON, '--format', 'json', '--timeout', '200'], { timeoutMs: 30_000 });
        const elapsed = performance.now() - started;
        exits[String(r.code)] = (exits[String(r.code)] ?? 0) + 1;
        const what = `exit ${r.code} after ${elapsed.toFixed(0)} ms on ${target}\nstderr: ${r.stderr}`;
        assert.notEqual(r.code, null, `the CLI was killed (timeout): ${what}`);
        assert.notEqual(r.code, 3, what);
        assert.ok(r.code === 0 || r.code === 2, what);
        let report: RunReport;
        try {
          report = JSON.parse(r.stdout) as RunReport;
        } catch (error) {
          assert.fail(`stdout is not JSON (${String(error)}): ${what}`);
        }
        const entry = report.distributions[0]!;
        if (r.code === 0) {
          assert.ok(!isInputFailure(entry), what);
          assert.equal(entry.results.length, 1, what);
          assert.equal(typeof entry.results[0]!.installable, 'boolean', what);
        } else {
          // An input the CLI refuses is a located error entry of the report, and one line on stderr.
          assert.ok(isInputFailure(entry), what);
          assert.notEqual(r.stderr.trim(), '', what);
          assert.ok(!r.stderr.split('\n').some((l) => /^\s+at /.test(l)), `stack trace on stderr: ${what}`);
        }
      }),
      { ...PARAMS, numRuns: Math.max(3, Math.floor(RUNS / 10)) },
    );
    t.diagnostic(`exit codes: ${JSON.stringify(exits)}`);
  });
});
