import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDistribution, type ParseOptions } from '../src/distribution/parse.js';
import { applyOverrides, loadProfiles } from '../src/profile/index.js';
import { packageRoot } from '../src/package-root.js';
import type { Profile } from '../src/profile/types.js';
import type { Policies } from '../src/installer/policy.js';
import { simulate } from '../src/runner/simulate.js';
import type { DEFAULT_LIMITS } from '../src/simulate/limits.js';
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
 * profiles through the public library, in process (`workers: 0`; the worker
 * pool is tested through the CLI). Returns results by profile id.
 */
export async function simulateXml(source: string, profiles: Array<string | Profile>, options: RunOptions = {}): Promise<Map<string, ProfileResult>> {
  const inline = source.trimStart().startsWith('<');
  const text = inline ? source : readFileSync(fixture(source), 'utf8');
  const dist = parseDistribution(text, inline ? 'inline.xml' : source, options);
  const chosen = profiles.map((p) => (typeof p === 'string' ? profile(p) : p));
  const report = await simulate(dist, chosen, {
    workers: 0,
    ...(options.policies && { policies: options.policies }),
    ...(options.limits && { limits: options.limits }),
    ...(options.now !== undefined && { now: options.now }),
    ...(options.seed !== undefined && { seed: options.seed }),
  });
  return new Map(report.results.map((r) => [r.profile, r]));
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

export function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env } });
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

let tempRoot: string | undefined;

/** A fresh directory under this test process's temporary root, which is removed when the process exits. */
export function tempDir(prefix = 'dir-'): string {
  if (tempRoot === undefined) {
    const root = mkdtempSync(path.join(tmpdir(), 'distsim-test-'));
    tempRoot = root;
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return mkdtempSync(path.join(tempRoot, prefix));
}

/** Writes a file into a fresh temporary directory (removed when the process exits) and returns its path. */
export function writeTemp(name: string, content: string | Uint8Array): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

/** Golden files are rewritten instead of compared (`npm run test:update`). */
export const UPDATE_SNAPSHOTS = process.env.UPDATE_SNAPSHOTS === '1';
