import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedRegistry } from '../../src/mocks/ioregistry.js';
import type { Profile } from '../../src/profile/index.js';
import { builtin, builtins } from '../profile/fixtures.js';

const systemVersion = { ProductName: 'macOS', ProductVersion: '14.0', ProductBuildVersion: '23A344' };

function profile(extra: Partial<Profile> = {}): Profile {
  return { id: 't', name: 't', model: 'MacBookPro11,5', arch: 'x86_64', systemVersion, sysctl: {}, volumes: [], ...extra } as Profile;
}

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

describe('SimulatedRegistry', () => {
  it('IOService:/ is the platform expert device, with the profile’s properties over the derived model', () => {
    const r = new SimulatedRegistry(
      profile({
        ioregistry: [{ path: 'IOService:/', class: 'IOPlatformExpertDevice', properties: { 'board-id': 'Mac-06F11F11946D27C5', IOPlatformUUID: 'U' } }],
      }),
    );
    assert.deepEqual(r.fromPath('IOService:/'), { model: 'MacBookPro11,5', 'board-id': 'Mac-06F11F11946D27C5', IOPlatformUUID: 'U' });
    assert.deepEqual(r.fromPath('IODeviceTree:/'), r.fromPath('IOService:/'), 'the device tree root is the same entry');
    assert.deepEqual(r.fromPath('IOService://'), r.fromPath('IOService:/'));
    const [platform, ...rest] = r.matchingClass('IOPlatformExpertDevice');
    assert.equal(rest.length, 0);
    assert.equal(platform!.path, 'IOService:/');
    assert.equal(r.matchingName('MacBookPro11,5')[0], platform);
    assert.equal(r.fromPath('IOService:/MacBookPro11,5'), null, 'the platform expert is the root, not a child of it');
  });

  it('derives the platform expert when the profile gives none; accelerators hang below it', () => {
    const r = new SimulatedRegistry(
      profile({
        gpus: [
          { name: 'Intel Iris Pro', ioAcceleratorClass: 'IntelAccelerator', vendorId: '0x8086', deviceId: '0x0d26' },
          { name: 'Apple M1', ioAcceleratorClass: 'AGXAcceleratorG13G', gpuCoreCount: 7 },
        ],
      }),
    );
    assert.deepEqual(r.fromPath('IOService:/'), { model: 'MacBookPro11,5' });
    const pci = r.matchingClass('IOPCIDevice');
    assert.deepEqual(
      pci.map((e) => e.path),
      ['IOService:/PCI0@0/GFX0@0'],
    );
    assert.deepEqual(
      r.matchingClass('IOAccelerator').map((e) => e.path),
      ['IOService:/PCI0@0/GFX0@0/IntelAccelerator', 'IOService:/AGXAcceleratorG13G'],
    );
    assert.deepEqual(
      r.childrenOf('IOService:/').map((e) => e.class),
      ['AGXAcceleratorG13G'],
    );
    assert.deepEqual(
      r.childrenOf('IOService:/PCI0@0').map((e) => e.class),
      ['IOPCIDevice'],
    );
    assert.deepEqual(
      r.parentsOf('IOService:/AGXAcceleratorG13G').map((e) => e.class),
      ['IOPlatformExpertDevice'],
    );
    assert.deepEqual(r.parentsOf('IOService:/'), []);
    assert.equal(r.fromPath('IOService:/AGXAcceleratorG13G')?.['gpu-core-count'], 7);
    assert.deepEqual(
      r.matchingName('GFX0').map((e) => e.class),
      ['IOPCIDevice'],
    );
  });

  it('inherited object members find nothing', () => {
    const r = new SimulatedRegistry(profile());
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.deepEqual(r.matchingClass(name), [], name);
      assert.deepEqual(r.matchingName(name), [], name);
      assert.deepEqual(r.childrenOf(name), [], name);
      assert.equal(r.fromPath(name), null, name);
    }
  });

  it('every built-in has IOPlatformUUID and a serial number; Intel Macs a Mac- board-id; Apple silicon a target-type', () => {
    for (const p of builtins()) {
      const root = new SimulatedRegistry(p).fromPath('IOService:/');
      assert.ok(root, p.id);
      assert.equal(root.model, p.model, p.id);
      assert.match(String(root.IOPlatformUUID), UUID, p.id);
      assert.equal(typeof root.IOPlatformSerialNumber, 'string', p.id);
      if (p.arch === 'x86_64' || p.arch === 'i386') assert.match(String(root['board-id']), /^Mac-(?:[0-9A-F]{8}|[0-9A-F]{16})$/, p.id);
      else assert.equal(root['board-id'], undefined, p.id);
      if (p.arch === 'arm64') assert.match(String(root['target-type']), /^J\d+[a-z]*$/, p.id);
    }
    assert.equal(new SimulatedRegistry(builtin('macbookpro-15-mid2015-10.14.6')).fromPath('IOService:/')?.['board-id'], 'Mac-06F11F11946D27C5');
    const uuids = builtins()
      .filter((p) => p.extends === undefined)
      .map((p) => new SimulatedRegistry(p).fromPath('IOService:/')?.IOPlatformUUID);
    assert.equal(new Set(uuids).size, uuids.length, 'each machine has its own UUID');
  });
});
