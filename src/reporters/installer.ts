import type { ReporterOptions } from './index.js';
import type { RunReport } from '../types.js';
import { terminalText } from '../util/terminal-text.js';
import { singleResult } from './choices-xml.js';

/** What the installer reporter reads besides the report. */
export interface InstallerReporterOptions extends Partial<ReporterOptions> {
  /** The change file given with --choices, as typed: `installer` names it when it applies it. */
  choicesFile?: string;
}

/**
 * `--format installer`: what `sudo installer -pkg X -target /` prints on the
 * simulated Mac, for one Distribution on one profile, word for word from
 * real outputs:
 *
 * - Rosetta 2 needed and missing (runfinch/finch#105):
 *   `installer: This package requires Rosetta 2 to be installed.`, two
 *   indented lines, a blank line, then `installer: Error - <title> can’t be
 *   installed on this computer.`; an architecture not supported at all ends
 *   with that last line alone (r-lib/rig#79);
 * - a failed installation-check (munki/macadmin-scripts#2,
 *   crystal-lang/crystal#15686): `installer: Error - <my.result.message>`,
 *   or the "can’t be installed" line when the check gave no message;
 * - the target `/` refused by its volume-check or by the domains
 *   (yantis/instant-archlinux-on-mac#3): `installer: Cannot install on
 *   volume / because it is disabled.` then `installer: <message>`;
 * - success (devkitPro/pacman#50, glyph/MOPUp#346 and #352):
 *   `installer: Package name is <title>`, the change file line when one was
 *   applied, `installer: Installing at base path /` and `installer: The
 *   install was successful.`, or the Upgrading/upgrade lines when a package
 *   that installs already has a receipt on the target.
 *
 * An installation-check that fails with Warn does not stop the command line
 * here (what `installer` does with it is not documented). The title is the
 * Distribution's localized `<title>`, else the input's file name without its
 * extension. Text from the Distribution goes through terminalText, so a
 * message cannot move the cursor or fake further lines.
 */
export function renderInstaller(report: RunReport, options: InstallerReporterOptions = {}): string {
  const { simulation, result } = singleResult(report, 'installer');
  const title = t(simulation.title ?? baseName(simulation.path));
  const cannot = `installer: Error - ${title} can\u2019t be installed on this computer.`;
  const lines: string[] = [];
  const blockers = new Set(result.blockers.map((b) => b.code));
  if (blockers.has('ARCH_ROSETTA_MISSING')) {
    lines.push(
      'installer: This package requires Rosetta 2 to be installed.',
      '                Please install Rosetta 2 and then try again.',
      '                    `sudo softwareupdate --install-rosetta`',
      '',
      cannot,
    );
  } else if (blockers.has('ARCH_UNSUPPORTED')) {
    lines.push(cannot);
  } else if (!result.installationCheck.passed && result.installationCheck.resultType === 'Fatal') {
    const message = result.installationCheck.message;
    lines.push(message ? `installer: Error - ${t(message)}` : cannot);
  } else {
    const target = result.volumes.find((v) => v.mountpoint === '/');
    const domainOk = result.domains.localSystem || result.domains.anywhere;
    if (!target || !target.eligible || !domainOk) {
      lines.push('installer: Cannot install on volume / because it is disabled.');
      const message = target && !target.eligible ? target.message : null;
      if (message) lines.push(`installer: ${t(message)}`);
    } else {
      const upgrade = result.packages.some((p) => p.install && p.installedVersion !== null);
      lines.push(`installer: Package name is ${title}`);
      if (options.choicesFile !== undefined) lines.push(`installer: choices changes file '${t(options.choicesFile)}' applied`);
      lines.push(upgrade ? 'installer: Upgrading at base path /' : 'installer: Installing at base path /');
      lines.push(upgrade ? 'installer: The upgrade was successful.' : 'installer: The install was successful.');
    }
  }
  return lines.join('\n') + '\n';
}

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function t(text: string): string {
  return terminalText(text);
}
