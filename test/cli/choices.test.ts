/**
 * End to end, through bin/distsim.js (needs dist/ built): the user's choice
 * changes on `run`, the choices-xml, choice-changes and installer formats,
 * and `distsim choices --graph`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { build, parse } from 'plist';
import { runCli } from '../helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'distsim-cli-choices-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OUTLINE = 'test/fixtures/choices/outline.xml';
const DEPENDENT = 'test/fixtures/choices/dependent.xml';
const INTEL = 'macbookpro-15-mid2015-10.14.6';

type Dict = Record<string, unknown>;

/** choiceIdentifier → choiceIsSelected, over the whole -showChoicesXML tree. */
function selectedStates(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const stack = [...(parse(text) as Dict[])];
  while (stack.length > 0) {
    const d = stack.shift()!;
    out.set(String(d.choiceIdentifier), d.choiceIsSelected as number);
    stack.unshift(...(d.childItems as Dict[]));
  }
  return out;
}

function changeFile(name: string, items: Array<[string, string, number | boolean | string]>): string {
  const file = path.join(dir, name);
  writeFileSync(file, build(items.map(([choiceIdentifier, choiceAttribute, attributeSetting]) => ({ attributeSetting, choiceAttribute, choiceIdentifier }))));
  return file;
}

describe('distsim run: choice changes and the choice formats', () => {
  it('--choices with --format choices-xml: the states after the changes and the re-evaluation, -1 for a mixed parent, a warning naming an unknown id', async () => {
    const changes = changeFile('changes.plist', [
      ['samples', 'selected', 0],
      ['renamed-choice', 'selected', 1],
    ]);
    const r = await runCli(['run', OUTLINE, '--profile', INTEL, '--choices', changes, '--format', 'choices-xml']);
    assert.equal(r.code, 0, r.stderr);
    const states = selectedStates(r.stdout);
    assert.equal(states.get(`__ROOT_CHOICE_IDENT_Outline Suite`), -1);
    assert.equal(states.get('suite'), -1);
    assert.equal(states.get('samples'), 0);
    assert.equal(states.get('core'), 1);
    assert.match(r.stderr, /warning CHOICE_CHANGE_UNKNOWN: .*'renamed-choice'/);
  });

  it('--format choice-changes fed back through --choices changes nothing', async () => {
    const first = await runCli(['run', DEPENDENT, '-p', INTEL, '--deselect', 'plugin', '--format', 'choice-changes']);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(Array.isArray(parse(first.stdout)));
    const template = path.join(dir, 'template.plist');
    writeFileSync(template, first.stdout);
    const again = await runCli(['run', DEPENDENT, '-p', INTEL, '--deselect', 'plugin', '--choices', template, '--format', 'choice-changes']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    assert.equal(again.stderr, '');
    const xmlBefore = await runCli(['run', DEPENDENT, '-p', INTEL, '--deselect', 'plugin', '--format', 'choices-xml']);
    const xmlAfter = await runCli(['run', DEPENDENT, '-p', INTEL, '--deselect', 'plugin', '--choices', template, '--format', 'choices-xml']);
    assert.equal(xmlAfter.stdout, xmlBefore.stdout);
  });

  it('--select and --deselect apply in command-line order', async () => {
    const a = await runCli(['run', DEPENDENT, '-p', INTEL, '--deselect', 'base', '--select', 'base', '--format', 'choices-xml']);
    const b = await runCli(['run', DEPENDENT, '-p', INTEL, '--select', 'base', '--deselect', 'base', '--format', 'choices-xml']);
    assert.equal(selectedStates(a.stdout).get('base'), 1);
    assert.equal(selectedStates(b.stdout).get('base'), 0);
  });

  it('--format installer prints what installer -pkg X -target / prints', async () => {
    const changes = changeFile('none.plist', []);
    const r = await runCli(['run', OUTLINE, '-p', INTEL, '--choices', changes, '--format', 'installer']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `installer: Package name is Outline Suite\ninstaller: choices changes file '${changes}' applied\ninstaller: Installing at base path /\ninstaller: The install was successful.\n`,
    );
  });

  it('the single-result formats refuse several profiles before simulating', async () => {
    const r = await runCli(['run', OUTLINE, '-p', INTEL, '-p', 'macmini-m4-2024-26.5.2', '--format', 'choices-xml']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /choices-xml format describes one Distribution on one profile/);
  });

  it('a malformed change file is one line naming the flag, exit 2', async () => {
    const bad = path.join(dir, 'bad.plist');
    writeFileSync(bad, '<plist><dict/></plist>');
    const r = await runCli(['run', OUTLINE, '-p', INTEL, '--choices', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^distsim: --choices .*bad\.plist: the property list must be an array/);
  });
});

describe('distsim choices --graph', () => {
  it('prints Mermaid by default and DOT on request', async () => {
    const mermaid = await runCli(['choices', DEPENDENT, '--graph']);
    assert.equal(mermaid.code, 0, mermaid.stderr);
    assert.ok(mermaid.stdout.startsWith('flowchart LR\n'));
    assert.ok(mermaid.stdout.includes('c0 -->|"selected → enabled"| c1'));
    const dot = await runCli(['choices', DEPENDENT, '--graph', '--format', 'dot']);
    assert.equal(dot.code, 0, dot.stderr);
    assert.ok(dot.stdout.startsWith('digraph choices {'));
  });
});
