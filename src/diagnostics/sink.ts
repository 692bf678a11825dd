import type { DiagnosticCode } from './codes.js';
import { createDiagnostic, type Diagnostic } from './diagnostic.js';

/** Diagnostics of one code kept per profile; the rest are counted in one DIAGNOSTICS_SUPPRESSED. */
export const MAX_DIAGNOSTICS_PER_CODE = 50;
/** Longest message, and longest string argument, kept in a diagnostic. */
export const MAX_MESSAGE_LENGTH = 1000;
export const MAX_ARG_LENGTH = 200;

/**
 * Collects the diagnostics of one profile (or one file): each one once per
 * key, at most MAX_DIAGNOSTICS_PER_CODE per code, with messages and
 * arguments capped. Guest code controls how many distinct questions it asks
 * and how long their names are, so without these bounds one script could
 * make a report of any size.
 */
export class DiagnosticSink {
  private readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private readonly perCode = new Map<DiagnosticCode, number>();
  /** Where each kept keyed diagnostic is in `items`, by code and key (see update). */
  private readonly keyed = new Map<string, number>();

  /** Adds a diagnostic unless one with the same code and key was added before. Returns whether it was kept. */
  add(diagnostic: Diagnostic, key?: string): boolean {
    if (key !== undefined) {
      const k = `${diagnostic.code}\u0000${key}`;
      if (this.seen.has(k)) return false;
      this.seen.add(k);
    }
    const count = (this.perCode.get(diagnostic.code) ?? 0) + 1;
    this.perCode.set(diagnostic.code, count);
    if (count > MAX_DIAGNOSTICS_PER_CODE) return false;
    if (key !== undefined) this.keyed.set(`${diagnostic.code}\u0000${key}`, this.items.length);
    this.items.push(bounded(diagnostic));
    return true;
  }

  /**
   * Replaces the kept diagnostic added with this code and key by
   * `change(it)` (bounded like any other), in its place. Returns false when
   * none was kept (never added, or past the cap).
   */
  update(code: DiagnosticCode, key: string, change: (d: Diagnostic) => Diagnostic): boolean {
    const at = this.keyed.get(`${code}\u0000${key}`);
    if (at === undefined) return false;
    this.items[at] = bounded(change(this.items[at]!));
    return true;
  }

  /** Shorthand for add(createDiagnostic(...), key). */
  report(code: DiagnosticCode, message: string, extra: Parameters<typeof createDiagnostic>[2] = {}, key?: string): boolean {
    return this.add(createDiagnostic(code, message, extra), key);
  }

  /** The kept diagnostics, then one DIAGNOSTICS_SUPPRESSED per code that passed the cap. */
  list(): Diagnostic[] {
    const out = [...this.items];
    for (const [code, count] of this.perCode) {
      if (count <= MAX_DIAGNOSTICS_PER_CODE) continue;
      out.push(
        createDiagnostic(
          'DIAGNOSTICS_SUPPRESSED',
          `${count - MAX_DIAGNOSTICS_PER_CODE} more ${code} diagnostics were not listed (at most ${MAX_DIAGNOSTICS_PER_CODE} per code)`,
          {
            args: { code, suppressed: count - MAX_DIAGNOSTICS_PER_CODE },
          },
        ),
      );
    }
    return out;
  }
}

function bounded(d: Diagnostic): Diagnostic {
  const message = clip(d.message, MAX_MESSAGE_LENGTH);
  let args = d.args;
  if (args) {
    let changed = false;
    const copy: NonNullable<Diagnostic['args']> = Object.create(null) as NonNullable<Diagnostic['args']>;
    for (const [k, v] of Object.entries(args)) {
      const value = typeof v === 'string' ? clip(v, MAX_ARG_LENGTH) : v;
      if (value !== v) changed = true;
      copy[k] = value;
    }
    if (changed) args = { ...copy };
  }
  return message === d.message && args === d.args ? d : { ...d, message, ...(args && { args }) };
}

/** Shortens text to at most `max` code units (never splitting a surrogate pair), the last one marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
