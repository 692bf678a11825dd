import { InputError } from '../errors.js';
import { formatPath, type PathSegment } from './json-path.js';

/** Where a problem is in an expectation file. */
export interface SpecPosition {
  line: number;
  column: number;
}

/**
 * A problem with an expectation file, on one line:
 * `spec.yaml:12:7: unknown property "installabel" (at distributions[0].expect[1])`.
 * `distsim test` exits 2 on it. The code is `SPEC_INVALID` (or the code of
 * the underlying problem: `FILE_UNREADABLE`, `FILE_TOO_LARGE`, `WHERE_INVALID`,
 * `PROFILE_UNKNOWN`, ...); `jsonPath` is the path of the offending value.
 */
export class SpecError extends InputError {
  override readonly name: string = 'SpecError';
  readonly jsonPath: string;
  constructor(
    file: string,
    position: SpecPosition,
    message: string,
    at: readonly PathSegment[] | null,
    options: { code?: string; hint?: string; cause?: unknown } = {},
  ) {
    const where = at === null ? '' : ` (at ${formatPath(at)})`;
    super(`${file}:${position.line}:${position.column}: ${oneLine(message)}${where}`, {
      code: options.code ?? 'SPEC_INVALID',
      location: { file, line: position.line, column: position.column },
      ...(options.hint !== undefined && { hint: options.hint }),
      ...(options.cause !== undefined && { cause: options.cause }),
    });
    this.jsonPath = at === null ? '' : formatPath(at);
  }
}

/** Messages from other layers may span lines (a profile's problems, one per line); a spec error is one line. */
function oneLine(message: string): string {
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  return lines.length <= 1 ? (lines[0] ?? message) : `${lines[0]!} (${lines.slice(1, 3).join('; ')}${lines.length > 3 ? '; …' : ''})`;
}
