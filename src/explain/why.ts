import type { Distribution } from '../distribution/model.js';
import { InputError } from '../errors.js';
import type { ProfileResult, TraceCall } from '../types.js';
import { TraceIndex } from './trace-index.js';

/** One Installer API call an evaluation made, as a person reads it. */
export interface ExplainedCall {
  /** `system.sysctl('hw.optional.arm64')`. */
  call: string;
  /** The JSON answer, null when the call answered nothing (undefined in the guest). */
  answer: string | null;
  /** The profile had no answer: the documented default was returned. */
  absent: boolean;
  /** For an absent answer: the --set that would give one, when there is a simple one. */
  set?: string;
}

/** One link of the causal chain. */
export interface ExplanationStep {
  kind: 'evaluation' | 'literal' | 'default' | 'parent' | 'children' | 'inactive' | 'deselected' | 'requirements' | 'blocker' | 'space' | 'skipped';
  text: string;
  /** For evaluations: the attribute or script, where it is, its code, raw result and the boolean it became. */
  source?: string;
  location?: { file: string; line: number; column: number };
  code?: string;
  result?: string;
  coerced?: boolean;
  calls?: ExplainedCall[];
  log?: string[];
}

export interface Explanation {
  target: string;
  profile: string;
  /** The outcome in one sentence: `choice arm-build is hidden`. */
  summary: string;
  /** The boolean outcome explained (visible, passed, installs, installable). */
  value: boolean;
  steps: ExplanationStep[];
  /** Profile facts that shaped every evaluation (Rosetta translation). */
  facts: string[];
  /** Explanations of the outcomes this one depends on (a blocker's check, a package's choices). */
  because: Explanation[];
}

type Flag = 'visible' | 'enabled' | 'selected';
const FLAGS: readonly Flag[] = ['visible', 'enabled', 'selected'];
/** Nested explanations stop here: a package's choices, a blocker's check; never deeper. */
const MAX_DEPTH = 2;

/** Explains `target` from a traced result of `dist`. Throws InputError for a target the Distribution does not have. */
export function explain(dist: Distribution, result: ProfileResult, target: string): Explanation {
  return new Explainer(dist, result).explain(target, 0);
}

class Explainer {
  private readonly index: TraceIndex;
  private readonly facts: string[] = [];

  constructor(
    private readonly dist: Distribution,
    private readonly result: ProfileResult,
  ) {
    this.index = new TraceIndex(result.trace ?? []);
    if (result.translated) this.facts.push(rosettaFact(dist));
  }

  explain(target: string, depth: number): Explanation {
    if (target === 'installable') return this.installable(depth);
    if (target === 'installation-check') return this.installationCheck();
    if (target === 'volume-check' || target.startsWith('volume-check:')) return this.volumeCheck(target, target.slice('volume-check:'.length) || undefined);
    if (target.startsWith('package:')) return this.pkg(target.slice('package:'.length), depth);
    const choices = this.result.choices;
    if (choices.some((c) => c.id === target)) return this.choice(target, undefined);
    const dot = target.lastIndexOf('.');
    const flag = target.slice(dot + 1) as Flag;
    if (dot > 0 && FLAGS.includes(flag) && choices.some((c) => c.id === target.slice(0, dot))) return this.choice(target.slice(0, dot), flag);
    throw new InputError(`'${target.length > 80 ? target.slice(0, 80) + '…' : target}' is not a choice id or a target of this Distribution`, {
      code: 'WHY_TARGET_UNKNOWN',
      hint: `targets: installable, installation-check, volume-check[:MOUNTPOINT], package:ID, a choice id[.visible|.enabled|.selected] (choices: ${choices
        .slice(0, 10)
        .map((c) => c.id)
        .join(', ')}${choices.length > 10 ? ', …' : ''})`,
    });
  }

  private make(target: string, summary: string, value: boolean, steps: ExplanationStep[], because: Explanation[] = []): Explanation {
    return { target, profile: this.result.profile, summary, value, steps, facts: [...this.facts], because };
  }

  /** The latest traced evaluation of one of `sources` (bound to volume `target` when given), with the calls and log lines it made. */
  private lastEvaluation(sources: string[], target?: string): ExplanationStep | undefined {
    let latest: number | undefined;
    for (const source of sources) {
      const i = this.index.lastOf(source, target);
      if (i !== undefined && (latest === undefined || i > latest)) latest = i;
    }
    return latest === undefined ? undefined : this.step(latest);
  }

  private step(index: number): ExplanationStep {
    const e = this.index.evaluation(index);
    const made = this.index.madeBy(index);
    const calls = made.calls.map((c) => this.explainCall(c));
    const log = made.log;
    const result = e.outcome.ok
      ? `${e.outcome.type}${e.outcome.type === 'boolean' ? ` ${e.outcome.truthy}` : ''}`
      : `threw ${e.outcome.error.name}: ${e.outcome.error.message}`;
    let how = '';
    if (e.coerced !== undefined) {
      if (!e.outcome.ok) how = `, which counts as ${e.coerced} (failure policy)`;
      else if (e.outcome.type !== 'boolean') how = `, which became ${e.coerced} (policy truthiness)`;
    }
    const pass = e.pass !== undefined && e.pass > 1 ? ` (evaluation ${e.pass} of this attribute)` : '';
    const step: ExplanationStep = {
      kind: 'evaluation',
      text: `${e.source}="${oneLine(e.code)}" at ${this.dist.path}:${e.location.line}:${e.location.column}${pass} ${e.outcome.ok ? 'returned' : ''} ${result}${how}`.replace(
        '  ',
        ' ',
      ),
      source: e.source,
      location: { file: this.dist.path, line: e.location.line, column: e.location.column },
      code: e.code,
      result,
      calls,
      log,
    };
    if (e.coerced !== undefined) step.coerced = e.coerced;
    if (!e.outcome.ok) {
      // Where it threw, mapped back into the Distribution (the evaluator's diagnostic has it).
      const thrown = this.result.diagnostics.find((d) => d.source === e.source && d.code.startsWith('SCRIPT_') && d.location);
      if (thrown?.location) step.text += ` (thrown at ${thrown.location.file}:${thrown.location.line}:${thrown.location.column})`;
    }
    return step;
  }

  private explainCall(c: TraceCall): ExplainedCall {
    const out: ExplainedCall = { call: apiCall(c.op, c.args), answer: c.answer, absent: c.absent };
    if (c.absent) {
      const set = this.setFor(c);
      if (set) out.set = set;
    }
    return out;
  }

  private setFor(c: TraceCall): string | undefined {
    const a = c.args[0] ?? '';
    const boot = Math.max(
      0,
      this.result.volumes.findIndex((v) => v.mountpoint === '/'),
    );
    switch (c.op) {
      case 'sysctl':
        return `--set sysctl.${a}=VALUE`;
      case 'gestalt':
        return `--set gestalt.${a}=VALUE`;
      case 'files.exists':
      case 'files.plist':
      case 'files.bundle':
        return `--set 'volumes[${boot}].files.${a}=file'`;
      case 'receipt':
        return `--set 'volumes[${boot}].receipts.${a}=VERSION'`;
      default:
        return undefined;
    }
  }

  private choice(id: string, given: Flag | undefined): Explanation {
    const c = this.result.choices.find((x) => x.id === id)!;
    const flag = given ?? (!c.visible ? 'visible' : !c.enabled ? 'enabled' : 'selected');
    const value = c[flag];
    const words: Record<Flag, [string, string]> = { visible: ['shown', 'hidden'], enabled: ['enabled', 'disabled'], selected: ['selected', 'deselected'] };
    const summary = `choice ${id} is ${words[flag][value ? 0 : 1]} on ${this.result.profile}`;
    const steps: ExplanationStep[] = [];
    const own = this.lastEvaluation([`choice[${id}]@${flag}`, `choice[${id}]@start_${flag}`]);
    const def = this.dist.choices.find((x) => x.id === id);
    if (own) steps.push(own);
    else {
      const literal = def?.attributes[flag] ?? def?.attributes[`start_${flag}` as keyof typeof def.attributes];
      if (literal?.kind === 'literal') steps.push({ kind: 'literal', text: `the choice sets ${flag}="${literal.value}"` });
      else if (literal?.kind === 'script') steps.push({ kind: 'skipped', text: `${flag} is JavaScript that was not evaluated (scripts skipped)` });
      else steps.push({ kind: 'default', text: `the choice has no ${flag} attribute: the default is true` });
    }
    const ownValue = own?.coerced ?? (steps[0]!.kind === 'literal' ? /true/.test(steps[0]!.text) : true);
    if (flag !== 'selected' && ownValue && !value) {
      // A hidden or disabled ancestor (policy parent-constraint=subtree).
      for (let p = c.parent; p !== null;) {
        const parent = this.result.choices.find((x) => x.id === p);
        if (!parent) break;
        const parentOwn = this.lastEvaluation([`choice[${p}]@${flag}`, `choice[${p}]@start_${flag}`]);
        if (!parent[flag] && (parentOwn === undefined || parentOwn.coerced === false || parent.parent === null)) {
          steps.push({ kind: 'parent', text: `its parent choice ${p} is ${words[flag][1]}, which ${flag === 'visible' ? 'hides' : 'disables'} its children` });
          if (parentOwn) steps.push(parentOwn);
          break;
        }
        p = parent.parent;
      }
    }
    if (flag === 'selected' && this.result.choices.some((x) => x.parent === id)) {
      const kids = this.result.choices.filter((x) => x.parent === id);
      steps.push({
        kind: 'children',
        text: `it has children, and reads selected when any of them is: ${kids.map((k) => `${k.id} ${k.selected ? 'selected' : 'deselected'}`).join(', ')}`,
      });
    }
    return this.make(given ? `${id}.${flag}` : id, summary, value, steps);
  }

  private installationCheck(): Explanation {
    const check = this.result.installationCheck;
    const summary = `the installation check ${check.passed ? 'passed' : 'failed'} on ${this.result.profile}`;
    const steps: ExplanationStep[] = [];
    const ev = this.lastEvaluation(['installation-check@script']);
    if (ev) steps.push(ev);
    if (!check.passed && (!ev || ev.coerced !== false) && ev?.result?.startsWith('threw') !== true)
      steps.push({ kind: 'requirements', text: `a declarative requirement failed: ${check.message ?? check.title ?? 'see the diagnostics'}` });
    if (!ev && check.passed) steps.push({ kind: 'default', text: 'there is no installation-check script (or scripts were skipped)' });
    if (!check.passed && check.message)
      steps.push({
        kind: 'blocker',
        text: `the Installer shows ${check.resultType ?? 'Fatal'}: ${oneLine(check.title ?? '')} ${oneLine(check.message)}`.trim(),
      });
    return this.make('installation-check', summary, check.passed, steps);
  }

  private volumeCheck(target: string, mountpoint: string | undefined): Explanation {
    const volumes = this.result.volumes;
    const v = mountpoint !== undefined ? volumes.find((x) => x.mountpoint === mountpoint) : (volumes.find((x) => !x.eligible) ?? volumes[0]);
    if (!v) {
      throw new InputError(`no volume ${mountpoint ?? ''} on ${this.result.profile}`.trim(), {
        code: 'WHY_TARGET_UNKNOWN',
        hint: `volumes: ${volumes.map((x) => x.mountpoint).join(', ')}`,
      });
    }
    const summary = `volume ${v.mountpoint} is ${v.eligible ? 'eligible' : 'not eligible'} on ${this.result.profile}`;
    const steps: ExplanationStep[] = [];
    const ev = this.lastEvaluation(['volume-check@script'], v.mountpoint);
    if (ev) steps.push(ev);
    else steps.push({ kind: 'default', text: 'there is no volume-check script for it (or scripts were skipped)' });
    if (!v.passed && v.message) steps.push({ kind: 'blocker', text: `the Installer shows ${v.resultType ?? 'Fatal'}: ${oneLine(v.message)}` });
    if (v.insufficientSpace)
      steps.push({
        kind: 'space',
        text: `the packages that install need ${v.insufficientSpace.neededKilobytes} KB, the volume has ${v.insufficientSpace.availableKilobytes} KB free`,
      });
    return this.make(target, summary, v.eligible, steps);
  }

  private pkg(id: string, depth: number): Explanation {
    const p = this.result.packages.find((x) => x.id === id);
    if (!p) {
      throw new InputError(`no package '${id.length > 80 ? id.slice(0, 80) + '…' : id}' in this Distribution`, {
        code: 'WHY_TARGET_UNKNOWN',
        hint: `packages: ${this.result.packages
          .slice(0, 10)
          .map((x) => x.id)
          .join(', ')}`,
      });
    }
    const summary = `package ${id} ${p.install ? 'installs' : 'does not install'} on ${this.result.profile}`;
    const steps: ExplanationStep[] = [];
    const because: Explanation[] = [];
    if (!p.active) {
      steps.push({ kind: 'inactive', text: 'its pkg-ref is not active' });
      const ev = this.lastEvaluation([`pkg-ref[${id}]@active`]);
      if (ev) steps.push(ev);
    }
    const selected = p.choices.filter((c) => this.result.choices.find((x) => x.id === c)?.selected);
    if (p.choices.length === 0) steps.push({ kind: 'deselected', text: 'no choice references it' });
    else if (selected.length === 0) {
      steps.push({ kind: 'deselected', text: `no choice that references it is selected (${p.choices.join(', ')})` });
      if (depth < MAX_DEPTH) for (const c of p.choices.slice(0, 5)) because.push(this.choice(c, 'selected'));
    } else steps.push({ kind: 'default', text: `selected through choice ${selected.join(', ')}${p.active ? ' and active' : ''}` });
    return this.make(`package:${id}`, summary, p.install, steps, because);
  }

  private installable(depth: number): Explanation {
    const r = this.result;
    const summary = `${r.profile} ${r.installable ? 'can install' : 'cannot install'} this Distribution`;
    const steps: ExplanationStep[] = r.blockers.map((b) => ({ kind: 'blocker', text: `${b.code}: ${b.message}` }));
    const because: Explanation[] = [];
    if (depth < MAX_DEPTH)
      for (const b of r.blockers) {
        if (b.code === 'INSTALLATION_CHECK_FAILED') because.push(this.installationCheck());
        else if (b.code === 'NO_ELIGIBLE_VOLUME') because.push(this.volumeCheck('volume-check', undefined));
        else if (b.code === 'NOTHING_INSTALLED') for (const p of r.packages.slice(0, 5)) because.push(this.pkg(p.id, depth + 1));
        else if (b.code === 'NO_ENABLED_DOMAIN') {
          const ev = this.lastEvaluation(['domains@enable_anywhere', 'domains@enable_currentUserHome', 'domains@enable_localSystem']);
          if (ev) steps.push(ev);
        }
      }
    if (r.installable) steps.push({ kind: 'default', text: 'every check passed, a volume is eligible and something installs' });
    return this.make('installable', summary, r.installable, steps, because);
  }
}

function rosettaFact(dist: Distribution): string {
  const list = dist.options.hostArchitectures;
  if (list?.includes('arm64')) return 'evaluated under Rosetta 2 (as x86_64) because the Installer was launched from a Rosetta shell';
  return `evaluated under Rosetta 2 (as x86_64) because hostArchitectures ${list ? `(${list.join(',')}) lacks arm64` : 'is absent'}`;
}

const API_NAMES: Record<string, string> = {
  sysctl: 'system.sysctl',
  gestalt: 'system.gestalt',
  'files.exists': 'system.files.fileExistsAtPath',
  'files.plist': 'system.files.plistAtPath',
  'files.bundle': 'system.files.bundleAtPath',
  'ioreg.fromPath': 'system.ioregistry.fromPath',
  'ioreg.matchingClass': 'system.ioregistry.matchingClass',
  'ioreg.matchingName': 'system.ioregistry.matchingName',
  'ioreg.childrenOf': 'system.ioregistry.childrenOf',
  'ioreg.parentsOf': 'system.ioregistry.parentsOf',
  'apps.all': 'system.applications.all',
  'apps.fromIdentifier': 'system.applications.fromIdentifier',
  'apps.fromPID': 'system.applications.fromPID',
  compareVersions: 'system.compareVersions',
  localizedString: 'system.localizedString',
  run: 'system.run',
  receipt: 'my.target.receiptForIdentifier',
};

/** How the guest wrote a bridge operation. */
export function apiCall(op: string, args: string[]): string {
  const quoted = (a: string) => `'${a.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  switch (op) {
    case 'version':
      return 'system.version';
    case 'env':
      return 'system.env';
    case 'defaults':
      return 'system.defaults';
    case 'users.desktopSessionCount':
      return 'system.users.desktopSessionCount';
    case 'choice.get':
      return `choices.${args[0] ?? ''}.${args[1] ?? ''}`;
    case 'choice.set':
      return `choices.${args[0] ?? ''}.${args[1] ?? ''} = ${args[2] ?? ''}`;
    case 'compareVersions':
      return `system.compareVersions(${quoted(args[0] ?? '')}, ${quoted(args[1] ?? '')})`;
    default: {
      const name = Object.hasOwn(API_NAMES, op) ? API_NAMES[op]! : op;
      return `${name}(${args.length > 0 ? quoted(args[0]!) : ''})`;
    }
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

/** The explanation as indented text lines. */
export function explanationLines(e: Explanation, indent = ''): string[] {
  const lines = [`${indent}${e.summary}${e.steps.length > 0 ? ' because' : ''}`];
  for (const s of e.steps) {
    lines.push(`${indent}  - ${s.text}`);
    for (const c of s.calls ?? []) {
      const answer = c.answer ?? 'undefined';
      lines.push(`${indent}      ${c.call} = ${answer}${c.absent ? ` (not in the profile${c.set ? `; to answer it: ${c.set}` : ''})` : ''}`);
    }
    for (const l of s.log ?? []) lines.push(`${indent}      system.log: ${l}`);
  }
  // Profile facts hold for the whole run: said once, at the top.
  if (indent === '') for (const f of e.facts) lines.push(`  - ${f}`);
  for (const b of e.because) lines.push(...explanationLines(b, `${indent}    `));
  return lines;
}
