import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'plist';
import { parseDistribution } from '../../src/distribution/parse.js';
import { parseChoiceChanges, type ChoiceChange } from '../../src/input/choice-changes.js';
import { renderChoiceChanges } from '../../src/reporters/choice-changes.js';
import { renderChoicesXml } from '../../src/reporters/choices-xml.js';
import type { ProfileResult, RunReport } from '../../src/types.js';
import { CORPUS } from '../helpers.js';
import { choiceReport, click, type ChoiceRunOptions } from '../simulate/choices-support.js';

function only(report: RunReport): ProfileResult {
  const entry = report.distributions[0]!;
  if ('error' in entry) throw new Error(entry.error.message);
  return entry.results[0]!;
}

/** Simulates, writes the change template, reads it back, simulates again with it: the result must be the same. */
async function roundTrip(source: string, options: ChoiceRunOptions = {}): Promise<{ before: ProfileResult; after: ProfileResult; changes: ChoiceChange[] }> {
  const report = await choiceReport(source, options);
  const changes = parseChoiceChanges(renderChoiceChanges(report), 'template.plist');
  const after = only(await choiceReport(source, { ...options, changes: [...(options.changes ?? []), ...changes] }));
  return { before: only(report), after, changes };
}

function sameOutcome(before: ProfileResult, after: ProfileResult, label: string): void {
  assert.deepEqual(after.choices, before.choices, label);
  assert.deepEqual(after.packages, before.packages, label);
  assert.deepEqual(after.log, before.log, `${label}: no expression ran again`);
  const fresh = after.diagnostics.filter((d) => !before.diagnostics.some((b) => b.code === d.code && b.message === d.message));
  assert.deepEqual(fresh, [], label);
}

describe('--format choice-changes', () => {
  it('prints a flat array in outline order: visible, enabled, selected, and customLocation with a leading /', async () => {
    const items = parse(renderChoiceChanges(await choiceReport('outline.xml'))) as Array<Record<string, unknown>>;
    assert.equal(items.length, 9 * 3 + 1);
    assert.deepEqual(items.slice(0, 6), [
      { attributeSetting: true, choiceAttribute: 'visible', choiceIdentifier: 'suite' },
      { attributeSetting: true, choiceAttribute: 'enabled', choiceIdentifier: 'suite' },
      { attributeSetting: 1, choiceAttribute: 'selected', choiceIdentifier: 'suite' },
      { attributeSetting: true, choiceAttribute: 'visible', choiceIdentifier: 'core' },
      { attributeSetting: false, choiceAttribute: 'enabled', choiceIdentifier: 'core' },
      { attributeSetting: 1, choiceAttribute: 'selected', choiceIdentifier: 'core' },
    ]);
    assert.deepEqual(
      items.filter((i) => i.choiceAttribute === 'customLocation'),
      [{ attributeSetting: '/Library/Documentation', choiceAttribute: 'customLocation', choiceIdentifier: 'docs' }],
    );
    assert.ok(!items.some((i) => String(i.choiceIdentifier).startsWith('__ROOT_CHOICE_IDENT_')));
    const text = renderChoiceChanges(await choiceReport('outline.xml'));
    assert.match(
      text,
      /<key>attributeSetting<\/key>\s*<integer>0<\/integer>\s*<key>choiceAttribute<\/key>\s*<string>selected<\/string>\s*<key>choiceIdentifier<\/key>\s*<string>extras<\/string>/,
    );
  });

  it('a relative customLocation gets its leading / and still round-trips', async () => {
    const xml = `<installer-gui-script minSpecVersion="2"><title>T</title><choices-outline><line choice="a"/></choices-outline>
      <choice id="a" customLocation="Applications"><pkg-ref id="p.a"/></choice><pkg-ref id="p.a">#a.pkg</pkg-ref></installer-gui-script>`;
    const { before, after, changes } = await roundTrip(xml);
    assert.deepEqual(changes.at(-1), { kind: 'set', choice: 'a', attribute: 'customLocation', value: '/Applications', origin: 'template.plist item 4' });
    sameOutcome(before, after, 'relative customLocation');
  });

  for (const fixture of ['outline.xml', 'dependent.xml', 'munki.xml', 'early.xml']) {
    it(`fed back through --choices, it changes nothing: ${fixture}`, async () => {
      const { before, after } = await roundTrip(fixture);
      sameOutcome(before, after, fixture);
    });
  }

  it('changes nothing either after clicks that leave mixed parents and deselected choices', async () => {
    for (const [source, changes] of [
      ['outline.xml', [click('suite', false), click('docs-offline', false)]],
      ['dependent.xml', [click('base', false)]],
      ['munki.xml', [click('app', false)]],
    ] as const) {
      const report = await choiceReport(source, { changes: [...changes] });
      const template = parseChoiceChanges(renderChoiceChanges(report), 'template.plist');
      const after = only(await choiceReport(source, { changes: [...changes, ...template] }));
      sameOutcome(only(report), after, source);
    }
  });

  it('changes nothing on any corpus Distribution that nests choices, on Intel and Apple silicon', async (t) => {
    if (!existsSync(CORPUS)) return t.skip('no corpus');
    let checked = 0;
    for (const name of readdirSync(CORPUS).sort()) {
      if (name === 'PROVENANCE.json') continue;
      const text = readFileSync(path.join(CORPUS, name), 'utf8');
      if (!/<line[^>]*>\s*<line/.test(text)) continue;
      let xml: string;
      try {
        parseDistribution(text, name);
        xml = text;
      } catch {
        continue; // templates with placeholders that do not parse
      }
      for (const profile of ['macbookpro-15-mid2015-10.14.6', 'macmini-m4-2024-26.5.2']) {
        const { before, after } = await roundTrip(xml, { profile });
        sameOutcome(before, after, `${name} on ${profile}`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `only ${checked} corpus runs`);
  });

  it('both formats parse as property lists', async () => {
    for (const fixture of ['outline.xml', 'dependent.xml', 'munki.xml']) {
      const report = await choiceReport(fixture);
      assert.ok(Array.isArray(parse(renderChoicesXml(report))));
      assert.ok(Array.isArray(parse(renderChoiceChanges(report))));
    }
  });
});
