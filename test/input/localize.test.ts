import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyResourceTables, formatLocalized, localizeTitle, parseLanguageTag, selectStringTable, stringTableFor } from '../../src/distribution/localize.js';
import type { StringTable } from '../../src/distribution/model.js';
import { parseDistribution } from '../../src/distribution/parse.js';
import { simulate } from '../../src/runner/simulate.js';
import { profile } from '../helpers.js';
import { MAC } from './pkg-fixtures.js';

const table = (language: string, entries: Record<string, string>): StringTable => ({ language, entries: Object.entries(entries) });
/** Which table answers: each table maps WHO to its own name. */
const who = (...languages: string[]) => languages.map((l) => table(l, { WHO: l }));
const pick = (tables: StringTable[], languages: string[], resources: StringTable[] = []) => selectStringTable(tables, languages, resources)?.get('WHO');

describe('one language rule for the guest API and reports', () => {
  it('reads .lproj folder names and preferred-language tags alike', () => {
    const cases: Array<[string, [string, string | undefined, string | undefined]]> = [
      ['en', ['en', undefined, undefined]],
      ['English', ['en', undefined, undefined]],
      ['English.lproj', ['en', undefined, undefined]],
      ['en_GB', ['en', undefined, 'gb']],
      ['en-GB', ['en', undefined, 'gb']],
      ['zh_CN', ['zh', 'hans', 'cn']],
      ['zh_TW', ['zh', 'hant', 'tw']],
      ['zh-Hant-HK', ['zh', 'hant', 'hk']],
      ['Base', ['base', undefined, undefined]],
      ['es-419', ['es', undefined, '419']],
      ['French', ['fr', undefined, undefined]],
      ['no', ['nb', undefined, undefined]],
    ];
    for (const [name, [language, script, region]] of cases) assert.deepEqual(parseLanguageTag(name), { language, script, region }, name);
  });

  it('picks the first preferred language any table serves, region and script first', () => {
    assert.equal(pick(who('en', 'fr'), ['fr']), 'fr');
    assert.equal(pick(who('en', 'fr'), ['fr-CA', 'en']), 'fr', 'a regional preference takes the generic table');
    assert.equal(pick(who('en', 'en_GB', 'en_AU'), ['en-GB']), 'en_GB');
    assert.equal(pick(who('en_GB', 'en'), ['en-US']), 'en', 'another region only when there is no generic table');
    assert.equal(pick(who('en_GB', 'fr'), ['en-US']), 'en_GB');
    assert.equal(pick(who('zh_CN', 'zh_TW'), ['zh-Hant']), 'zh_TW');
    assert.equal(pick(who('zh_TW', 'zh_CN'), ['zh-Hans-CN']), 'zh_CN');
    assert.equal(pick(who('English', 'French'), ['fr-FR']), 'French');
    assert.equal(pick(who('fr', 'ja', 'de'), ['it', 'de', 'ja']), 'de', 'preference order, not table order');
  });

  it('falls back to English, then Base, then the first table; a key missing in the localization comes from English', () => {
    assert.equal(pick(who('fr', 'English'), ['de']), 'English');
    assert.equal(pick(who('fr', 'Base'), ['de']), 'Base');
    assert.equal(pick(who('ja', 'fr'), ['de']), 'ja');
    assert.equal(pick(who('ja', 'fr'), []), 'ja');
    assert.equal(selectStringTable([], ['en']), undefined);
    const merged = selectStringTable(
      [table('fr', { A: 'fr-A' }), table('en', { A: 'en-A', B: 'en-B' }), table('Base', { A: 'base-A', B: 'base-B', C: 'base-C' })],
      ['fr'],
    )!;
    assert.deepEqual([merged.get('A'), merged.get('B'), merged.get('C'), merged.get('D')], ['fr-A', 'en-B', 'base-C', undefined]);
  });

  it('an inline <strings> entry wins over the package resource of the same language; other resource keys still answer', () => {
    const merged = selectStringTable([table('English', { A: 'inline-A' })], ['en'], [table('en', { A: 'res-A', B: 'res-B' })])!;
    assert.deepEqual([merged.get('A'), merged.get('B')], ['inline-A', 'res-B']);
    // The localization is chosen across both sources: a French resource table serves a French Mac although the inline table is English.
    assert.equal(pick([table('English', { WHO: 'inline-en' })], ['fr'], [table('fr', { WHO: 'res-fr' })]), 'res-fr');
  });

  it('keys such as __proto__ are data', () => {
    const merged = selectStringTable(
      [
        {
          language: 'en',
          entries: [
            ['__proto__', 'p'],
            ['constructor', 'c'],
          ],
        },
      ],
      ['en'],
    )!;
    assert.deepEqual([merged.get('__proto__'), merged.get('constructor'), merged.get('toString')], ['p', 'c', undefined]);
  });

  it('titles resolve per Mac through the same rule, the key itself when no table has it', () => {
    const dist = parseDistribution(
      `<installer-gui-script minSpecVersion="1">
  <title>T</title>
  <product id="com.example.p" version="3.1"/>
  <choices-outline><line choice="a"/></choices-outline>
  <choice id="a" title="CHOICE" description="DESC"/>
  <localization><strings language="English">"T" = "Inline title";</strings></localization>
</installer-gui-script>`,
      'd.xml',
    );
    assert.equal(dist.title, 'Inline title');
    assert.deepEqual(dist.product, { id: 'com.example.p', version: '3.1' });
    applyResourceTables(dist, [table('en', { T: 'Resource title', CHOICE: 'Choice' }), table('fr', { T: 'Titre', CHOICE: 'Choix', DESC: 'Description' })]);
    assert.equal(dist.title, 'Inline title', 'the inline entry wins');
    assert.deepEqual([dist.choices[0]!.title, dist.choices[0]!.description], ['Choice', 'DESC']);
    assert.equal(localizeTitle(dist, dist.titleKey, ['fr']), 'Titre');
    assert.equal(localizeTitle(dist, dist.choices[0]!.descriptionKey, ['fr']), 'Description');
    assert.equal(localizeTitle(dist, 'UNKNOWN', ['fr']), 'UNKNOWN');
    assert.equal(localizeTitle(dist, undefined, ['fr']), undefined);
    assert.equal(stringTableFor(dist, ['de'])!.get('CHOICE'), 'Choice');
  });
});

describe('localizedStringWithFormat formatting', () => {
  const f = (template: string, ...args: string[]) => formatLocalized(template, args, 1000);
  it('substitutes %@ in order, positional %1$@, %% and the integer forms', () => {
    assert.equal(f('%@ and %@', 'a', 'b'), 'a and b');
    assert.equal(f('%2$@ before %1$@', 'a', 'b'), 'b before a');
    assert.equal(f('100%% of %@', 'x'), '100% of x');
    assert.equal(f('%d files, %ld KB, %i, %u, %lld, %2$d', '42.9', '-7', 'x', '', '1e3'), '42 files, -7 KB, 0, 0, 1000, -7');
    assert.equal(f('%@ %@', 'only'), 'only ');
  });

  it('keeps what it does not handle as written', () => {
    assert.equal(f('%f %s %0$@ %1234$@ 50%', 'a'), '%f %s %0$@ %1234$@ 50%');
    assert.equal(f('trailing %'), 'trailing %');
  });

  it('bounds the result, whatever the arguments', () => {
    assert.equal(formatLocalized('%@%@', ['a'.repeat(10), 'b'.repeat(10)], 15), `${'a'.repeat(10)}${'b'.repeat(5)}`);
    assert.equal(formatLocalized('x'.repeat(50), [], 20).length, 20);
    const many = formatLocalized('%1$@'.repeat(200_000), ['y'.repeat(1000)], 64 * 1024);
    assert.equal(many.length, 64 * 1024);
  });

  it('is linear on pathological templates', () => {
    const started = process.cpuUsage();
    formatLocalized('%'.repeat(500_000), [], 10_000_000);
    formatLocalized('%1'.repeat(250_000), [], 10_000_000);
    formatLocalized('%l'.repeat(250_000), [], 10_000_000);
    const used = process.cpuUsage(started);
    assert.ok(used.user + used.system < 1_500_000, `${used.user + used.system} µs`);
  });
});

describe('the guest API reads the same tables', () => {
  const xml = `<installer-gui-script minSpecVersion="1">
  <localization>
    <strings language="English">"ERR" = "Cannot install on %@ (%d GB)."; "EN" = "English only";</strings>
    <strings language="fr">"ERR" = "Installation impossible sur %@ (%d Go).";</strings>
  </localization>
  <script>system.log(system.localizedStringWithFormat('ERR', 'x', 8)); system.log(system.localizedString('EN')); system.log(String(system.localizedStandardString('ERR')));</script>
</installer-gui-script>`;
  for (const [languages, first] of [
    ['fr', 'Installation impossible sur x (8 Go).'],
    ['en', 'Cannot install on x (8 GB).'],
  ] as const) {
    it(`a Mac preferring ${languages}`, async () => {
      const report = await simulate(parseDistribution(xml, 'inline.xml'), [profile(MAC, [`languages=["${languages}"]`])], { workers: 0 });
      const r = report.results[0]!;
      assert.deepEqual(r.log, [first, 'English only', languages === 'fr' ? 'Installation impossible sur %@ (%d Go).' : 'Cannot install on %@ (%d GB).']);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.code === 'API_NO_STRING_TABLE').map((d) => d.args?.key),
        ['ERR'],
      );
    });
  }
});
