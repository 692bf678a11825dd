import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './codes.js';

/** 1-based position in a source file. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * A finding. Data only: `message` is plain text for people, `args` carries
 * the facts machines should read. Tests assert on `code`, never on `message`.
 */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Where in the Distribution (or profile) it comes from. */
  location?: SourceLocation;
  /** The evaluation it concerns, in Apple's XPath-like style: `installation-check@script`, `choice[id]@selected`, `script[1]`. */
  source?: string;
  args?: Record<string, string | number | boolean | null>;
}

export function createDiagnostic(
  code: DiagnosticCode,
  message: string,
  extra: Omit<Diagnostic, 'code' | 'severity' | 'message'> & { severity?: Severity } = {},
): Diagnostic {
  const { severity, ...rest } = extra;
  return { code, severity: severity ?? DIAGNOSTIC_CODES[code].severity, message, ...rest };
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

export function formatLocation(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}:${location.column}` : '';
}
