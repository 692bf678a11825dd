import { InputError } from '../errors.js';

/**
 * A predicate that does not parse. `offset` is 0-based into the predicate
 * text (UTF-16 code units); the caller maps it to file:line:column inside
 * the element that held the predicate. The Installer treats a predicate it
 * cannot parse as a failed requirement, so callers report it and fail the
 * check rather than letting it abort the run.
 */
export class PredicateSyntaxError extends InputError {
  override readonly name: string = 'PredicateSyntaxError';
  readonly offset: number;
  /** The message without the offset (the InputError message adds it for one-line display). */
  readonly reason: string;
  constructor(reason: string, offset: number) {
    super(`predicate syntax error at offset ${offset}: ${reason}`, { code: 'PREDICATE_SYNTAX_ERROR' });
    this.offset = offset;
    this.reason = reason;
  }
}
