import type { DiagnosticCode } from '../diagnostics/codes.js';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';

/** Findings of one code listed per file; the rest are counted in one DIAGNOSTICS_SUPPRESSED. */
export const MAX_STATIC_DIAGNOSTICS_PER_CODE = 100;
/** Longest piece of input text quoted in a message or an argument. */
export const MAX_QUOTED_LENGTH = 200;
/** Longest message, whatever it quotes. */
const MAX_MESSAGE_LENGTH = 1000;

/**
 * The parse-time findings of one file. The input decides how many there are
 * (150,000 outline lines naming undefined choices are 150,000 findings) and
 * how long the names they quote are, so both are bounded: at most
 * MAX_STATIC_DIAGNOSTICS_PER_CODE per code, then a count. A finding past the
 * cap is not even built (`add` takes a function), so locating it costs
 * nothing.
 */
export class StaticDiagnostics {
  private readonly items: Diagnostic[] = [];
  private readonly counts = new Map<DiagnosticCode, number>();
  /** Codes in the order they first passed the cap (the summaries' order). */
  private readonly suppressed: DiagnosticCode[] = [];

  add(code: DiagnosticCode, make: () => Diagnostic): void {
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count <= MAX_STATIC_DIAGNOSTICS_PER_CODE) this.items.push(bounded(make()));
    else if (count === MAX_STATIC_DIAGNOSTICS_PER_CODE + 1) this.suppressed.push(code);
  }

  /** Whether another finding of `code` would only be counted. */
  isFull(code: DiagnosticCode): boolean {
    return (this.counts.get(code) ?? 0) >= MAX_STATIC_DIAGNOSTICS_PER_CODE;
  }

  /** Counts `n` more findings of a `code` that is full (see isFull), without building them. */
  countMore(code: DiagnosticCode, n: number): void {
    const before = this.counts.get(code) ?? 0;
    if (n <= 0 || before < MAX_STATIC_DIAGNOSTICS_PER_CODE) return;
    this.counts.set(code, before + n);
    if (before === MAX_STATIC_DIAGNOSTICS_PER_CODE) this.suppressed.push(code);
  }

  /** Shorthand for add(code, () => createDiagnostic(code, message(), extra)). */
  report(code: DiagnosticCode, message: () => string, extra: () => Parameters<typeof createDiagnostic>[2]): void {
    this.add(code, () => createDiagnostic(code, message(), extra()));
  }

  /** The listed findings in the order found, then one DIAGNOSTICS_SUPPRESSED per code that passed the cap. */
  list(): Diagnostic[] {
    const out = [...this.items];
    for (const code of this.suppressed) {
      const more = this.counts.get(code)! - MAX_STATIC_DIAGNOSTICS_PER_CODE;
      out.push(
        createDiagnostic(
          'DIAGNOSTICS_SUPPRESSED',
          `${more} more ${code} diagnostics were not listed (at most ${MAX_STATIC_DIAGNOSTICS_PER_CODE} per code in a file)`,
          {
            args: { code, suppressed: more },
          },
        ),
      );
    }
    return out;
  }
}

/** Input text as a message or an argument quotes it: at most MAX_QUOTED_LENGTH code units, never half a surrogate pair. */
export function quote(text: string): string {
  return clip(text, MAX_QUOTED_LENGTH);
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A safety net behind `quote`: no message or string argument of any size reaches a report. */
function bounded(d: Diagnostic): Diagnostic {
  const message = clip(d.message, MAX_MESSAGE_LENGTH);
  if (!d.args) return message === d.message ? d : { ...d, message };
  const args: NonNullable<Diagnostic['args']> = {};
  for (const [name, value] of Object.entries(d.args)) args[name] = typeof value === 'string' ? quote(value) : value;
  return { ...d, message, args };
}
