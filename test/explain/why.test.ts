/** `why` from a traced result: the deciding evaluation, its calls and answers, and the facts around them (in process). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explain, explanationLines, type Explanation, type ExplanationStep } from '../../src/explain/why.js';
import { isInputError } from '../../src/errors.js';
import { ARM, INTEL, parse, traced, whyXml } from './fixtures.js';

const dist = parse(whyXml('x86_64'));
const armResult = traced(dist, ARM);
const intelResult = traced(dist, INTEL);

function evaluation(e: Explanation): ExplanationStep {
  const step = e.steps.find((s) => s.kind === 'evaluation');
  assert.ok(step, `no evaluation step in ${JSON.stringify(e)}`);
  return step;
}

describe('why', () => {
  it('names the deciding call and the Rosetta translation for a choice hidden on Apple silicon', async () => {
    const e = explain(dist, await armResult, 'arm');
    assert.equal(e.summary, `choice arm is hidden on ${ARM}`);
    assert.equal(e.value, false);
    const step = evaluation(e);
    assert.equal(step.source, 'choice[arm]@visible');
    assert.deepEqual(step.location, { file: 'why.xml', line: 18, column: 41 });
    assert.equal(step.code, 'isArm()');
    assert.equal(step.coerced, false);
    assert.deepEqual(step.calls, [{ call: "system.sysctl('hw.machine')", answer: '"x86_64"', absent: false }]);
    assert.deepEqual(e.facts, ['evaluated under Rosetta 2 (as x86_64) because hostArchitectures (x86_64) lacks arm64']);
  });

  it('evaluates natively when hostArchitectures has arm64', async () => {
    const native = parse(whyXml('x86_64,arm64'));
    const e = explain(native, await traced(native, ARM), 'arm.visible');
    assert.equal(e.value, true);
    assert.deepEqual(evaluation(e).calls, [{ call: "system.sysctl('hw.machine')", answer: '"arm64"', absent: false }]);
    assert.deepEqual(e.facts, []);
  });

  it('says a throwing function threw, where, and what the failure policy made of it', async () => {
    const e = explain(dist, await intelResult, 'risky.enabled');
    assert.equal(e.summary, `choice risky is disabled on ${INTEL}`);
    const step = evaluation(e);
    assert.equal(step.result, 'threw Error: kaboom');
    assert.equal(step.coerced, false);
    assert.match(step.text, /which counts as false \(failure policy\) \(thrown at why\.xml:7:/);
  });

  it('shows the other choice a choice reads', async () => {
    const e = explain(dist, await intelResult, 'follower.selected');
    assert.equal(e.value, false);
    assert.deepEqual(evaluation(e).calls, [{ call: 'choices.arm.visible', answer: 'false', absent: false }]);
  });

  it('names the parent that hides a child', async () => {
    const e = explain(dist, await intelResult, 'child');
    assert.equal(e.summary, `choice child is hidden on ${INTEL}`);
    assert.deepEqual(
      e.steps.map((s) => s.kind),
      ['default', 'parent'],
    );
    assert.equal(e.steps[1]!.text, 'its parent choice parent is hidden, which hides its children');
  });

  it('explains a package whose active attribute is false', async () => {
    const e = explain(dist, await intelResult, 'package:b');
    assert.equal(e.summary, `package b does not install on ${INTEL}`);
    assert.equal(e.steps[0]!.kind, 'inactive');
    const step = evaluation(e);
    assert.equal(step.source, 'pkg-ref[b]@active');
    assert.deepEqual(step.calls, [{ call: "system.sysctl('hw.machine')", answer: '"x86_64"', absent: false }]);
  });

  it('explains a package whose choice is deselected through that choice', async () => {
    const e = explain(dist, await intelResult, 'package:f');
    assert.equal(e.steps[0]!.kind, 'deselected');
    assert.deepEqual(
      e.because.map((b) => b.target),
      ['follower.selected'],
    );
  });

  it('shows the path the profile does not define and the --set that answers it', async () => {
    const e = explain(dist, await intelResult, 'installation-check');
    assert.equal(e.summary, `the installation check failed on ${INTEL}`);
    assert.deepEqual(evaluation(e).calls, [
      {
        call: "system.files.fileExistsAtPath('/Library/Front Row/Plugin.bundle')",
        answer: 'false',
        absent: true,
        set: "--set 'volumes[0].files./Library/Front Row/Plugin.bundle=file'",
      },
    ]);
    const text = explanationLines(e).join('\n');
    assert.match(text, /not in the profile; to answer it: --set 'volumes\[0\]\.files\.\/Library\/Front Row\/Plugin\.bundle=file'/);
  });

  it('explains the volume check and installability', async () => {
    const r = await intelResult;
    assert.equal(explain(dist, r, 'volume-check:/').summary, `volume / is eligible on ${INTEL}`);
    const e = explain(dist, r, 'installable');
    assert.equal(e.value, r.installable);
    assert.equal(e.target, 'installable');
  });

  it('refuses an unknown target with a one-line error', async () => {
    const r = await intelResult;
    assert.throws(
      () => explain(dist, r, 'nope'),
      (err: unknown) => isInputError(err) && err.code === 'WHY_TARGET_UNKNOWN',
    );
    assert.throws(
      () => explain(dist, r, 'package:nope'),
      (err: unknown) => isInputError(err) && err.code === 'WHY_TARGET_UNKNOWN',
    );
  });
});
