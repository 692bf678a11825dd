/**
 * `distsim snapshot`: today's outcomes as an expectation file, so a team can
 * lock in current behaviour and let `distsim test` flag any change.
 *
 * Only what a person would assert is recorded: installable, the check results
 * (passed, and the result type of a failure), every choice's visible /
 * enabled / selected, and which packages install. Profiles with identical
 * outcomes share one expectation that lists their ids (explicit ids, not
 * selectors, so a new built-in profile in a later distsim cannot change what
 * the file checks), in the order of the run. The text is deterministic: the
 * same report gives the same bytes.
 */
import path from 'node:path';
import { Document, type Node as YamlNode } from 'yaml';
import { InputError } from '../errors.js';
import { isInputFailure, type ProfileResult, type RunReport } from '../types.js';

export interface SnapshotOptions {
  /** The directory the expectation file will be saved in; paths in it are written relative to it. Default: `cwd`. */
  specDir?: string;
  /** The directory the report's paths are relative to (default: the current directory). */
  cwd?: string;
  /** Profile files and directories loaded for the run (as `--profile-file`, `--profiles-dir`), and the `--set` overrides. */
  profileFiles?: readonly string[];
  profileDirs?: readonly string[];
  set?: readonly string[];
  /** `--policy` settings, `name=value`. */
  policies?: readonly string[];
  /** The Distributions were read with `--recover`. */
  recover?: boolean;
}

/** The expectation file (YAML) recording the outcomes in `report`. An input that failed cannot be recorded: InputError. */
export function snapshotSpec(report: RunReport, options: SnapshotOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const specDir = options.specDir ?? cwd;
  const relative = (file: string): string => {
    const absolute = path.resolve(cwd, file);
    const rel = path.relative(specDir, absolute);
    return rel === '' || path.isAbsolute(rel) ? absolute : rel.split(path.sep).join('/');
  };
  const doc = new Document(null, { version: '1.2' });
  const flow = (value: unknown): YamlNode => {
    const node = doc.createNode(value, { aliasDuplicateObjects: false });
    (node as { flow?: boolean }).flow = true;
    return node;
  };

  let ids: string[] = [];
  const distributions = report.distributions.map((entry) => {
    if (isInputFailure(entry))
      throw new InputError(entry.error.message, { code: entry.error.code, ...(entry.error.hint !== null && { hint: entry.error.hint }) });
    const firstSeen = new Set<string>();
    const results = entry.results.filter((r) => !firstSeen.has(r.profile) && firstSeen.add(r.profile));
    if (ids.length === 0) ids = results.map((r) => r.profile);
    const groups = new Map<string, { profiles: string[]; result: ProfileResult }>();
    for (const result of results) {
      const key = outcomeKey(result);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { profiles: [result.profile], result });
      else group.profiles.push(result.profile);
    }
    const expect = [...groups.values()].map(({ profiles, result }) => expectationFor(profiles, result, flow));
    const out = new Map<string, unknown>([['path', relative(entry.path)]]);
    if (options.recover === true) out.set('recover', true);
    out.set('expect', expect);
    return out;
  });

  const profileSet = new Map<string, unknown>([['ids', ids]]);
  if (options.profileFiles?.length) profileSet.set('files', options.profileFiles.map(relative));
  if (options.profileDirs?.length) profileSet.set('dirs', options.profileDirs.map(relative));
  if (options.set?.length) profileSet.set('set', [...options.set]);
  const root = new Map<string, unknown>([['profiles', profileSet]]);
  if (options.policies?.length) {
    root.set('policies', new Map(options.policies.map((s) => [s.slice(0, Math.max(0, s.indexOf('='))), s.slice(s.indexOf('=') + 1)])));
  }
  root.set('distributions', distributions);
  doc.contents = doc.createNode(root, { aliasDuplicateObjects: false }) as typeof doc.contents;
  doc.commentBefore =
    ` Outcomes recorded by distsim snapshot on ${ids.length} profile${ids.length === 1 ? '' : 's'}.\n` +
    ' Check them with: distsim test <this file>. Edit freely: drop what you do not care about,\n' +
    ' add names, where selectors, message patterns, log lines or diagnostic codes.';
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

/** What the snapshot records of one result, as a comparable key. */
function outcomeKey(r: ProfileResult): string {
  const choices = firstById(r.choices, (c) => c.id).map((c) => [c.id, c.visible, c.enabled, c.selected]);
  const volumes = firstById(r.volumes, (v) => v.mountpoint).map((v) => [v.mountpoint, v.passed, v.resultType]);
  const packages = firstById(r.packages, (p) => p.id).map((p) => [p.id, p.install]);
  return JSON.stringify([r.installable, r.installationCheck.passed, r.installationCheck.resultType, volumes, choices, packages]);
}

function expectationFor(profiles: string[], r: ProfileResult, flow: (value: unknown) => YamlNode): Map<string, unknown> {
  const out = new Map<string, unknown>();
  out.set('profiles', profiles);
  out.set('installable', r.installable);
  out.set('installationCheck', flow(checkRecord(r.installationCheck)));
  const volumes = firstById(r.volumes, (v) => v.mountpoint);
  if (volumes.length > 0) out.set('volumes', new Map(volumes.map((v) => [v.mountpoint, flow(checkRecord(v))])));
  const choices = firstById(r.choices, (c) => c.id);
  if (choices.length > 0)
    out.set(
      'choices',
      new Map(
        choices.map((c) => [
          c.id,
          flow(
            new Map([
              ['visible', c.visible],
              ['enabled', c.enabled],
              ['selected', c.selected],
            ]),
          ),
        ]),
      ),
    );
  const packages = firstById(r.packages, (p) => p.id);
  if (packages.length > 0) {
    out.set(
      'packages',
      new Map([
        ['installed', packages.filter((p) => p.install).map((p) => p.id)],
        ['notInstalled', packages.filter((p) => !p.install).map((p) => p.id)],
      ]),
    );
  }
  return out;
}

function checkRecord(check: { passed: boolean; resultType: string | null }): Map<string, unknown> {
  return check.passed
    ? new Map([['passed', true]])
    : new Map<string, unknown>([
        ['passed', false],
        ['resultType', check.resultType],
      ]);
}

/** The first item for each id, in order (a choice on two outline lines is reported twice; checks read the first). */
function firstById<T>(items: readonly T[], id: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(id(item)) && seen.add(id(item)));
}
