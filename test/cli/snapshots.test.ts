/**
 * Golden files for the command line: each case records the command, its
 * stdout, stderr and exit code (NO_COLOR, the version normalised) in
 * test/cli/__snapshots__/<case>.md. A change of output shows up as a diff to
 * review; `npm run test:update` rewrites them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { toolVersion } from '../../src/version.js';
import { ROOT, runCli, UPDATE_SNAPSHOTS } from '../helpers.js';

const SNAPSHOTS = path.join(ROOT, 'test', 'cli', '__snapshots__');

const CASES: Array<[name: string, args: string[]]> = [
  ['run-text', ['run', 'examples/example-app.xml', '-p', 'macbookair-m1-2020-11.7.10', '-p', 'macbook-late2008-10.6.8', '-p', 'macmini-m4-2024-26.5.2']],
  ['run-json', ['run', 'test/fixtures/os-gate.xml', '-p', 'macbookpro-13-late2013-10.9.5', '-f', 'json']],
  ['run-good-and-bad', ['run', 'test/fixtures/os-gate.xml', 'test/fixtures/malformed-raw-lt.xml', '-p', 'macmini-m4-2024-26.5.2']],
  ['run-fail-on', ['run', 'test/fixtures/os-gate.xml', '-p', 'macbookpro-13-late2013-10.9.5', '--fail-on', 'not-installable']],
  ['run-choices-xml', ['run', 'examples/example-app.xml', '-p', 'macmini-m4-2024-26.5.2', '-f', 'choices-xml']],
  ['run-installer', ['run', 'examples/example-app.xml', '-p', 'macbook-late2008-10.6.8', '-f', 'installer']],
  ['profiles-list', ['profiles', 'list']],
  ['unknown-profile', ['run', 'examples/example-app.xml', '-p', 'imac-1999']],
  ['bad-flag', ['run', 'examples/example-app.xml', '--memory-limit', '4096']],
];

function document(args: string[], r: { code: number | null; stdout: string; stderr: string }): string {
  const normalise = (text: string) => text.split(toolVersion()).join('<version>');
  return [
    `# distsim ${args.join(' ')}`,
    '',
    '## stdout',
    '',
    '```',
    normalise(r.stdout).trimEnd(),
    '```',
    '',
    '## stderr',
    '',
    '```',
    normalise(r.stderr).trimEnd(),
    '```',
    '',
    `Exit code: ${r.code}`,
    '',
  ].join('\n');
}

describe('golden files: the command line', { concurrency: 2 }, () => {
  for (const [name, args] of CASES) {
    it(name, async () => {
      const r = await runCli(args);
      const actual = document(args, r);
      const file = path.join(SNAPSHOTS, `${name}.md`);
      if (UPDATE_SNAPSHOTS) {
        mkdirSync(SNAPSHOTS, { recursive: true });
        writeFileSync(file, actual);
        return;
      }
      assert.equal(
        actual,
        existsSync(file) ? readFileSync(file, 'utf8') : '(no snapshot)',
        `${name} differs from its snapshot (npm run test:update, then review the diff)`,
      );
    });
  }
});
