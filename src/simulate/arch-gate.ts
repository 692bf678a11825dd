import { DEFAULT_LANGUAGES, localizeTitle } from '../distribution/localize.js';
import { createDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Distribution } from '../distribution/model.js';
import type { Profile } from '../profile/types.js';
import type { BlockerCode, EvaluatedArch } from '../types.js';

export interface ArchDecision {
  evaluatedArch: EvaluatedArch;
  translated: boolean;
  blocker?: { code: BlockerCode; message: string };
  diagnostics: Diagnostic[];
}

/**
 * The architecture gate, before any JavaScript runs (docs/installer-behaviour.md §1, §2;
 * productbuild(1)): on Apple silicon a Distribution whose hostArchitectures
 * lacks arm64 (or is absent) is evaluated under Rosetta 2, as is any
 * Distribution when the Installer was launched from a Rosetta shell.
 * `i386` in hostArchitectures admits 32- and 64-bit Intel.
 */
export function decideArchitecture(distribution: Distribution, profile: Profile): ArchDecision {
  const list = distribution.options.hostArchitectures;
  const allows = (arch: string) => list === undefined || list.includes(arch);
  // The Installer words its refusal with the <title> in the Mac's own language.
  const title = localizeTitle(distribution, distribution.titleKey, profile.languages ?? DEFAULT_LANGUAGES) ?? distribution.title ?? 'This package';
  const diagnostics: Diagnostic[] = [];
  const refuse = (code: BlockerCode, message: string) => {
    diagnostics.push(createDiagnostic(code as 'ARCH_UNSUPPORTED', message));
    return { code, message };
  };

  switch (profile.arch) {
    case 'ppc':
    case 'i386': {
      const ok = allows(profile.arch);
      return {
        evaluatedArch: profile.arch,
        translated: false,
        diagnostics,
        ...(!ok && {
          blocker: refuse(
            'ARCH_UNSUPPORTED',
            `${title} can't be installed on this computer: hostArchitectures="${list!.join(',')}" does not include ${profile.arch}`,
          ),
        }),
      };
    }
    case 'x86_64': {
      const ok = allows('x86_64') || allows('i386');
      return {
        evaluatedArch: 'x86_64',
        translated: false,
        diagnostics,
        ...(!ok && {
          blocker: refuse(
            'ARCH_UNSUPPORTED',
            `${title} can't be installed on this computer: hostArchitectures="${list!.join(',')}" does not include x86_64 or i386`,
          ),
        }),
      };
    }
    case 'arm64': {
      const rosettaShell = profile.launch?.rosettaShell === true;
      if (list?.includes('arm64') && !rosettaShell) return { evaluatedArch: 'arm64', translated: false, diagnostics };
      if (rosettaShell)
        diagnostics.push(
          createDiagnostic('ARCH_ROSETTA_SHELL', 'the Installer was launched from a Rosetta shell, so the Distribution is evaluated translated (x86_64)'),
        );
      else {
        diagnostics.push(
          createDiagnostic(
            'ARCH_TRANSLATED',
            list === undefined
              ? 'no hostArchitectures: on Apple silicon the Installer evaluates this Distribution under Rosetta 2 (and asks to install Rosetta); add hostArchitectures="x86_64,arm64" if the payload is universal'
              : `hostArchitectures="${list.join(',')}" lacks arm64: on Apple silicon the Installer evaluates this Distribution under Rosetta 2`,
          ),
        );
      }
      let blocker: ArchDecision['blocker'];
      if (!(allows('x86_64') || allows('i386'))) {
        blocker = refuse(
          'ARCH_UNSUPPORTED',
          `${title} can't be installed on this computer: evaluated as x86_64 under Rosetta but hostArchitectures="${list!.join(',')}"`,
        );
      } else if (profile.rosetta?.installed !== true) {
        blocker = refuse('ARCH_ROSETTA_MISSING', `This package requires Rosetta 2 to be installed. Error - ${title} can't be installed on this computer.`);
      }
      return { evaluatedArch: 'x86_64', translated: true, diagnostics, ...(blocker && { blocker }) };
    }
  }
}
