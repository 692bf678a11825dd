import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { POLICY_INFO } from '../../src/installer/policy.js';
import { ROOT } from '../helpers.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README stays in step with the code', () => {
  it('documents every diagnostic code with its severity, and no code that does not exist', () => {
    const rows = new Map([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (error|warning|info) \|/gm)].map((m) => [m[1]!, m[2]!]));
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) assert.equal(rows.get(code), info.severity, code);
    for (const code of rows.keys()) assert.ok(code in DIAGNOSTIC_CODES, `README documents unknown code ${code}`);
  });

  it('documents every policy with its default and alternatives', () => {
    for (const [name, info] of Object.entries(POLICY_INFO)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      assert.ok(row, `policy ${name} has a row`);
      assert.ok(row.includes(`\`${info.default}\``), `${name} default ${info.default}`);
      for (const v of info.values) assert.ok(row.includes(`\`${v}\``), `${name} value ${v}`);
    }
  });

  it('starts with the two commands CI and newcomers run', () => {
    const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)][0]![1]!.trim().split('\n');
    assert.deepEqual(commands, ['npm install && node bin/distsim.js run examples/example-app.xml', 'npm test']);
    assert.match(readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8'), /npm test/);
  });
});
