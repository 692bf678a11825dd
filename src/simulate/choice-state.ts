import { localizeWith } from '../distribution/localize.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { clip, MAX_ARG_LENGTH, type DiagnosticSink } from '../diagnostics/sink.js';
import type { AttributeValue, ChoiceDef, Distribution, Evaluable, Position } from '../distribution/model.js';
import type { ChoiceStateAccess } from '../mocks/host-api.js';
import type { ChoiceResult } from '../types.js';
import type { ChoicePolicies } from './choice-policies.js';

export type ChoiceFlag = 'visible' | 'enabled' | 'selected';
/** `choiceIsSelected` of `installer -showChoicesXML`: 1 selected, 0 not, -1 mixed (a parent whose subtree differs). */
type SelectedState = 1 | 0 | -1;
/**
 * Why a choice's selected state is set. An attribute or a script changes a
 * parent's own state, which then passes to its children; a click or a
 * change-file setting is the user's, and always passes down (a click on a
 * mixed parent selects its whole subtree).
 */
type Cause = 'attribute' | 'script' | 'setting' | 'click';

/** Longest tooltip a script may assign (it is kept per choice). */
const MAX_TOOLTIP = 4096;

/**
 * The one owner of the choice states of one profile: each choice's own
 * visible/enabled/selected (set by its attributes, by scripts when allowed,
 * by the user's changes), and what follows from the outline:
 *
 * - a parent hidden or disabled shows its subtree hidden or disabled
 *   (policy parent-constraint);
 * - a parent's selected state is derived from its children, -1 when they
 *   differ, and a change of its own passes to its enabled children
 *   (policy parent-selected);
 * - before the choice phase every choice reads its literal start_* value
 *   (policy early-choice-state).
 *
 * The host reads and writes it through {@link ChoiceStateAccess}; the
 * choice phase, the user's changes and the packages through the methods
 * here. Derived states are kept up to date incrementally (counts per
 * parent), so a read is O(outline depth) whatever the outline's size.
 */
export class ChoiceState implements ChoiceStateAccess {
  /** Outline choices in pre-order, each with its parent's id (null at top level). */
  readonly order: ReadonlyArray<{ id: string; parent: string | null }>;
  private readonly defs: ChoiceDef[];
  private readonly index = new Map<string, number>();
  /** Outline pre-order as indexes into defs. */
  private readonly outline: number[];
  /** 1 for the choices on an outline line. */
  private readonly placed: Uint8Array;
  private readonly parent: Int32Array;
  /** Children in outline order; undefined for a leaf (most choices: no array each). */
  private readonly children: Array<number[] | undefined>;
  private readonly own: Record<ChoiceFlag, Uint8Array>;
  /** Each choice's shown selected state, and per parent the counts it follows from. */
  private readonly derived: Int8Array;
  private readonly members: Int32Array;
  private readonly membersSelected: Int32Array;
  private readonly membersMixed: Int32Array;
  /** A parent with pkg-refs of its own counts itself among its members. */
  private readonly selfMember: Uint8Array;
  /** Own values before the choice phase that are guesses (a JavaScript start_* not run yet), per flag. */
  private readonly guessed: Record<ChoiceFlag, Uint8Array>;
  private readonly tooltips = new Map<number, string>();
  private readonly locations = new Map<number, string>();
  private early = true;
  private quiet = false;

  constructor(
    private readonly dist: Pick<Distribution, 'path' | 'choices' | 'outline'>,
    readonly policies: ChoicePolicies,
    private readonly sink: DiagnosticSink,
    /** The evaluation in progress, for locating diagnostics about reads (the host's `current`). */
    private readonly current: () => Evaluable | undefined = () => undefined,
  ) {
    this.defs = dist.choices;
    const n = this.defs.length;
    this.defs.forEach((c, i) => {
      if (!this.index.has(c.id)) this.index.set(c.id, i);
    });
    this.parent = new Int32Array(n).fill(-1);
    this.children = new Array<number[] | undefined>(n);
    this.outline = [];
    const order: Array<{ id: string; parent: string | null }> = [];
    // Iterative pre-order walk; an unknown line is skipped with its children lifted to its parent (the parser reports it).
    const placed = (this.placed = new Uint8Array(n));
    const stack: Array<{ nodes: Distribution['outline']; next: number; parent: number }> = [{ nodes: dist.outline, next: 0, parent: -1 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next >= top.nodes.length) {
        stack.pop();
        continue;
      }
      const node = top.nodes[top.next++]!;
      const i = this.index.get(node.choice);
      if (i === undefined || placed[i]) {
        stack.push({ nodes: node.children, next: 0, parent: top.parent });
        continue;
      }
      placed[i] = 1;
      this.parent[i] = top.parent;
      if (top.parent >= 0) (this.children[top.parent] ??= []).push(i);
      this.outline.push(i);
      order.push({ id: node.choice, parent: top.parent >= 0 ? this.defs[top.parent]!.id : null });
      stack.push({ nodes: node.children, next: 0, parent: i });
    }
    this.order = order;

    this.own = { visible: new Uint8Array(n).fill(1), enabled: new Uint8Array(n).fill(1), selected: new Uint8Array(n).fill(1) };
    this.guessed = { visible: new Uint8Array(n), enabled: new Uint8Array(n), selected: new Uint8Array(n) };
    this.derived = new Int8Array(n).fill(1);
    this.members = new Int32Array(n);
    this.membersSelected = new Int32Array(n);
    this.membersMixed = new Int32Array(n);
    this.selfMember = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const count = this.children[i]?.length ?? 0;
      if (count === 0) continue;
      this.selfMember[i] = this.defs[i]!.pkgRefs.length > 0 ? 1 : 0;
      this.members[i] = count + this.selfMember[i]!;
      this.membersSelected[i] = this.members[i]!; // everything starts selected
    }

    // Before the choice phase a script reads the literal start_* values (or, without one, a literal dynamic attribute).
    if (policies['early-choice-state'] === 'start') {
      this.quiet = true;
      // Outline choices in pre-order (a parent's value passes to its children before theirs apply), then the others.
      const initial = [...this.outline];
      for (let k = 0; k < n; k++) if (!placed[k]) initial.push(k);
      for (const i of initial) {
        if (!hasAttributes(this.defs[i]!)) continue;
        for (const flag of ['visible', 'enabled', 'selected'] as const) {
          const literal = earlyLiteral(this.defs[i]!, flag);
          if (literal === undefined) this.guessed[flag][i] = hasScript(this.defs[i]!, flag) ? 1 : 0;
          else this.set(i, flag, literal, 'attribute');
        }
      }
      this.quiet = false;
    }
  }

  /** From now on the choice phase evaluates the attributes: reads are no longer early. */
  beginChoicePhase(): void {
    this.early = false;
  }

  /** Index of a defined choice, or undefined. */
  find(id: string): number | undefined {
    return this.index.get(id);
  }

  def(i: number): ChoiceDef {
    return this.defs[i]!;
  }

  /** Outline pre-order, as indexes. */
  outlineOrder(): readonly number[] {
    return this.outline;
  }

  /** Whether the choice is on an outline line (the Installer ignores the others). */
  inOutline(i: number): boolean {
    return this.placed[i] === 1;
  }

  hasChildren(i: number): boolean {
    return this.children[i] !== undefined;
  }

  ownValue(i: number, flag: ChoiceFlag): boolean {
    return this.own[flag][i] === 1;
  }

  /** What a script reads: visible/enabled constrained by the ancestors; selected derived for a parent (policies). */
  value(i: number, flag: ChoiceFlag): boolean {
    if (flag === 'selected') return this.policies['parent-selected'] === 'derived' ? this.derived[i] !== 0 : this.own.selected[i] === 1;
    if (this.own[flag][i] !== 1) return false;
    if (this.policies['parent-constraint'] === 'none') return true;
    for (let p = this.parent[i]!; p >= 0; p = this.parent[p]!) if (this.own[flag][p] !== 1) return false;
    return true;
  }

  /** The shown state: 1, 0, or -1 for a parent whose subtree differs. */
  shown(i: number): SelectedState {
    return this.derived[i] as SelectedState;
  }

  /** Whether the choice's own packages install (its own checkbox, whatever its children). */
  installs(id: string): boolean {
    const i = this.index.get(id);
    return i !== undefined && this.own.selected[i] === 1;
  }

  customLocation(i: number): string | null {
    return this.locations.get(i) ?? this.defs[i]!.customLocation ?? null;
  }

  /** A change of install location; `/usr/local` and `usr/local` are one place (change files write a leading `/`). */
  setCustomLocation(i: number, path: string): boolean {
    const now = this.customLocation(i);
    if (now !== null && rooted(now) === rooted(path)) return false;
    this.locations.set(i, path);
    return true;
  }

  /**
   * Sets a choice's own state; returns whether any own state changed. For a
   * parent's selected state under parent-selected=derived the value passes
   * to its enabled descendants: always for the user's click or setting, and
   * when its own state changes for an attribute or a script.
   */
  set(i: number, flag: ChoiceFlag, value: boolean, cause: Cause): boolean {
    if (flag !== 'selected') return this.setOwn(i, flag, value);
    const passDown =
      this.policies['parent-selected'] === 'derived' &&
      this.hasChildren(i) &&
      (cause === 'click' || cause === 'setting' || this.own.selected[i] !== (value ? 1 : 0));
    const changed = this.setOwn(i, 'selected', value);
    if (!passDown) return changed;
    const followed = this.passDown(i, value);
    if (followed.length > 0 && (cause === 'attribute' || cause === 'script') && !this.quiet) {
      const id = this.defs[i]!.id;
      const names =
        followed
          .slice(0, 3)
          .map((k) => `'${q(this.defs[k]!.id)}'`)
          .join(', ') + (followed.length > 3 ? ` and ${followed.length - 3} more` : '');
      this.report(
        'CHOICE_PARENT_STATE_DERIVED',
        `choice '${q(id)}' became ${value ? 'selected' : 'deselected'} by its ${cause === 'script' ? 'script assignment' : 'attribute'}, and its enabled children ${names} followed, as a click would do (policy parent-selected=derived)`,
        `pass:${id}`,
        { choice: id, selected: value },
        this.defs[i]!.position,
      );
    }
    return changed || followed.length > 0;
  }

  // ---- ChoiceStateAccess: the host's view ------------------------------------------

  read(id: string, flag: ChoiceFlag): boolean {
    const i = this.index.get(id);
    if (i === undefined) return true;
    const value = this.value(i, flag);
    if (this.early) this.reportEarly(i, flag, value);
    return value;
  }

  write(id: string, flag: ChoiceFlag, value: boolean): void {
    const i = this.index.get(id);
    if (i !== undefined) this.set(i, flag, value, 'script');
  }

  tooltip(id: string): string | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.tooltips.get(i);
  }

  setTooltip(id: string, text: string): void {
    const i = this.index.get(id);
    if (i !== undefined) this.tooltips.set(i, clip(text, MAX_TOOLTIP));
  }

  // ---- results ------------------------------------------------------------------------

  /** The choices in outline pre-order, as the report shows them; titles and descriptions through this Mac's string table. */
  results(strings?: ReadonlyMap<string, string>): ChoiceResult[] {
    const text = (key: string | undefined, resolved: string | undefined) => (key !== undefined && strings ? localizeWith(strings, key) : resolved) ?? null;
    return this.outline.map((i, k) => {
      const def = this.defs[i]!;
      return {
        id: def.id,
        parent: this.order[k]!.parent,
        title: text(def.titleKey, def.title),
        description: text(def.descriptionKey, def.description),
        visible: this.value(i, 'visible'),
        enabled: this.value(i, 'enabled'),
        selected: this.value(i, 'selected'),
        selectedState: this.shown(i),
        customLocation: this.customLocation(i),
      };
    });
  }

  /** Where the outline makes a choice show other than its own state (policies parent-constraint, parent-selected). */
  reportOutlineEffects(): void {
    const constrain = this.policies['parent-constraint'] === 'subtree';
    for (const i of this.outline) {
      const id = this.defs[i]!.id;
      for (const flag of ['visible', 'enabled'] as const) {
        if (this.own[flag][i] !== 1) continue;
        let p = this.parent[i]!;
        while (p >= 0 && this.own[flag][p] === 1) p = this.parent[p]!;
        if (p < 0) continue;
        const parentId = this.defs[p]!.id;
        const state = flag === 'visible' ? 'hidden' : 'disabled';
        const message = constrain
          ? `choice '${q(id)}' is ${flag} on its own, but its ancestor '${q(parentId)}' is ${state}: it is shown ${state} (policy parent-constraint=subtree)`
          : `choice '${q(id)}' is shown ${flag} although its ancestor '${q(parentId)}' is ${state} (policy parent-constraint=none)`;
        this.report('CHOICE_CONSTRAINED_BY_PARENT', message, `${id}:${flag}`, { choice: id, ancestor: parentId, attribute: flag }, this.defs[i]!.position);
      }
      if (this.policies['parent-selected'] === 'own' && this.hasChildren(i) && this.own.selected[i] !== (this.derived[i] !== 0 ? 1 : 0)) {
        const own = this.own.selected[i] === 1;
        this.report(
          'CHOICE_PARENT_STATE_DERIVED',
          `choice '${q(id)}' reads as ${own ? 'selected' : 'not selected'} (its own state) although its children show ${this.derived[i]} (policy parent-selected=own)`,
          `own:${id}`,
          { choice: id, selected: own, shown: this.derived[i]! },
          this.defs[i]!.position,
        );
      }
    }
  }

  /** A diagnostic at a choice's definition, or at the evaluation in progress. */
  report(code: DiagnosticCode, message: string, key: string, args: Diagnostic['args'], at?: Position): void {
    const ev = at ? undefined : this.current();
    const location = at ?? ev?.position;
    this.sink.add(
      createDiagnostic(code, message, {
        ...(location && { location: { file: this.dist.path, ...location } }),
        ...(ev && { source: ev.source }),
        ...(args && { args }),
      }),
      key,
    );
  }

  // ---- internals --------------------------------------------------------------------------

  private setOwn(i: number, flag: ChoiceFlag, value: boolean): boolean {
    const v = value ? 1 : 0;
    this.guessed[flag][i] = 0;
    if (this.own[flag][i] === v) return false;
    this.own[flag][i] = v;
    if (flag === 'selected') {
      if (this.selfMember[i]) this.membersSelected[i]! += value ? 1 : -1;
      this.refresh(i);
    }
    return true;
  }

  /** The value to the enabled descendants (through enabled choices only); returns those that changed. */
  private passDown(i: number, value: boolean): number[] {
    const changed: number[] = [];
    const stack = [...(this.children[i] ?? [])];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (this.own.enabled[k] !== 1) continue;
      if (this.setOwn(k, 'selected', value)) changed.push(k);
      for (const c of this.children[k] ?? []) stack.push(c);
    }
    return changed;
  }

  /** Recomputes a shown state after its own state or its members changed, and carries the change up the outline. */
  private refresh(start: number): void {
    let i = start;
    for (;;) {
      const next = this.computeShown(i);
      const old = this.derived[i]!;
      if (next === old) return;
      this.derived[i] = next;
      const p = this.parent[i]!;
      if (p < 0) return;
      if (old === 1) this.membersSelected[p]!--;
      else if (old === -1) this.membersMixed[p]!--;
      if (next === 1) this.membersSelected[p]!++;
      else if (next === -1) this.membersMixed[p]!++;
      i = p;
    }
  }

  private computeShown(i: number): SelectedState {
    const members = this.members[i]!;
    if (members === 0) return this.own.selected[i] === 1 ? 1 : 0;
    if (this.membersSelected[i] === members) return 1;
    return this.membersSelected[i] === 0 && this.membersMixed[i] === 0 ? 0 : -1;
  }

  private reportEarly(i: number, flag: ChoiceFlag, value: boolean): void {
    const id = this.defs[i]!.id;
    const policy = this.policies['early-choice-state'];
    const def = this.defs[i]!;
    const why =
      policy === 'true'
        ? 'every choice reads true until the choice phase'
        : this.guessed[flag][i]
          ? `its start_${flag} is JavaScript, which runs only in the choice phase, so the default is returned`
          : earlyLiteral(def, flag) !== undefined
            ? `its literal ${def.attributes[`start_${flag}`] ? `start_${flag}` : flag}`
            : 'the attribute default';
    this.report(
      'CHOICE_STATE_READ_EARLY',
      `choices.${q(id)}.${flag} read before the choice phase: ${value} (${why}; policy early-choice-state=${policy})`,
      `${id}:${flag}`,
      { choice: id, attribute: flag, value },
    );
  }
}

const START = { visible: 'start_visible', enabled: 'start_enabled', selected: 'start_selected' } as const;

/** The value a choice shows before its attributes run: a literal start_*, else a literal dynamic attribute. */
function earlyLiteral(def: ChoiceDef, flag: ChoiceFlag): boolean | undefined {
  const start = def.attributes[START[flag]];
  if (start) return literal(start);
  const dynamic = def.attributes[flag];
  return dynamic ? literal(dynamic) : undefined;
}

function hasScript(def: ChoiceDef, flag: ChoiceFlag): boolean {
  const start = def.attributes[START[flag]];
  return start ? start.kind === 'script' : def.attributes[flag]?.kind === 'script';
}

function hasAttributes(def: ChoiceDef): boolean {
  for (const _ in def.attributes) return true;
  return false;
}

function literal(value: AttributeValue): boolean | undefined {
  return value.kind === 'literal' ? value.value : undefined;
}

/** A location as change files write it: with a leading `/`. */
function rooted(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** An input-controlled name inside a message: bounded. */
function q(text: string): string {
  return clip(text, MAX_ARG_LENGTH);
}
