import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { dateFlag, integerFlag } from '../../src/cli/flag-values.js';
import { InputError } from '../../src/errors.js';
import { isInputFailure, type RunReport } from '../../src/types.js';
import { runCli } from '../helpers.js';

const PROFILE = 'macmini-m4-2024-26.5.2';
const RUN = ['run', 'examples/example-app.xml', '-p', PROFILE];

describe('every run flag is checked up front (end to end)', () => {
  const bad: Array<[string[], RegExp]> = [
    [['--memory-limit', '4096'], /^distsim: --memory-limit 4096: must be an integer from 1 to 1024$/m],
    [['--memory-limit', '4097'], /--memory-limit 4097: must be an integer from 1 to 1024/],
    [['--memory-limit', '0.0001'], /--memory-limit 0\.0001: must be an integer/],
    [['--memory-limit', '0'], /--memory-limit 0: must be an integer/],
    [['--memory-limit', 'lots'], /--memory-limit lots: must be an integer/],
    [['--timeout', '0'], /--timeout 0: must be an integer from 1 to 600000/],
    [['--timeout', '1.5'], /--timeout 1\.5: must be an integer/],
    [['--timeout', '1e400'], /--timeout 1e400: must be an integer/],
    [['--hard-timeout', 'soon'], /--hard-timeout soon: must be an integer/],
    [['--hard-timeout', '600001'], /--hard-timeout 600001: must be an integer from 1 to 600000/],
    [['--stack-limit', '15'], /--stack-limit 15: must be an integer from 16 to 1024/],
    [['--stack-limit', '16.5'], /--stack-limit 16\.5: must be an integer/],
    [['-j', '0'], /--jobs 0: must be an integer from 1 to 64/],
    [['-j', '65'], /--jobs 65: must be an integer from 1 to 64/],
    [['--jobs', '1.5'], /--jobs 1\.5: must be an integer/],
    [['--seed', 'abc'], /--seed abc: must be an integer from 0 to 4294967295/],
    [['--seed', 'NaN'], /--seed NaN: must be an integer/],
    [['--seed', '1e400'], /--seed 1e400: must be an integer/],
    [['--seed', '4294967296'], /--seed 4294967296: must be an integer/],
    [['--seed', '0.5'], /--seed 0\.5: must be an integer/],
    [['--seed=-1'], /--seed -1: must be an integer/],
    [['--now', 'yesterday'], /--now yesterday: not a date/],
    [['--now', '2026-02-30'], /--now 2026-02-30: not a valid date or time/],
    [['--now', '2026-01-01T24:00:00Z'], /--now 2026-01-01T24:00:00Z: not a valid date or time/],
    [['--now', '1969-12-31T23:59:59Z'], /--now 1969-12-31T23:59:59Z: must be between 1970-01-01 and 9999-12-31/],
    [['--now', '+275760-09-13'], /--now \+275760-09-13: not a date/],
    [['--policy', 'truthiness=maybe'], /^distsim: --policy truthiness=maybe: 'maybe' is not one of js, strict$/m],
    [['--policy', 'constructor=x'], /^distsim: --policy constructor=x: unknown policy 'constructor'/],
    [['--where', 'colour=red'], /^distsim: --where: invalid term "colour=red": unknown key "colour"/],
    [['--set', 'sysctl.__proto__=1'], /^distsim: --set sysctl\.__proto__=1: "__proto__" is a reserved name$/m],
  ];
  for (const [flags, pattern] of bad) {
    it(`exit 2 at once: ${flags.join(' ')}`, async () => {
      const started = Date.now();
      const r = await runCli([...RUN, ...flags], { timeoutMs: 20_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
      assert.equal(r.stdout, '');
      assert.ok(Date.now() - started < 10_000);
    });
  }

  it('accepts the bounds of each range', async () => {
    const r = await runCli([
      ...RUN,
      '-f',
      'json',
      '--memory-limit',
      '1024',
      '--timeout',
      '600000',
      '--hard-timeout',
      '1',
      '--stack-limit',
      '1024',
      '-j',
      '64',
      '--seed',
      '4294967295',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const low = await runCli([...RUN, '-f', 'json', '--memory-limit', '1', '--timeout', '1', '--stack-limit', '16', '-j', '1', '--seed', '0']);
    assert.equal(low.code, 0, low.stderr);
  });

  it('--now: ISO dates and times, UTC without an offset, offsets applied; the guest sees it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'distsim-now-'));
    try {
      const file = path.join(dir, 'now.xml');
      writeFileSync(
        file,
        `<installer-gui-script minSpecVersion="2"><script>system.log(new Date().toISOString() + ' ' + Math.random());</script></installer-gui-script>`,
      );
      const seen = async (...flags: string[]): Promise<string> => {
        const r = await runCli(['run', file, '-p', PROFILE, '-f', 'json', ...flags]);
        assert.equal(r.code, 0, r.stderr);
        const entry = (JSON.parse(r.stdout) as RunReport).distributions[0]!;
        assert.ok(!isInputFailure(entry));
        return entry.results[0]!.log[0]!;
      };
      assert.match(await seen('--now', '2026-03-01'), /^2026-03-01T00:00:00\.000Z /);
      assert.match(await seen('--now', '2026-03-01T12:30'), /^2026-03-01T12:30:00\.000Z /);
      assert.match(await seen('--now', '2026-03-01T12:30:00.25+02:00'), /^2026-03-01T10:30:00\.250Z /);
      const [a, b, c] = [await seen('--seed', '0'), await seen('--seed', '0'), await seen('--seed', '1')];
      assert.equal(a, b, 'one seed, one sequence');
      assert.notEqual(a, c);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('no profiles selected is an error, not a vacuous success', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'distsim-empty-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an empty --profiles-dir: exit 2', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'README.md'), 'no profiles here');
    const r = await runCli(['run', 'examples/example-app.xml', '--profiles-dir', empty]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^distsim: no profiles selected: no profile \(\*\.json\) in /);
    assert.equal(r.stdout, '');
    const list = await runCli(['profiles', 'list', '--profiles-dir', empty]);
    assert.equal(list.code, 2, list.stderr);
  });
});

describe('integerFlag and dateFlag', () => {
  const range = { min: 1, max: 64 };
  it('integerFlag takes decimal integers in range, the last of repeated flags, and the fallback when absent', () => {
    assert.equal(integerFlag('--jobs', '8', range, 4), 8);
    assert.equal(integerFlag('--jobs', ' 64 ', range, 4), 64);
    assert.equal(integerFlag('--jobs', undefined, range, 4), 4);
    assert.equal(integerFlag('--jobs', ['2', '3'], range, 4), 3);
    for (const raw of ['0', '65', '1.0', '1e1', '0x10', '-1', '+1', '', 'NaN', 'Infinity', '99999999999999999999']) {
      assert.throws(
        () => integerFlag('--jobs', raw, range, 4),
        (error: unknown) => error instanceof InputError && error.code === 'FLAG_INVALID',
        raw,
      );
    }
  });

  it('dateFlag parses ISO 8601 as UTC unless an offset is given, and refuses impossible dates', () => {
    assert.equal(dateFlag('--now', undefined), undefined);
    assert.equal(dateFlag('--now', '2026-01-01'), Date.UTC(2026, 0, 1));
    assert.equal(dateFlag('--now', '2024-02-29T23:59:59.999Z'), Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    assert.equal(dateFlag('--now', '2026-01-01T00:00-0130'), Date.UTC(2026, 0, 1, 1, 30));
    assert.equal(dateFlag('--now', '1970-01-01T00:00:00Z'), 0);
    assert.equal(dateFlag('--now', '9999-12-31T23:59:59.999999Z'), Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    for (const raw of [
      '2025-02-29',
      '2026-00-10',
      '2026-04-31',
      '2026-01-01T12:60',
      '2026-01-01T00:00+24:00',
      'March 1, 2026',
      '2026-1-1',
      '1970-01-01T00:00:00+01:00',
    ]) {
      assert.throws(() => dateFlag('--now', raw), { code: 'FLAG_INVALID' }, raw);
    }
  });
});
