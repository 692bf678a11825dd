/**
 * Every parse-time pass is linear (or bounded): about 10 MB of each
 * pathological shape goes straight to parseDistribution (the library has no
 * file-size cap; the CLI's 8 MiB one does not apply) and must finish well
 * under a few seconds. Shapes that were quadratic took more than a minute at
 * a tenth of this size, so the bound has room for a shared, loaded machine:
 * it is on the process's CPU time (what the parse costs, whatever else the
 * machine runs), with a looser wall-clock bound beside it.
 *
 * DISTSIM_PARSE_LINEAR_MB scales the inputs (default 10).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Distribution } from '../../src/distribution/model.js';
import { parseDistribution } from '../../src/distribution/parse.js';
import { InputError } from '../../src/errors.js';

const SIZE = Math.round(Number(process.env.DISTSIM_PARSE_LINEAR_MB ?? 10) * 1_000_000);
/** CPU time (user + system, all threads) one parse may take. */
const CPU_LIMIT_MS = 5000;
/** Wall-clock time, for a machine busy with other work. */
const WALL_LIMIT_MS = 20_000;

const wrap = (body: string) => `<?xml version="1.0"?>\n<installer-gui-script minSpecVersion="2">\n${body}\n</installer-gui-script>\n`;

/** `unit(i)` repeated until the body reaches SIZE characters. */
function fill(unit: (i: number) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < SIZE; i++) {
    const u = unit(i);
    parts.push(u);
    length += u.length;
  }
  return parts.join('');
}

/** A repeated constant string of about SIZE characters. */
const repeat = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length));

interface Shape {
  name: string;
  text: () => string;
  recover?: boolean;
  /** What a correct outcome looks like (the shape must exercise what it claims to). */
  check: (outcome: Distribution | InputError) => void;
}

const parsed = (outcome: Distribution | InputError): Distribution => {
  assert.ok(!(outcome instanceof InputError), `unexpected InputError: ${outcome instanceof InputError ? outcome.message.slice(0, 200) : ''}`);
  return outcome;
};
const rejected = (pattern: RegExp) => (outcome: Distribution | InputError) => {
  assert.ok(outcome instanceof InputError, 'expected an InputError');
  assert.match(outcome.message, pattern);
  assert.ok(outcome.message.length < 1000, `a message of ${outcome.message.length} characters`);
};
const hasCode = (code: string) => (outcome: Distribution | InputError) => {
  const dist = parsed(outcome);
  assert.ok(
    dist.diagnostics.some((d) => d.code === code),
    `no ${code}`,
  );
  assert.ok(dist.diagnostics.length <= 1000, `${dist.diagnostics.length} diagnostics`);
};

const SHAPES: Shape[] = [
  {
    name: 'a string table of blank lines',
    text: () => wrap(`<title>T</title><localization><strings language="English">${repeat(' \n')}"T" = "Title";</strings></localization>`),
    check: (o) => assert.equal(parsed(o).title, 'Title'),
  },
  {
    name: 'a string table of half-entries, unterminated comments, quotes and escapes',
    text: () => wrap(`<localization><strings language="English"><![CDATA[${repeat('"k" = "v" "k" = /* "\\')}]]></strings></localization>`),
    check: (o) => parsed(o),
  },
  {
    name: 'one script reading distinct unknown system members, my members and choices',
    text: () => wrap(`<script>${fill((i) => `system.unknown${i}; my.m${i}; choices['c${i}'];\n`)}</script>`),
    check: (o) => {
      hasCode('API_UNKNOWN_MEMBER')(o);
      hasCode('API_UNKNOWN_CHOICE')(o);
    },
  },
  {
    name: '--recover on raw < and & in a script',
    text: () => wrap(`<script>${repeat('a<b&c;\n')}</script>`),
    recover: true,
    check: hasCode('XML_SCRIPT_ESCAPE_REPAIRED'),
  },
  {
    name: '--recover on raw < in many JavaScript attributes',
    text: () => wrap(`<choices-outline><line choice="a"/></choices-outline>${fill((i) => `<choice id="c${i}" selected="a<b"/>\n`)}`),
    recover: true,
    check: hasCode('XML_SCRIPT_ESCAPE_REPAIRED'),
  },
  {
    name: 'raw < in a script without --recover (the error and its hint)',
    text: () => wrap(`<script>${repeat('a<b;\n')}</script>`),
    check: rejected(/^d\.xml:3:\d+: /),
  },
  {
    name: 'outline lines naming undefined choices',
    text: () => wrap(`<choices-outline>${fill((i) => `<line choice="c${i}"/>\n`)}</choices-outline>`),
    check: hasCode('OUTLINE_UNKNOWN_CHOICE'),
  },
  {
    name: 'distinct unknown elements',
    text: () => wrap(fill((i) => `<choise${i}/>\n`)),
    check: hasCode('XML_UNKNOWN_ELEMENT'),
  },
  {
    name: 'one unknown element with a 10 MB name',
    text: () => wrap(`<${repeat('a')}/>`),
    check: hasCode('XML_UNKNOWN_ELEMENT'),
  },
  {
    name: 'choices defined twice and not in the outline',
    text: () => wrap(`<choices-outline/>${fill((i) => `<choice id="c${i}"/><choice id="c${i}"/>\n`)}`),
    check: hasCode('CHOICE_NOT_IN_OUTLINE'),
  },
  {
    name: 'entity references in a script',
    text: () => wrap(`<script>${repeat('&amp;&lt;&#x41;')}</script>`),
    check: (o) => assert.ok(parsed(o).evaluables[0]!.code.startsWith('&<A&<A')),
  },
  {
    name: 'comments and CDATA sections in a script',
    text: () => wrap(`<script>${repeat('a<!--x--><![CDATA[b]]>\n')}</script>`),
    check: (o) => assert.ok(parsed(o).evaluables[0]!.code.startsWith('ab\nab\n')),
  },
  {
    name: 'a script of CR-only lines',
    text: () => wrap(`<script>${repeat('a;\r')}</script>`),
    check: (o) => parsed(o),
  },
  {
    name: 'a JavaScript attribute of 10 MB of line breaks',
    text: () => wrap(`<choices-outline><line choice="a"/></choices-outline><choice id="a" selected="${repeat('x\n')}"/>`),
    check: (o) => parsed(o),
  },
  {
    name: 'a JavaScript attribute of entity references',
    text: () => wrap(`<choices-outline><line choice="a"/></choices-outline><choice id="a" selected="${repeat('&amp;')}"/>`),
    check: (o) => parsed(o),
  },
  {
    name: 'one element with distinct attributes',
    text: () => wrap(`<choices-outline><line choice="a"/></choices-outline><choice id="a" ${fill((i) => `a${i}="x" `)}/>`),
    check: (o) => assert.equal(parsed(o).choices.length, 1),
  },
  {
    name: 'choices with JavaScript attributes',
    text: () => {
      const n = Math.ceil(SIZE / 50);
      const ids = Array.from({ length: n }, (_, i) => i.toString(36));
      return wrap(
        `<choices-outline>${ids.map((id) => `<line choice="${id}"/>`).join('')}</choices-outline>${ids.map((id) => `<choice id="${id}" selected="f(1)"/>\n`).join('')}`,
      );
    },
    check: (o) => assert.ok(parsed(o).evaluables.length > 1000),
  },
  {
    name: 'a deep outline repeated (nesting at the limit)',
    text: () => {
      const one = `${'<line choice="x">'.repeat(250)}${'</line>'.repeat(250)}`;
      return wrap(`<choices-outline>${repeat(one)}</choices-outline><choice id="x"/>`);
    },
    check: hasCode('OUTLINE_DUPLICATE_CHOICE'),
  },
  {
    name: 'a malformed file with 10 MB of unclosed tags (nesting refused)',
    text: () => wrap(repeat('<a b="c">')),
    check: rejected(/nested deeper/),
  },
  {
    name: 'a malformed tag after 10 MB of attributes',
    text: () => wrap(`<choice ${fill((i) => `a${i}="<x" `)} b>`),
    check: rejected(/^d\.xml:3:/),
  },
  {
    name: 'a comment that never closes',
    text: () => wrap(`<!--${repeat('<a>-- -')}`),
    check: rejected(/^d\.xml:[23]:1: /),
  },
  {
    name: 'a huge root name that is not a Distribution',
    text: () => `<${repeat('x')}/>`,
    check: rejected(/is not a Distribution/),
  },
];

describe(`parse time is linear: ${(SIZE / 1e6).toFixed(0)} MB of each pathological shape`, () => {
  for (const shape of SHAPES) {
    it(shape.name, (t) => {
      const text = shape.text();
      assert.ok(text.length >= SIZE, `only ${text.length} characters`);
      const cpu = process.cpuUsage();
      const started = performance.now();
      let outcome: Distribution | InputError;
      try {
        outcome = parseDistribution(text, 'd.xml', { recover: shape.recover ?? false });
      } catch (error) {
        assert.ok(error instanceof InputError, `not an InputError: ${String(error)}`);
        outcome = error;
      }
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      shape.check(outcome);
      const size = `${(text.length / 1e6).toFixed(1)} MB`;
      t.diagnostic(`${size}: ${cpuMs.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall`);
      assert.ok(cpuMs < CPU_LIMIT_MS, `${size} took ${cpuMs.toFixed(0)} ms of CPU (limit ${CPU_LIMIT_MS} ms; ${wall.toFixed(0)} ms wall)`);
      assert.ok(wall < WALL_LIMIT_MS, `${size} took ${wall.toFixed(0)} ms (limit ${WALL_LIMIT_MS} ms; ${cpuMs.toFixed(0)} ms of CPU)`);
    });
  }
});
