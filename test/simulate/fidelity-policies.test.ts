import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choice, codes, profile, simulateOne } from '../helpers.js';

const INTEL_1014 = 'macbookpro-15-mid2015-10.14.6';
const M4_26 = 'macmini-m4-2024-26.5.2';

describe('policy run-unanswered', () => {
  it('undefined by default: the check reads undefined and fails, with API_RUN_UNANSWERED naming the policy', async () => {
    const r = await simulateOne('fidelity/run-unanswered.xml', M4_26);
    assert.deepEqual(r.log, ['run: undefined, runOnce: undefined']);
    assert.equal(r.installationCheck.passed, false);
    const d = r.diagnostics.filter((x) => x.code === 'API_RUN_UNANSWERED');
    assert.deepEqual(
      d.map((x) => x.args),
      [
        // The first decided the failed check (it is compared with 0), so it carries decided; both are the same evaluation.
        { command: 'probe.sh --quiet', returned: null, decided: true, decidedBy: 'installation-check@script' },
        { command: 'probe.sh --once', returned: null, decided: true, decidedBy: 'installation-check@script' },
      ],
    );
    assert.match(d[0]!.message, /returned undefined \(policy run-unanswered=undefined\)/);
  });

  it('exit-0 and exit-1 answer a fixed exit status, also for runOnce', async () => {
    const zero = await simulateOne('fidelity/run-unanswered.xml', M4_26, { policies: { 'run-unanswered': 'exit-0' } });
    assert.deepEqual(zero.log, ['run: 0, runOnce: 0']);
    assert.equal(zero.installationCheck.passed, true);
    assert.deepEqual(
      zero.diagnostics.filter((x) => x.code === 'API_RUN_UNANSWERED').map((x) => [x.severity, x.args]),
      [
        ['warning', { command: 'probe.sh --quiet', returned: 0 }],
        ['warning', { command: 'probe.sh --once', returned: 0 }],
      ],
    );
    const one = await simulateOne('fidelity/run-unanswered.xml', M4_26, { policies: { 'run-unanswered': 'exit-1' } });
    assert.deepEqual(one.log, ['run: 1, runOnce: 1']);
    assert.equal(one.installationCheck.passed, false);
  });

  it('a profile answer wins over the policy', async () => {
    const p = profile(M4_26, ['run={"probe.sh --quiet": 0, "probe.sh --once": 7}']);
    const r = await simulateOne('fidelity/run-unanswered.xml', p, { policies: { 'run-unanswered': 'exit-1' } });
    assert.deepEqual(r.log, ['run: 0, runOnce: 7']);
    assert.equal(codes(r).includes('API_RUN_UNANSWERED'), false);
  });
});

describe('policy require-scripts-false', () => {
  it('evaluate by default: the JavaScript runs (and refuses)', async () => {
    const r = await simulateOne('fidelity/require-scripts-false.xml', INTEL_1014);
    // visible runs until it settles: a second pass confirms the first.
    assert.deepEqual(r.log, ['top-level script ran', 'installation-check ran', 'visible ran', 'visible ran']);
    assert.equal(r.installationCheck.passed, false);
    assert.equal(r.volumes[0]!.passed, false);
    assert.deepEqual(choice(r, 'app'), { visible: false, enabled: true, selected: false });
    assert.equal(r.restartAction, 'None');
    assert.equal(codes(r).includes('REQUIRE_SCRIPTS_FALSE_SKIPPED'), false);
  });

  it('skip: no JavaScript runs, checks pass, JavaScript choice states keep their start value, a literal onConclusion counts', async () => {
    const r = await simulateOne('fidelity/require-scripts-false.xml', INTEL_1014, { policies: { 'require-scripts-false': 'skip' } });
    assert.deepEqual(r.log, []);
    assert.deepEqual(r.installationCheck, { passed: true, resultType: null, title: null, message: null });
    assert.deepEqual(
      r.volumes.map((v) => [v.passed, v.eligible]),
      [[true, true]],
    );
    assert.deepEqual(choice(r, 'app'), { visible: true, enabled: true, selected: true });
    assert.deepEqual(
      r.packages.map((p) => [p.id, p.install]),
      [['com.example.app', true]],
    );
    assert.equal(r.restartAction, 'RequireRestart');
    assert.equal(r.installable, true);
    const skipped = r.diagnostics.filter((d) => d.code === 'REQUIRE_SCRIPTS_FALSE_SKIPPED');
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.severity, 'warning');
    // Nothing was asked of the host: no API diagnostics.
    assert.equal(codes(r).includes('API_UNKNOWN_SYSCTL'), false);
  });

  it('skip changes nothing when require-scripts is not false', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <installation-check script="system.log('ran'); true"/>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, INTEL_1014, { policies: { 'require-scripts-false': 'skip' } });
    assert.deepEqual(r.log, ['ran']);
    assert.equal(codes(r).includes('REQUIRE_SCRIPTS_FALSE_SKIPPED'), false);
  });
});
