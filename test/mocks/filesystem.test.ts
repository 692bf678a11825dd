import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedFiles } from '../../src/mocks/filesystem.js';
import type { FileEntry, Profile, Volume } from '../../src/profile/index.js';

const systemVersion = { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' };

function profile(volumes: Volume[]): Profile {
  return { id: 't', name: 't', model: 'Mac', arch: 'arm64', systemVersion, sysctl: {}, volumes } as Profile;
}

function disk(files: Record<string, FileEntry>, extra: Partial<Volume> = {}): SimulatedFiles {
  return new SimulatedFiles(profile([{ mountpoint: '/', availableKilobytes: 1, systemVersion, files, ...extra }]));
}

const bundle = (id: string): FileEntry => ({ type: 'bundle', info: { CFBundleIdentifier: id } });

describe('SimulatedFiles', () => {
  it('parents exist implicitly; a bundle has Contents and its Info.plist', () => {
    const f = disk({ '/Applications/Foo.app': bundle('com.foo'), '/usr/bin/tool': { type: 'file' } });
    for (const p of ['/', '/Applications', '/Applications/Foo.app/Contents', '/usr', '/usr/bin', '/usr/bin/tool']) assert.ok(f.exists(p), p);
    assert.equal(f.lookup('/usr/bin')?.type, 'directory');
    assert.equal(f.lookup('/usr/bin/tool')?.type, 'file');
    assert.deepEqual(f.plist('/Applications/Foo.app/Contents/Info.plist'), { CFBundleIdentifier: 'com.foo' });
    assert.deepEqual(f.bundle('/Applications/Foo.app/'), { CFBundleIdentifier: 'com.foo' });
    assert.equal(f.bundle('/Applications/Foo.app/Contents'), null);
    assert.equal(f.exists('/Applications/Bar.app'), false);
    assert.equal(f.exists('/usr/bin/tool/x'), false);
  });

  it('normalizes //, . and .. and trailing slashes', () => {
    const f = disk({ '/usr/bin/tool': { type: 'file' } });
    for (const p of ['//usr///bin/tool', '/usr/./bin/tool', '/usr/lib/../bin/tool', '/usr/bin/tool/', '/../usr/bin/tool']) assert.ok(f.exists(p), p);
  });

  it('a case-insensitive volume (the default) ignores case and Unicode normalization', () => {
    const f = disk({ '/Applications/Café.app': bundle('com.cafe'), '/Library/Ǆ': { type: 'directory' } });
    assert.ok(f.exists('/APPLICATIONS/café.APP'));
    assert.ok(f.exists('/Applications/Cafe\u0301.app'), 'NFD spelling');
    assert.ok(f.exists('/library/ǆ'));
    assert.equal(f.bundle('/applications/CAFÉ.app')?.CFBundleIdentifier, 'com.cafe');
    assert.ok(f.exists('/SYSTEM/Library/CoreServices/systemversion.plist'));
  });

  it('a case-sensitive volume compares names exactly, but still ignores the normalization form', () => {
    const f = disk({ '/Applications/Café.app': bundle('com.cafe') }, { caseSensitive: true });
    assert.ok(f.exists('/Applications/Café.app'));
    assert.ok(f.exists('/Applications/Cafe\u0301.app'));
    assert.ok(!f.exists('/applications/Café.app'));
    assert.ok(!f.exists('/Applications/café.app'));
  });

  it('paths under a mount point belong to that volume; mount points follow the boot volume', () => {
    const f = new SimulatedFiles(
      profile([
        { mountpoint: '/', availableKilobytes: 1, systemVersion, files: { '/Applications/Boot.app': bundle('boot') } },
        { mountpoint: '/Volumes/Old', availableKilobytes: 1, caseSensitive: true, files: { '/Applications/Old.app': bundle('old') } },
      ]),
    );
    assert.ok(f.exists('/Volumes/Old/Applications/Old.app'));
    assert.ok(f.exists('/VOLUMES/old/Applications/Old.app'), 'the mount point is a name on the case-insensitive boot volume');
    assert.ok(!f.exists('/Volumes/Old/applications/Old.app'), 'inside, the case-sensitive volume decides');
    assert.ok(!f.exists('/Volumes/Old/Applications/Boot.app'));
    assert.ok(!f.exists('/Applications/Old.app'));
    assert.ok(f.exists('/Volumes/Old'));
    assert.ok(!f.exists('/Volumes/Old/System/Library/CoreServices/SystemVersion.plist'), 'no OS on it');
  });

  it('inherited object members and hostile paths find nothing', () => {
    const f = disk({ '/a': { type: 'file' } });
    for (const p of ['constructor', '/constructor', '/__proto__', '/toString', '/a/constructor', '/hasOwnProperty']) assert.equal(f.lookup(p), undefined, p);
    assert.equal(f.lookup('')?.type, 'directory', 'an empty path is the root, as normalization makes it');
    assert.equal(f.exists('/' + 'x'.repeat(2_000_000)), false);
    assert.equal(f.exists('/a' + '/'.repeat(1100)), false, 'longer than PATH_MAX');
    const proto = disk(JSON.parse('{"/__proto__": {"type": "file"}, "/constructor": {"type": "directory"}}') as Record<string, FileEntry>);
    assert.equal(proto.lookup('/__proto__')?.type, 'file');
    assert.equal(proto.lookup('/constructor')?.type, 'directory');
  });

  it('indexes and answers in time linear in the paths, for hostile shapes', () => {
    const files: Record<string, FileEntry> = {};
    // 2,000 distinct chains 200 folders deep (about 1.8 MB of paths; a quadratic index would
    // hash 200 parents of up to 900 characters per file), and 20,000 siblings.
    const deep = Array.from({ length: 200 }, (_, i) => `d${i}`).join('/');
    for (let i = 0; i < 2000; i++) files[`/c${i}/${deep}`] = { type: 'file' };
    for (let i = 0; i < 20_000; i++) files[`/flat/f${i}`] = { type: 'file' };
    const started = performance.now();
    const f = disk(files);
    for (let i = 0; i < 2000; i++) f.exists(`/C${i}/${deep}`);
    const elapsed = performance.now() - started;
    assert.ok(f.exists(`/c1999/${deep}`));
    assert.ok(f.exists('/FLAT/F19999'));
    assert.ok(elapsed < 10_000, `took ${elapsed.toFixed(0)} ms`);
  });
});
