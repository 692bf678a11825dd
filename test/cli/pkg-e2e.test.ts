/**
 * Flat packages through the CLI binary: `run` on a .pkg and with
 * `--resources`, `info`, `extract`, `manifest`. Needs dist/ built with the
 * info, extract and manifest commands registered and `run --resources`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isInputFailure, type RunReport, type SimulationReport } from '../../src/types.js';
import { runCli, tempDir } from '../helpers.js';
import { localizedMembers } from '../input/pkg-fixtures.js';
import { MAC } from '../input/pkg-fixtures.js';
import { makeTestPki, LEAF_SUBJECT, type TestPki } from '../package/pki.js';
import { heapStartOf, writeXar } from '../package/xar-writer.js';

let dir: string;
let pki: TestPki;
let pkg: string;
let signed: string;
before(() => {
  dir = tempDir('pkg-e2e-');
  pki = makeTestPki();
  pkg = path.join(dir, 'widget.pkg');
  writeFileSync(pkg, writeXar(localizedMembers()));
  signed = path.join(dir, 'signed.pkg');
  writeFileSync(signed, writeXar(localizedMembers(), { sign: { key: pki.leafKey, certificates: pki.chain, cms: (c) => pki.cms(c) } }));
});
after(() => pki.cleanup());

function report(stdout: string): SimulationReport[] {
  const doc = JSON.parse(stdout) as RunReport;
  assert.equal(doc.schemaVersion, 2);
  return doc.distributions.map((entry) => {
    assert.ok(!isInputFailure(entry), JSON.stringify(entry));
    return entry;
  });
}

/** Results with the file name taken out of locations, to compare two runs of one Distribution read two ways. */
function comparable(results: SimulationReport['results'], file: string): string {
  return JSON.stringify(results).split(JSON.stringify(file).slice(1, -1)).join('FILE');
}

describe('distsim run on a .pkg', () => {
  it('simulates the package: locations inside it, localized messages per profile, the signature verdict in JSON', async () => {
    const r = await runCli(['run', pkg, '-f', 'json', '-p', MAC, '--set', 'languages=["fr"]']);
    assert.equal(r.code, 0, r.stderr);
    const [entry] = report(r.stdout);
    assert.equal(entry!.path, `${pkg}/Distribution`);
    const result = entry!.results[0]!;
    assert.equal(result.installationCheck.message, "Impossible d'installer Widget sur x.");
    assert.equal(result.installationCheck.title, 'Gadget');
    const withPackage = entry as SimulationReport & { package?: { kind: string; signature: { status: string } } };
    assert.deepEqual([withPackage.package?.kind, withPackage.package?.signature.status], ['product', 'unsigned']);
  });

  it('gives the same results as its expanded Distribution run with --resources', async () => {
    const out = path.join(dir, 'expanded');
    const x = await runCli(['extract', pkg, '--out', out]);
    assert.equal(x.code, 0, x.stderr);
    const distribution = path.join(out, 'Distribution');
    const [fromPkg, fromDir] = await Promise.all([
      runCli(['run', pkg, '-f', 'json', '-p', MAC, '-p', 'macbookpro-15-mid2015-10.14.6']),
      runCli(['run', distribution, '--resources', out, '-f', 'json', '-p', MAC, '-p', 'macbookpro-15-mid2015-10.14.6']),
    ]);
    assert.equal(fromPkg.code, 0, fromPkg.stderr);
    assert.equal(fromDir.code, 0, fromDir.stderr);
    const [a] = report(fromPkg.stdout);
    const [b] = report(fromDir.stdout);
    assert.equal(a!.title, 'Widget');
    assert.equal(b!.title, 'Widget');
    assert.equal(comparable(b!.results, distribution), comparable(a!.results, `${pkg}/Distribution`));
  });

  it('text output shows the localized refusal', async () => {
    const r = await runCli(['run', pkg, '-p', MAC]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /installation-check failed: Widget cannot be installed on x \(x, 100%\)\./);
  });

  it('a truncated package: exit 2, one line on stderr, an error entry with its code', async () => {
    const bytes = readFileSync(pkg);
    const cut = path.join(dir, 'cut.pkg');
    writeFileSync(cut, bytes.subarray(0, heapStartOf(bytes) + 10));
    const r = await runCli(['run', cut, pkg, '-f', 'json', '-p', MAC]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const doc = JSON.parse(r.stdout) as RunReport;
    const [bad, good] = doc.distributions;
    assert.ok(isInputFailure(bad!));
    assert.equal(bad.error.code, 'XAR_TRUNCATED');
    assert.ok(!isInputFailure(good!), 'the good package is still reported');
  });

  it('a missing --resources folder is an input error', async () => {
    const r = await runCli(['run', pkg, '--resources', path.join(dir, 'nope'), '-p', MAC]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /resources .*nope/);
  });
});

describe('distsim info, extract, manifest', () => {
  it('info: verified, unsigned; JSON and text', async () => {
    const now = new Date().toISOString();
    const good = await runCli(['info', signed, '-f', 'json', '--now', now]);
    assert.equal(good.code, 0, good.stderr);
    const facts = JSON.parse(good.stdout) as { signature: { status: string; signer: string; checksum: { matches: boolean } } };
    assert.deepEqual([facts.signature.status, facts.signature.signer, facts.signature.checksum.matches], ['verified', LEAF_SUBJECT, true]);
    const plain = await runCli(['info', pkg]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^ {2}signature {5}unsigned$/m);
    const notPkg = await runCli(['info', 'examples/example-app.xml']);
    assert.equal(notPkg.code, 2);
    assert.match(notPkg.stderr, /not a xar archive/);
  });

  it('extract prints the Distribution', async () => {
    const r = await runCli(['extract', pkg]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, localizedMembers()[0]!.content);
  });

  it('manifest, then --check: 0 on the fresh manifest, 1 naming the chunk after the package changed', async () => {
    const copy = path.join(dir, 'm.pkg');
    writeFileSync(copy, readFileSync(pkg));
    const manifest = path.join(dir, 'm.plist');
    const made = await runCli(['manifest', copy, '--url', 'https://example.com/m.pkg', '--chunk-size', '512', '-o', manifest]);
    assert.equal(made.code, 0, made.stderr);
    const ok = await runCli(['manifest', '--check', manifest, copy]);
    assert.equal(ok.code, 0, ok.stderr);
    const bytes = readFileSync(copy);
    bytes[1030] = 0xff - bytes[1030]!;
    writeFileSync(copy, bytes);
    const bad = await runCli(['manifest', '--check', manifest, copy]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /chunk 2 \(bytes 1024–1535\)/);
  });
});
