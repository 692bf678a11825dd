/**
 * Bounds on expectation files. A spec is input like any other: a hand-written
 * one is a few kilobytes and a snapshot of a large Distribution on every
 * built-in profile stays far below these, so each bound only stops files that
 * could cost time or memory out of proportion.
 */

/** Largest expectation file read. */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** Deepest nesting of mappings and sequences (the format itself needs 6). */
export const MAX_SPEC_DEPTH = 32;

/** Flow collections (`[`, `{`) opened and not closed, checked before the YAML parser sees the text. */
export const MAX_FLOW_DEPTH = 32;

/** Block indicators (`- `, `? `) on one line: `- - - - x` nests one level per indicator. */
export const MAX_INDICATORS_PER_LINE = 32;

/** Indentation of one line, in columns: every level of block nesting needs more of it. */
export const MAX_INDENT = 256;

/** YAML alias nodes (`*name`) in one file. */
export const MAX_ALIASES = 64;

/** The yaml package's bound on what aliases expand to (its resource-exhaustion check). */
export const MAX_ALIAS_EXPANSION = 100;

/** Checks one run may make: distributions × profiles × expectations. */
export const MAX_TEST_CASES = 200_000;

/** Pattern-matching work for one run, in automaton steps, shared by every message and title pattern. */
export const PATTERN_STEP_BUDGET = 50_000_000;

/** Longest text a pattern is matched against (check messages are much shorter). */
export const MAX_MATCH_SUBJECT = 64 * 1024;

/** Longest expected or actual value quoted in a failure. */
export const MAX_QUOTED = 500;
