import { compareVersions } from '../installer/versions.js';
import type { RequirementKind } from './model.js';

/**
 * The macOS versions before which the Installer ignores each declarative
 * check, per the productbuild(1) man page, PRE-INSTALL REQUIREMENTS PROPERTY
 * LIST (https://keith.github.io/xcode-man-pages/productbuild.1.html):
 * "The gl-renderer requirement is ignored on versions of Mac OS X before
 * 10.6.8", cl-device before 10.7, metal-device before 10.14.4,
 * sysctl-requirements before 10.10.
 */
export const REQUIREMENT_OS_FLOORS: Readonly<Record<RequirementKind, string>> = {
  'gl-renderer': '10.6.8',
  'cl-device': '10.7',
  'metal-device': '10.14.4',
  'sysctl-requirements': '10.10',
};

/** The first macOS version on which the Installer evaluates `kind`. */
export function requirementOsFloor(kind: RequirementKind): string {
  return REQUIREMENT_OS_FLOORS[kind];
}

/** Whether the Installer on `osVersion` (ProductVersion of the running OS) evaluates `kind`; older ones ignore it (it passes). */
export function isRequirementEvaluated(kind: RequirementKind, osVersion: string): boolean {
  return compareVersions(osVersion, REQUIREMENT_OS_FLOORS[kind]) >= 0;
}
