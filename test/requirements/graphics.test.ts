import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProfiles, type Gpu, type Profile } from '../../src/profile/index.js';
import { deviceFacts, deviceFactsMap } from '../../src/requirements/device-facts.js';
import { isRequirementEvaluated } from '../../src/requirements/floors.js';
import { evaluateRequiredGraphics, type RequiredGraphicsInput } from '../../src/requirements/graphics.js';
import { predicateFromText, type GraphicsKind } from '../../src/requirements/model.js';
import { evaluatePredicate, parsePredicate } from '../../src/requirements/predicate.js';

const PROFILES = loadProfiles({});
function profile(id: string): Profile {
  const p = PROFILES.find((x) => x.id === id);
  assert.ok(p, `built-in profile ${id}`);
  return p;
}
const osOf = (p: Profile) => String(p.systemVersion.ProductVersion);

function graphics(singleDevice: boolean, reqs: Array<[GraphicsKind, string]>): RequiredGraphicsInput {
  return { singleDevice, requirements: reqs.map(([kind, text]) => ({ kind, predicate: predicateFromText(text) })) };
}

function evaluate(id: string, required: RequiredGraphicsInput, osVersion?: string) {
  const p = profile(id);
  return evaluateRequiredGraphics(required, p.gpus ?? [], { osVersion: osVersion ?? osOf(p) });
}

const DUAL = ['macbookpro-15-mid2015-10.14.6', 'macbookpro-15-mid2015-12.7.6'];

describe("required-metal-device argumentBuffersTier == 1 (the issue's acceptance case)", () => {
  const tier2 = graphics(false, [['metal-device', 'argumentBuffersTier == 1']]);

  it('is not satisfied on macmini-2018-14.8.3 (Intel UHD 630 only) and says which device failed which clause', () => {
    const r = evaluate('macmini-2018-14.8.3', tier2);
    assert.equal(r.satisfied, false);
    assert.equal(r.checks[0]!.status, 'failed');
    assert.deepEqual(r.explanation, ['metal-device: Intel UHD Graphics 630 failed `argumentBuffersTier == 1` (argumentBuffersTier = 0)']);
  });

  it('is satisfied on macpro-2019-13.7.8 (discrete AMD Radeon Pro 580X)', () => {
    const r = evaluate('macpro-2019-13.7.8', tier2);
    assert.equal(r.satisfied, true);
    assert.deepEqual(
      r.checks[0]!.devices.map((d) => [d.name, d.satisfied]),
      [['Radeon Pro 580X (MPX Module)', true]],
    );
    assert.deepEqual(r.explanation, []);
  });
});

describe('single-device on the dual-GPU MacBook Pro (Iris Pro 5200 + Radeon R9 M370X)', () => {
  // OpenGL: both; OpenCL doubles: only the AMD GPU; low-power Metal device: only the Intel GPU.
  const split: Array<[GraphicsKind, string]> = [
    ['gl-renderer', 'limits.GL_MAX_TEXTURE_SIZE >= 16384'],
    ['cl-device', "'cl_khr_fp64' IN extensions"],
    ['metal-device', 'isLowPowerDevice == YES'],
  ];

  for (const id of DUAL) {
    it(`${id}: met by different devices without single-device, by none with it`, () => {
      const any = evaluate(id, graphics(false, split));
      assert.equal(any.satisfied, true);
      assert.deepEqual(
        any.checks.map((c) => [c.kind, c.status, c.devices.filter((d) => d.satisfied).map((d) => d.gpu)]),
        [
          ['gl-renderer', 'passed', [0, 1]],
          ['cl-device', 'passed', [1]],
          ['metal-device', 'passed', [0]],
        ],
      );
      const one = evaluate(id, graphics(true, split));
      assert.equal(one.satisfied, false);
      assert.deepEqual(one.singleDevice, { requested: true, honoured: true, devices: [] });
      assert.deepEqual(one.explanation, [
        'single-device: no one device satisfies gl-renderer, cl-device, metal-device (Intel Iris Pro Graphics 5200 fails cl-device; AMD Radeon R9 M370X fails metal-device)',
      ]);
    });

    it(`${id}: single-device names the one GPU that meets everything`, () => {
      const r = evaluate(
        id,
        graphics(true, [
          ['gl-renderer', 'version >= 4.1'],
          ['cl-device', "'cl_khr_fp64' IN extensions"],
          ['metal-device', 'argumentBuffersTier == 1 AND isLowPowerDevice == NO'],
        ]),
      );
      assert.equal(r.satisfied, true);
      assert.deepEqual(r.singleDevice.devices, [1]);
    });
  }

  it('is ignored unless both an OpenGL and an OpenCL predicate are given', () => {
    const reqs: Array<[GraphicsKind, string]> = [
      ['gl-renderer', 'version >= 4'],
      ['metal-device', 'isLowPowerDevice == YES AND argumentBuffersTier == 1'],
    ];
    const r = evaluate(DUAL[0]!, graphics(true, reqs));
    assert.equal(r.satisfied, false); // no device at all meets the metal predicate
    assert.deepEqual(r.singleDevice, { requested: true, honoured: false, devices: [] });
    assert.ok(r.explanation.includes('single-device is ignored: the Installer honours it only when both an OpenGL and an OpenCL predicate are given'));
    const any = evaluate(
      DUAL[0]!,
      graphics(true, [
        ['gl-renderer', 'version >= 4'],
        ['metal-device', 'isLowPowerDevice == YES'],
      ]),
    );
    assert.equal(any.satisfied, true);
  });

  it('lists every failing device when no device matches', () => {
    const r = evaluate(DUAL[0]!, graphics(false, [['metal-device', 'isRemovable == YES']]));
    assert.deepEqual(r.explanation, [
      'metal-device: Intel Iris Pro Graphics 5200 failed `isRemovable == YES` (isRemovable = false)',
      'metal-device: AMD Radeon R9 M370X failed `isRemovable == YES` (isRemovable = false)',
    ]);
  });
});

describe('what each predicate sees of a GPU (one row per key path)', () => {
  const rows: Array<[string, number, GraphicsKind, string, boolean]> = [
    // metal-device: the documented key paths
    [DUAL[0]!, 0, 'metal-device', "deviceName BEGINSWITH 'Intel'", true],
    [DUAL[0]!, 0, 'metal-device', 'isLowPowerDevice == YES', true],
    [DUAL[0]!, 1, 'metal-device', 'isLowPowerDevice == NO', true],
    [DUAL[0]!, 0, 'metal-device', 'isRemovable == NO AND isHeadless == NO', true],
    [DUAL[0]!, 0, 'metal-device', 'rasterOrderGroupsSupported == NO', true],
    [DUAL[0]!, 0, 'metal-device', 'argumentBuffersTier == 0', true],
    [DUAL[0]!, 0, 'metal-device', "'MTLFeatureSet_macOS_GPUFamily1_v4' IN supportedFeatureSets", true],
    [DUAL[0]!, 0, 'metal-device', "'MTLFeatureSet_macOS_GPUFamily2_v1' IN supportedFeatureSets", false],
    [DUAL[0]!, 1, 'metal-device', "'MTLFeatureSet_macOS_GPUFamily2_v1' IN supportedFeatureSets", true],
    ['imac-27-2019-10.15.7', 1, 'metal-device', 'isHeadless == YES', true],
    ['macbookair-m1-2020-12.7.6', 0, 'metal-device', 'rasterOrderGroupsSupported == YES AND argumentBuffersTier == 1', true],
    // keys the profile has but the Installer does not expose read nil
    [DUAL[0]!, 0, 'metal-device', 'isLowPower == nil AND gpuFamilies == nil', true],
    // gl-renderer: version as a double, extensions, limits by name and by enum value
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'version == 4.1', true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'version >= 4', true],
    ['macbookair-m1-2020-12.7.6', 0, 'gl-renderer', 'version == 4.1', true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', "'GL_ARB_texture_float' IN extensions", true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'limits.GL_MAX_TEXTURE_SIZE == 16384', true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'limits.param0x0D33 == 16384', true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'limits.param0x0d33 == 16384', true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'limits.param3379 == 16384', true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'limits.param0x9999 == nil', true],
    ['macmini-2018-14.8.3', 0, 'gl-renderer', 'limits.GL_MAX_SAMPLES == nil', true],
    ['macbook-2006-10.5.8', 0, 'gl-renderer', "limits.GL_MAX_TEXTURE_SIZE == 2048 AND NOT ('GL_ARB_texture_float' IN extensions)", true],
    ['macbook-late2008-10.6.8', 0, 'gl-renderer', 'version == 2.1 AND limits.GL_MAX_TEXTURE_SIZE == 8192', true],
    // cl-device
    ['macmini-2018-14.8.3', 0, 'cl-device', 'version == 1.2', true],
    ['macmini-2018-14.8.3', 0, 'cl-device', 'limits.CL_DEVICE_MAX_COMPUTE_UNITS == 24', true],
    ['macmini-2018-14.8.3', 0, 'cl-device', 'limits.param0x1002 == 24', true],
    ['macmini-2018-14.8.3', 0, 'cl-device', "'cl_khr_fp64' IN extensions", false],
    ['macpro-2019-13.7.8', 0, 'cl-device', "'cl_khr_fp64' IN extensions", true],
    ['macbook-late2008-10.6.8', 0, 'cl-device', 'version == 1.0', true],
  ];
  for (const [id, gpu, kind, text, expected] of rows) {
    it(`${id} gpus[${gpu}] ${kind}: ${text}`, () => {
      const facts = deviceFacts(profile(id).gpus![gpu]!, kind);
      assert.ok(facts, 'the GPU is a device of that API');
      const outcome = evaluatePredicate(parsePredicate(text), facts);
      assert.equal(outcome.error, undefined);
      assert.equal(outcome.satisfied, expected);
    });
  }

  it('a GPU without an API is not a device of it', () => {
    const gpu: Gpu = { name: 'X', metal: null, openCL: null };
    assert.equal(deviceFacts(gpu, 'metal-device'), undefined);
    assert.equal(deviceFacts(gpu, 'cl-device'), undefined);
    assert.equal(deviceFacts(gpu, 'gl-renderer'), undefined);
  });

  it('reads profile data through own keys only', () => {
    const gpu = JSON.parse('{"name":"X","openGL":{"version":"3.3","limits":{"__proto__":7,"GL_MAX_TEXTURE_SIZE":4096},"constructor":1}}') as Gpu;
    const facts = deviceFacts(gpu, 'gl-renderer')!;
    assert.equal(evaluatePredicate(parsePredicate('limits.__proto__ == 7 AND constructor == nil AND version == 3.3'), facts).satisfied, true);
    assert.deepEqual([...deviceFactsMap(gpu, 'gl-renderer')!.keys()], ['version', 'limits']);
  });
});

describe('OS floors and devices that are missing', () => {
  it('ignores each check below its floor: gl-renderer 10.6.8, cl-device 10.7, metal-device 10.14.4', () => {
    const all = graphics(false, [
      ['gl-renderer', 'version >= 2'],
      ['cl-device', 'version >= 1.1'],
      ['metal-device', 'argumentBuffersTier == 1'],
    ]);
    const snow = evaluate('macbook-late2008-10.6.8', all);
    assert.deepEqual(
      snow.checks.map((c) => c.status),
      ['passed', 'ignored', 'ignored'],
    );
    assert.equal(snow.satisfied, true);
    assert.deepEqual(snow.explanation, [
      'cl-device ignored: the Installer ignores it before macOS 10.7 (this Mac runs 10.6.8)',
      'metal-device ignored: the Installer ignores it before macOS 10.14.4 (this Mac runs 10.6.8)',
    ]);
    const highSierra = evaluate('macbookpro-13-2017-10.13.6', all);
    assert.deepEqual(
      highSierra.checks.map((c) => c.status),
      ['passed', 'passed', 'ignored'],
    );
    assert.deepEqual(
      evaluate('macbook-2006-10.5.8', all).checks.map((c) => c.status),
      ['ignored', 'ignored', 'ignored'],
    );
    for (const [kind, below, at] of [
      ['gl-renderer', '10.6.7', '10.6.8'],
      ['cl-device', '10.6.8', '10.7'],
      ['metal-device', '10.14.3', '10.14.4'],
      ['sysctl-requirements', '10.9.5', '10.10'],
    ] as const) {
      assert.deepEqual([isRequirementEvaluated(kind, below), isRequirementEvaluated(kind, at)], [false, true], kind);
    }
  });

  it('fails a check when the Mac has no device of that API', () => {
    const r = evaluate('macbook-2006-10.5.8', graphics(false, [['cl-device', 'version >= 1.0']]), '10.7');
    assert.equal(r.satisfied, false);
    assert.deepEqual(r.explanation, ['cl-device: this Mac has no OpenCL GPU device']);
  });

  it('fails a check whose predicate does not parse and locates the error in the file', () => {
    const required: RequiredGraphicsInput = {
      singleDevice: false,
      requirements: [{ kind: 'metal-device', predicate: { text: '\n      argumentBuffersTier ==\n    ', position: { line: 12, column: 34 }, segments: [] } }],
    };
    const r = evaluateRequiredGraphics(required, profile('macpro-2019-13.7.8').gpus!, { osVersion: '13.7.8' });
    assert.equal(r.satisfied, false);
    assert.deepEqual(r.checks[0]!.syntaxError, { offset: 34, message: 'expected a value, found the end of the predicate', position: { line: 14, column: 5 } });
    assert.equal(r.checks[0]!.status, 'invalid');
  });
});

describe('built-in profile GPU data', () => {
  for (const p of PROFILES) {
    it(`${p.id}: every GPU has the facts the graphics predicates read`, () => {
      const os = osOf(p);
      for (const gpu of p.gpus ?? []) {
        const gl = deviceFactsMap(gpu, 'gl-renderer');
        assert.ok(gl, `${gpu.name}: OpenGL facts`);
        assert.equal(typeof gl.get('version'), 'number', `${gpu.name}: GL version`);
        assert.ok(Array.isArray(gl.get('extensions')), `${gpu.name}: GL extensions`);
        const limits = gl.get('limits') as ReadonlyMap<string, unknown>;
        for (const name of ['GL_MAX_TEXTURE_SIZE', 'GL_MAX_RENDERBUFFER_SIZE', 'GL_MAX_VERTEX_ATTRIBS'])
          assert.equal(typeof limits.get(name), 'number', `${gpu.name}: ${name}`);
        const cl = deviceFactsMap(gpu, 'cl-device');
        if (cl) {
          assert.equal(typeof cl.get('version'), 'number', `${gpu.name}: CL version`);
          assert.ok(Array.isArray(cl.get('extensions')), `${gpu.name}: CL extensions`);
          assert.equal(typeof (cl.get('limits') as ReadonlyMap<string, unknown>).get('CL_DEVICE_MAX_COMPUTE_UNITS'), 'number', `${gpu.name}: compute units`);
        }
        const metal = deviceFactsMap(gpu, 'metal-device');
        if (metal && isRequirementEvaluated('metal-device', os)) {
          for (const key of [
            'deviceName',
            'supportedFeatureSets',
            'isRemovable',
            'isHeadless',
            'isLowPowerDevice',
            'rasterOrderGroupsSupported',
            'argumentBuffersTier',
          ]) {
            assert.ok(metal.has(key), `${gpu.name}: metal ${key}`);
          }
        }
        for (const path of Object.keys(gpu.uncertain ?? {})) {
          const [api, key] = path.split('.');
          const dict = (gpu as unknown as Record<string, Record<string, unknown> | null | undefined>)[api!];
          assert.ok(dict && key! in dict, `${gpu.name}: uncertain names an existing value (${path})`);
        }
      }
    });
  }
});
