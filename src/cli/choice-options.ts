import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { readChoiceChanges, type ChoiceChange } from '../input/choice-changes.js';
import { withFlag } from './flag-errors.js';
import { lastValue } from './flag-values.js';

/** The user's choice changes on the command line. */
export interface ChoiceArgs {
  select?: unknown;
  deselect?: unknown;
  choices?: unknown;
}

/** Longest choice identifier accepted on the command line (as in change files). */
const MAX_ID_LENGTH = 1024;

/**
 * `--select ID`, `--deselect ID` (repeatable, applied in the order given)
 * and `--choices FILE` (an Apple choice-changes plist, applied first).
 * Plain string options, not yargs arrays: an array option would swallow the
 * file names after it.
 */
export function withChoiceOptions<T>(y: Argv<T>): Argv<T & ChoiceArgs> {
  return y
    .option('select', {
      type: 'string',
      requiresArg: true,
      describe: 'Click a choice to select it, after the default state is evaluated (repeatable, in order)',
    })
    .option('deselect', { type: 'string', requiresArg: true, describe: 'Click a choice to deselect it (repeatable, in order with --select)' })
    .option('choices', {
      type: 'string',
      requiresArg: true,
      describe: 'Apply an installer choice-changes plist (as installer -applyChoiceChangesXML does) before --select/--deselect',
    }) as unknown as Argv<T & ChoiceArgs>;
}

/**
 * The library's change list: the change file's changes, then the clicks of
 * --select/--deselect in command-line order. `argv` (the raw arguments)
 * gives that order; without it, or if it does not match what yargs parsed,
 * every --select comes before every --deselect. Undefined when there is no
 * change at all. Errors name the flag (`--choices FILE: ...`).
 */
export function choiceChangesFromArgs(args: ChoiceArgs, argv?: readonly string[]): ChoiceChange[] | undefined {
  const flag = (name: keyof ChoiceArgs): unknown => (Object.hasOwn(args, name) ? args[name] : undefined);
  const changes: ChoiceChange[] = [];
  const file = lastValue(flag('choices'));
  if (file !== undefined) {
    const path = String(file);
    if (path === '') throw new InputError('--choices: empty file name', { code: 'FLAG_INVALID' });
    changes.push(...withFlag('--choices ', () => readChoiceChanges(path)));
  }
  const selects = values('--select', flag('select'));
  const deselects = values('--deselect', flag('deselect'));
  const clicks = (argv && inArgvOrder(argv, selects, deselects)) ?? [
    ...selects.map((id) => ({ id, select: true })),
    ...deselects.map((id) => ({ id, select: false })),
  ];
  for (const { id, select } of clicks) changes.push({ kind: 'click', choice: id, value: select, origin: `${select ? '--select' : '--deselect'} ${id}` });
  return changes.length > 0 ? changes : undefined;
}

function values(name: string, raw: unknown): string[] {
  if (raw === undefined) return [];
  const list = (Array.isArray(raw) ? raw : [raw]).map(String);
  for (const id of list) {
    if (id === '') throw new InputError(`${name}: empty choice identifier`, { code: 'FLAG_INVALID' });
    if (id.length > MAX_ID_LENGTH) throw new InputError(`${name}: choice identifier longer than ${MAX_ID_LENGTH} characters`, { code: 'FLAG_INVALID' });
  }
  return list;
}

/** The clicks in the order the raw arguments give them; undefined when they do not match the parsed values. */
function inArgvOrder(argv: readonly string[], selects: readonly string[], deselects: readonly string[]): Array<{ id: string; select: boolean }> | undefined {
  const out: Array<{ id: string; select: boolean }> = [];
  for (let k = 0; k < argv.length; k++) {
    const token = argv[k]!;
    if (token === '--') break;
    for (const [name, select] of [
      ['--select', true],
      ['--deselect', false],
    ] as const) {
      if (token === name && k + 1 < argv.length) out.push({ id: argv[++k]!, select });
      else if (token.startsWith(`${name}=`)) out.push({ id: token.slice(name.length + 1), select });
    }
  }
  const same = (want: readonly string[], select: boolean) => {
    const got = out.filter((c) => c.select === select).map((c) => c.id);
    return got.length === want.length && got.every((id, i) => id === want[i]);
  };
  return same(selects, true) && same(deselects, false) ? out : undefined;
}
