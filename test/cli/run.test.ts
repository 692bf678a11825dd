import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isInputFailure, type RunReport, type SimulationReport } from '../../src/types.js';
import { builtinProfiles, fixture, runCli, tempDir, writeTemp } from '../helpers.js';

/** The report document of a run over one file, which must have been simulated. */
function single(stdout: string): SimulationReport {
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(report.schemaVersion, 2);
  assert.equal(report.distributions.length, 1);
  const entry = report.distributions[0]!;
  assert.ok(!isInputFailure(entry), JSON.stringify(entry));
  return entry;
}

describe('distsim run', () => {
  it('runs every built-in profile by default and prints the documented JSON fields', async () => {
    const r = await runCli(['run', 'examples/example-app.xml', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const report = single(r.stdout);
    assert.deepEqual([report.path, report.title], ['examples/example-app.xml', 'Example App']);
    assert.deepEqual(
      report.results.map((x) => x.profile),
      builtinProfiles().map((p) => p.id),
    );
    for (const result of report.results) {
      for (const key of [
        'profile',
        'evaluatedArch',
        'translated',
        'installable',
        'installationCheck',
        'volumes',
        'choices',
        'packages',
        'domains',
        'restartAction',
        'log',
        'diagnostics',
      ]) {
        assert.ok(key in result, `${key} in ${result.profile}`);
      }
      assert.ok(['ppc', 'i386', 'x86_64', 'arm64'].includes(result.evaluatedArch));
      assert.deepEqual(Object.keys(result.installationCheck).sort(), ['message', 'passed', 'resultType', 'title']);
      for (const c of result.choices)
        assert.deepEqual(
          ['enabled', 'id', 'parent', 'selected', 'visible'].filter((k) => !(k in c)),
          [],
        );
      for (const p of result.packages) assert.ok('id' in p && 'install' in p);
      for (const d of result.diagnostics) assert.ok(typeof d.code === 'string' && typeof d.severity === 'string' && typeof d.message === 'string');
    }
    // The example's hidden helper installs on Intel only; the visible one on Apple silicon only.
    const intel = report.results.find((x) => x.profile === 'macbookpro-15-mid2015-10.14.6')!;
    const arm = report.results.find((x) => x.profile === 'macmini-m4-2024-26.5.2')!;
    assert.deepEqual(
      intel.packages.filter((p) => p.install).map((p) => p.id),
      ['com.example.app', 'com.example.helper.intel'],
    );
    assert.deepEqual(
      arm.packages.filter((p) => p.install).map((p) => p.id),
      ['com.example.app', 'com.example.helper.arm64'],
    );
    const helper = intel.choices.find((c) => c.id === 'intel-helper')!;
    assert.deepEqual([helper.parent, helper.title, helper.visible, helper.enabled, helper.selected], ['app', 'Intel helper', false, true, true]);
    assert.deepEqual(intel.mac, {
      name: builtinProfiles().find((p) => p.id === intel.profile)!.name,
      model: 'MacBookPro11,5',
      arch: 'x86_64',
      macos: '10.14.6',
    });
    assert.equal(arm.restartAction, 'RequireRestart');
  });

  it('prints byte-identical JSON on repeated runs', async () => {
    const a = await runCli(['run', 'test/fixtures/api.xml', '--format', 'json']);
    const b = await runCli(['run', 'test/fixtures/api.xml', '--format', 'json', '--jobs', '1']);
    assert.equal(a.code, 0);
    assert.equal(a.stdout, b.stdout);
  });

  it('prints a readable text report', async () => {
    const r = await runCli(['run', 'test/fixtures/os-gate.xml', '-p', 'macbookpro-13-late2013-10.9.5', '-p', 'macmini-m4-2024-26.5.2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /macbookpro-13-late2013-10\.9\.5[\s\S]*✗ not installable[\s\S]*Requires macOS 10\.15 or later\./);
    assert.match(r.stdout, /macmini-m4-2024-26\.5\.2[\s\S]*✓ installable/);
    assert.match(r.stdout, /2 profiles: 1 installable, 1 not installable/);
    assert.ok(!r.stdout.includes('\u001b['), 'no colour when NO_COLOR is set or stdout is not a terminal');
  });

  // A bad input is reported in place: one line on stderr, and an error entry in the report, exit 2.
  const inputErrors: Array<[string, string[], RegExp, string]> = [
    ['missing file', ['run', 'nope.xml'], /cannot read nope\.xml: no such file/, 'FILE_UNREADABLE'],
    [
      'malformed XML',
      ['run', 'test/fixtures/malformed-raw-lt.xml'],
      /^distsim: test\/fixtures\/malformed-raw-lt\.xml:7:\d+: .*\nhint: raw '<' inside a <script>/,
      'XML_MALFORMED',
    ],
    ['not a Distribution', ['run', 'test/fixtures/not-a-distribution.xml'], /:2:1: root element <plist> is not a Distribution/, 'NOT_A_DISTRIBUTION'],
  ];
  for (const [name, args, pattern, code] of inputErrors) {
    it(`exits 2 with a one-line error and an error entry in the report: ${name}`, async () => {
      const r = await runCli([...args, '-f', 'json']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      const report = JSON.parse(r.stdout) as RunReport;
      assert.equal(report.distributions.length, 1);
      const entry = report.distributions[0]!;
      assert.ok(isInputFailure(entry));
      assert.equal(entry.error.code, code);
    });
  }

  it('reports the good file and the bad one in one document, and exits 2', async () => {
    const r = await runCli(['run', 'test/fixtures/os-gate.xml', 'test/fixtures/malformed-raw-lt.xml', '-p', 'macbookpro-13-late2013-10.9.5', '-f', 'json']);
    assert.equal(r.code, 2, r.stderr);
    const report = JSON.parse(r.stdout) as RunReport;
    assert.equal(report.schemaVersion, 2);
    const [good, bad] = report.distributions;
    assert.ok(good && !isInputFailure(good));
    assert.deepEqual(
      good.results.map((x) => [x.profile, x.installable]),
      [['macbookpro-13-late2013-10.9.5', false]],
    );
    assert.ok(bad && isInputFailure(bad));
    assert.deepEqual(bad.error.location, { file: 'test/fixtures/malformed-raw-lt.xml', line: 7, column: 40 });
  });

  it('shows a volume without room for the packages, in text as in the blocker', async () => {
    const file = writeTemp(
      'space.xml',
      '<installer-gui-script minSpecVersion="2"><options hostArchitectures="x86_64,arm64"/><choices-outline><line choice="a"/></choices-outline><choice id="a"><pkg-ref id="p"/></choice><pkg-ref id="p" installKBytes="999999999">#p.pkg</pkg-ref></installer-gui-script>',
    );
    const r = await runCli(['run', file, '-p', 'macmini-m4-2024-26.5.2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✗ not installable/);
    assert.match(r.stdout, /volume \/ +passed {2}not enough space: 999999999 KB needed, \d+ KB free/);
  });

  it('--fail-on turns error diagnostics or uninstallable profiles into exit 1', async () => {
    const base = ['run', 'test/fixtures/os-gate.xml', '-p', 'macbookpro-13-late2013-10.9.5', '-p', 'macmini-m4-2024-26.5.2'];
    assert.equal((await runCli(base)).code, 0);
    assert.equal((await runCli([...base, '--fail-on', 'not-installable'])).code, 1);
    assert.equal((await runCli([...base, '-p', 'macmini-m4-2024-26.5.2', '--fail-on', 'never'])).code, 0);
    assert.equal((await runCli(['run', 'test/fixtures/exceptions.xml', '-p', 'macmini-m4-2024-26.5.2', '--fail-on', 'error'])).code, 1);
    assert.equal((await runCli(['run', 'test/fixtures/os-gate.xml', '-p', 'macmini-m4-2024-26.5.2', '--fail-on', 'error'])).code, 0);
  });

  const errors: Array<[string, string[], RegExp]> = [
    ['unknown profile', ['run', 'examples/example-app.xml', '-p', 'imac-1999'], /unknown profile 'imac-1999'\. Known profiles: .*macbookair-m1-2020-12\.7\.6/],
    ['unknown flag', ['run', 'examples/example-app.xml', '--bogus'], /Unknown argument: bogus/],
    ['no command', [], /choose a command/],
    ['bad policy', ['run', 'examples/example-app.xml', '--policy', 'truthiness=maybe'], /--policy truthiness=maybe: 'maybe' is not one of js, strict/],
    ['bad --where', ['run', 'examples/example-app.xml', '--where', 'colour=red'], /colour/],
    ['bad --now', ['run', 'examples/example-app.xml', '--now', 'yesterday'], /--now yesterday: not a date/],
    [
      'stack limit above the WebAssembly stack',
      ['run', 'examples/example-app.xml', '--stack-limit', '2048'],
      /--stack-limit 2048: must be an integer from 16 to 1024/,
    ],
  ];
  for (const [name, args, pattern] of errors) {
    it(`exits 2 with a one-line error: ${name}`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    });
  }

  it('reads a file that starts like a flat package as one: a truncated archive is one line and exit 2', async () => {
    const dir = tempDir();
    const pkg = path.join(dir, 'x.pkg');
    writeFileSync(pkg, Buffer.from('xar!\u0000\u001c\u0000\u0001', 'binary'));
    const r = await runCli(['run', pkg, '-f', 'json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /file ends inside the 28-byte xar header/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    const entry = (JSON.parse(r.stdout) as RunReport).distributions[0]!;
    assert.ok(isInputFailure(entry));
    assert.equal(entry.error.code, 'XAR_TRUNCATED');
  });

  it('--recover simulates a file with raw < in a script and says the Installer would reject it', async () => {
    const r = await runCli(['run', fixture('malformed-raw-lt.xml'), '--recover', '--format', 'json', '-p', 'macbookpro-15-mid2015-10.14.6']);
    assert.equal(r.code, 0, r.stderr);
    const report = single(r.stdout);
    assert.deepEqual(
      report.diagnostics.map((d) => d.code),
      ['XML_SCRIPT_ESCAPE_REPAIRED', 'XML_SCRIPT_ESCAPE_REPAIRED', 'XML_SCRIPT_ESCAPE_REPAIRED'],
    );
    assert.equal(report.results[0]!.choices[0]!.selected, true, '16 GB is not too little memory');
  });

  it('selects profiles with --where and overrides them with --set', async () => {
    const r = await runCli([
      'run',
      'test/fixtures/ram.xml',
      '--where',
      'arch=arm64 rosetta=false',
      '--set',
      'sysctl.hw.memsize=4294967296',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = single(r.stdout);
    assert.ok(report.results.length >= 1);
    for (const result of report.results) assert.equal(result.installationCheck.passed, false, `${result.profile} has 4 GiB after --set`);
  });

  it('runs several files over one worker pool, reports in the order given', async () => {
    const r = await runCli([
      'run',
      'test/fixtures/os-gate.xml',
      'test/fixtures/hidden-choice.xml',
      '-p',
      'macbookpro-13-late2013-10.9.5',
      '-p',
      'macmini-m4-2024-26.5.2',
      '-f',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const reports = (JSON.parse(r.stdout) as RunReport).distributions as SimulationReport[];
    assert.deepEqual(
      reports.map((x) => [x.path, x.results.map((y) => y.profile)]),
      [
        ['test/fixtures/os-gate.xml', ['macbookpro-13-late2013-10.9.5', 'macmini-m4-2024-26.5.2']],
        ['test/fixtures/hidden-choice.xml', ['macbookpro-13-late2013-10.9.5', 'macmini-m4-2024-26.5.2']],
      ],
    );
    assert.equal(reports[0]!.results[0]!.installable, false);
    assert.equal(reports[1]!.results[0]!.installable, true);
  });

  it('writes the report to --output', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'report.json');
    const r = await runCli(['run', 'examples/example-app.xml', '-p', 'macmini-m4-2024-26.5.2', '-f', 'json', '-o', out]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    const { readFileSync } = await import('node:fs');
    assert.equal(single(readFileSync(out, 'utf8')).results.length, 1);
  });
});

describe('user profiles on the command line', () => {
  it('--profile-file runs your own profile (extending a built-in) and only it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'lab.json');
    writeFileSync(
      file,
      JSON.stringify({ id: 'lab-m1-no-rosetta', extends: 'macbookair-m1-2020-12.7.6', name: 'Lab MacBook Air', rosetta: { installed: false } }),
    );
    const r = await runCli(['run', 'test/fixtures/arch-none.xml', '--profile-file', file, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = single(r.stdout);
    assert.deepEqual(
      report.results.map((x) => x.profile),
      ['lab-m1-no-rosetta'],
    );
    assert.deepEqual(
      report.results[0]!.blockers.map((b) => b.code),
      ['ARCH_ROSETTA_MISSING'],
    );
  });

  it('a broken profile file is a one-line error per problem with its JSON path, exit 2', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ id: 'broken', extends: 'macbookpro-15-mid2015-10.14.6', sysctl: { 'hw.memsize': [1] } }));
    const r = await runCli(['run', 'examples/example-app.xml', '--profile-file', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.json: sysctl\.hw\.memsize: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const syntax = path.join(dir, 'syntax.json');
    writeFileSync(syntax, '{\n  "id": "x",\n  oops\n}');
    const s = await runCli(['run', 'examples/example-app.xml', '--profile-file', syntax]);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /syntax\.json:3:3: /);
  });
});

describe('distsim profiles', () => {
  it('lists at least 24 profiles spanning macOS 10.5 to 26', async () => {
    const r = await runCli(['profiles', 'list', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; macos: string }>;
    assert.ok(rows.length >= 24, `${rows.length} profiles`);
    const majors = new Set(rows.map((x) => (x.macos.startsWith('10.') ? x.macos.split('.').slice(0, 2).join('.') : x.macos.split('.')[0])));
    for (const m of ['10.5', '10.6', '10.7', '10.8', '10.9', '10.10', '10.11', '10.12', '10.13', '10.14', '10.15', '11', '12', '13', '14', '15', '26'])
      assert.ok(majors.has(m), m);
  });

  it('shows the translated view of an Apple-silicon profile', async () => {
    const r = await runCli(['profiles', 'show', 'macbookair-m1-2020-12.7.6', '--translated']);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout) as { sysctl: Record<string, unknown> };
    assert.equal(p.sysctl['hw.machine'], 'x86_64');
    assert.equal(p.sysctl['sysctl.proc_translated'], 1);
    assert.equal(p.sysctl['hw.optional.arm64'], 1);
  });
});
