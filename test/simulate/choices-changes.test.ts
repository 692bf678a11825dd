import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choiceChangesFromArgs } from '../../src/cli/choice-options.js';
import { readChoiceChanges, type ChoiceChange } from '../../src/input/choice-changes.js';
import type { Policies } from '../../src/installer/policy.js';
import { choiceRun, choicesFixture, click, diagnostics, installed, shown, state } from './choices-support.js';

const policies = (p: Record<string, string>) => p as unknown as Partial<Policies>;
const set = (choice: string, attribute: 'selected' | 'enabled' | 'visible', value: boolean): ChoiceChange => ({
  kind: 'set',
  choice,
  attribute,
  value,
  origin: `test ${choice}`,
});

describe('choices: clicks and re-evaluation', () => {
  it('without changes, every choice of the dependent fixture is selected', async () => {
    const r = await choiceRun('dependent.xml');
    assert.deepEqual(shown(r), [
      ['base', 1],
      ['addon', 1],
      ['plugin', 1],
      ['forced', 1],
    ]);
    assert.deepEqual(diagnostics(r, 'CHOICE_CHANGE_REVERTED'), []);
  });

  it('a choice enabled only while another is selected: deselecting base disables and deselects addon', async () => {
    const r = await choiceRun('dependent.xml', { changes: [click('base', false)] });
    assert.deepEqual(state(r, 'addon'), { visible: true, enabled: false, selected: false, selectedState: 0 });
    assert.equal(state(r, 'plugin').selected, false, 'keepClick() reads base');
    assert.deepEqual(installed(r), ['com.example.forced']);
    // Selecting base again re-enables addon, but addon keeps its own (deselected) state: my.choice.selected held the deselection.
    const again = await choiceRun('dependent.xml', { changes: [click('base', false), click('base', true)] });
    assert.deepEqual(state(again, 'addon'), { visible: true, enabled: true, selected: false, selectedState: 0 });
  });

  it('a selected expression that keeps the click through my.choice.selected keeps a deselection', async () => {
    const r = await choiceRun('dependent.xml', { changes: [click('plugin', false)] });
    assert.deepEqual(shown(r), [
      ['base', 1],
      ['addon', 1],
      ['plugin', 0],
      ['forced', 1],
    ]);
    assert.deepEqual(diagnostics(r, 'CHOICE_CHANGE_REVERTED'), []);
  });

  it('a literal selected="true" undoes a click, with a warning naming the choice', async () => {
    const r = await choiceRun('dependent.xml', { changes: [click('forced', false)] });
    assert.equal(state(r, 'forced').selectedState, 1);
    assert.deepEqual(diagnostics(r, 'CHOICE_CHANGE_REVERTED'), [
      { choice: 'forced', origin: '--deselect forced', attribute: 'selected', wanted: false, now: 1 },
    ]);
    assert.equal(r.diagnostics.find((d) => d.code === 'CHOICE_CHANGE_REVERTED')!.severity, 'warning');
  });

  it('a click on a disabled choice is refused with a warning (policy locked-choice-change)', async () => {
    const changes = [click('base', false), click('addon', true)];
    const refused = await choiceRun('dependent.xml', { changes });
    assert.equal(state(refused, 'addon').selected, false);
    assert.deepEqual(diagnostics(refused, 'CHOICE_CHANGE_LOCKED'), [{ choice: 'addon', origin: '--select addon', state: 'disabled', applied: false }]);
    const applied = await choiceRun('dependent.xml', { changes, policies: policies({ 'locked-choice-change': 'apply' }) });
    // Applied, then addon's own expression (base && my.choice.selected) deselects it again.
    assert.deepEqual(diagnostics(applied, 'CHOICE_CHANGE_LOCKED'), [{ choice: 'addon', origin: '--select addon', state: 'disabled', applied: true }]);
    assert.deepEqual(
      diagnostics(applied, 'CHOICE_CHANGE_REVERTED').map((d) => d.choice),
      ['addon'],
    );
  });

  it('an unknown choice id is a warning naming it, and nothing else changes', async () => {
    const r = await choiceRun('dependent.xml', { changes: [click('renamed', true), set('gone', 'visible', false)] });
    assert.deepEqual(diagnostics(r, 'CHOICE_CHANGE_UNKNOWN'), [
      { choice: 'renamed', origin: '--select renamed' },
      { choice: 'gone', origin: 'test gone' },
    ]);
    assert.match(r.diagnostics.find((d) => d.code === 'CHOICE_CHANGE_UNKNOWN')!.message, /choice 'renamed' is unknown/);
    assert.deepEqual(shown(r), [
      ['base', 1],
      ['addon', 1],
      ['plugin', 1],
      ['forced', 1],
    ]);
  });

  it('applies a change file in the attribute form', async () => {
    const r = await choiceRun('dependent.xml', { changes: readChoiceChanges(choicesFixture('changes-attributes.plist'), 'changes.plist') });
    assert.deepEqual(shown(r), [
      ['base', 0],
      ['addon', 0],
      ['plugin', 0],
      ['forced', 1],
    ]);
    assert.equal(state(r, 'plugin').visible, false);
    assert.deepEqual(diagnostics(r, 'CHOICE_CHANGE_UNKNOWN'), [{ choice: 'renamed-in-2.0', origin: 'changes.plist item 2' }]);
    assert.deepEqual(installed(r), ['com.example.forced']);
  });

  it('applies a change file in the legacy form: each id toggled in order', async () => {
    const r = await choiceRun('dependent.xml', { changes: readChoiceChanges(choicesFixture('changes-legacy.plist'), 'legacy.plist') });
    // plugin off, addon off, plugin on again, forced off (undone by selected="true").
    assert.deepEqual(shown(r), [
      ['base', 1],
      ['addon', 0],
      ['plugin', 1],
      ['forced', 1],
    ]);
    assert.deepEqual(
      diagnostics(r, 'CHOICE_CHANGE_REVERTED').map((d) => d.origin),
      ['legacy.plist item 4'],
    );
  });

  it('reads -showChoicesXML output as states, with a warning that installer refuses it', async () => {
    const r = await choiceRun('outline.xml', { changes: readChoiceChanges(choicesFixture('changes-outline.plist'), 'settings.plist') });
    assert.equal(state(r, 'extras').selectedState, 1);
    assert.equal(state(r, 'suite').selectedState, 1);
    assert.deepEqual(diagnostics(r, 'CHOICE_CHANGES_SHOW_CHOICES_FORM'), [{ origin: 'settings.plist item 2 (-showChoicesXML output)' }]);
  });

  it('customLocation: set where the choice declares one, refused elsewhere', async () => {
    const changes: ChoiceChange[] = [
      { kind: 'set', choice: 'docs', attribute: 'customLocation', value: '/Users/Shared/Docs', origin: 'c item 1' },
      { kind: 'set', choice: 'core', attribute: 'customLocation', value: '/opt', origin: 'c item 2' },
    ];
    const r = await choiceRun('outline.xml', { changes });
    assert.equal(r.choices.find((c) => c.id === 'docs')!.customLocation, '/Users/Shared/Docs');
    assert.equal(r.choices.find((c) => c.id === 'core')!.customLocation, null);
    assert.deepEqual(diagnostics(r, 'CHOICE_CHANGE_NOT_RELOCATABLE'), [{ choice: 'core', origin: 'c item 2' }]);
  });
});

describe("choices: a Distribution shaped like munki's", () => {
  const RECEIPTS = ['core=6.2.0.4500', 'launchd=6.3.0.4604', 'app_usage=6.3.0.4604'].map((r) => `volumes[0].receipts.com.googlecode.munki.${r}`);

  it('selects everything on a clean Mac', async () => {
    const r = await choiceRun('munki.xml');
    assert.deepEqual(shown(r), [
      ['core', 1],
      ['admin', 1],
      ['app', 1],
      ['launchd', 1],
      ['app_usage', 1],
    ]);
    assert.equal(r.restartAction, 'RequireRestart');
  });

  it('leaves out what is installed at this version (start_selected reads packageUpgradeAction, directly and through a function)', async () => {
    const r = await choiceRun('munki.xml', { sets: RECEIPTS });
    assert.deepEqual(shown(r), [
      ['core', 1],
      ['admin', 1],
      ['app', 1],
      ['launchd', 0],
      ['app_usage', 0],
    ]);
    assert.equal(r.restartAction, 'None');
    assert.deepEqual(
      r.packages.map((p) => [p.id, p.installedVersion, p.installKBytes]),
      [
        ['com.googlecode.munki.core', '6.2.0.4500', 1836],
        ['com.googlecode.munki.admin', null, 362],
        ['com.googlecode.munki.app', null, 4500],
        ['com.googlecode.munki.launchd', '6.3.0.4604', 24],
        ['com.googlecode.munki.app_usage', '6.3.0.4604', 40],
      ],
    );
    // A click puts the launchd files back, as `installer_choices_xml` in munki does.
    const clicked = await choiceRun('munki.xml', { sets: RECEIPTS, changes: [click('launchd', true)] });
    assert.equal(state(clicked, 'launchd').selectedState, 1);
    assert.equal(clicked.restartAction, 'RequireRestart');
  });
});

describe('choices: the command-line options', () => {
  it('turns --choices, --select and --deselect into changes: the file first, then the clicks in command-line order', () => {
    const file = choicesFixture('changes-legacy.plist');
    const argv = ['run', 'd.xml', '--deselect', 'b', '--choices', file, '--select=a', '--deselect', 'c'];
    const changes = choiceChangesFromArgs({ choices: file, select: 'a', deselect: ['b', 'c'] }, argv)!;
    assert.deepEqual(changes.slice(4), [
      { kind: 'click', choice: 'b', value: false, origin: '--deselect b' },
      { kind: 'click', choice: 'a', value: true, origin: '--select a' },
      { kind: 'click', choice: 'c', value: false, origin: '--deselect c' },
    ]);
    assert.deepEqual(
      changes.slice(0, 4).map((c) => c.kind),
      ['toggle', 'toggle', 'toggle', 'toggle'],
    );
    // Without the raw arguments: every --select, then every --deselect.
    assert.deepEqual(
      choiceChangesFromArgs({ select: ['x'], deselect: 'y' })!.map((c) => c.origin),
      ['--select x', '--deselect y'],
    );
    assert.equal(choiceChangesFromArgs({}), undefined);
  });

  it('names the flag in errors', () => {
    assert.throws(
      () => choiceChangesFromArgs({ choices: choicesFixture('missing.plist') }),
      (e: Error & { code?: string }) => e.code === 'FILE_UNREADABLE' && e.message.startsWith('--choices '),
    );
    assert.throws(
      () => choiceChangesFromArgs({ select: '' }),
      (e: Error & { code?: string }) => e.code === 'FLAG_INVALID' && e.message.startsWith('--select'),
    );
  });
});
