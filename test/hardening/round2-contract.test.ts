/**
 * Hardening round 2, "Done when": a fresh input of each of the 15 attack
 * classes goes through the command line and keeps the contract: exit 0 or 2
 * (never 1 or 3), no stack trace, bounded time and output, no file written,
 * no raw control character in text output, and byte-identical JSON across two
 * runs and across -j 1 / -j 2. (Each class's behaviour is tested in detail in
 * guest-boundary, parse-*, cli-* and input-* tests.)
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runCli, tempDir, writeTemp } from '../helpers.js';

const PROFILES = ['-p', 'macbookpro-15-mid2015-10.14.6', '-p', 'macmini-m4-2024-26.5.2'];
const PACKAGE = '<choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>';
const dist = (body: string) =>
  `<installer-gui-script><options allow-external-scripts="true" hostArchitectures="x86_64,arm64"/>${body}${PACKAGE}</installer-gui-script>`;
const script = (code: string, rest = '') => dist(`<script><![CDATA[${code}]]></script>${rest}`);

/** [class, input file content or a path, extra flags] */
const CASES: Array<[string, () => string, string[]]> = [
  [
    '1 inherited keys',
    () =>
      writeTemp(
        'c1.xml',
        dist(
          `<title>__proto__</title><localization><strings language="__proto__"><![CDATA["output" = "/tmp/pwned";]]></strings><strings language="constructor"><![CDATA["keys" = "x";]]></strings></localization><script><![CDATA[system.log([system.sysctl('__proto__'), system.gestalt('constructor'), system.localizedString('constructor')].join())]]></script><volume-check script="my.target.receiptForIdentifier('constructor') === null"/>`,
        ),
      ),
    [],
  ],
  [
    '2 terminal escapes',
    () => writeTemp('c2.xml', script(`system.log('\\u001b[2J\\u001b[H\\u2713 installable'); throw new Error('\\u001b]0;title\\u0007');`)),
    [],
  ],
  ['3 host clock', () => writeTemp('c3.xml', script(`Object.defineProperty = function () {}; system.log(String(Date.now()));`)), []],
  [
    '4 guest JSON.stringify',
    () =>
      writeTemp(
        'c4.xml',
        script(
          `JSON.stringify = function () { throw 1; }; function check() { my.result = { type: 'Fatal', title: [1, 2], message: { a: 1 } }; return false; }`,
          '<installation-check script="check()"/>',
        ),
      ),
    [],
  ],
  [
    '5 unbounded text',
    () =>
      writeTemp(
        'c5.xml',
        script(
          `for (var i = 0; i < 3000; i++) system.sysctl('x' + i + 'y'.repeat(300)); function check() { my.result.type = 'Fatal'; my.result.message = 'm'.repeat(5e6); return false; }`,
          '<installation-check script="check()"/>',
        ),
      ),
    [],
  ],
  ['6 static findings', () => writeTemp('c6.xml', dist(`<choices-outline>${'<line choice="nope"/>'.repeat(20000)}</choices-outline>`)), []],
  [
    '7 parse-time work',
    () => writeTemp('c7.xml', dist(`<localization><strings language="English"><![CDATA[${'\n\n \n'.repeat(100000)}]]></strings></localization>`)),
    [],
  ],
  ['8 non-regular file', () => '/dev/zero', []],
  [
    '9 guest code in host operations',
    () =>
      writeTemp(
        'c9.xml',
        script(
          `Object.defineProperty(Object.prototype, 'receiptForIdentifier', { set: function () { while (true) {} } });`,
          '<installation-check script="true"/><volume-check script="true"/>',
        ),
      ),
    ['--timeout', '200'],
  ],
  [
    '10 replay keeps effects',
    () => writeTemp('c10.xml', script(`var done = 1; system.log('before'); while (true) {}`, '<installation-check script="done == 1"/>')),
    ['--timeout', '100'],
  ],
  [
    '11 deterministic limits',
    () => writeTemp('c11.xml', script(`var i = 0; while (true) { if (i % 500 === 0) system.log('i=' + i); i++; }`)),
    ['--timeout', '150'],
  ],
  [
    '12 uncatchable interrupt',
    () => writeTemp('c12.xml', script(`try { system.sysctl({ [Symbol.toPrimitive]: function () { while (true) {} } }); } catch (e) {} system.log('after');`)),
    ['--timeout', '100'],
  ],
  ['13 strings with NUL', () => writeTemp('c13.xml', script(`system.log(system.sysctl('hw.ncpu\\u0000x') + ' ' + 'a\\u0000b' + ' \\ud800');`)), []],
  ['14 bad flags', () => writeTemp('c14.xml', dist('')), ['--memory-limit', '4097']],
  ['15 CR-only locations', () => writeTemp('c15.xml', dist('<script>\r\nvar a = 1;\r\nthrow new Error("line 3");\r\n</script>').replace(/\r\n/g, '\r')), []],
];

describe('hardening round 2: every class keeps the command-line contract', { concurrency: 2 }, () => {
  for (const [name, input, flags] of CASES) {
    it(name, async () => {
      const file = input();
      const cwd = tempDir('cwd-');
      const started = Date.now();
      const json1 = await runCli(['run', file, ...PROFILES, ...flags, '-f', 'json', '-j', '1'], { cwd });
      const json2 = await runCli(['run', file, ...PROFILES, ...flags, '-f', 'json', '-j', '2'], { cwd });
      const text = await runCli(['run', file, ...PROFILES, ...flags], { cwd });
      for (const r of [json1, json2, text]) {
        assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.stderr.slice(0, 500)}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        assert.ok(r.stdout.length < 4_000_000, `${r.stdout.length} bytes of output`);
      }
      assert.equal(json1.code, json2.code);
      assert.equal(json1.stdout, json2.stdout, 'identical JSON with -j 1 and -j 2');
      // eslint-disable-next-line no-control-regex -- finding raw control characters is the point
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text.stdout), 'no raw control characters in text output');
      assert.deepEqual(readdirSync(cwd), [], 'no file written');
      assert.ok(Date.now() - started < 60_000, `${Date.now() - started} ms`);
    });
  }
});
