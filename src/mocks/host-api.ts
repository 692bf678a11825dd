import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { clip, DiagnosticSink, MAX_ARG_LENGTH } from '../diagnostics/sink.js';
import { own } from '../util/own.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Distribution, Evaluable } from '../distribution/model.js';
import { DEFAULT_LANGUAGES, formatLocalized, stringTableFor } from '../distribution/localize.js';
import type { IORegistryEntry, PlistValue, Profile, SysctlValue, Volume } from '../profile/types.js';
import type { Policies } from '../installer/policy.js';
import { compareVersions } from '../installer/versions.js';
import { SimulatedFiles } from './filesystem.js';
import { SimulatedRegistry } from './ioregistry.js';

/**
 * The choice state as the host sees it. The simulation owns the state
 * (simulate/choice-state.ts) and hands the host this narrow view: the guest
 * reads and writes choices through it and nothing else.
 */
export interface ChoiceStateAccess {
  /** What `choices.<id>.visible|enabled|selected` reads for a defined choice. */
  read(id: string, flag: 'visible' | 'enabled' | 'selected'): boolean;
  /** A script's assignment, when policy choice-writes=allow. */
  write(id: string, flag: 'visible' | 'enabled' | 'selected', value: boolean): void;
  /** The tooltip a script assigned, if any. */
  tooltip(id: string): string | undefined;
  setTooltip(id: string, text: string): void;
}

/** Records each guest→host call of a traced run (simulate/trace.ts). */
export interface CallRecorder {
  /** Set by the host while answering a call the profile had no answer for. */
  absent: boolean;
  /** Records the call around `answer`, which computes the host's answer. */
  call(source: string | null, op: string, args: string[], answer: () => string | undefined): string | undefined;
}

export interface HostOptions {
  /** Total bytes of system.log output kept per profile. */
  logBytes: number;
}

/**
 * Answers the guest's Installer API calls (see guest-prelude.ts) from a
 * profile. Holds the per-profile state that the Installer keeps: choice
 * states, the bound target, the log. Never throws for a question it cannot
 * answer: it returns the documented "absent" value and records an info
 * diagnostic naming what was asked.
 */
export class InstallerHost {
  readonly log: string[] = [];
  /** The evaluation in progress (for diagnostic locations). */
  current: Evaluable | undefined;
  /** Set by a traced run: records every call and its answer. */
  trace: CallRecorder | undefined;
  /** The volume my.target is bound to, or undefined when unbound. */
  target: Volume | undefined;

  private readonly files: SimulatedFiles;
  private readonly registry: SimulatedRegistry;
  private readonly runOnceAnswers = new Map<string, string>();
  private logBytesUsed = 0;
  private logFull = false;
  /** The string table this Mac reads (its preferred languages), also used for titles in the report. */
  readonly strings: ReadonlyMap<string, string> | undefined;
  private readonly choiceDefs: Map<string, Distribution['choices'][number]>;
  private readonly pkgRefDefs: Map<string, Distribution['pkgRefs'][number]>;

  constructor(
    private readonly distribution: Distribution,
    private readonly profile: Profile,
    /** The sysctl table the Distribution sees (translated under Rosetta). */
    readonly sysctl: Record<string, SysctlValue>,
    private readonly policies: Policies,
    private readonly options: HostOptions,
    /** The choice state, owned by the simulation: what choices.<id> reads and writes. */
    private readonly choiceStates: ChoiceStateAccess,
    /** Per-profile findings, each once per question, bounded per code (shared with the evaluator). */
    readonly sink: DiagnosticSink = new DiagnosticSink(),
  ) {
    this.files = new SimulatedFiles(profile);
    this.registry = new SimulatedRegistry(profile);
    // Inline <localization> and the package's .lproj tables, for this Mac's languages (the rule in localize.ts, shared with reports).
    this.strings = stringTableFor(distribution, profile.languages ?? DEFAULT_LANGUAGES);
    this.choiceDefs = new Map(distribution.choices.map((c) => [c.id, c]));
    this.pkgRefDefs = new Map(distribution.pkgRefs.map((r) => [r.id, r]));
  }

  /** The boot volume: the default target for choices and domains. */
  get bootVolume(): Volume | undefined {
    return this.profile.volumes.find((v) => v.mountpoint === '/') ?? this.profile.volumes[0];
  }

  /**
   * The questions each evaluation's last run could not get answered (code
   * and key of their diagnostic), by evaluable: when that evaluation decides
   * a failed check, a hidden or deselected choice or an inactive package,
   * raiseDecided turns them into warnings. At most MAX_UNANSWERED_PER_EVALUATION
   * each, and only evaluations that asked one have an entry.
   */
  private readonly unanswered = new Map<number, Array<[DiagnosticCode, string]>>();

  /** Called as an evaluation starts: what its previous run asked no longer decides anything. */
  forgetUnanswered(evaluable: number): void {
    this.unanswered.delete(evaluable);
  }

  /** Raises the unanswered questions of `evaluable`'s last run to warnings with `args.decided` (the outcome it decided went against the install). */
  raiseDecided(evaluable: number): void {
    const asked = this.unanswered.get(evaluable);
    if (!asked) return;
    const by = this.distribution.evaluables[evaluable]!.source;
    for (const [code, key] of asked) {
      this.sink.update(code, key, (d) =>
        d.args?.decided === true
          ? d
          : { ...d, severity: 'warning', message: `${d.message}; this decided ${by}`, args: { ...d.args, decided: true, decidedBy: by } },
      );
    }
  }

  /** A diagnostic at the current evaluation, reported once per key. */
  report(code: DiagnosticCode, message: string, key: string, args?: Diagnostic['args']): void {
    const at = this.current;
    if (UNANSWERED_CODES.has(code)) {
      if (at) this.noteUnanswered(at.id, code, key);
      if (this.trace) this.trace.absent = true;
    }
    this.sink.add(
      createDiagnostic(code, message, {
        ...(at && { location: { file: this.distribution.path, ...at.position }, source: at.source }),
        ...(args && { args }),
      }),
      key,
    );
  }

  private noteUnanswered(evaluable: number, code: DiagnosticCode, key: string): void {
    let asked = this.unanswered.get(evaluable);
    if (!asked) this.unanswered.set(evaluable, (asked = []));
    if (asked.length >= MAX_UNANSWERED_PER_EVALUATION) return;
    for (const [c, k] of asked) if (c === code && k === key) return;
    asked.push([code, key]);
  }

  handle(op: string, args: string[]): string | undefined {
    if (this.trace) return this.trace.call(this.current?.source ?? null, op, args, () => this.answer(op, args));
    return this.answer(op, args);
  }

  private answer(op: string, args: string[]): string | undefined {
    const a = args[0] ?? '';
    switch (op) {
      case 'version':
        return json(this.profile.systemVersion);
      case 'env':
        return json(this.env());
      case 'defaults':
        return json(this.profile.defaults ?? {});
      case 'users.desktopSessionCount':
        return json(this.profile.desktopSessionCount ?? 1);
      case 'compareVersions':
        return json(compareVersions(a, args[1] ?? '', this.policies['compare-versions-missing']));
      case 'sysctl':
        return json(this.sysctlValue(a));
      case 'gestalt':
        return json(this.gestalt(a));
      case 'files.exists':
        return json(this.fileExists(a));
      case 'files.plist':
        return json(this.fileAnswer(a, this.files.plist(a)));
      case 'files.bundle':
        return json(this.fileAnswer(a, this.files.bundle(a)));
      case 'ioreg.fromPath':
        return json(this.registryAnswer(`fromPath('${a}')`, this.registry.fromPath(a)));
      case 'ioreg.matchingClass':
        return json(this.registryList(`matchingClass('${a}')`, this.registry.matchingClass(a)));
      case 'ioreg.matchingName':
        return json(this.registryList(`matchingName('${a}')`, this.registry.matchingName(a)));
      case 'ioreg.childrenOf':
        return json(this.registry.childrenOf(a).map(entryJson));
      case 'ioreg.parentsOf':
        return json(this.registry.parentsOf(a).map(entryJson));
      case 'apps.all':
        return json(this.profile.applications ?? []);
      case 'apps.fromIdentifier': {
        const found = (this.profile.applications ?? []).filter((app) => app.CFBundleIdentifier === a);
        return json(found.length > 0 || this.policies['empty-match'] === 'array' ? found : null);
      }
      case 'apps.fromPID':
        return json((this.profile.applications ?? []).find((app) => String(app.pid) === a) ?? null);
      case 'localizedString':
        return json(this.localizedString(a, JSON.parse(args[1] ?? '[]') as string[], args[2] === 'true'));
      case 'log':
        this.appendLog(a);
        return undefined;
      case 'run': {
        // Apple: "undefined if not run" — a bridge answer of nothing is undefined in the guest.
        const code = this.run(a, JSON.parse(args[1] ?? '[]') as string[], args[2] === 'true');
        return code === null ? undefined : json(code);
      }
      case 'receipt':
        return json(this.receipt(a));
      case 'choice.get':
        return json(this.choiceGet(a, args[1] ?? ''));
      case 'choice.set':
        this.choiceSet(a, args[1] ?? '', JSON.parse(args[2] ?? 'null') as unknown);
        return undefined;
      case 'targetUnbound':
        this.report(
          'API_TARGET_UNBOUND',
          `my.target read in ${this.current?.source ?? 'a script'}, where no target volume is bound (undefined)`,
          this.current?.source ?? '',
        );
        return undefined;
      case 'refuse':
        this.report('API_ARGUMENT_REFUSED', `an API call was refused: ${a}`, a);
        return undefined;
      default:
        throw new TypeError(`distsim: unknown bridge operation '${op}'`);
    }
  }

  env(): Record<string, string> {
    const env = { ...this.profile.env };
    if (this.profile.launch?.mode === 'cli' && env.COMMAND_LINE_INSTALL === undefined) env.COMMAND_LINE_INSTALL = '1';
    return env;
  }

  private sysctlValue(name: string): SysctlValue | null {
    const value = own(this.sysctl, name);
    if (value !== undefined) return value;
    // The profile records that this Mac has no such sysctl (hw.optional.arm64 on Intel): null is the answer, not a question left open.
    this.knownAbsent ??= new Set([...(this.profile.sysctlAbsent ?? []), ...(this.profile.rosetta?.sysctlAbsent ?? [])]);
    if (this.knownAbsent.has(name)) return null;
    this.report('API_UNKNOWN_SYSCTL', `system.sysctl('${q(name)}'): not present on ${this.profile.id}; returned null`, name, { name });
    return null;
  }

  /** sysctl names the profile records as absent on this Mac. */
  private knownAbsent: Set<string> | undefined;

  private gestalt(selector: string): number | null {
    const value = own(this.profile.gestalt, selector);
    if (value !== undefined && value !== null) return value;
    this.report('API_UNKNOWN_GESTALT', `system.gestalt('${q(selector)}'): not answered by ${this.profile.id}; returned null`, selector, { selector });
    return null;
  }

  private fileExists(path: string): boolean {
    const exists = this.files.exists(path);
    if (!exists) this.report('API_UNKNOWN_PATH', `${q(path)} does not exist on ${this.profile.id}`, path, { path });
    return exists;
  }

  private fileAnswer(path: string, value: PlistValue | null): PlistValue | null {
    if (value === null) this.report('API_UNKNOWN_PATH', `${q(path)}: no property list or bundle there on ${this.profile.id}; returned null`, path, { path });
    return value;
  }

  private registryAnswer(query: string, value: PlistValue | null): PlistValue | null {
    if (value === null)
      this.report('API_UNKNOWN_IOREGISTRY', `system.ioregistry.${q(query)}: no such entry on ${this.profile.id}; returned null`, query, { query });
    return value;
  }

  private registryList(query: string, found: IORegistryEntry[]): unknown {
    if (found.length > 0) return found.map(entryJson);
    const empty = this.policies['empty-match'] === 'array' ? [] : null;
    this.report('API_UNKNOWN_IOREGISTRY', `system.ioregistry.${q(query)}: no match on ${this.profile.id}; returned ${empty === null ? 'null' : '[]'}`, query, {
      query,
    });
    return empty;
  }

  private localizedString(key: string, args: string[], standard: boolean): string | null {
    const template = this.strings?.get(key);
    if (standard) {
      // The Installer's own table (InstallationCheckError, ...) is not simulated; the package's tables stand in for it.
      const answer = template === undefined ? 'returned null' : "answered from the package's string table";
      this.report(
        'API_NO_STRING_TABLE',
        `localizedStandardString('${q(key)}'): the Installer's own string table is not simulated; ${answer}`,
        `standard:${key}`,
        { key },
      );
    } else if (!this.strings) {
      this.report(
        'API_NO_STRING_TABLE',
        `localizedString('${q(key)}'): no string table (neither inline <localization> nor package Resources/*.lproj); returned null`,
        'table',
        { key },
      );
      return null;
    }
    if (template === undefined) return null;
    // localizedString returns the text as stored; only the WithFormat forms (which the guest calls with arguments) substitute.
    return args.length === 0 ? template.slice(0, MAX_LOCALIZED_LENGTH) : formatLocalized(template, args, MAX_LOCALIZED_LENGTH);
  }

  private appendLog(text: string): void {
    if (this.logFull) return;
    this.logBytesUsed += text.length + 1;
    if (this.logBytesUsed > this.options.logBytes) {
      this.logFull = true;
      this.report('LOG_LIMIT_EXCEEDED', `system.log output passed ${this.options.logBytes} bytes; later lines are dropped`, 'log', {
        limitBytes: this.options.logBytes,
      });
      return;
    }
    this.log.push(text);
  }

  private run(program: string, args: string[], once: boolean): number | null {
    const key = [program, ...args].join(' ');
    const call = `system.${once ? 'runOnce' : 'run'}('${q(key)}')`;
    if (!this.distribution.options.allowExternalScripts) {
      this.report('API_RUN_REFUSED', `${call}: refused because <options allow-external-scripts> is not set; returned undefined`, key, { command: key });
      return null;
    }
    if (once && this.runOnceAnswers.has(key)) return Number(this.runOnceAnswers.get(key));
    const answer = own(this.profile.run, key);
    if (answer === undefined) {
      // Apple documents undefined only for a program that was not run; an exit status stands in for one that ran (policy run-unanswered).
      const policy = this.policies['run-unanswered'];
      const status = policy === 'exit-0' ? 0 : policy === 'exit-1' ? 1 : null;
      this.report(
        'API_RUN_UNANSWERED',
        `${call}: ${this.profile.id} has no answer for it (profile "run" table); returned ${status ?? 'undefined'} (policy run-unanswered=${policy}). distsim never executes programs.`,
        key,
        { command: key, returned: status },
      );
      if (once && status !== null) this.runOnceAnswers.set(key, String(status));
      return status;
    }
    if (once) this.runOnceAnswers.set(key, String(answer));
    return answer;
  }

  private receipt(id: string): PlistValue {
    const volume = this.target ?? this.bootVolume;
    const receipt = own(volume?.receipts, id);
    if (!receipt) return null;
    return { ...receipt };
  }

  /** Relation of a choice's packages to the receipts on the target (docs/installer-behaviour.md §6). */
  packageUpgradeAction(choiceId: string): string {
    const choice = this.choiceDefs.get(choiceId);
    const volume = this.target ?? this.bootVolume;
    const kinds = new Set<string>();
    for (const refId of choice?.pkgRefs ?? []) {
      const receipt = own(volume?.receipts, refId);
      const version = this.pkgRefDefs.get(refId)?.version;
      if (!receipt) kinds.add('clean');
      else if (version === undefined) kinds.add('installed');
      else {
        const c = compareVersions(version, receipt.version, this.policies['compare-versions-missing']);
        kinds.add(c > 0 ? 'upgrade' : c < 0 ? 'downgrade' : 'installed');
      }
    }
    if (kinds.size === 0) return 'clean';
    if (kinds.size === 1) return [...kinds][0]!;
    return 'mixed';
  }

  private choiceGet(id: string, property: string): unknown {
    const choice = this.choiceDefs.get(id);
    switch (property) {
      case 'selected':
      case 'enabled':
      case 'visible':
        return choice ? this.choiceStates.read(id, property) : true;
      case 'title':
        return choice?.title ?? '';
      case 'description':
        return choice?.description ?? '';
      case 'tooltip':
        return (choice && this.choiceStates.tooltip(id)) ?? choice?.tooltip ?? '';
      case 'packages':
        return (choice?.pkgRefs ?? []).map((refId) => {
          const version = this.pkgRefDefs.get(refId)?.version;
          return { identifier: refId, ...(version !== undefined && { version }) };
        });
      case 'packageUpgradeAction':
        return this.packageUpgradeAction(id);
      default:
        return null;
    }
  }

  private choiceSet(id: string, property: string, value: unknown): void {
    if (!this.choiceDefs.has(id)) return;
    if (property === 'tooltip') {
      this.choiceStates.setTooltip(id, String(value));
      return;
    }
    if (property !== 'selected' && property !== 'enabled' && property !== 'visible') return;
    if (this.policies['choice-writes'] === 'allow') {
      this.choiceStates.write(id, property, value === true);
      return;
    }
    this.report(
      'CHOICE_STATE_WRITE_IGNORED',
      `choices.${q(id)}.${property} = ${String(value)} ignored: the Installer only reads choice state (policy choice-writes=ignore)`,
      `${id}.${property}`,
      { choice: id, property },
    );
  }
}

/** The diagnostics of questions the profile could not answer (the absent value was returned). */
const UNANSWERED_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  'API_UNKNOWN_SYSCTL',
  'API_UNKNOWN_PATH',
  'API_UNKNOWN_IOREGISTRY',
  'API_UNKNOWN_GESTALT',
  'API_RUN_UNANSWERED',
]);
/** Unanswered questions remembered per evaluation: a script asking thousands still costs a bounded list. */
const MAX_UNANSWERED_PER_EVALUATION = 32;

/** Longest result of localizedStringWithFormat. */
const MAX_LOCALIZED_LENGTH = 64 * 1024;

/** An input-controlled name as it appears inside a message: bounded. */
function q(text: string): string {
  return clip(text, MAX_ARG_LENGTH);
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function entryJson(e: IORegistryEntry): { path: string; properties: PlistValue } {
  return { path: e.path, properties: e.properties ?? {} };
}
