/**
 * Known errors: problems with the user's input or invocation. The CLI prints
 * their message on one line (no stack) and exits 2. Anything else that
 * escapes is a bug and exits 3.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Optional second line: how to fix it. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options?.hint;
  }
}

/** Bad flags or arguments. */
export class UsageError extends InputError {
  override readonly name = 'UsageError' as 'InputError';
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
