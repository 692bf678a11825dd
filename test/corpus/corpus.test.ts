/**
 * Golden files: every real Distribution of ../shared/corpus/real/ and
 * ../shared/corpus/wild/ on every built-in profile. Each snapshot groups the
 * profiles that reach the same outcome, so a change of behaviour on one
 * profile shows up as a small, reviewable diff ("macbook-2006 moved to the
 * not-installable group"). Diagnostics are recorded by code, location and
 * source, not by wording.
 *
 * Update after a deliberate change: `npm run test:update` (UPDATE_SNAPSHOTS=1),
 * then read the diff and say why in the commit.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readDistributionInput } from '../../src/input/read-input.js';
import { simulateRun } from '../../src/runner/simulate.js';
import { isInputFailure, type InputFailure, type ProfileResult, type RunReport } from '../../src/types.js';
import type { Distribution } from '../../src/distribution/model.js';
import { builtinProfiles, ROOT, UPDATE_SNAPSHOTS } from '../helpers.js';

const SHARED = path.join(ROOT, '..', 'shared', 'corpus');
const SNAPSHOTS = path.join(ROOT, 'test', 'corpus', '__snapshots__');
const SETS = ['real', 'wild'] as const;

/** The outcome of one profile, without the profile's identity or the diagnostics' wording. */
function outcome(r: ProfileResult): unknown {
  return {
    evaluatedArch: r.evaluatedArch,
    translated: r.translated,
    installable: r.installable,
    blockers: r.blockers,
    installationCheck: r.installationCheck,
    volumes: r.volumes,
    domains: r.domains,
    choices: r.choices.map(
      (c) =>
        `${c.id}${c.parent === null ? '' : ` (in ${c.parent})`}: ${c.visible ? 'visible' : 'hidden'}, ${c.enabled ? 'enabled' : 'disabled'}, ${c.selected ? 'selected' : 'not selected'}`,
    ),
    packages: r.packages.map((p) => `${p.id}: ${p.install ? 'installs' : p.active ? 'not selected' : 'inactive'}`),
    restartAction: r.restartAction,
    log: r.log,
    diagnostics: r.diagnostics.map((d) => `${d.code}${d.location ? ` ${d.location.line}:${d.location.column}` : ''}${d.source ? ` ${d.source}` : ''}`),
  };
}

function snapshotOf(entry: RunReport['distributions'][number]): unknown {
  if (isInputFailure(entry))
    return {
      error: {
        code: entry.error.code,
        location: entry.error.location && `${entry.error.location.line}:${entry.error.location.column}`,
        message: entry.error.message,
      },
    };
  const groups = new Map<string, { profiles: string[]; outcome: unknown }>();
  for (const r of entry.results) {
    const o = outcome(r);
    const key = JSON.stringify(o);
    const group = groups.get(key);
    if (group) group.profiles.push(r.profile);
    else groups.set(key, { profiles: [r.profile], outcome: o });
  }
  return {
    title: entry.title,
    diagnostics: entry.diagnostics.map((d) => `${d.code}${d.location ? ` ${d.location.line}:${d.location.column}` : ''}`),
    outcomes: [...groups.values()].map((g) => ({ profiles: g.profiles, ...(g.outcome as object) })),
  };
}

describe('golden files: the corpus on every built-in profile', { concurrency: 1 }, () => {
  const inputs: Array<{ set: string; name: string; input: Distribution | InputFailure }> = [];
  let report: RunReport | undefined;

  before(async () => {
    for (const set of SETS) {
      const dir = path.join(SHARED, set);
      for (const name of readdirSync(dir)
        .filter((f) => f !== 'PROVENANCE.json')
        .sort()) {
        // Paths relative to the corpus, so the snapshots do not depend on where the checkout lives.
        inputs.push({ set, name, input: readDistributionInput(path.join(dir, name), { label: `${set}/${name}` }) });
      }
    }
    report = await simulateRun(
      inputs.map((i) => i.input),
      builtinProfiles(),
      { workers: 2 },
    );
  });

  after(() => {
    if (UPDATE_SNAPSHOTS) console.log(`updated corpus snapshots in ${path.relative(ROOT, SNAPSHOTS)}`);
  });

  it('has the 42 real and 30 wild files', () => {
    assert.equal(inputs.filter((i) => i.set === 'real').length, 42);
    assert.equal(inputs.filter((i) => i.set === 'wild').length, 30);
  });

  it('never loses a profile to the sandbox or a time limit', () => {
    for (const entry of report!.distributions) {
      if (isInputFailure(entry)) continue;
      assert.equal(entry.results.length, builtinProfiles().length);
      for (const r of entry.results) {
        const lost = r.diagnostics.filter((d) => d.code === 'SANDBOX_WORKER_LOST' || d.code === 'SCRIPT_TIMEOUT');
        assert.deepEqual(lost, [], `${entry.path} on ${r.profile}`);
      }
    }
  });

  for (const set of SETS) {
    it(`matches the snapshots of corpus/${set}`, () => {
      const mismatched: string[] = [];
      inputs.forEach((input, i) => {
        if (input.set !== set) return;
        const file = path.join(SNAPSHOTS, set, `${input.name}.json`);
        const actual = JSON.stringify(snapshotOf(report!.distributions[i]!), null, 2) + '\n';
        if (UPDATE_SNAPSHOTS) {
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, actual);
          return;
        }
        const expected = existsSync(file) ? readFileSync(file, 'utf8') : '(no snapshot)';
        if (actual !== expected) mismatched.push(input.name);
        else return;
        // Show the first difference in full; name the rest.
        if (mismatched.length === 1)
          assert.equal(actual, expected, `${set}/${input.name} differs from its snapshot (npm run test:update, then review the diff)`);
      });
      assert.deepEqual(mismatched, []);
    });
  }
});
