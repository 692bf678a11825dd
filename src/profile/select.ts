/**
 * Profile selection: `--where 'arch=arm64 os>=13 <15 rosetta=false'`.
 *
 * An expression is a list of terms separated by spaces; a profile matches
 * when every term matches (AND). Several expressions (several `--where`
 * flags) are ORed: a profile is selected when any expression matches it.
 *
 *   arch=<ppc|i386|x86_64|arm64>, arch!=...   physical CPU architecture
 *   os<op><version>     macOS version (systemVersion.ProductVersion), op one
 *                       of = != < <= > >=. The ordered comparisons are
 *                       numeric (semver.coerce on both sides: 10.9 < 10.10,
 *                       26.1 = 26.1.0). `os=V` matches V and every release
 *                       below it: os=14 is any 14.x, os=10.15 any 10.15.x,
 *                       os=14.8.3 exactly that; os!=V is its negation.
 *   ram<op><size>       physical memory (hw.memsize), op as for os. Size is
 *                       bytes, or a number with a binary unit: K/KB/KiB =
 *                       2^10, M/MB/MiB = 2^20, G/GB/GiB = 2^30, T/TB/TiB =
 *                       2^40 (case-insensitive): ram>=8GB, ram<16G.
 *   model=<pattern>     model identifier (hw.model); with * or ? a glob over
 *                       the whole identifier (model=MacBookAir*), otherwise a
 *                       substring (model=MacPro); case-insensitive. Also !=.
 *   id=<pattern>        profile id; glob with * and ?, otherwise exact;
 *                       case-insensitive. Also !=.
 *   rosetta=true|false  Rosetta 2 installed (always false off arm64). Also !=.
 *   launch=gui|cli      how the Installer was launched (default gui). Also !=.
 *
 * A bare comparison after an os or ram term continues it, so
 * `os>=13 <15` means 13 <= os < 15 and `ram>=8G <=16G` a memory range.
 */
import semver from 'semver';
import { InputError } from '../errors.js';
import { abbreviate } from '../util/abbreviate.js';
import type { Profile } from './types.js';

export type WhereKey = 'arch' | 'os' | 'ram' | 'model' | 'id' | 'rosetta' | 'launch';
export type WhereOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface WhereTerm {
  readonly key: WhereKey;
  readonly op: WhereOp;
  /** The value as written (`13`, `8GB`, `MacBookAir*`). */
  readonly value: string;
  /** The token this term came from. */
  readonly text: string;
}

/** One parsed `--where` expression: its terms are ANDed. */
export interface ProfileSelector {
  readonly expr: string;
  readonly terms: readonly WhereTerm[];
}

export const WHERE_KEYS: readonly WhereKey[] = ['arch', 'os', 'ram', 'model', 'id', 'rosetta', 'launch'];
const ORDERED: ReadonlySet<WhereKey> = new Set<WhereKey>(['os', 'ram']);
const ARCHES = ['ppc', 'i386', 'x86_64', 'arm64'];
const TERM = /^([A-Za-z]+)(!=|>=|<=|=|<|>)(.*)$/;
const BARE = /^(!=|>=|<=|=|<|>)(.*)$/;
const HINT = "example: 'arch=arm64 os>=13 <15 ram>=8GB rosetta=false'";

/**
 * Parses one expression. Throws an InputError `WHERE_INVALID` whose message
 * says what is wrong without naming a flag; the CLI prefixes its own.
 */
export function parseWhere(expr: string): ProfileSelector {
  const tokens = expr
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  if (tokens.length === 0) throw new InputError(`empty expression; valid keys: ${WHERE_KEYS.join(', ')}`, { code: 'WHERE_INVALID', hint: HINT });
  const terms: WhereTerm[] = [];
  let previous: WhereKey | undefined;
  for (const token of tokens) {
    const bad = (reason: string): never => {
      throw new InputError(`invalid term "${abbreviate(token)}": ${reason}; valid keys: ${WHERE_KEYS.join(', ')}`, { code: 'WHERE_INVALID', hint: HINT });
    };
    let key: WhereKey;
    let op: WhereOp;
    let value: string;
    const full = TERM.exec(token);
    const bare = full === null ? BARE.exec(token) : null;
    if (full !== null) {
      const name = full[1]!.toLowerCase();
      if (!(WHERE_KEYS as readonly string[]).includes(name)) bad(`unknown key "${full[1]!}"`);
      key = name as WhereKey;
      op = full[2] as WhereOp;
      value = full[3]!;
    } else if (bare !== null) {
      if (previous === undefined || !ORDERED.has(previous)) {
        bad('a bare comparison must follow an os or ram term (as in "os>=13 <15")');
      }
      key = previous!;
      op = bare[1] as WhereOp;
      value = bare[2]!;
    } else {
      return bad('expected <key><op><value>, op one of = != < <= > >=');
    }
    if (value === '') bad('missing value');
    if (!ORDERED.has(key) && op !== '=' && op !== '!=') bad(`"${key}" only supports = and !=`);
    checkValue(key, value, bad);
    terms.push({ key, op, value, text: token });
    previous = key;
  }
  return { expr, terms };
}

function checkValue(key: WhereKey, value: string, bad: (reason: string) => never): void {
  switch (key) {
    case 'arch':
      if (!ARCHES.includes(value)) bad(`arch must be one of ${ARCHES.join(', ')}`);
      return;
    case 'os':
      if (!/^\d+(?:\.\d+){0,2}$/.test(value)) bad('os needs a version such as 13, 10.15 or 14.8.3');
      return;
    case 'ram':
      if (parseSize(value) === undefined) bad('ram needs a size such as 8GB, 16G, 512M or a number of bytes');
      return;
    case 'rosetta':
      if (value !== 'true' && value !== 'false') bad('rosetta must be true or false');
      return;
    case 'launch':
      if (value !== 'gui' && value !== 'cli') bad('launch must be gui or cli');
      return;
    case 'model':
    case 'id':
      return;
  }
}

const UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['b', 1],
  ['k', 2 ** 10],
  ['m', 2 ** 20],
  ['g', 2 ** 30],
  ['t', 2 ** 40],
]);

/** Bytes for `8GB`, `16G`, `1.5GiB`, `512m`, `4294967296` (binary units); undefined if malformed. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(?:([kmgt])(?:i?b)?|(b))?$/i.exec(text);
  if (match === null) return undefined;
  const unit = (match[2] ?? match[3] ?? '').toLowerCase();
  const bytes = Math.round(Number(match[1]) * UNITS.get(unit)!);
  return Number.isFinite(bytes) ? bytes : undefined;
}

/** Profiles matching any of the selectors (all profiles when there are none), in their original order. */
export function selectProfiles(profiles: Profile[], selectors: ProfileSelector[]): Profile[] {
  if (selectors.length === 0) return [...profiles];
  return profiles.filter((profile) => selectors.some((selector) => matchesSelector(profile, selector)));
}

export function matchesSelector(profile: Profile, selector: ProfileSelector): boolean {
  return selector.terms.every((term) => matchesTerm(profile, term));
}

function matchesTerm(p: Profile, term: WhereTerm): boolean {
  switch (term.key) {
    case 'arch':
      return equality(term.op, p.arch === term.value);
    case 'rosetta':
      return equality(term.op, String(p.arch === 'arm64' && p.rosetta?.installed === true) === term.value);
    case 'launch':
      return equality(term.op, (p.launch?.mode ?? 'gui') === term.value);
    case 'model': {
      const pattern = term.value;
      const hit = /[*?]/.test(pattern) ? globMatch(pattern, p.model) : p.model.toLowerCase().includes(pattern.toLowerCase());
      return equality(term.op, hit);
    }
    case 'id':
      return equality(term.op, globMatch(term.value, p.id));
    case 'os':
      return matchesOs(p, term);
    case 'ram': {
      const raw = p.sysctl['hw.memsize'];
      const bytes = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
      if (bytes === undefined) return false;
      return compareWith(term.op, Math.sign(bytes - parseSize(term.value)!));
    }
  }
}

function matchesOs(p: Profile, term: WhereTerm): boolean {
  const version = String(p.systemVersion.ProductVersion ?? '');
  if (term.op === '=' || term.op === '!=') {
    const want = term.value.split('.').map(Number);
    const have = (semver.coerce(version)?.version ?? '').split('.').map(Number);
    return equality(
      term.op,
      want.every((n, i) => (have[i] ?? 0) === n),
    );
  }
  const mine = semver.coerce(version);
  const theirs = semver.coerce(term.value);
  if (mine === null || theirs === null) return false;
  return compareWith(term.op, semver.compare(mine, theirs));
}

function equality(op: WhereOp, hit: boolean): boolean {
  return op === '!=' ? !hit : hit;
}

function compareWith(op: WhereOp, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/**
 * Case-insensitive glob match over the whole text: `*` any run, `?` one
 * character. Greedy with one backtrack point (the last `*`), so the time is
 * at most pattern length × text length; a regular expression built from the
 * pattern would backtrack exponentially on patterns such as `*a*a*a*a*b`.
 */
export function globMatch(glob: string, text: string): boolean {
  const p = glob.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
