import type { Distribution, Evaluable, Position } from './model.js';
import { quote, type StaticDiagnostics } from './static-diagnostics.js';
import { TextBuilder } from './text-builder.js';

/** Members of the Installer JavaScript API (Apple's Installer JS reference). */
const SYSTEM = new Set([
  'version',
  'compareVersions',
  'sysctl',
  'gestalt',
  'propertiesOf',
  'defaults',
  'env',
  'users',
  'files',
  'ioregistry',
  'applications',
  'localizedString',
  'localizedStringWithFormat',
  'localizedStandardString',
  'localizedStandardStringWithFormat',
  'log',
  'run',
  'runOnce',
]);
/** A Map: the member name comes from the script (`system.constructor.x` must not find Object). */
const NESTED = new Map([
  ['files', new Set(['fileExistsAtPath', 'plistAtPath', 'bundleAtPath'])],
  ['ioregistry', new Set(['fromPath', 'matchingClass', 'matchingName', 'childrenOf', 'parentsOf'])],
  ['applications', new Set(['fromPID', 'fromIdentifier', 'all'])],
  ['users', new Set(['desktopSessionCount'])],
]);
const MY = new Set(['target', 'result', 'choice']);
/** Members that are objects or values, not functions: calling one throws TypeError "not a function" (`system.files()`). */
const PROPERTIES = new Set(['version', 'env', 'defaults', 'users', 'files', 'ioregistry', 'applications', 'users.desktopSessionCount']);
const OBJECT_MEMBERS = new Set(['hasOwnProperty', 'toString', 'valueOf', 'constructor', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString']);

/**
 * Reports, once per Distribution, reads of `system.*` / `my.*` members the
 * API does not have, calls of members that are not functions, and
 * `choices.<id>` for undefined choices. Done statically
 * rather than with a Proxy in every profile's sandbox: it costs nothing per
 * profile, and it also finds mistakes on code paths no profile reaches.
 * Dynamic accesses (`system[name]`) are not seen. Findings go to `sink`,
 * which bounds their number; positions are computed only for those listed.
 */
export function checkApiUsage(
  dist: Pick<Distribution, 'path' | 'evaluables' | 'choices'>,
  position: (ev: Evaluable, offset: number) => Position,
  sink: StaticDiagnostics,
): void {
  const seen = new Set<string>();
  const choiceIds = new Set(dist.choices.map((c) => c.id));
  const report = (
    code: 'API_UNKNOWN_MEMBER' | 'API_UNKNOWN_CHOICE' | 'API_CALLED_AS_FUNCTION',
    key: string,
    message: () => string,
    ev: Evaluable,
    offset: number,
    args: () => Record<string, string>,
  ) => {
    const dedupe = `${code}\u0000${key}`;
    if (seen.has(dedupe)) return;
    seen.add(dedupe);
    sink.report(code, message, () => ({ location: { file: dist.path, ...position(ev, offset) }, source: ev.source, args: args() }));
  };
  for (const ev of dist.evaluables) {
    // Most attribute expressions name none of the three objects: nothing to blank or match then.
    const hasSystem = ev.code.includes('system');
    const hasMy = ev.code.includes('my');
    const hasChoices = ev.code.includes('choices');
    if (!hasSystem && !hasMy && !hasChoices) continue;
    const code = blankCommentsAndStrings(ev.code);
    if (hasSystem)
      for (const m of code.matchAll(/(?<![\w$.])system\s*\.\s*([A-Za-z_$][\w$]*)(?:\s*\.\s*([A-Za-z_$][\w$]*))?(\s*\()?/g)) {
        const member = m[1]!;
        const nested = NESTED.get(member);
        const called = m[2] === undefined ? member : `${member}.${m[2]}`;
        // A script's own try/catch turns this TypeError into a silent false (VirtualBox 7 calling applications.all() when it was a property).
        if (m[3] !== undefined && PROPERTIES.has(called)) {
          report(
            'API_CALLED_AS_FUNCTION',
            `system.${called}`,
            () => `system.${called} is not a function: calling it throws TypeError (a try/catch around it hides the error)`,
            ev,
            m.index,
            () => ({ member: `system.${called}` }),
          );
        }
        if (!SYSTEM.has(member) && !OBJECT_MEMBERS.has(member)) {
          const name = `system.${quote(member)}`;
          report(
            'API_UNKNOWN_MEMBER',
            `system.${member}`,
            () => `${name} is not part of the Installer JavaScript API (undefined)`,
            ev,
            m.index,
            () => ({ member: name }),
          );
        } else if (m[2] !== undefined && nested && !nested.has(m[2]) && !OBJECT_MEMBERS.has(m[2])) {
          const key = `system.${member}.${m[2]}`;
          const name = `system.${member}.${quote(m[2])}`;
          report(
            'API_UNKNOWN_MEMBER',
            key,
            () => `${name} is not part of the Installer JavaScript API (undefined)`,
            ev,
            m.index,
            () => ({ member: name }),
          );
        }
      }
    if (hasMy)
      for (const m of code.matchAll(/(?<![\w$.])my\s*\.\s*([A-Za-z_$][\w$]*)(\s*\()?/g)) {
        const member = m[1]!;
        if (MY.has(member) && m[2] !== undefined) {
          report(
            'API_CALLED_AS_FUNCTION',
            `my.${member}`,
            () => `my.${member} is not a function: calling it throws TypeError (a try/catch around it hides the error)`,
            ev,
            m.index,
            () => ({ member: `my.${member}` }),
          );
        }
        if (MY.has(member) || OBJECT_MEMBERS.has(member)) continue;
        const why = member === 'search' ? 'locator searches (my.search) are not simulated' : 'it is not part of the Installer JavaScript API';
        const name = `my.${quote(member)}`;
        report(
          'API_UNKNOWN_MEMBER',
          `my.${member}`,
          () => `${name}: ${why} (undefined)`,
          ev,
          m.index,
          () => ({ member: name }),
        );
      }
    // choices.id and choices['id'] (the quoted form is read from the original code: strings are blanked above).
    if (hasChoices)
      for (const m of code.matchAll(/(?<![\w$.])choices\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(["']))/g)) {
        let id = m[1];
        if (id === undefined) {
          const start = m.index + m[0].length;
          const end = ev.code.indexOf(m[2]!, start);
          if (end === -1) continue;
          id = ev.code.slice(start, end);
        }
        if (choiceIds.has(id) || OBJECT_MEMBERS.has(id)) continue;
        const shown = quote(id);
        report(
          'API_UNKNOWN_CHOICE',
          id,
          () => `choices.${shown}: no choice with id '${shown}' (undefined)`,
          ev,
          m.index,
          () => ({ choice: shown }),
        );
      }
  }
}

/** Replaces comments and string contents with spaces (keeping offsets, line ends and quotes), so patterns only match code. */
export function blankCommentsAndStrings(code: string): string {
  if (!/[/"'`]/.test(code)) return code;
  const out = new TextBuilder();
  /** Copies code[from, to) with everything but LF turned into spaces. */
  const blank = (from: number, to: number) => {
    for (let k = from; k < to;) {
      const lf = code.indexOf('\n', k);
      const stop = lf === -1 || lf >= to ? to : lf;
      out.fill(0x20, stop - k);
      if (stop < to) out.append('\n');
      k = stop + 1;
    }
  };
  let last = 0; // code[last, i) is copied as is
  let i = 0;
  while (i < code.length) {
    const c = code.charCodeAt(i);
    const next = code.charCodeAt(i + 1);
    if (c === 0x2f /* / */ && (next === 0x2f || next === 0x2a) /* * */) {
      const end = next === 0x2f ? code.indexOf('\n', i) : code.indexOf('*/', i + 2);
      const stop = end === -1 ? code.length : next === 0x2f ? end : end + 2;
      out.appendRange(code, last, i);
      blank(i, stop);
      last = i = stop;
    } else if (c === 0x22 || c === 0x27 || c === 0x60 /* " ' ` */) {
      let j = i + 1;
      while (j < code.length && code.charCodeAt(j) !== c && code.charCodeAt(j) !== 0x0a) j += code.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      j = Math.min(j, code.length);
      out.appendRange(code, last, i + 1);
      blank(i + 1, j);
      last = j; // the closing quote (or the line end) is kept
      i = j + 1;
    } else i++;
  }
  out.appendRange(code, last, code.length);
  return out.toString();
}
