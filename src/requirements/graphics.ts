/**
 * `<required-graphics>`: each predicate is checked against every device of
 * its API (OpenGL hardware renderers, OpenCL GPU devices, Metal devices) and
 * passes when at least one device matches. With several predicates, all
 * must pass, by possibly different devices; `single-device="true"` demands
 * one device that matches all of them, but (productbuild(1)) "will only be
 * honored if all three of the graphics types are specified … it can also be
 * used if only gl-device and cl-device are specified": so it applies when
 * both an OpenGL and an OpenCL predicate are present. Checks the running OS
 * is too old for are ignored (floors.ts).
 */
import type { Gpu } from '../profile/types.js';
import { deviceFacts } from './device-facts.js';
import { isRequirementEvaluated, requirementOsFloor } from './floors.js';
import { predicatePosition, type GraphicsKind, type PredicateSource, type SyntaxProblem } from './model.js';
import { PredicateSyntaxError, evaluatePredicate, explainOutcome, parsePredicate, type PredicateOutcome } from './predicate.js';

/** What the evaluator needs of a `<required-graphics>` (RequiredGraphics from model.ts fits). */
export interface RequiredGraphicsInput {
  singleDevice: boolean;
  requirements: ReadonlyArray<{ kind: GraphicsKind; predicate: PredicateSource }>;
}

export interface GraphicsOptions {
  /** ProductVersion of the OS the Installer runs on (the profile's booted OS). */
  osVersion: string;
}

export interface DeviceResult {
  /** Index into the profile's `gpus`. */
  gpu: number;
  name: string;
  satisfied: boolean;
  outcome: PredicateOutcome;
}

export type CheckStatus = 'passed' | 'failed' | 'ignored' | 'invalid';

export interface GraphicsCheckResult {
  kind: GraphicsKind;
  /** Index among the requirements, in document order. */
  index: number;
  predicate: string;
  /** `ignored`: the OS is below the check's floor; `invalid`: the predicate does not parse (the check fails). */
  status: CheckStatus;
  /** The check's OS floor (set when ignored). */
  floor?: string;
  /** Every device of this API on the profile, with its outcome; empty when ignored or invalid. */
  devices: DeviceResult[];
  syntaxError?: SyntaxProblem;
}

export interface GraphicsResult {
  satisfied: boolean;
  singleDevice: {
    requested: boolean;
    /** Requested and applicable (an OpenGL and an OpenCL predicate are both present). */
    honoured: boolean;
    /** With `honoured`: the GPUs (indexes into `gpus`) that satisfy every evaluated check. */
    devices: number[];
  };
  checks: GraphicsCheckResult[];
  /** For people: which device failed which clause, why a check was ignored. */
  explanation: string[];
}

const API_NAMES: Readonly<Record<GraphicsKind, string>> = {
  'gl-renderer': 'OpenGL renderer',
  'cl-device': 'OpenCL GPU device',
  'metal-device': 'Metal device',
};

/** Evaluates a `<required-graphics>` over the profile's GPUs. Never throws. */
export function evaluateRequiredGraphics(required: RequiredGraphicsInput, gpus: readonly Gpu[], options: GraphicsOptions): GraphicsResult {
  const explanation: string[] = [];
  const checks = required.requirements.map((req, index) => checkOne(req.kind, req.predicate, index, gpus, options, explanation));
  const kinds = new Set(required.requirements.map((r) => r.kind));
  const honoured = required.singleDevice && kinds.has('gl-renderer') && kinds.has('cl-device');
  if (required.singleDevice && !honoured) {
    explanation.push('single-device is ignored: the Installer honours it only when both an OpenGL and an OpenCL predicate are given');
  }
  const active = checks.filter((c) => c.status !== 'ignored');
  let satisfied: boolean;
  let devices: number[] = [];
  if (honoured && active.length > 0) {
    devices = gpus.map((_, i) => i).filter((i) => active.every((c) => c.devices.some((d) => d.gpu === i && d.satisfied)));
    satisfied = devices.length > 0;
    if (!satisfied && active.every((c) => c.status === 'passed')) {
      const parts = gpus.map((g, i) => {
        const failing = active.filter((c) => !c.devices.some((d) => d.gpu === i && d.satisfied)).map((c) => c.kind);
        return `${g.name} fails ${failing.join(', ')}`;
      });
      explanation.push(`single-device: no one device satisfies ${active.map((c) => c.kind).join(', ')} (${parts.join('; ')})`);
    }
  } else {
    satisfied = active.every((c) => c.status === 'passed');
  }
  return { satisfied, singleDevice: { requested: required.singleDevice, honoured, devices }, checks, explanation };
}

function checkOne(
  kind: GraphicsKind,
  source: PredicateSource,
  index: number,
  gpus: readonly Gpu[],
  options: GraphicsOptions,
  explanation: string[],
): GraphicsCheckResult {
  const base = { kind, index, predicate: source.text };
  if (!isRequirementEvaluated(kind, options.osVersion)) {
    const floor = requirementOsFloor(kind);
    explanation.push(`${kind} ignored: the Installer ignores it before macOS ${floor} (this Mac runs ${options.osVersion})`);
    return { ...base, status: 'ignored', floor, devices: [] };
  }
  let parsed;
  try {
    parsed = parsePredicate(source.text);
  } catch (e) {
    if (!(e instanceof PredicateSyntaxError)) throw e;
    const syntaxError = { offset: e.offset, message: e.reason, position: predicatePosition(source, e.offset) };
    explanation.push(`${kind}: the predicate does not parse (${e.reason}, at ${syntaxError.position.line}:${syntaxError.position.column}); the check fails`);
    return { ...base, status: 'invalid', devices: [], syntaxError };
  }
  const devices: DeviceResult[] = [];
  gpus.forEach((gpu, i) => {
    const facts = deviceFacts(gpu, kind);
    if (!facts) return;
    const outcome = evaluatePredicate(parsed, facts);
    devices.push({ gpu: i, name: gpu.name, satisfied: outcome.satisfied, outcome });
  });
  const passed = devices.some((d) => d.satisfied);
  if (devices.length === 0) explanation.push(`${kind}: this Mac has no ${API_NAMES[kind]}`);
  else if (!passed) {
    for (const d of devices) explanation.push(`${kind}: ${d.name} failed ${explainOutcome(d.outcome).join(', ') || `\`${source.text.trim()}\``}`);
  }
  return { ...base, status: passed ? 'passed' : 'failed', devices };
}
