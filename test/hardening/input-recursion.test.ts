import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { findSyntaxError, lineColumn, MAX_JSON_DEPTH, parseJsonText } from '../../src/profile/json-parse.js';
import { MAX_EXTENDS_DEPTH, resolveInheritance } from '../../src/profile/inherit.js';
import { validateProfileData } from '../../src/profile/validate.js';
import { runCli } from '../helpers.js';

const BASE = 'macmini-2018-14.8.3';
const DEEP = 200_000;

describe('profile recursion is bounded (end to end)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-recursion-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function refused(args: string[], pattern: RegExp): Promise<void> {
    const started = Date.now();
    const r = await runCli(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 2, `exit ${r.code} after ${Date.now() - started} ms: ${r.stderr.slice(0, 500)}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
    assert.equal(r.stdout, '');
  }

  it('a 20,000-deep extends chain: exit 2 naming the file', async () => {
    const chain = path.join(dir, 'chain');
    mkdirSync(chain);
    const n = 20_000;
    // File names sort deepest first, so the loader meets the end of the chain before its start.
    for (let i = 0; i < n; i++) {
      const name = `p${String(n - i).padStart(6, '0')}.json`;
      writeFileSync(path.join(chain, name), JSON.stringify({ id: `chain-${i}`, extends: i === 0 ? BASE : `chain-${i - 1}` }));
    }
    await refused(
      ['run', 'examples/example-app.xml', '--profiles-dir', chain, '-f', 'json'],
      /p000001\.json: extends: chain longer than 32 profiles \(chain-19999 -> chain-19998/,
    );
  });

  it('a profile nested 200,000 levels deep: exit 2 at the first level too deep', async () => {
    const file = path.join(dir, 'deep.json');
    const head = `{"id":"deep","extends":"${BASE}","defaults":{"a":`;
    writeFileSync(file, `${head}${'['.repeat(DEEP)}${']'.repeat(DEEP)}}}`);
    // Two objects open first, so the first refused bracket is number MAX_JSON_DEPTH - 1.
    const column = head.length + MAX_JSON_DEPTH - 1;
    await refused(['run', 'examples/example-app.xml', '--profile-file', file], new RegExp(`deep\\.json:1:${column}: nested deeper than 64 levels`));
  });

  it('a profile nested 200,000 levels deep that never closes: exit 2, no recursion in the syntax scanner', async () => {
    const file = path.join(dir, 'open.json');
    writeFileSync(file, '['.repeat(DEEP));
    await refused(['run', 'examples/example-app.xml', '--profile-file', file], /open\.json:1:65: nested deeper than 64 levels/);
  });

  it('--set with a 50,000-deep JSON value: exit 2', async () => {
    // One argument may hold at most 128 KiB on Linux (MAX_ARG_STRLEN).
    const depth = 50_000;
    await refused(
      ['run', 'examples/example-app.xml', '-p', BASE, '--set', `defaults={"a":${'['.repeat(depth)}${']'.repeat(depth)}}`],
      /^distsim: --set defaults=.*: the JSON value nests deeper than 64 levels/,
    );
  });
});

describe('profile recursion is bounded (library)', () => {
  it('resolveInheritance accepts a chain of MAX_EXTENDS_DEPTH and refuses a longer one, iteratively', () => {
    const chain = (n: number) =>
      Array.from({ length: n + 1 }, (_, i) => ({
        data: i === 0 ? { id: 'c0', a: 0 } : { id: `c${i}`, extends: `c${i - 1}`, [`k${i}`]: i },
        source: `c${i}.json`,
      })).reverse();
    const ok = resolveInheritance(chain(MAX_EXTENDS_DEPTH));
    assert.equal((ok[0]!.profile as unknown as Record<string, unknown>)[`k${MAX_EXTENDS_DEPTH}`], MAX_EXTENDS_DEPTH);
    assert.equal((ok[0]!.profile as unknown as Record<string, unknown>).a, 0);
    assert.throws(() => resolveInheritance(chain(MAX_EXTENDS_DEPTH + 1)), { code: 'PROFILE_EXTENDS_TOO_DEEP' });
    const started = performance.now();
    assert.throws(
      () => resolveInheritance(chain(100_000)),
      (error: unknown) => error instanceof InputError && error.message.startsWith('c100000.json: extends: chain longer than 32 profiles'),
    );
    assert.ok(performance.now() - started < 5000);
  });

  it('resolveInheritance and validateProfileData refuse data nested deeper than MAX_JSON_DEPTH, built without JSON', () => {
    let deep: unknown = 1;
    for (let i = 0; i < DEEP; i++) deep = [deep];
    assert.throws(() => resolveInheritance([{ data: { id: 'x', defaults: { a: deep } }, source: 'x.json' }]), {
      code: 'PROFILE_TOO_DEEP',
      message: 'x.json: nested deeper than 64 levels',
    });
    assert.deepEqual(validateProfileData({ id: 'x', defaults: { a: deep } }, 'x.json'), ['x.json: (root): nested deeper than 64 levels']);
  });

  it('parseJsonText accepts MAX_JSON_DEPTH levels and refuses one more, with its position', () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    assert.ok(Array.isArray(parseJsonText(nest(MAX_JSON_DEPTH), 'f.json')));
    assert.throws(() => parseJsonText(nest(MAX_JSON_DEPTH + 1), 'f.json'), { code: 'JSON_TOO_DEEP', message: 'f.json:1:65: nested deeper than 64 levels' });
    // Brackets inside strings do not count.
    assert.deepEqual(parseJsonText(`{"a":"${'['.repeat(200)}\\"${'{'.repeat(200)}"}`, 'f.json'), { a: `${'['.repeat(200)}"${'{'.repeat(200)}` });
  });

  it('findSyntaxError scans any depth without recursion', () => {
    const started = performance.now();
    assert.deepEqual(findSyntaxError('['.repeat(DEEP)), { position: DEEP, reason: 'unexpected end of input: expected a value' });
    assert.deepEqual(findSyntaxError(`${'{"a":['.repeat(DEEP)}1,]`), { position: DEEP * 6 + 2, reason: 'trailing comma before "]"' });
    assert.equal(findSyntaxError(`${'{"a":['.repeat(DEEP)}1${']}'.repeat(DEEP)}`), undefined);
    assert.ok(performance.now() - started < 5000);
  });

  it('lineColumn counts LF, CRLF and CR-only line ends', () => {
    assert.deepEqual(lineColumn('a\nb\nc', 4), { line: 3, column: 1 });
    assert.deepEqual(lineColumn('a\r\nb\r\nc', 6), { line: 3, column: 1 });
    assert.deepEqual(lineColumn('a\rb\rcd', 5), { line: 3, column: 2 });
    assert.throws(() => parseJsonText('{\r  "a": 1,\r}', 'cr.json'), { message: 'cr.json:3:1: trailing comma before "}"' });
  });
});
