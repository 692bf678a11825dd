/**
 * The switch and the status of the engine's fast paths: memory images
 * between profiles (image.ts) and direct host calls (direct-calls.ts). Both
 * are on unless switched off here or with DISTSIM_FAST_PATHS=0 in the
 * environment (for measurements, and to rule them out when something looks
 * wrong); each is also off when its start-up self-check fails.
 */
let enabled = process.env.DISTSIM_FAST_PATHS !== '0';

export function setFastPaths(on: boolean): void {
  enabled = on;
}

export function fastPathsEnabled(): boolean {
  return enabled;
}
