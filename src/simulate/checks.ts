import { createDiagnostic } from '../diagnostics/diagnostic.js';
import { clip, MAX_ARG_LENGTH } from '../diagnostics/sink.js';
import type { Evaluable } from '../distribution/model.js';
import type { Profile, Volume } from '../profile/types.js';
import type { CheckResult, ResultType, VolumeResult } from '../types.js';
import type { Evaluator } from './evaluator.js';
import { compareVersions } from '../installer/versions.js';
import { declarativeRequirements } from './requirements.js';

/**
 * installation-check and volume-check (docs/installer-behaviour.md §3): the script
 * AND the declarative requirements; a false script result takes its type
 * from my.result.type through the result-type policies.
 */
export function installationCheck(ev: Evaluator, profile: Profile): CheckResult {
  const check = ev.dist.installationCheck;
  if (!check) return { passed: true, resultType: null, title: null, message: null };
  let result: CheckResult = { passed: true, resultType: null, title: null, message: null };
  if (check.script !== undefined) result = checkScript(ev, check.script, 'installation-check');
  if (result.passed && check.ramMinGb !== undefined) {
    const memsize = Number(profile.sysctl['hw.memsize'] ?? 0);
    const required = check.ramMinGb * 1e9;
    if (memsize < required) {
      result = {
        passed: false,
        resultType: 'Fatal',
        title: null,
        message: `This computer has ${(memsize / 1e9).toFixed(2)} GB of memory; ${check.ramMinGb} GB is required (<ram min-gb>)`,
      };
    }
  }
  if (result.passed) result = declarativeRequirements(ev, check, profile) ?? result;
  return result;
}

export function volumeCheck(ev: Evaluator, volume: Volume): VolumeResult {
  ev.bindTarget(volume);
  const check = ev.dist.volumeCheck;
  let result: CheckResult = { passed: true, resultType: null, title: null, message: null };
  // The boot volume is '/' on every real Mac; a profile without one boots from its first volume (InstallerHost.bootVolume).
  if (ev.dist.options.rootVolumeOnly && volume.mountpoint !== ev.host.bootVolume?.mountpoint) {
    result = { passed: false, resultType: 'Fatal', title: null, message: 'rootVolumeOnly: only the boot volume can be chosen' };
  }
  if (result.passed && check?.script !== undefined) result = checkScript(ev, check.script, 'volume-check');
  if (result.passed && check) {
    const version = volume.systemVersion?.ProductVersion;
    for (const group of check.allowedOsVersions) {
      const ok =
        typeof version === 'string' &&
        group.some((r) => compareVersions(version, r.min) >= 0 && (r.before === undefined || compareVersions(version, r.before) < 0));
      if (!ok) {
        const ranges = group.map((r) => (r.before ? `${r.min} up to (excluding) ${r.before}` : `${r.min} or later`)).join(', or ');
        result = {
          passed: false,
          resultType: 'Fatal',
          title: null,
          message:
            typeof version === 'string'
              ? `macOS ${version} is not allowed (allowed-os-versions: ${ranges})`
              : `no macOS on this volume (allowed-os-versions: ${ranges})`,
        };
        break;
      }
    }
  }
  if (result.passed && check) {
    for (const req of check.requiredBundles) {
      const found = req.bundles.map((b) => bundleSatisfied(volume, b));
      const ok = req.all ? found.every(Boolean) : found.some(Boolean);
      if (!ok) {
        result = {
          passed: false,
          resultType: 'Fatal',
          title: null,
          message: req.description ?? `required bundles missing: ${req.bundles.map((b) => b.id).join(', ')}`,
        };
        break;
      }
    }
  }
  return { mountpoint: volume.mountpoint, ...result, eligible: result.passed || result.resultType === 'Warn' };
}

function bundleSatisfied(
  volume: Volume,
  bundle: { id: string; path: string; CFBundleShortVersionString?: string; CFBundleVersion?: string; search: boolean },
): boolean {
  const files = volume.files ?? {};
  const path = '/' + bundle.path.replace(/^\/+/, '');
  const candidates = Object.entries(files).filter(
    ([p, e]) => e.type === 'bundle' && (p === path || (bundle.search && e.info.CFBundleIdentifier === bundle.id)),
  );
  return candidates.some(([, e]) => {
    if (e.type !== 'bundle' || e.info.CFBundleIdentifier !== bundle.id) return false;
    const short = e.info.CFBundleShortVersionString;
    const long = e.info.CFBundleVersion;
    if (bundle.CFBundleShortVersionString && !(typeof short === 'string' && compareVersions(short, bundle.CFBundleShortVersionString) >= 0)) return false;
    if (bundle.CFBundleVersion && !(typeof long === 'string' && compareVersions(long, bundle.CFBundleVersion) >= 0)) return false;
    return true;
  });
}

/** Runs a check script with a fresh my.result and applies the result-type policies. */
function checkScript(ev: Evaluator, id: number, what: 'installation-check' | 'volume-check'): CheckResult {
  // Policy require-scripts-false=skip: the script is not run and the check passes (reported once per profile by runProfile).
  if (ev.skipsScripts) return { passed: true, resultType: null, title: null, message: null };
  ev.resetResult();
  const outcome = ev.evaluate(id, 'check');
  ev.lastCheck = ev.dist.evaluables[id];
  if (!outcome.ok) {
    if (ev.settings.policies['check-exception'] === 'pass') return { passed: true, resultType: null, title: null, message: null };
    ev.host.raiseDecided(id);
    return {
      passed: false,
      resultType: 'Fatal',
      title: null,
      message: `Package Authoring: error running ${what} script: ${outcome.error.name}: ${outcome.error.message}`,
    };
  }
  if (ev.truthy(outcome, id)) return { passed: true, resultType: null, title: null, message: null };
  // The questions this evaluation could not get answered decided a failed check: they become warnings.
  ev.host.raiseDecided(id);
  const raw = ev.readResult();
  return { passed: false, resultType: resultType(ev, raw.type, ev.dist.evaluables[id]!), title: raw.title, message: raw.message };
}

function resultType(ev: Evaluator, type: string | null, evaluable: Evaluable): ResultType {
  const at = { location: { file: ev.dist.path, ...evaluable.position }, source: evaluable.source };
  if (type === 'Fatal') return 'Fatal';
  if (type === 'Warn') return 'Warn';
  if (type === 'Warning') {
    ev.sink.add(
      createDiagnostic(
        'CHECK_RESULT_TYPE_WARNING_SPELLING',
        `my.result.type = 'Warning' treated as ${ev.settings.policies['warning-result-type'] === 'warn' ? "'Warn'" : "'Fatal'"} (policy warning-result-type)`,
        at,
      ),
    );
    return ev.settings.policies['warning-result-type'] === 'warn' ? 'Warn' : 'Fatal';
  }
  const policy = ev.settings.policies['missing-result-type'];
  const as = policy === 'warn' ? 'Warn' : 'Fatal';
  if (type === null || type === '') {
    ev.sink.add(
      createDiagnostic(
        'CHECK_RESULT_TYPE_MISSING',
        `${evaluable.source} returned false without my.result.type; treated as '${as}' (policy missing-result-type=${policy})`,
        at,
      ),
    );
  } else {
    ev.sink.add(
      createDiagnostic(
        'CHECK_RESULT_TYPE_UNKNOWN',
        `my.result.type = '${clip(type, MAX_ARG_LENGTH)}' is not 'Fatal' or 'Warn'; treated as '${as}' (policy missing-result-type=${policy})`,
        { ...at, args: { type } },
      ),
    );
  }
  return as;
}
