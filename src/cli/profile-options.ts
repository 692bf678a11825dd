import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { applyOverrides, loadProfiles, parseWhere, selectProfiles } from '../profile/index.js';
import { builtinProfileIds, loadBuiltinProfilesById } from '../profile/load.js';
import { findProfileId } from '../profile/find-id.js';
import { abbreviate } from '../util/abbreviate.js';
import type { Profile } from '../profile/types.js';
import { withFlag } from './flag-errors.js';

export interface ProfileArgs {
  profile?: string[];
  where?: string[];
  profileFile?: string[];
  profilesDir?: string[];
  set?: string[];
}

/** The profile-choosing flags shared by `run` and `profiles`. */
export function withProfileOptions<T>(y: Argv<T>, { selection = true }: { selection?: boolean } = {}): Argv<T & ProfileArgs> {
  let out = y
    .option('profile-file', { type: 'string', array: true, describe: 'Also load a profile from this JSON file (repeatable)', requiresArg: true })
    .option('profiles-dir', { type: 'string', array: true, describe: 'Also load every profile in this directory (repeatable)', requiresArg: true })
    .option('where', {
      type: 'string',
      array: true,
      describe: "Select profiles, e.g. 'arch=arm64 os>=13 <15 rosetta=false' (repeatable: any matches)",
      requiresArg: true,
    })
    .option('set', { type: 'string', array: true, describe: 'Override a profile field, e.g. sysctl.hw.memsize=4294967296 (repeatable)', requiresArg: true });
  if (selection)
    out = out.option('profile', {
      alias: 'p',
      type: 'string',
      array: true,
      describe: 'Profile id to simulate (repeatable; default: every built-in profile)',
      requiresArg: true,
    });
  return out as Argv<T & ProfileArgs>;
}

/**
 * Loads the built-ins plus the user's profiles and applies the selection:
 * --profile ids (in the order given; an unambiguous prefix of an id will do,
 * and an unknown id gets the closest ones suggested), else the user's own profiles when
 * --profile-file/--profiles-dir are given, else every built-in; then
 * --where filters and --set overrides. Selecting nothing is an error: a CI
 * gate over an empty --profiles-dir must not pass vacuously.
 */
export function chooseProfiles(args: ProfileArgs): Profile[] {
  const files = args.profileFile ?? [];
  const dirs = args.profilesDir ?? [];
  let chosen = files.length === 0 && dirs.length === 0 ? chosenBuiltins(args.profile ?? []) : undefined;
  if (chosen === undefined) chosen = chooseFromAll(args, files, dirs);
  if (args.where && args.where.length > 0) {
    chosen = selectProfiles(
      chosen,
      args.where.map((expr) => withFlag('--where: ', () => parseWhere(expr))),
    );
    if (chosen.length === 0) {
      throw new InputError(`no profile matches --where ${args.where.map((w) => `'${w}'`).join(' ')} (see: distsim profiles list)`, {
        code: 'NO_PROFILES_SELECTED',
      });
    }
  }
  if (args.set && args.set.length > 0) chosen = chosen.map((p) => withFlag('--set ', () => applyOverrides(p, args.set!)));
  if (chosen.length === 0) throw new InputError('no profiles selected', { code: 'NO_PROFILES_SELECTED' });
  return chosen;
}

/**
 * -p ids alone, all found among the built-ins (exactly or as a unique
 * prefix): only those files and the ones they extend are read. undefined
 * otherwise, and then the full load decides (and words any error).
 */
function chosenBuiltins(given: string[]): Profile[] | undefined {
  if (given.length === 0) return undefined;
  const ids = builtinProfileIds();
  const found: string[] = [];
  for (const id of given) {
    const lookup = findProfileId(id, ids);
    if (lookup.kind !== 'found') return undefined;
    found.push(lookup.id);
  }
  return loadBuiltinProfilesById(found);
}

/** Every built-in and user profile loaded, then the --profile ids looked up among them (or all of them). */
function chooseFromAll(args: ProfileArgs, files: string[], dirs: string[]): Profile[] {
  const onlyUsers = (files.length > 0 || dirs.length > 0) && !(args.profile && args.profile.length > 0) && !args.where;
  // The loader already tells the user's profiles apart (a built-in file named with --profile-file counts as the user's).
  const all = loadProfiles({ files, dirs, builtin: !onlyUsers });
  const byId = new Map(all.map((p) => [p.id, p]));
  // Only an empty --profiles-dir can leave nothing to load: every --profile-file is a profile or an error.
  if (all.length === 0) throw new InputError(`no profiles selected: no profile (*.json) in ${dirs.join(', ')}`, { code: 'NO_PROFILES_SELECTED' });
  if (args.profile && args.profile.length > 0) {
    const ids = all.map((x) => x.id);
    return args.profile.map((given) => {
      const found = findProfileId(given, ids);
      if (found.kind === 'found') return byId.get(found.id)!;
      const shown = abbreviate(given);
      if (found.kind === 'ambiguous') {
        throw new InputError(`profile '${shown}' is ambiguous: ${found.matches.length} profile ids start with it (${listed(found.matches, 10)})`, {
          code: 'PROFILE_AMBIGUOUS',
          hint: 'give more of the id (see: distsim profiles list)',
        });
      }
      const guess = found.suggestions.length > 0 ? ` Did you mean ${found.suggestions.join(', ')}?` : ` Known profiles: ${listed(ids)}`;
      throw new InputError(`unknown profile '${shown}'.${guess}`, { code: 'PROFILE_UNKNOWN', hint: 'see: distsim profiles list' });
    });
  }
  return all;
}

/** Names for a message: all of them when few, else the first ones and a count. */
function listed(names: string[], max = 40): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length - max} more)`;
}
