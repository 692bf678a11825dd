/** Report documents built by hand, so reporter tests need no simulation and can hold hostile text. */
import type { ProfileResult, RunReport, SimulationReport } from '../../src/types.js';

export function result(profile: string, overrides: Partial<ProfileResult> = {}): ProfileResult {
  return {
    profile,
    mac: { name: `Mac ${profile}`, model: 'Mac1,1', arch: 'arm64', macos: '14.0' },
    evaluatedArch: 'arm64',
    translated: false,
    installable: true,
    blockers: [],
    installationCheck: { passed: true, resultType: null, title: null, message: null },
    volumes: [{ mountpoint: '/', passed: true, resultType: null, title: null, message: null, eligible: true }],
    choices: [
      { id: 'app', parent: null, title: 'App', visible: true, enabled: true, selected: true },
      { id: 'helper', parent: 'app', title: 'Helper', visible: false, enabled: true, selected: false },
    ] as ProfileResult['choices'],
    packages: [],
    domains: { anywhere: false, currentUserHome: false, localSystem: true },
    restartAction: 'None',
    log: [],
    diagnostics: [],
    ...overrides,
  };
}

export function simulation(path: string, results: ProfileResult[], title: string | null = 'App'): SimulationReport {
  return { path, title, diagnostics: [], results };
}

export function runReport(distributions: RunReport['distributions'], tests?: RunReport['tests']): RunReport {
  return { schemaVersion: 2, tool: { name: 'distsim', version: '0.0.0' }, distributions, ...(tests !== undefined && { tests }) };
}

/** Text no report should let through unescaped: markup, table pipes, control and bidi characters, a lone surrogate, XML-forbidden characters. */
export const HOSTILE = 'a|b <i>x</i> & "q" \u001b[2J\u0000\u0007\ufffe\u202e\ud800 ]]> `code` *em* $x$ \n# heading';

/** A run report: one good Distribution on three profiles (one not installable, one with an error diagnostic), one unreadable. */
export function sampleRunReport(): RunReport {
  return runReport([
    simulation('dist.xml', [
      result('ok'),
      result('old', {
        installable: false,
        blockers: [{ code: 'INSTALLATION_CHECK_FAILED', message: 'installation-check failed: too old' }],
        installationCheck: { passed: false, resultType: 'Fatal', title: null, message: 'too old' },
      }),
      result('scripty', {
        diagnostics: [
          { code: 'SCRIPT_EXCEPTION', severity: 'error', message: 'ReferenceError: x is not defined', location: { file: 'dist.xml', line: 3, column: 5 } },
        ],
      }),
    ]),
    { path: 'bad.xml', error: { code: 'XML_MALFORMED', message: 'bad.xml:1:2: not XML', location: { file: 'bad.xml', line: 1, column: 2 }, hint: 'fix it' } },
  ]);
}

/** Control characters (other than line feed), bidi overrides and non-characters found raw in `text`. */
export function rawControls(text: string): string[] {
  const found: string[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f || code === 0x202e || code === 0xfffe || code === 0xffff) found.push(`U+${code.toString(16)}`);
  }
  return found;
}
