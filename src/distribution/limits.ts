/**
 * Bounds on what one Distribution file can make the parser build. Each is
 * far above what a real file needs and keeps a hostile one linear in time
 * and memory.
 */

/** Elements nested deeper are refused: real Distributions nest about 5 levels, and the outline walk is recursive. */
export const MAX_NESTING = 256;

/**
 * Position-map segments one file may start beyond the first of each text
 * (a segment per entity reference, per line of an attribute value, per
 * comment in a script): a real Distribution has a few hundred. Past the
 * budget, positions further into a text are approximate rather than the map
 * growing to gigabytes in every worker.
 */
export const SEGMENT_BUDGET = 1_000_000;
