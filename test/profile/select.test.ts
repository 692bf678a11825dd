import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { parseSize, parseWhere, selectProfiles } from '../../src/profile/index.js';
import { globMatch } from '../../src/profile/select.js';
import { builtins } from './fixtures.js';

function ids(...exprs: string[]): string[] {
  return selectProfiles(builtins(), exprs.map(parseWhere))
    .map((p) => p.id)
    .sort();
}

const TEN_TO_FIFTEEN = [
  'macbookpro-13-early2015-10.10.5',
  'imac-27-late2015-10.11.6',
  'macbookpro-13-2016-10.12.6',
  'macbookpro-13-2017-10.13.6',
  'macbookpro-15-mid2015-10.14.6',
  'imac-27-2019-10.15.7',
].sort();

describe('--where selection over the built-in profiles', () => {
  const table: Array<[string, string[]]> = [
    ['arch=arm64 os>=13 <15', ['macbookpro-14-m3pro-2023-14.8.3']],
    ['arch=arm64 os>=13 <15 rosetta=false', []],
    ['arch=arm64 rosetta=false', ['macbookair-m1-2020-11.7.10', 'macmini-m4-2024-15.3.1']],
    ['arch=arm64 os>=13 rosetta=false', ['macmini-m4-2024-15.3.1']],
    ['os>=10.10 <11', TEN_TO_FIFTEEN],
    [
      'os<10.10',
      [
        'macbook-2006-10.5.8',
        'powermac-g5-late2005-10.5.8',
        'macbook-late2008-10.6.8',
        'imac-21-mid2011-10.7.5',
        'macbookair-13-mid2012-10.8.5',
        'macbookpro-13-late2013-10.9.5',
      ],
    ],
    ['os=14', ['macbookpro-14-m3pro-2023-14.8.3', 'macmini-2018-14.8.3']],
    ['os=10.1', []],
    ['os=10.15.7', ['imac-27-2019-10.15.7']],
    ['os=10.5 arch!=ppc', ['macbook-2006-10.5.8']],
    [
      'os!=26 arch=arm64',
      [
        'macbookair-m1-2020-11.7.10',
        'macbookair-m1-2020-12.7.6',
        'macbookair-m1-2020-12.7.6-example-app-1.0',
        'macbookpro-14-m3pro-2023-14.8.3',
        'macstudio-m2ultra-2023-15.2',
        'macmini-m4-2024-15.3.1',
      ],
    ],
    [
      'os>15',
      [
        'macstudio-m2ultra-2023-15.2',
        'macmini-m4-2024-15.3.1',
        'macbookpro-16-2019-15.7.1',
        'macbookpro-16-2019-15.7.1-cli',
        'macmini-m4-2024-26.5.2',
        'macmini-m4-2024-26.5.2-rosetta-shell',
      ],
    ],
    ['os>=26', ['macmini-m4-2024-26.5.2', 'macmini-m4-2024-26.5.2-rosetta-shell']],
    ['os>26', ['macmini-m4-2024-26.5.2', 'macmini-m4-2024-26.5.2-rosetta-shell']],
    ['os>26.5.2', []],
    ['os<=10.5.8', ['macbook-2006-10.5.8', 'powermac-g5-late2005-10.5.8']],
    ['ram>=32GB', ['imacpro-2017-11.7.10', 'macpro-2019-13.7.8', 'macstudio-m2ultra-2023-15.2', 'macbookpro-16-2019-15.7.1', 'macbookpro-16-2019-15.7.1-cli']],
    ['ram<4G', ['macbook-2006-10.5.8', 'powermac-g5-late2005-10.5.8', 'macbook-late2008-10.6.8']],
    ['ram=18GB', ['macbookpro-14-m3pro-2023-14.8.3']],
    ['ram>=8G <=16GiB arch=x86_64', [...TEN_TO_FIFTEEN, 'macbookpro-13-late2013-10.9.5', 'macbookpro-15-mid2015-12.7.6', 'macmini-2018-14.8.3']],
    [
      'ram=17179869184',
      [
        'macbookpro-15-mid2015-10.14.6',
        'macbookpro-15-mid2015-12.7.6',
        'macmini-2018-14.8.3',
        'macmini-m4-2024-15.3.1',
        'macmini-m4-2024-26.5.2',
        'macmini-m4-2024-26.5.2-rosetta-shell',
      ],
    ],
    [
      'model=MacBookAir*',
      ['macbookair-13-mid2012-10.8.5', 'macbookair-m1-2020-11.7.10', 'macbookair-m1-2020-12.7.6', 'macbookair-m1-2020-12.7.6-example-app-1.0'],
    ],
    ['model=mini', ['macmini-2018-14.8.3']],
    ['model=MacPro7,1', ['macpro-2019-13.7.8']],
    ['model!=Mac*', ['powermac-g5-late2005-10.5.8', 'imac-21-mid2011-10.7.5', 'imac-27-late2015-10.11.6', 'imac-27-2019-10.15.7', 'imacpro-2017-11.7.10']],
    ['id=macmini-m4-*', ['macmini-m4-2024-15.3.1', 'macmini-m4-2024-26.5.2', 'macmini-m4-2024-26.5.2-rosetta-shell']],
    ['id=macpro-2019-13.7.8', ['macpro-2019-13.7.8']],
    ['id=macpro', []],
    ['launch=cli', ['macbookpro-16-2019-15.7.1-cli', 'macmini-m4-2024-26.5.2-rosetta-shell']],
    ['arch=i386', ['macbook-2006-10.5.8']],
    [
      'arch!=arm64 os>=11',
      [
        'imacpro-2017-11.7.10',
        'macbookpro-15-mid2015-12.7.6',
        'macpro-2019-13.7.8',
        'macmini-2018-14.8.3',
        'macbookpro-16-2019-15.7.1',
        'macbookpro-16-2019-15.7.1-cli',
      ],
    ],
    [
      'rosetta=true',
      [
        'macbookair-m1-2020-12.7.6',
        'macbookair-m1-2020-12.7.6-example-app-1.0',
        'macbookpro-14-m3pro-2023-14.8.3',
        'macstudio-m2ultra-2023-15.2',
        'macmini-m4-2024-26.5.2',
        'macmini-m4-2024-26.5.2-rosetta-shell',
      ],
    ],
  ];

  for (const [expr, expected] of table) {
    it(expr, () => assert.deepEqual(ids(expr), [...expected].sort()));
  }

  it('compares versions numerically: os>=10.10 matches 10.10+ but not 10.9', () => {
    const matched = ids('os>=10.10');
    assert.ok(matched.includes('macbookpro-13-early2015-10.10.5'));
    assert.ok(matched.includes('macmini-m4-2024-26.5.2'));
    assert.ok(!matched.includes('macbookpro-13-late2013-10.9.5'));
    assert.ok(!matched.includes('macbook-late2008-10.6.8'));
    // As strings, "10.9.5" > "10.10" and "26.5.2" < "10.10" would both be wrong.
    assert.equal(matched.length, builtins().length - 6);
  });

  it('rosetta=false covers every non-arm64 profile', () => {
    assert.equal(ids('rosetta=false').length, builtins().length - ids('rosetta=true').length);
    assert.deepEqual(ids('rosetta=false arch=arm64'), ids('arch=arm64 rosetta!=true'));
  });

  it('ORs several expressions and selects everything with none', () => {
    assert.deepEqual(ids('arch=ppc', 'arch=i386'), ['macbook-2006-10.5.8', 'powermac-g5-late2005-10.5.8']);
    assert.equal(selectProfiles(builtins(), []).length, builtins().length);
    assert.deepEqual(
      selectProfiles(builtins(), [parseWhere('launch=cli')]).map((p) => p.id),
      ['macbookpro-16-2019-15.7.1-cli', 'macmini-m4-2024-26.5.2-rosetta-shell'],
      'keeps the input order',
    );
  });

  it('parses terms', () => {
    assert.deepEqual(parseWhere('  arch=arm64   os>=13 <15 ').terms, [
      { key: 'arch', op: '=', value: 'arm64', text: 'arch=arm64' },
      { key: 'os', op: '>=', value: '13', text: 'os>=13' },
      { key: 'os', op: '<', value: '15', text: '<15' },
    ]);
  });

  it('parses sizes with binary units', () => {
    assert.equal(parseSize('8GB'), 8 * 2 ** 30);
    assert.equal(parseSize('16g'), 16 * 2 ** 30);
    assert.equal(parseSize('1.5GiB'), 1.5 * 2 ** 30);
    assert.equal(parseSize('512M'), 512 * 2 ** 20);
    assert.equal(parseSize('4294967296'), 4294967296);
    assert.equal(parseSize('2TB'), 2 * 2 ** 40);
    assert.equal(parseSize('8XB'), undefined);
  });

  const errors: Array<[string, string]> = [
    ['foo=1', 'invalid term "foo=1": unknown key "foo"'],
    ['arch=sparc', 'invalid term "arch=sparc": arch must be one of ppc, i386, x86_64, arm64'],
    ['os>=abc', 'invalid term "os>=abc": os needs a version'],
    ['<15', 'invalid term "<15": a bare comparison must follow an os or ram term'],
    ['arch=arm64 <15', 'invalid term "<15": a bare comparison must follow an os or ram term'],
    ['ram>=8XB', 'invalid term "ram>=8XB": ram needs a size'],
    ['rosetta=maybe', 'invalid term "rosetta=maybe": rosetta must be true or false'],
    ['model>Mac', 'invalid term "model>Mac": "model" only supports = and !='],
    ['launch=tty', 'invalid term "launch=tty": launch must be gui or cli'],
    ['arm64', 'invalid term "arm64": expected <key><op><value>'],
    ['os=', 'invalid term "os=": missing value'],
  ];
  for (const [expr, message] of errors) {
    it(`rejects ${JSON.stringify(expr)}`, () => {
      assert.throws(
        () => parseWhere(expr),
        (error: unknown) => {
          assert.ok(error instanceof InputError);
          assert.equal(error.code, 'WHERE_INVALID');
          assert.ok(error.message.startsWith(message), error.message);
          assert.ok(error.message.endsWith('valid keys: arch, os, ram, model, id, rosetta, launch'), error.message);
          return true;
        },
      );
    });
  }

  it('rejects an empty expression', () => {
    assert.throws(() => parseWhere('   '), { code: 'WHERE_INVALID', message: 'empty expression; valid keys: arch, os, ram, model, id, rosetta, launch' });
  });
});

describe('globMatch', () => {
  it('matches * and ? over the whole text, case-insensitively', () => {
    assert.equal(globMatch('macbook*', 'MacBookAir10,1'), true);
    assert.equal(globMatch('*air*', 'MacBookAir10,1'), true);
    assert.equal(globMatch('mac?ookair10,1', 'MacBookAir10,1'), true);
    assert.equal(globMatch('macbook', 'MacBookAir10,1'), false);
    assert.equal(globMatch('*,2', 'MacBookAir10,1'), false);
    assert.equal(globMatch('**', ''), true);
    assert.equal(globMatch('?', ''), false);
  });

  it('takes polynomial time on patterns that make a backtracking regular expression explode', () => {
    const pattern = `${'*a'.repeat(30)}*b`;
    const text = 'a'.repeat(5000);
    const started = performance.now();
    assert.equal(globMatch(pattern, text), false);
    assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
  });
});
