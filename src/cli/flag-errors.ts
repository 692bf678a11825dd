import { InputError } from '../errors.js';

/**
 * Runs `fn`, and puts the flag in front of the message of an InputError it
 * throws: the library says what is wrong with a value (`truthiness=maybe:
 * 'maybe' is not one of js, strict`), the CLI says which flag carried it
 * (`--policy truthiness=maybe: ...`). Code, hint and location are kept.
 */
export function withFlag<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(`${prefix}${error.message}`, {
      code: error.code,
      ...(error.hint !== undefined && { hint: error.hint }),
      ...(error.location !== undefined && { location: error.location }),
      cause: error,
    });
  }
}
