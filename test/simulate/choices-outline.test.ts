import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Policies } from '../../src/installer/policy.js';
import { choiceRun, click, diagnostics, installed, shown, state } from './choices-support.js';

/** Choice policies are not in POLICY_INFO yet: passed by name like every policy. */
const policies = (p: Record<string, string>) => p as unknown as Partial<Policies>;

describe('choices: the outline', () => {
  it('derives a parent from its children: 1, 0, or -1 when they differ', async () => {
    const r = await choiceRun('outline.xml');
    assert.deepEqual(shown(r), [
      ['suite', -1],
      ['core', 1],
      ['extras', 0],
      ['samples', 1],
      ['tools', -1],
      ['cli', 1],
      ['daemon', 0],
      ['docs', 1],
      ['docs-offline', 1],
    ]);
    // A mixed parent reads as selected from scripts; it has no package of its own.
    assert.deepEqual(state(r, 'suite'), { visible: true, enabled: true, selected: true, selectedState: -1 });
    assert.deepEqual(state(r, 'extras'), { visible: true, enabled: true, selected: false, selectedState: 0 });
  });

  it('shows the subtree of a hidden, disabled parent hidden and disabled, and still installs what is selected', async () => {
    const r = await choiceRun('outline.xml');
    assert.deepEqual(state(r, 'tools'), { visible: false, enabled: false, selected: true, selectedState: -1 });
    assert.deepEqual(state(r, 'cli'), { visible: false, enabled: false, selected: true, selectedState: 1 });
    assert.deepEqual(state(r, 'daemon'), { visible: false, enabled: false, selected: false, selectedState: 0 });
    assert.deepEqual(installed(r), ['com.example.core', 'com.example.samples', 'com.example.cli', 'com.example.docs', 'com.example.docs.offline']);
    assert.deepEqual(diagnostics(r, 'CHOICE_CONSTRAINED_BY_PARENT'), [
      { choice: 'cli', ancestor: 'tools', attribute: 'visible' },
      { choice: 'cli', ancestor: 'tools', attribute: 'enabled' },
      { choice: 'daemon', ancestor: 'tools', attribute: 'visible' },
      { choice: 'daemon', ancestor: 'tools', attribute: 'enabled' },
    ]);
    assert.ok(r.diagnostics.filter((d) => d.code === 'CHOICE_CONSTRAINED_BY_PARENT').every((d) => d.severity === 'info' && d.location?.file === 'outline.xml'));
  });

  it('policy parent-constraint=none: children keep their own visible and enabled', async () => {
    const r = await choiceRun('outline.xml', { policies: policies({ 'parent-constraint': 'none' }) });
    assert.deepEqual(state(r, 'cli'), { visible: true, enabled: true, selected: true, selectedState: 1 });
    assert.equal(diagnostics(r, 'CHOICE_CONSTRAINED_BY_PARENT').length, 4);
    assert.match(r.diagnostics.find((d) => d.code === 'CHOICE_CONSTRAINED_BY_PARENT')!.message, /parent-constraint=none/);
  });

  it('a click on a mixed parent selects its enabled children; deselecting it leaves a disabled child selected', async () => {
    const selected = await choiceRun('outline.xml', { changes: [click('suite', true)] });
    assert.deepEqual(shown(selected).slice(0, 4), [
      ['suite', 1],
      ['core', 1],
      ['extras', 1],
      ['samples', 1],
    ]);
    const deselected = await choiceRun('outline.xml', { changes: [click('suite', false)] });
    // core is disabled: the click does not reach it, so the parent stays mixed and core still installs.
    assert.deepEqual(shown(deselected).slice(0, 4), [
      ['suite', -1],
      ['core', 1],
      ['extras', 0],
      ['samples', 0],
    ]);
    assert.deepEqual(installed(deselected).slice(0, 2), ['com.example.core', 'com.example.cli']);
  });

  it('a parent\'s start_selected="false" passes to its enabled children, so they do not install', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><title>T</title>
      <choices-outline><line choice="group"><line choice="a"/><line choice="b"/><line choice="locked"/></line></choices-outline>
      <choice id="group" start_selected="false"/>
      <choice id="a"><pkg-ref id="p.a"/></choice>
      <choice id="b" start_selected="true"><pkg-ref id="p.b"/></choice>
      <choice id="locked" start_enabled="false"><pkg-ref id="p.locked"/></choice>
      <pkg-ref id="p.a">#a.pkg</pkg-ref><pkg-ref id="p.b">#b.pkg</pkg-ref><pkg-ref id="p.locked">#locked.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await choiceRun(xml);
    // Pre-order: the parent's start value passes down first (locked is still enabled then), then b's own start_selected wins.
    assert.deepEqual(shown(r), [
      ['group', -1],
      ['a', 0],
      ['b', 1],
      ['locked', 0],
    ]);
    assert.deepEqual(installed(r), ['p.b']);
    const own = await choiceRun(xml, { policies: policies({ 'parent-selected': 'own' }) });
    assert.deepEqual(shown(own), [
      ['group', 1],
      ['a', 1],
      ['b', 1],
      ['locked', 1],
    ]);
    assert.equal(state(own, 'group').selected, false, 'policy own: the parent reads its own state');
    assert.deepEqual(diagnostics(own, 'CHOICE_PARENT_STATE_DERIVED'), [{ choice: 'group', selected: false, shown: 1 }]);
  });

  it('a parent whose selected expression turns false deselects its enabled children (reported once)', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><title>T</title>
      <choices-outline><line choice="group"><line choice="a"/><line choice="b"/></line><line choice="off"/></choices-outline>
      <choice id="group" selected="choices.off.selected"/>
      <choice id="a"><pkg-ref id="p.a"/></choice>
      <choice id="b"><pkg-ref id="p.b"/></choice>
      <choice id="off" start_selected="false"><pkg-ref id="p.off"/></choice>
      <pkg-ref id="p.a">#a.pkg</pkg-ref><pkg-ref id="p.b">#b.pkg</pkg-ref><pkg-ref id="p.off">#off.pkg</pkg-ref>
    </installer-gui-script>`;
    const r = await choiceRun(xml);
    assert.deepEqual(shown(r), [
      ['group', 0],
      ['a', 0],
      ['b', 0],
      ['off', 0],
    ]);
    assert.deepEqual(installed(r), []);
    assert.deepEqual(diagnostics(r, 'CHOICE_PARENT_STATE_DERIVED'), [{ choice: 'group', selected: false }]);
    // Selecting `off` makes the expression true again: the parent's change passes down.
    const on = await choiceRun(xml, { changes: [click('off', true)] });
    assert.deepEqual(shown(on), [
      ['group', 1],
      ['a', 1],
      ['b', 1],
      ['off', 1],
    ]);
  });
});

describe('choices: state readable before the choice phase', () => {
  it('scripts and checks read literal start_* values; a JavaScript start_* reads true until it runs', async () => {
    const r = await choiceRun('early.xml');
    assert.deepEqual(r.log, ['optional=false computed=true plain=true hidden=false']);
    assert.deepEqual(diagnostics(r, 'CHOICE_STATE_READ_EARLY'), [
      { choice: 'optional', attribute: 'selected', value: false },
      { choice: 'computed', attribute: 'selected', value: true },
      { choice: 'plain', attribute: 'selected', value: true },
      { choice: 'plain', attribute: 'visible', value: false },
    ]);
    const early = r.diagnostics.find((d) => d.code === 'CHOICE_STATE_READ_EARLY')!;
    assert.equal(early.source, 'installation-check@script');
    // After the choice phase the JavaScript start_selected has run: 10.14.6 is not newer than 99.
    assert.deepEqual(shown(r), [
      ['optional', 0],
      ['computed', 0],
      ['plain', 1],
    ]);
  });

  it('policy early-choice-state=true: every choice reads true until the choice phase', async () => {
    const r = await choiceRun('early.xml', { policies: policies({ 'early-choice-state': 'true' }) });
    assert.deepEqual(r.log, ['optional=true computed=true plain=true hidden=true']);
    assert.match(r.diagnostics.find((d) => d.code === 'CHOICE_STATE_READ_EARLY')!.message, /early-choice-state=true/);
  });
});
