import { loadProfiles } from '../src/profile/index.js';
import { getEngine, setWasmMemoryCap } from '../src/sandbox/engine.js';
import { defaultPolicies } from '../src/installer/policy.js';
import { quickjsSessions, runProfile } from '../src/simulate/run-profile.js';
import { DEFAULT_LIMITS } from '../src/simulate/limits.js';
import { corpusDistributions } from './corpus.js';

/** Runs N evaluations (corpus × profiles, round robin) in this process and prints the peak RSS. */
const n = Number(process.argv[2] ?? 10_000);
setWasmMemoryCap(DEFAULT_LIMITS.wasmMemoryBytes);
const sessions = quickjsSessions(await getEngine());
const distributions = corpusDistributions();
const profiles = loadProfiles({});
const settings = { policies: defaultPolicies(), limits: DEFAULT_LIMITS, now: 0, seed: 1 };
for (let i = 0; i < n; i++)
  runProfile(sessions, distributions[i % distributions.length]!, profiles[Math.floor(i / distributions.length) % profiles.length]!, settings);
process.stdout.write(JSON.stringify({ evaluations: n, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
