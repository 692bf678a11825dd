import type { QuickJSWASMModule } from 'quickjs-emscripten';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Distribution } from '../distribution/model.js';
import { InstallerHost } from '../mocks/host-api.js';
import { withBaseSystem } from '../profile/base-system.js';
import { sysctlView } from '../profile/rosetta.js';
import type { Profile } from '../profile/types.js';
import { DiagnosticSink } from '../diagnostics/sink.js';
import { ImageSessions } from '../mocks/image-sessions.js';
import type { ProfileResult } from '../types.js';
import { decideArchitecture } from './arch-gate.js';
import { installationCheck, volumeCheck } from './checks.js';
import { choicePolicies } from './choice-policies.js';
import { ChoiceState } from './choice-state.js';
import { evaluateChoices } from './choices.js';
import { Evaluator } from './evaluator.js';
import { TraceRecorder } from './trace.js';
import { evaluateDomains, evaluatePackages, restartAction } from './packages.js';
import { raiseChoiceDecisions } from './decided.js';
import { findBlockers, withFreeSpace } from './installability.js';
import type { EvaluationHook, RunSettings, SessionFactory } from './settings.js';

export { EngineFault } from './evaluator.js';
export type { EvaluationHook, RunLimits, RunSettings, SessionFactory, SessionLike } from './settings.js';

const imageSessions = new WeakMap<QuickJSWASMModule, ImageSessions>();

function imagesOf(engine: QuickJSWASMModule): ImageSessions {
  let sessions = imageSessions.get(engine);
  if (!sessions) {
    sessions = new ImageSessions(engine);
    imageSessions.set(engine, sessions);
  }
  return sessions;
}

/**
 * Sessions of one WASM module: each profile starts from a memory image of a
 * prepared runtime (mocks/image-sessions.ts), or in a fresh runtime when the
 * image's self-check fails (then each result says so).
 */
export function quickjsSessions(engine: QuickJSWASMModule, images = imagesOf(engine)): SessionFactory {
  const factory: SessionFactory = (limits, config, host, api) => images.session(limits, config, host, api);
  factory.fastPathOff = () => {
    const status = images.status();
    if (!status.unexpected) return undefined;
    return [status.images && `memory images: ${status.images}`, status.directCalls && `direct host calls: ${status.directCalls}`].filter(Boolean).join('; ');
  };
  return factory;
}

/**
 * Simulates what the Installer does with one Distribution on one Mac, in its
 * order (docs/installer-behaviour.md §1): the architecture gate, every <script>, the
 * installation-check, a volume-check per volume, domains, choices, packages,
 * the restart action. Synchronous: everything after loading the WASM module
 * is. Throws only EngineFault (a failure of the engine, not of the guest).
 */
export function runProfile(sessions: SessionFactory, dist: Distribution, given: Profile, settings: RunSettings, hook?: EvaluationHook): ProfileResult {
  // The files, bundles and processes every Mac of that macOS has, under the profile's own (after --set, so a changed OS gets its own).
  const profile = withBaseSystem(given);
  const gate = decideArchitecture(dist, profile);
  const sink = new DiagnosticSink();
  // The choice state's one owner; the host reads and writes it for the guest, located at the evaluation in progress.
  const choices = new ChoiceState(dist, choicePolicies(settings.policies), sink, () => host.current);
  const host: InstallerHost = new InstallerHost(
    dist,
    profile,
    sysctlView(profile, gate.translated),
    settings.policies,
    { logBytes: settings.limits.logBytes },
    choices,
    sink,
  );
  const session = sessions(
    { memoryBytes: settings.limits.memoryBytes, stackBytes: settings.limits.stackBytes },
    { now: settings.now, seed: settings.seed },
    host,
    { choices: dist.choices.map((c) => c.id), maxArgumentLength: 1 << 20 },
  );
  const trace = settings.trace ? new TraceRecorder(settings.trace.maxEvents, sink) : undefined;
  host.trace = trace;
  const ev = new Evaluator(dist, settings, host, session, hook, sink, trace);
  let result: ProfileResult | undefined;
  try {
    result = evaluate(ev, profile, gate, choices);
  } finally {
    if (!session.dispose()) sink.report('SANDBOX_TEARDOWN_ABORT', 'the QuickJS module aborted during teardown and was replaced');
  }
  const off = sessions.fastPathOff?.();
  if (off) sink.report('SANDBOX_FAST_PATH_OFF', `profiles ran without the fast path (${off})`);
  return { ...result, diagnostics: [...gate.diagnostics, ...sink.list()].sort(byLocation), ...(trace && { trace: trace.events }) };
}

function evaluate(ev: Evaluator, profile: Profile, gate: ReturnType<typeof decideArchitecture>, choiceState: ChoiceState): ProfileResult {
  const { dist, host } = ev;
  ev.bindTarget(ev.settings.policies['target-in-installation-check'] === 'boot' ? host.bootVolume : undefined);
  ev.bindChoice(undefined);
  if (ev.skipsScripts) {
    ev.sink.report(
      'REQUIRE_SCRIPTS_FALSE_SKIPPED',
      'require-scripts="false": no JavaScript was evaluated; checks pass and JavaScript choice states keep their start value (policy require-scripts-false=skip)',
    );
  } else {
    for (const id of dist.scripts) ev.evaluate(id, 'script');
  }

  const installation = installationCheck(ev, profile);
  const checkedVolumes = profile.volumes.map((v) => volumeCheck(ev, v));

  // Destination, domains and choices see the default target: the boot volume.
  ev.bindTarget(host.bootVolume);
  const domains = evaluateDomains(ev);
  const choices = evaluateChoices(ev, choiceState, ev.settings.choiceChanges);
  raiseChoiceDecisions(ev, choiceState);
  const packages = evaluatePackages(ev, choiceState, profile);
  const restart = restartAction(ev, packages);
  // Packages are known only now: a volume without room for them is not eligible after all.
  const volumes = withFreeSpace(ev, profile, checkedVolumes, packages);
  const blockers = findBlockers(ev, { gate, installation, volumes, domains, packages, bootMountpoint: host.bootVolume?.mountpoint });

  return {
    profile: profile.id,
    mac: { name: profile.name, model: profile.model, arch: profile.arch, macos: String(profile.systemVersion.ProductVersion ?? '') },
    evaluatedArch: gate.evaluatedArch,
    translated: gate.translated,
    installable: blockers.length === 0,
    blockers,
    installationCheck: installation,
    volumes,
    choices,
    packages,
    domains,
    restartAction: restart,
    log: host.log,
    diagnostics: [],
  };
}

/** Diagnostics without a location first, then by line and column (stable, so deterministic). */
function byLocation(a: Diagnostic, b: Diagnostic): number {
  const la = a.location;
  const lb = b.location;
  if (!la && !lb) return 0;
  if (!la) return -1;
  if (!lb) return 1;
  return la.line - lb.line || la.column - lb.column;
}
