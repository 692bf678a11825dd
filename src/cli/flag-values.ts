/**
 * Strict parsing of numeric and date flags. yargs' `number` type turns `abc`
 * into NaN and `1e400` into Infinity, and a limit passed on unchecked can trap
 * WebAssembly or wrap around 2^32; so these flags arrive as text and each is
 * checked here, up front, with a one-line error naming the flag.
 */
import { InputError } from '../errors.js';

/** A flag given several times arrives as an array; the last one wins, as with most command lines. */
export function lastValue(raw: unknown): unknown {
  return Array.isArray(raw) ? raw.at(-1) : raw;
}

/** A decimal integer from `min` to `max` (no sign, fraction, exponent or hex), or `fallback` when the flag is absent. */
export function integerFlag(flag: string, raw: unknown, range: { min: number; max: number }, fallback: number): number {
  const value = lastValue(raw);
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const n = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new InputError(`${flag} ${shown(value)}: must be an integer from ${range.min} to ${range.max}`, { code: 'FLAG_INVALID' });
  }
  return n;
}

/** The earliest and latest guest clocks accepted: the Unix epoch to the end of four-digit years. */
export const NOW_RANGE = { min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 date (`2026-03-01`, `2026-03-01T12:00`, `2026-03-01T12:00:00.5+02:00`)
 * as ms since the epoch. Without an offset it is UTC, so a run does not depend
 * on the machine's time zone. Impossible dates (February 30) are refused
 * rather than rolled over.
 */
export function dateFlag(flag: string, raw: unknown): number | undefined {
  const value = lastValue(raw);
  if (value === undefined) return undefined;
  const bad = (reason: string): never => {
    throw new InputError(`${flag} ${shown(value)}: ${reason}`, { code: 'FLAG_INVALID', hint: 'use ISO 8601, e.g. 2026-03-01T12:00:00Z' });
  };
  const m = ISO_DATE.exec(String(value).trim());
  if (m === null) return bad('not a date');
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const zone = (m[8] ?? 'Z').toUpperCase();
  const offsetHours = zone === 'Z' ? 0 : Number(zone.slice(1, 3));
  const offsetMinutes = zone === 'Z' ? 0 : Number(zone.slice(-2));
  if (year < 1970) return bad('must be between 1970-01-01 and 9999-12-31');
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return bad('not a valid date or time');
  }
  const offset = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
  if (ms < NOW_RANGE.min || ms > NOW_RANGE.max) return bad('must be between 1970-01-01 and 9999-12-31');
  return ms;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The flag's value as typed, kept short: it is echoed in a one-line error. */
function shown(value: unknown): string {
  const text = String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
