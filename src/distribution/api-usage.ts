import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Distribution, Evaluable, Position } from './model.js';

/** Members of the Installer JavaScript API (research/installer-js.md §2–3). */
const SYSTEM = new Set([
  'version', 'compareVersions', 'sysctl', 'gestalt', 'propertiesOf', 'defaults', 'env', 'users', 'files', 'ioregistry', 'applications',
  'localizedString', 'localizedStringWithFormat', 'localizedStandardString', 'localizedStandardStringWithFormat', 'log', 'run', 'runOnce',
]);
const NESTED: Record<string, Set<string>> = {
  files: new Set(['fileExistsAtPath', 'plistAtPath', 'bundleAtPath']),
  ioregistry: new Set(['fromPath', 'matchingClass', 'matchingName', 'childrenOf', 'parentsOf']),
  applications: new Set(['fromPID', 'fromIdentifier', 'all']),
  users: new Set(['desktopSessionCount']),
};
const MY = new Set(['target', 'result', 'choice']);
const OBJECT_MEMBERS = new Set(['hasOwnProperty', 'toString', 'valueOf', 'constructor', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString']);

/**
 * Reports, once per Distribution, reads of `system.*` / `my.*` members the
 * API does not have and `choices.<id>` for undefined choices. Done statically
 * rather than with a Proxy in every profile's sandbox: it costs nothing per
 * profile, and it also finds mistakes on code paths no profile reaches.
 * Dynamic accesses (`system[name]`) are not seen.
 */
export function checkApiUsage(dist: Pick<Distribution, 'path' | 'evaluables' | 'choices'>, position: (ev: Evaluable, offset: number) => Position): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const choiceIds = new Set(dist.choices.map((c) => c.id));
  const report = (code: 'API_UNKNOWN_MEMBER' | 'API_UNKNOWN_CHOICE', key: string, message: string, ev: Evaluable, offset: number, args: Record<string, string>) => {
    if (seen.has(code + key)) return;
    seen.add(code + key);
    out.push(createDiagnostic(code, message, { location: { file: dist.path, ...position(ev, offset) }, source: ev.source, args }));
  };
  for (const ev of dist.evaluables) {
    const code = blankCommentsAndStrings(ev.code);
    for (const m of code.matchAll(/(?<![\w$.])system\s*\.\s*([A-Za-z_$][\w$]*)(?:\s*\.\s*([A-Za-z_$][\w$]*))?/g)) {
      const member = m[1]!;
      if (!SYSTEM.has(member) && !OBJECT_MEMBERS.has(member)) {
        report('API_UNKNOWN_MEMBER', `system.${member}`, `system.${member} is not part of the Installer JavaScript API (undefined)`, ev, m.index, { member: `system.${member}` });
      } else if (m[2] !== undefined && NESTED[member] && !NESTED[member].has(m[2]) && !OBJECT_MEMBERS.has(m[2])) {
        const name = `system.${member}.${m[2]}`;
        report('API_UNKNOWN_MEMBER', name, `${name} is not part of the Installer JavaScript API (undefined)`, ev, m.index, { member: name });
      }
    }
    for (const m of code.matchAll(/(?<![\w$.])my\s*\.\s*([A-Za-z_$][\w$]*)/g)) {
      const member = m[1]!;
      if (MY.has(member) || OBJECT_MEMBERS.has(member)) continue;
      const why = member === 'search' ? 'locator searches (my.search) are not simulated' : 'it is not part of the Installer JavaScript API';
      report('API_UNKNOWN_MEMBER', `my.${member}`, `my.${member}: ${why} (undefined)`, ev, m.index, { member: `my.${member}` });
    }
    // choices.id and choices['id'] (the quoted form is read from the original code: strings are blanked above).
    for (const m of code.matchAll(/(?<![\w$.])choices\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(["']))/g)) {
      let id = m[1];
      if (id === undefined) {
        const start = m.index + m[0].length;
        const end = ev.code.indexOf(m[2]!, start);
        if (end === -1) continue;
        id = ev.code.slice(start, end);
      }
      if (choiceIds.has(id) || OBJECT_MEMBERS.has(id)) continue;
      report('API_UNKNOWN_CHOICE', id, `choices.${id}: no choice with id '${id}' (undefined)`, ev, m.index, { choice: id });
    }
  }
  return out;
}

/** Replaces comments and string contents with spaces (keeping offsets and quotes), so patterns only match code. */
export function blankCommentsAndStrings(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    const next = code[i + 1];
    if (c === '/' && next === '/') {
      const end = code.indexOf('\n', i);
      const stop = end === -1 ? code.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end === -1 ? code.length : end + 2;
      out += code.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      out += c + code.slice(i + 1, j).replace(/[^\n]/g, ' ') + (j < code.length ? code[j] : '');
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
