/**
 * The catalogue of diagnostic codes: the single source of truth for each
 * code's default severity and one-line summary. Codes are stable: never
 * rename one; add a new code instead. The README's diagnostics table is
 * checked against this catalogue by test/meta.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface CodeInfo {
  severity: Severity;
  summary: string;
}

export const DIAGNOSTIC_CODES = {
  // Parsing and structure
  XML_SCRIPT_ESCAPE_REPAIRED: {
    severity: 'warning',
    summary: 'A raw < or & inside a script or JavaScript attribute was escaped by --recover; the real Installer rejects the file.',
  },
  XML_UNKNOWN_ELEMENT: { severity: 'info', summary: 'An element the Installer does not know; it is ignored, as the Installer does.' },
  XML_DUPLICATE_ELEMENT: { severity: 'info', summary: 'An element that should appear once appears several times; the first one is used.' },
  XML_MULTIPLE_ROOT_OPTIONS: { severity: 'info', summary: 'Several <options> elements; their attributes are merged, first one wins.' },
  OUTLINE_UNKNOWN_CHOICE: { severity: 'warning', summary: 'A choices-outline line names a choice that is not defined; the line is skipped.' },
  OUTLINE_DUPLICATE_CHOICE: {
    severity: 'warning',
    summary: 'A choice appears on several outline lines (undefined behaviour in the Installer); only the first is used.',
  },
  OUTLINE_MISSING: { severity: 'warning', summary: 'No choices-outline: no choice is shown and no package installs.' },
  CHOICE_NOT_IN_OUTLINE: { severity: 'info', summary: 'A choice is defined but not on any outline line; it is not evaluated and its packages do not install.' },
  REQUIRE_SCRIPTS_FALSE_WITH_SCRIPTS: {
    severity: 'warning',
    summary: 'options require-scripts="false" but the Distribution contains JavaScript; it is evaluated anyway unless policy require-scripts-false=skip.',
  },
  HOST_ARCHITECTURES_UNKNOWN_VALUE: { severity: 'warning', summary: 'hostArchitectures lists a value other than ppc, i386, x86_64, arm64.' },
  // Architecture gate
  ARCH_TRANSLATED: {
    severity: 'warning',
    summary: 'Evaluated under Rosetta 2 because hostArchitectures lacks arm64: the Installer asks to install Rosetta, scripts see Intel sysctl values.',
  },
  ARCH_ROSETTA_SHELL: { severity: 'info', summary: 'Evaluated under Rosetta 2 because the Installer was launched from a Rosetta shell.' },
  ARCH_ROSETTA_MISSING: { severity: 'error', summary: 'The Distribution needs Rosetta 2, which is not installed: the Installer refuses it.' },
  ARCH_UNSUPPORTED: { severity: 'error', summary: "This Mac's architecture is not in hostArchitectures: the Installer refuses it." },
  // Guest execution
  SCRIPT_SYNTAX_ERROR: { severity: 'error', summary: 'JavaScript that does not parse.' },
  SCRIPT_EXCEPTION: { severity: 'error', summary: 'An uncaught exception; the Installer logs "IFJS: *** exception" and goes on.' },
  SCRIPT_TIMEOUT: { severity: 'error', summary: 'An evaluation ran past its time limit and was stopped.' },
  SCRIPT_OUT_OF_MEMORY: { severity: 'error', summary: 'An evaluation ran past its memory limit and was stopped.' },
  SCRIPT_STACK_OVERFLOW: { severity: 'error', summary: 'An evaluation overflowed its stack limit.' },
  PROFILE_TIME_BUDGET_EXCEEDED: { severity: 'error', summary: "The profile's total time budget ran out; the remaining evaluations count as failed." },
  TRACE_LIMIT_EXCEEDED: { severity: 'warning', summary: 'The evaluation trace passed its event limit; later events are not recorded.' },
  LOG_LIMIT_EXCEEDED: { severity: 'warning', summary: 'system.log output passed its limit; later lines are dropped.' },
  OUTPUT_TRUNCATED: {
    severity: 'warning',
    summary: 'A guest-controlled text (a my.result field, an exception message) was longer than its limit and was cut.',
  },
  DIAGNOSTICS_SUPPRESSED: { severity: 'info', summary: 'More diagnostics of one code than the per-profile limit: the rest are counted, not listed.' },
  NON_BOOLEAN_RESULT: { severity: 'info', summary: 'A check or choice expression returned a non-boolean; it was converted by JavaScript truthiness.' },
  // Check outcomes that involve a policy
  CHECK_RESULT_TYPE_MISSING: { severity: 'warning', summary: 'A check returned false without setting my.result.type.' },
  CHECK_RESULT_TYPE_WARNING_SPELLING: {
    severity: 'info',
    summary: "my.result.type = 'Warning' (the Distribution XML reference's spelling) is treated like 'Warn'.",
  },
  CHECK_RESULT_TYPE_UNKNOWN: { severity: 'warning', summary: "my.result.type is neither 'Fatal' nor 'Warn'." },
  // The mock API
  API_UNKNOWN_SYSCTL: { severity: 'info', summary: 'A sysctl name this profile does not have; system.sysctl returned null.' },
  API_UNKNOWN_GESTALT: { severity: 'info', summary: 'A Gestalt selector this profile does not have; system.gestalt returned null.' },
  API_UNKNOWN_PATH: { severity: 'info', summary: 'A file path this profile does not have.' },
  API_UNKNOWN_IOREGISTRY: { severity: 'info', summary: 'An I/O Registry query this profile has no entry for.' },
  API_UNKNOWN_MEMBER: { severity: 'warning', summary: 'A script read a member of system/my that the Installer API does not have (undefined).' },
  API_UNKNOWN_CHOICE: { severity: 'warning', summary: 'A script read choices.<id> for a choice that is not defined (undefined).' },
  API_NO_STRING_TABLE: { severity: 'info', summary: 'A localized string was asked for but the Distribution has no string table; null was returned.' },
  API_TARGET_UNBOUND: { severity: 'info', summary: 'my.target was read where no target volume is bound; it is undefined.' },
  API_RUN_REFUSED: { severity: 'warning', summary: 'system.run/runOnce without allow-external-scripts: nothing runs, undefined is returned.' },
  API_RUN_UNANSWERED: {
    severity: 'warning',
    summary: 'system.run/runOnce was allowed but the profile has no answer for it; undefined, or the exit status policy run-unanswered names, is returned.',
  },
  API_ARGUMENT_REFUSED: { severity: 'warning', summary: 'An API argument was too large or of the wrong type; the call threw a TypeError.' },
  CHOICE_STATE_WRITE_IGNORED: { severity: 'warning', summary: 'A script assigned selected/enabled/visible on a choice; the Installer only reads them.' },
  // Choices and packages
  DOMAIN_ATTRIBUTE_DEFAULTED: {
    severity: 'info',
    summary:
      "A <domains> element omits an enable_* attribute; the value used is that attribute's documented default (anywhere and localSystem true, currentUserHome false), or false (policy omitted-domain).",
  },
  REQUIRE_SCRIPTS_FALSE_SKIPPED: {
    severity: 'warning',
    summary:
      'require-scripts="false" with JavaScript present: no JavaScript was evaluated, checks pass and JavaScript choice states keep their start value (policy require-scripts-false=skip).',
  },
  API_CALLED_AS_FUNCTION: {
    severity: 'warning',
    summary:
      'A script calls a member of the Installer API that is a property, not a function (system.files(), system.version()): a TypeError "not a function" at run time, which a surrounding try/catch hides (found statically, once per Distribution).',
  },
  MUST_CLOSE_RUNNING: {
    severity: 'warning',
    summary: 'A package that installs lists an application in <must-close> that runs on this Mac: the Installer asks the user to quit it.',
  },
  INSTALL_SIZE_EXCEEDS_FREE_SPACE: {
    severity: 'warning',
    summary: "The installKBytes of the packages that install add up to more than a volume's free space: that volume cannot be chosen.",
  },
  NOTHING_INSTALLED: {
    severity: 'warning',
    summary: 'No package would be installed: every package is unselected or inactive, or no choice in the outline references one.',
  },
  CHOICE_STATE_READ_EARLY: {
    severity: 'info',
    summary:
      'A script read a choice before the choice phase; its literal start_* value (true for a JavaScript one, not run yet) was returned (policy early-choice-state).',
  },
  CHOICE_CONSTRAINED_BY_PARENT: {
    severity: 'info',
    summary: 'A choice is visible or enabled on its own but an ancestor is hidden or disabled; it is shown hidden or disabled (policy parent-constraint).',
  },
  CHOICE_PARENT_STATE_DERIVED: {
    severity: 'info',
    summary: "A parent choice's selected state follows its children, and its own change passed to its enabled children (policy parent-selected).",
  },
  CHOICE_CHANGE_UNKNOWN: {
    severity: 'warning',
    summary:
      'A choice change (change file, --select, --deselect) names a choice the outline does not have; it is ignored, as a renamed choice breaks a change file.',
  },
  CHOICE_CHANGE_LOCKED: {
    severity: 'warning',
    summary: 'A choice change selects or deselects a hidden or disabled choice, which a user cannot click (policy locked-choice-change).',
  },
  CHOICE_CHANGE_NOT_RELOCATABLE: { severity: 'warning', summary: 'A change sets customLocation on a choice that declares none; it is ignored.' },
  CHOICE_CHANGE_REVERTED: {
    severity: 'warning',
    summary: "A choice change did not hold: after re-evaluating the choices, the choice's own expressions set it back.",
  },
  CHOICE_CHANGES_SHOW_CHOICES_FORM: {
    severity: 'warning',
    summary: "The change file is installer -showChoicesXML output, which Apple's installer refuses as a change file; distsim reads the states it shows.",
  },
  CHOICES_DID_NOT_SETTLE: { severity: 'warning', summary: 'Choice expressions kept changing; evaluation stopped after the pass limit.' },
  RESTART_ACTION_UNKNOWN: { severity: 'warning', summary: 'onConclusion/onConclusionScript gave a value that is not a restart action; None is used.' },
  PKG_REF_UNDEFINED: { severity: 'warning', summary: 'A choice references a pkg-ref id that has no definition with a package path.' },
  // Parsing: hostile input (helper: distribution)
  XML_RESERVED_NAME: {
    severity: 'warning',
    summary:
      'A name from the XML that JavaScript objects reserve (__proto__, constructor, toString, ...) where it would name a table; that element is ignored.',
  },
  // Requirements: predicates, graphics, sysctl (helper: requirements)
  REQUIREMENT_PREDICATE_SYNTAX_ERROR: {
    severity: 'error',
    summary: 'A required-graphics or sysctl-requirements predicate does not parse; that requirement fails.',
  },
  REQUIREMENT_PREDICATE_ERROR: {
    severity: 'error',
    summary: 'Evaluating a requirement predicate raised (ANY/ALL over a non-collection, an unsupported MATCHES pattern, a limit); that requirement fails.',
  },
  REQUIREMENT_UNSATISFIED: {
    severity: 'info',
    summary: 'A required-graphics or sysctl-requirements check failed on this Mac; the message names the device and the clause.',
  },
  REQUIREMENT_IGNORED_OS: {
    severity: 'info',
    summary:
      'A declarative requirement the Installer ignores on this macOS version (gl-renderer before 10.6.8, cl-device 10.7, metal-device 10.14.4, sysctl-requirements 10.10); it passes.',
  },
  REQUIREMENT_SINGLE_DEVICE_IGNORED: {
    severity: 'info',
    summary: 'single-device="true" without both an OpenGL and an OpenCL predicate; the Installer ignores it.',
  },
  // Flat packages: xar, signatures, localizations (helper: package)
  PKG_TOC_CHECKSUM_MISMATCH: {
    severity: 'error',
    summary: "The package's table-of-contents checksum does not match: the Installer refuses a damaged or altered package.",
  },
  PKG_SIGNATURE_INVALID: {
    severity: 'error',
    summary: 'A package signature does not verify against its leaf certificate, or its certificate chain is not internally consistent.',
  },
  PKG_MEMBER_CHECKSUM_MISMATCH: { severity: 'error', summary: 'A file inside the package does not match the checksum its table of contents records.' },
  PKG_STRINGS_UNREADABLE: {
    severity: 'warning',
    summary: 'A Localizable.strings table in the package could not be read; lookups in that language fall back as if it were absent.',
  },
  PKG_COMPONENT_SYNTHESIZED: {
    severity: 'info',
    summary: 'A component package without a Distribution: a one-choice Distribution was synthesized for it, as the Installer does.',
  },
  PKG_REF_COMPONENT_MISSING: {
    severity: 'warning',
    summary: 'A pkg-ref names a component inside the package (#name.pkg) that the package does not contain, or that has no readable PackageInfo.',
  },
  // Profile data (helper: profile-data)
  // Engine
  SANDBOX_FAST_PATH_OFF: {
    severity: 'info',
    summary:
      'A start-up self-check of the QuickJS fast paths (memory images, direct host calls) failed; profiles ran on the slower path, with the same results.',
  },
  SANDBOX_TEARDOWN_ABORT: { severity: 'info', summary: 'The QuickJS module aborted while tearing down; it was replaced (quickjs-emscripten 0.32.0 issue).' },
  SANDBOX_WORKER_LOST: { severity: 'error', summary: 'The worker evaluating this profile died; the evaluation running at the time counts as failed.' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
