import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profileSchema } from '../../src/profile/index.js';
import type { Arch, FileEntry, Gpu, IORegistryEntry, LaunchFacts, Profile, Receipt, RosettaFacts, Volume } from '../../src/profile/index.js';
import type { SchemaNode } from '../../src/profile/schema.js';

// Object literals typed `Required<T>` must name every key of T and no other
// key, so adding or removing a field in types.ts breaks compilation here
// until the samples (and therefore the schema comparison below) follow.
const profileSample: Required<Profile> = {
  $schema: '',
  id: '',
  extends: '',
  name: '',
  model: '',
  arch: 'arm64',
  rosetta: { installed: true },
  systemVersion: {},
  sysctl: {},
  sysctlAbsent: [],
  gestalt: {},
  gpus: [],
  ioregistry: [],
  applications: [],
  env: {},
  desktopSessionCount: 1,
  languages: [],
  defaults: {},
  launch: {},
  run: {},
  volumes: [],
  sources: [],
  uncertain: {},
  notes: [],
};
const volumeSample: Required<Volume> = {
  mountpoint: '/',
  name: '',
  availableKilobytes: 0,
  caseSensitive: false,
  systemVersion: null,
  receipts: {},
  files: {},
};
const gpuSample: Required<Gpu> = {
  name: '',
  uncertain: {},
  ioAcceleratorClass: null,
  vendorId: '',
  deviceId: '',
  vramBytes: 0,
  gpuCoreCount: 1,
  metal: null,
  openGL: null,
  openCL: null,
};
const rosettaSample: Required<RosettaFacts> = { installed: true, sysctl: {}, sysctlAbsent: [] };
const launchSample: Required<LaunchFacts> = { mode: 'gui', rosettaShell: false };
const ioregSample: Required<IORegistryEntry> = { path: '', class: '', superclasses: [], name: '', properties: {} };
const receiptSample: Required<Receipt> = { version: '', installDate: '' };

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
type Assert<T extends true> = T;

// Each list below must name every member of its union (`satisfies` rejects
// extra members, the exported Assert types reject missing ones at compile time).
const profileRequired = ['id', 'name', 'model', 'arch', 'systemVersion', 'sysctl', 'volumes'] as const satisfies readonly RequiredKeys<Profile>[];
const volumeRequired = ['mountpoint', 'availableKilobytes'] as const satisfies readonly RequiredKeys<Volume>[];
const arches = ['ppc', 'i386', 'x86_64', 'arm64'] as const satisfies readonly Arch[];
const fileTypes = ['file', 'directory', 'plist', 'bundle'] as const satisfies readonly FileEntry['type'][];
const launchModes = ['gui', 'cli'] as const satisfies readonly NonNullable<LaunchFacts['mode']>[];
export type CompileTimeChecks = [
  Assert<Exhaustive<RequiredKeys<Profile>, (typeof profileRequired)[number]>>,
  Assert<Exhaustive<RequiredKeys<Volume>, (typeof volumeRequired)[number]>>,
  Assert<Exhaustive<Arch, (typeof arches)[number]>>,
  Assert<Exhaustive<FileEntry['type'], (typeof fileTypes)[number]>>,
  Assert<Exhaustive<NonNullable<LaunchFacts['mode']>, (typeof launchModes)[number]>>,
];

function def(name: string): SchemaNode {
  const node = profileSchema().definitions?.[name];
  assert.ok(node, `definition ${name}`);
  return node;
}

const keysOf = (o: object): string[] => Object.keys(o).sort();
const propertyKeys = (node: SchemaNode): string[] => Object.keys(node.properties ?? {}).sort();

describe('profiles/schema.json agrees with src/profile/types.ts', () => {
  it('Profile properties and required fields', () => {
    const schema = profileSchema();
    assert.deepEqual(propertyKeys(schema), keysOf(profileSample));
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual([...(schema.else?.required ?? [])].sort(), [...profileRequired].sort());
    assert.deepEqual(schema.properties?.arch?.enum, [...arches]);
  });

  it('Volume, Gpu, RosettaFacts, LaunchFacts, IORegistryEntry, Receipt', () => {
    const pairs: Array<[string, object]> = [
      ['Volume', volumeSample],
      ['Gpu', gpuSample],
      ['RosettaFacts', rosettaSample],
      ['LaunchFacts', launchSample],
      ['IORegistryEntry', ioregSample],
      ['Receipt', receiptSample],
    ];
    for (const [name, sample] of pairs) {
      assert.deepEqual(propertyKeys(def(name)), keysOf(sample), name);
      assert.equal(def(name).additionalProperties, false, `${name} is closed`);
    }
    assert.deepEqual([...(def('Volume').required ?? [])].sort(), [...volumeRequired].sort());
    assert.deepEqual(def('LaunchFacts').properties?.mode?.enum, [...launchModes]);
  });

  it('FileEntry is a oneOf on type with one branch per variant', () => {
    const branches = def('FileEntry').oneOf ?? [];
    assert.deepEqual(
      branches.map((b) => b.properties?.type?.const),
      [...fileTypes],
    );
    assert.deepEqual(propertyKeys(branches[2]!), ['plist', 'type']);
    assert.deepEqual(propertyKeys(branches[3]!), ['info', 'type']);
  });

  it('sysctl values are integers or strings, in the native and the translated table', () => {
    assert.deepEqual(def('SysctlValue').type, ['integer', 'string']);
    assert.equal(def('RosettaFacts').properties?.sysctl?.$ref, '#/definitions/SysctlTable');
  });
});
