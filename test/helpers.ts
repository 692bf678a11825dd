import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDistribution, type ParseOptions } from '../src/distribution/parse.js';
import { applyOverrides, loadProfiles } from '../src/profile/index.js';
import { packageRoot } from '../src/profile/builtin-dir.js';
import type { Profile } from '../src/profile/types.js';
import { getEngine, setWasmMemoryCap } from '../src/sandbox/engine.js';
import { defaultPolicies, type Policies } from '../src/installer/policy.js';
import { quickjsSessions, runProfile } from '../src/simulate/run-profile.js';
import { DEFAULT_LIMITS, DEFAULT_NOW, DEFAULT_SEED } from '../src/simulate/limits.js';
import type { ProfileResult } from '../src/types.js';

export const ROOT = packageRoot();
export const CORPUS = path.join(ROOT, '..', 'shared', 'corpus', 'real');
export const CLI = path.join(ROOT, 'bin', 'distsim.js');

export function fixture(name: string): string {
  return path.join(ROOT, 'test', 'fixtures', name);
}

let builtins: Profile[] | undefined;
export function builtinProfiles(): Profile[] {
  builtins ??= loadProfiles({});
  return builtins;
}

export function profile(id: string, sets: string[] = []): Profile {
  const p = builtinProfiles().find((x) => x.id === id);
  if (!p) throw new Error(`test uses unknown profile ${id}`);
  return sets.length > 0 ? applyOverrides(p, sets) : p;
}

export interface RunOptions extends ParseOptions {
  policies?: Partial<Policies>;
  limits?: Partial<typeof DEFAULT_LIMITS>;
  now?: number;
  seed?: number;
}

/**
 * Simulates a fixture (file name under test/fixtures) or inline XML on
 * profiles, in process (the worker pool is tested separately). Returns
 * results by profile id.
 */
export async function simulateXml(source: string, profiles: Array<string | Profile>, options: RunOptions = {}): Promise<Map<string, ProfileResult>> {
  const inline = source.trimStart().startsWith('<');
  const text = inline ? source : readFileSync(fixture(source), 'utf8');
  const dist = parseDistribution(text, inline ? 'inline.xml' : source, options);
  setWasmMemoryCap(DEFAULT_LIMITS.wasmMemoryBytes);
  const engine = await getEngine();
  const settings = {
    policies: { ...defaultPolicies(), ...options.policies },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    now: options.now ?? DEFAULT_NOW,
    seed: options.seed ?? DEFAULT_SEED,
  };
  const out = new Map<string, ProfileResult>();
  for (const p of profiles) {
    const prof = typeof p === 'string' ? profile(p) : p;
    out.set(prof.id, runProfile(quickjsSessions(engine), dist, prof, settings));
  }
  return out;
}

/** The one result for one profile. */
export async function simulateOne(source: string, p: string | Profile, options: RunOptions = {}): Promise<ProfileResult> {
  const results = await simulateXml(source, [p], options);
  return [...results.values()][0]!;
}

export function codes(result: ProfileResult): string[] {
  return result.diagnostics.map((d) => d.code);
}

export function choice(result: ProfileResult, id: string): { visible: boolean; enabled: boolean; selected: boolean } {
  const c = result.choices.find((x) => x.id === id);
  if (!c) throw new Error(`no choice ${id} in result`);
  return { visible: c.visible, enabled: c.enabled, selected: c.selected };
}

export function installs(result: ProfileResult): string[] {
  return result.packages.filter((p) => p.install).map((p) => p.id);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let tempDir: string | undefined;

/** Writes a file into this test process's temporary directory (removed when the process exits) and returns its path. */
export function writeTemp(name: string, content: string | Uint8Array): string {
  if (tempDir === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'distsim-test-'));
    tempDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const file = path.join(tempDir, name);
  writeFileSync(file, content);
  return file;
}

/** Golden files are rewritten instead of compared (`npm run test:update`). */
export const UPDATE_SNAPSHOTS = process.env.UPDATE_SNAPSHOTS === '1';
