import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDistribution } from '../../src/distribution/parse.js';
import { choice, codes, fixture, simulateOne } from '../helpers.js';

const INTEL_1014 = 'macbookpro-15-mid2015-10.14.6';
const M4_26 = 'macmini-m4-2024-26.5.2';

describe('API members called as functions', () => {
  it('are found statically, once each, with their location, but not in comments, strings, method calls or reads', () => {
    const dist = parseDistribution(readFileSync(fixture('fidelity/called-as-function.xml'), 'utf8'), 'called.xml');
    const found = dist.diagnostics.filter((d) => d.code === 'API_CALLED_AS_FUNCTION');
    assert.deepEqual(
      found.map((d) => [d.severity, d.args?.member, d.source, d.location?.line]),
      [
        ['warning', 'system.version', 'script[1]', 10],
        ['warning', 'system.users.desktopSessionCount', 'script[1]', 11],
        ['warning', 'my.target', 'script[1]', 12],
        ['warning', 'system.files', 'choice[app]@visible', 25],
      ],
    );
    assert.equal(
      dist.diagnostics.some((d) => d.code === 'API_UNKNOWN_MEMBER'),
      false,
    );
  });

  it('the TypeError they raise at run time follows the usual rules: a caught one fails the check, a choice expression is hidden', async () => {
    const r = await simulateOne('fidelity/called-as-function.xml', M4_26);
    assert.equal(r.installationCheck.passed, false);
    assert.deepEqual(choice(r, 'app'), { visible: false, enabled: true, selected: true });
    const thrown = r.diagnostics.find((d) => d.code === 'SCRIPT_EXCEPTION')!;
    assert.equal(thrown.source, 'choice[app]@visible');
    assert.match(String(thrown.args?.error), /^TypeError: .*not a function/);
  });
});

describe('unanswered questions that decided an outcome', () => {
  it('are warnings with args.decided; the others stay infos', async () => {
    const r = await simulateOne('fidelity/unanswered-decided.xml', INTEL_1014);
    assert.equal(r.installationCheck.passed, false);
    assert.deepEqual(choice(r, 'shown'), { visible: true, enabled: true, selected: true });
    assert.deepEqual(choice(r, 'gated'), { visible: false, enabled: true, selected: true });
    assert.deepEqual(choice(r, 'deselected'), { visible: true, enabled: true, selected: false });
    const unanswered = r.diagnostics
      .filter((d) => d.code.startsWith('API_UNKNOWN_'))
      .map((d) => [d.code, d.severity, d.args?.decided ?? false, d.args?.decidedBy ?? null])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[3]).localeCompare(String(b[3])));
    assert.deepEqual(unanswered, [
      ['API_UNKNOWN_GESTALT', 'info', false, null],
      ['API_UNKNOWN_IOREGISTRY', 'warning', true, 'choice[gated]@visible'],
      ['API_UNKNOWN_PATH', 'warning', true, 'installation-check@script'],
      ['API_UNKNOWN_SYSCTL', 'warning', true, 'choice[deselected]@selected'],
      ['API_UNKNOWN_SYSCTL', 'info', false, null],
    ]);
    const path = r.diagnostics.find((d) => d.code === 'API_UNKNOWN_PATH')!;
    assert.match(path.message, /; this decided installation-check@script$/);
  });

  it('a question first asked where it decided nothing is raised when a deciding evaluation asks it again', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <script>var early = system.files.fileExistsAtPath('/opt/thing');</script>
      <installation-check script="my.result.type = 'Fatal'; system.files.fileExistsAtPath('/opt/thing')"/>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, INTEL_1014);
    const d = r.diagnostics.filter((x) => x.code === 'API_UNKNOWN_PATH');
    assert.equal(d.length, 1);
    assert.equal(d[0]!.source, 'script[1]');
    assert.equal(d[0]!.severity, 'warning');
    assert.deepEqual(d[0]!.args, { path: '/opt/thing', decided: true, decidedBy: 'installation-check@script' });
  });

  it('a check that passes, or a choice that stays visible and selected, raises nothing', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <installation-check script="system.sysctl('hw.nope') == null"/>
      <choices-outline><line choice="a"/></choices-outline>
      <choice id="a" visible="system.gestalt('x') == null" selected="!system.files.fileExistsAtPath('/nope')"><pkg-ref id="p"/></choice>
      <pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, INTEL_1014);
    const unanswered = r.diagnostics.filter((d) => d.code.startsWith('API_UNKNOWN_'));
    assert.equal(unanswered.length, 3);
    for (const d of unanswered) {
      assert.equal(d.severity, 'info');
      assert.equal(d.args?.decided, undefined);
    }
  });

  it('an inactive package raises the questions of its active expression', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/><pkg-ref id="q"/></choice>
      <pkg-ref id="p" active="system.sysctl('hw.nope') == 1">#p.pkg</pkg-ref><pkg-ref id="q">#q.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, INTEL_1014);
    const d = r.diagnostics.find((x) => x.code === 'API_UNKNOWN_SYSCTL')!;
    assert.deepEqual([d.severity, d.args?.decidedBy], ['warning', 'pkg-ref[p]@active']);
  });

  it('remembers a bounded number of questions per evaluation', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/>
      <installation-check script="for (var i = 0; i &lt; 45; i++) system.files.fileExistsAtPath('/nope/' + i); my.result.type = 'Fatal'; false"/>
      <choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p">#p.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await simulateOne(xml, INTEL_1014);
    const d = r.diagnostics.filter((x) => x.code === 'API_UNKNOWN_PATH');
    assert.equal(d.length, 45);
    assert.equal(d.filter((x) => x.severity === 'warning').length, 32);
    assert.deepEqual(d[31]!.args, { path: '/nope/31', decided: true, decidedBy: 'installation-check@script' });
    assert.equal(d[32]!.severity, 'info');
    assert.equal(codes(r).includes('DIAGNOSTICS_SUPPRESSED'), false);
  });
});
