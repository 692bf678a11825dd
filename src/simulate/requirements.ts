import type { InstallationCheck } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
import { evaluateRequiredGraphics, evaluateSysctlRequirements, explainOutcome, type GraphicsResult, type SysctlResult } from '../requirements/index.js';
import type { CheckResult } from '../types.js';
import type { Evaluator } from './evaluator.js';

/**
 * The declarative requirements of the installation-check: every
 * `<required-graphics>` over the profile's GPUs and every
 * `<sysctl-requirements>` over the sysctl view the Distribution sees
 * (translated under Rosetta), each ignored below the macOS version where the
 * Installer starts to check it. The first that fails makes the check fail
 * (Fatal), with a message naming the device and the clause.
 */
export function declarativeRequirements(ev: Evaluator, check: InstallationCheck, profile: Profile): CheckResult | undefined {
  const osVersion = String(profile.systemVersion.ProductVersion ?? '0');
  let failure: CheckResult | undefined;
  for (const required of check.requiredGraphics ?? []) {
    const result = evaluateRequiredGraphics(required, profile.gpus ?? [], { osVersion });
    reportGraphics(ev, result, required.position, osVersion);
    if (!result.satisfied && !failure) failure = fatal(required.description ?? null, result.explanation);
  }
  for (const hardware of check.hardwareProperties ?? []) {
    for (const requirement of hardware.sysctlRequirements) {
      const result = evaluateSysctlRequirements(requirement.predicate, ev.host.sysctl, { osVersion });
      reportSysctl(ev, result, requirement.position);
      if (!result.satisfied && !failure) failure = fatal(null, result.explanation);
    }
  }
  return failure;
}

function fatal(title: string | null, explanation: string[]): CheckResult {
  return { passed: false, resultType: 'Fatal', title, message: explanation.join('; ') || 'a declarative requirement is not met' };
}

type Position = { line: number; column: number };

function reportGraphics(ev: Evaluator, result: GraphicsResult, at: Position, osVersion: string): void {
  const file = ev.dist.path;
  if (result.singleDevice.requested && !result.singleDevice.honoured) {
    ev.sink.report(
      'REQUIREMENT_SINGLE_DEVICE_IGNORED',
      'single-device="true" is ignored: the Installer honours it only when both an OpenGL and an OpenCL predicate are given',
      { location: { file, ...at } },
    );
  }
  for (const c of result.checks) {
    const location = { file, ...at };
    if (c.status === 'ignored') {
      ev.sink.report('REQUIREMENT_IGNORED_OS', `required-${c.kind} is ignored before macOS ${c.floor} (this Mac runs ${osVersion}); it passes`, {
        location,
        args: { kind: c.kind, floor: c.floor ?? null },
      });
    } else if (c.status === 'invalid' && c.syntaxError) {
      ev.sink.report('REQUIREMENT_PREDICATE_SYNTAX_ERROR', `required-${c.kind}: ${c.syntaxError.message}; the requirement fails`, {
        location: { file, ...c.syntaxError.position },
        args: { kind: c.kind },
      });
    } else if (c.status === 'failed') {
      const errors = c.devices.map((d) => d.outcome.error?.message).filter((e): e is string => typeof e === 'string');
      if (errors.length > 0)
        ev.sink.report('REQUIREMENT_PREDICATE_ERROR', `required-${c.kind}: ${errors[0]}; the requirement fails`, { location, args: { kind: c.kind } });
      const why =
        c.devices.length === 0
          ? ['no device of this kind on this Mac']
          : c.devices.flatMap((d) => explainOutcome(d.outcome).map((line) => `${d.name}: ${line}`));
      ev.sink.report('REQUIREMENT_UNSATISFIED', `required-${c.kind} is not met: ${why.join('; ')}`, { location, args: { kind: c.kind } });
    }
  }
}

function reportSysctl(ev: Evaluator, result: SysctlResult, at: Position): void {
  const location = { file: ev.dist.path, ...at };
  if (result.status === 'ignored') {
    ev.sink.report('REQUIREMENT_IGNORED_OS', result.explanation.join('; '), { location, args: { kind: 'sysctl-requirements', floor: result.floor ?? null } });
  } else if (result.status === 'invalid' && result.syntaxError) {
    ev.sink.report('REQUIREMENT_PREDICATE_SYNTAX_ERROR', `sysctl-requirements: ${result.syntaxError.message}; the requirement fails`, {
      location: { file: ev.dist.path, ...result.syntaxError.position },
      args: { kind: 'sysctl-requirements' },
    });
  } else if (result.status === 'failed') {
    if (result.outcome?.error)
      ev.sink.report('REQUIREMENT_PREDICATE_ERROR', `sysctl-requirements: ${result.outcome.error.message}; the requirement fails`, {
        location,
        args: { kind: 'sysctl-requirements' },
      });
    ev.sink.report('REQUIREMENT_UNSATISFIED', `sysctl-requirements is not met: ${result.explanation.join('; ')}`, {
      location,
      args: { kind: 'sysctl-requirements' },
    });
  }
}
