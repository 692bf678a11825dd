import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'plist';
import { InputError } from '../../src/errors.js';
import { parseChoiceChanges } from '../../src/input/choice-changes.js';
import { checkSingleResult, diagnosticLines, packageUrl, renderChoicesXml } from '../../src/reporters/choices-xml.js';
import type { RunReport, SimulationReport } from '../../src/types.js';
import { choiceReport, choiceRun, click, INTEL } from '../simulate/choices-support.js';

type Dict = Record<string, unknown>;

/** [id, choiceIsSelected, enabled, visible, size] of each dict, depth-first, with the nesting as indentation. */
function flatten(items: Dict[], depth = 0, out: string[] = []): string[] {
  for (const d of items) {
    out.push(
      `${'  '.repeat(depth)}${String(d.choiceIdentifier)} ${String(d.choiceIsSelected)} ${d.choiceIsEnabled ? 'E' : 'e'}${d.choiceIsVisible ? 'V' : 'v'} ${String(d.choiceSizeInKilobytes)}`,
    );
    flatten(d.childItems as Dict[], depth + 1, out);
  }
  return out;
}

describe('--format choices-xml', () => {
  it('prints the tree under a synthetic root, with -1 for mixed parents and sizes of active packages', async () => {
    const text = renderChoicesXml(await choiceReport('outline.xml'));
    const root = parse(text) as Dict[];
    assert.deepEqual(flatten(root), [
      '__ROOT_CHOICE_IDENT_Outline Suite -1 EV 0',
      '  suite -1 EV 0',
      '    core 1 eV 2048',
      '    extras 0 EV 512',
      '    samples 1 EV 100',
      '  tools -1 ev 0',
      '    cli 1 ev 64',
      '    daemon 0 ev 0', // its only package is inactive: no size, no path
      '  docs 1 EV 700',
      '    docs-offline 1 EV 0',
    ]);
    const top = root[0]!;
    assert.equal(top.choiceTitle, 'Outline Suite');
    const suite = (top.childItems as Dict[])[0]!;
    assert.equal(suite.choiceDescription, 'Everything');
    assert.deepEqual((suite.childItems as Dict[])[0]!.pathsOfActivePackagesInChoice, ['outline.xml#core.pkg']);
  });

  it('writes keys in alphabetical order, integers for choiceIsSelected and sizes, booleans for the rest', async () => {
    const text = renderChoicesXml(await choiceReport('outline.xml'));
    assert.ok(
      text.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n',
      ),
    );
    const rootTail = text.slice(text.lastIndexOf('<key>choiceIdentifier</key>')).replace(/\s+/g, '');
    assert.equal(
      rootTail,
      '<key>choiceIdentifier</key><string>__ROOT_CHOICE_IDENT_OutlineSuite</string><key>choiceIsEnabled</key><true/><key>choiceIsSelected</key><integer>-1</integer>' +
        '<key>choiceIsVisible</key><true/><key>choiceSizeInKilobytes</key><integer>0</integer><key>choiceTitle</key><string>OutlineSuite</string>' +
        '<key>pathsOfActivePackagesInChoice</key><array/></dict></array></plist>',
    );
    const keys = [...text.matchAll(/<key>(\w+)<\/key>/g)].map((m) => m[1]!);
    const firstDict = keys.slice(keys.indexOf('childItems', 1), keys.indexOf('pathsOfActivePackagesInChoice') + 1);
    assert.deepEqual(firstDict, [...firstDict].sort());
  });

  it('parses back through the change-file reader; fed back, it changes no state', async () => {
    const before = await choiceRun('outline.xml');
    const text = renderChoicesXml(await choiceReport('outline.xml'));
    const changes = parseChoiceChanges(text, 'choices.xml');
    assert.ok(changes.every((c) => c.kind === 'set' && c.form === 'showChoicesXML'));
    const after = await choiceRun('outline.xml', { changes });
    assert.deepEqual(after.choices, before.choices);
    assert.deepEqual(after.packages, before.packages);
    assert.deepEqual(
      after.diagnostics.filter((d) => d.code.startsWith('CHOICE_CHANGE_')),
      [],
    );
    assert.deepEqual(after.diagnostics.filter((d) => d.code === 'CHOICE_CHANGES_SHOW_CHOICES_FORM').length, 1);
  });

  it('writes package URLs like installer: file://localhost<archive>#<component>, percent-encoded', () => {
    assert.equal(packageUrl('/Users/me/Down loads/My App.pkg', '#My Component.pkg'), 'file://localhost/Users/me/Down%20loads/My%20App.pkg#My%20Component.pkg');
    assert.equal(
      packageUrl('/Volumes/X/Product.mpkg/Contents/distribution.dist', 'file:./Contents/Packages/a.pkg'),
      'file://localhost/Volumes/X/Product.mpkg/Contents/Packages/a.pkg',
    );
    assert.equal(packageUrl('/a/Distribution', 'b.pkg'), 'file://localhost/a/b.pkg');
    assert.equal(packageUrl('dists/Distribution.xml', '#c.pkg'), 'dists/Distribution.xml#c.pkg');
    assert.equal(packageUrl('/a/D', 'https://example.com/x.pkg'), 'https://example.com/x.pkg');
    assert.equal(packageUrl('/a/#1.pkg', '#x.pkg'), 'file://localhost/a/%231.pkg#x.pkg');
  });

  it('keeps the output a readable plist whatever the report holds', async () => {
    const report = await choiceReport('outline.xml');
    const entry = report.distributions[0] as SimulationReport;
    const hostile: RunReport = {
      ...report,
      distributions: [
        {
          ...entry,
          title: 'Bad\u0001\uD800title',
          results: [{ ...entry.results[0]!, choices: entry.results[0]!.choices.map((c) => ({ ...c, title: '<&]]>\u001F' })) }],
        },
      ],
    };
    const root = parse(renderChoicesXml(hostile)) as Dict[];
    assert.equal(root[0]!.choiceTitle, 'Bad\uFFFD\uFFFDtitle');
    assert.equal((root[0]!.childItems as Dict[])[0]!.choiceTitle, '<&]]>\uFFFD');
  });

  it('needs exactly one Distribution and one profile; an unreadable input is its own error', async () => {
    const two = await choiceReport('outline.xml');
    const entry = two.distributions[0] as SimulationReport;
    const doubled: RunReport = { ...two, distributions: [{ ...entry, results: [entry.results[0]!, { ...entry.results[0]!, profile: INTEL }] }] };
    assert.throws(
      () => renderChoicesXml(doubled),
      (e: unknown) => e instanceof InputError && e.code === 'FORMAT_NEEDS_ONE_RESULT' && /1 input and 2 profiles/.test(e.message),
    );
    assert.throws(
      () => checkSingleResult('installer', 2, 1),
      (e: unknown) => e instanceof InputError && e.code === 'FORMAT_NEEDS_ONE_RESULT',
    );
    assert.doesNotThrow(() => checkSingleResult('json', 3, 5));
    const failed: RunReport = {
      ...two,
      distributions: [
        { path: 'bad.xml', error: { code: 'XML_MALFORMED', message: 'bad.xml:3:4: oops', location: { file: 'bad.xml', line: 3, column: 4 }, hint: null } },
      ],
    };
    assert.throws(
      () => renderChoicesXml(failed),
      (e: unknown) => e instanceof InputError && e.code === 'XML_MALFORMED' && e.message === 'bad.xml:3:4: oops',
    );
  });

  it('lists warnings for stderr, the formats themselves having no room for them', async () => {
    const report = await choiceReport('outline.xml', { changes: [click('renamed\u001b[2J', true)] });
    assert.deepEqual(diagnosticLines(report), [
      "outline.xml: warning CHOICE_CHANGE_UNKNOWN: --select renamed\\x1b[2J: choice 'renamed\\x1b[2J' is unknown (no choice has this id); the change is ignored, as a renamed choice breaks a change file",
    ]);
    assert.equal(diagnosticLines(report, { verbose: true }).filter((l) => l.includes(' info CHOICE_CONSTRAINED_BY_PARENT: ')).length, 4);
  });
});
