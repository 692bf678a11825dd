import type { BlockerCode, CheckResult, PackageResult, ProfileResult, VolumeResult } from '../types.js';
import type { Profile } from '../profile/types.js';
import type { ArchDecision } from './arch-gate.js';
import type { Evaluator } from './evaluator.js';

export type Blocker = { code: BlockerCode; message: string };

/**
 * Free space: every package that installs goes to the chosen volume, so the
 * installKBytes of those packages, summed, must fit in a volume's free space
 * for it to be chosen (the Installer's Destination Select refuses a volume
 * without room). `volumes` are the volume-check results in the order of
 * `profile.volumes`. A volume that was already ineligible gets the fact but
 * no diagnostic: the space is not what refused it.
 */
export function withFreeSpace(ev: Evaluator, profile: Profile, volumes: VolumeResult[], packages: readonly PackageResult[]): VolumeResult[] {
  let needed = 0;
  for (const p of packages) if (p.install && p.installKBytes !== null && p.installKBytes > 0) needed += p.installKBytes;
  if (needed === 0) return volumes;
  return volumes.map((v, i) => {
    const available = profile.volumes[i]?.availableKilobytes;
    if (available === undefined || needed <= available) return v;
    if (v.eligible) {
      ev.sink.report(
        'INSTALL_SIZE_EXCEEDS_FREE_SPACE',
        `${v.mountpoint}: the packages that install need ${needed} KB (their installKBytes), ${available} KB are free; this volume cannot be chosen`,
        { args: { volume: v.mountpoint, needed, available } },
        v.mountpoint,
      );
    }
    return { ...v, eligible: false, insufficientSpace: { neededKilobytes: needed, availableKilobytes: available } };
  });
}

export interface Outcome {
  gate: ArchDecision;
  installation: CheckResult;
  volumes: readonly VolumeResult[];
  domains: ProfileResult['domains'];
  packages: readonly PackageResult[];
  /** Mount point of the boot volume, where local-system and home installs go. */
  bootMountpoint: string | undefined;
}

/**
 * Why the Installer would not install on this Mac, in evaluation order. A
 * volume must be eligible for an enabled domain: the boot volume for
 * localSystem, any for anywhere, and the boot volume for currentUserHome too
 * (a home is on the boot volume, so its volume-check still applies). Nothing
 * to install is a blocker of its own, reported with NOTHING_INSTALLED.
 */
export function findBlockers(ev: Evaluator, o: Outcome): Blocker[] {
  const blockers: Blocker[] = [];
  if (o.gate.blocker) blockers.push(o.gate.blocker);
  const { installation, volumes, domains } = o;
  if (!installation.passed && installation.resultType === 'Fatal') {
    blockers.push({ code: 'INSTALLATION_CHECK_FAILED', message: `installation-check failed: ${installation.message ?? installation.title ?? '(no message)'}` });
  }
  const bootEligible = volumes.some((v) => v.mountpoint === o.bootMountpoint && v.eligible);
  const volumeOk = (domains.localSystem && bootEligible) || (domains.anywhere && volumes.some((v) => v.eligible)) || (domains.currentUserHome && bootEligible);
  if (!domains.anywhere && !domains.localSystem && !domains.currentUserHome) {
    blockers.push({ code: 'NO_ENABLED_DOMAIN', message: 'every installation domain is disabled' });
  } else if (!volumeOk) {
    const homeOnly = domains.currentUserHome && !domains.anywhere && !domains.localSystem;
    const why = volumes.length === 0 ? 'this Mac has no volume' : `no volume passes the volume check (${volumes.map(refusal).join('; ')})`;
    blockers.push({ code: 'NO_ELIGIBLE_VOLUME', message: homeOnly ? `the home domain installs on the boot volume, which cannot be chosen: ${why}` : why });
  }
  if (o.packages.every((p) => !p.install)) {
    const why = o.packages.length === 0 ? 'no choice in the outline references a package' : 'every package is unselected or inactive';
    ev.sink.report('NOTHING_INSTALLED', `nothing would be installed: ${why}`, { args: { packages: o.packages.length } }, 'nothing');
    blockers.push({ code: 'NOTHING_INSTALLED', message: `nothing would be installed: ${why}` });
  }
  return blockers;
}

function refusal(v: VolumeResult): string {
  const space = v.insufficientSpace;
  // A volume the check accepted (passed, or Warn) was refused for its space alone.
  if (space && (v.passed || v.resultType === 'Warn'))
    return `${v.mountpoint}: not enough space: ${space.neededKilobytes} KB needed, ${space.availableKilobytes} KB free`;
  return `${v.mountpoint}: ${v.message ?? v.title ?? 'refused'}`;
}
