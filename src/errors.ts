/**
 * Known errors: problems with the user's input or invocation. The CLI prints
 * their message on one line (no stack) and exits 2. Anything else that
 * escapes is a bug and exits 3.
 *
 * Each carries data, not only prose: a stable SCREAMING_SNAKE `code`
 * (`XML_MALFORMED`, `FILE_UNREADABLE`, `XAR_TRUNCATED`, ...), the location
 * when there is one, and an optional hint. The library never words an error
 * in terms of CLI flags; the CLI adds flag names where it maps arguments.
 */
export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

export interface InputErrorOptions {
  /** Stable code for machines (tests and CI match on it, never on the message). */
  code?: string;
  /** Optional second line: how to fix it. */
  hint?: string;
  location?: ErrorLocation;
  cause?: unknown;
}

export class InputError extends Error {
  override readonly name: string = 'InputError';
  readonly code: string;
  /** Optional second line: how to fix it. */
  readonly hint: string | undefined;
  readonly location: ErrorLocation | undefined;
  constructor(message: string, options: InputErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'INPUT_INVALID';
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** Bad flags or arguments. */
export class UsageError extends InputError {
  override readonly name: string = 'UsageError';
  constructor(message: string, options: InputErrorOptions = {}) {
    super(message, { code: 'USAGE', ...options });
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
