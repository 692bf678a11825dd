/**
 * A hardware profile: one simulated Mac, as data. Every answer the mock
 * Installer API gives comes from here; the semantics of those answers live in
 * code (src/mocks), never in the data.
 *
 * `profiles/schema.json` describes the same shape for editors and for runtime
 * validation; a meta-test keeps the two in agreement.
 */

/** Physical CPU architecture. `i386` is a 32-bit-only Intel CPU (Core Duo). */
export type Arch = 'ppc' | 'i386' | 'x86_64' | 'arm64';

/** A sysctl value exactly as `system.sysctl(name)` returns it. */
export type SysctlValue = number | string;

/** A property-list value, written as JSON (dates as ISO strings, data as base64 strings). */
export type PlistValue = string | number | boolean | null | PlistValue[] | { [key: string]: PlistValue };
export type PlistDict = { [key: string]: PlistValue };

export interface Profile {
  /** Editor hint only; ignored. */
  $schema?: string;
  /** Stable kebab-case id, e.g. `macbookair-m1-2020-12.7.6`. */
  id: string;
  /** Id of a profile whose fields this one inherits (see README, "Profile inheritance"). */
  extends?: string;
  /** Marketing name, e.g. "MacBook Air (M1, 2020)". */
  name: string;
  /** Model identifier (`hw.model`), e.g. `MacBookAir10,1`. */
  model: string;
  /** Physical CPU architecture. */
  arch: Arch;
  /** Rosetta 2 (Apple silicon only). */
  rosetta?: RosettaFacts;
  /** `/System/Library/CoreServices/SystemVersion.plist` of the booted OS (`system.version`). */
  systemVersion: PlistDict;
  /** Native sysctl values, by full name (`hw.memsize`, `kern.osrelease`, ...). A name not listed is absent (null). */
  sysctl: Record<string, SysctlValue>;
  /** Names known not to exist on this machine (documentation; any unlisted name is absent anyway). */
  sysctlAbsent?: string[];
  /** Gestalt selectors (`sysv`, `sys1`, ...) → numbers; null means the selector fails. */
  gestalt?: Record<string, number | null>;
  /** GPUs; each also appears in the I/O Registry under its accelerator class. */
  gpus?: Gpu[];
  /** Additional I/O Registry entries (the root entry `IOService:/` is derived unless given here). */
  ioregistry?: IORegistryEntry[];
  /** Running applications (`system.applications`). */
  applications?: RunningApplication[];
  /** Environment of the Installer process (`system.env`). */
  env?: Record<string, string>;
  /** Logged-in users with a window-server session (`system.users.desktopSessionCount`). */
  desktopSessionCount?: number;
  /** Preferred languages, most preferred first (localization lookups). */
  languages?: string[];
  /** `system.defaults`. */
  defaults?: PlistDict;
  /** How the Installer was launched. */
  launch?: LaunchFacts;
  /** Answers for `system.run` / `system.runOnce`, keyed by the program and its arguments joined with single spaces. */
  run?: Record<string, number>;
  /** Mounted volumes; the first one whose mountpoint is `/` is the boot volume. */
  volumes: Volume[];
  /** Where the facts come from. */
  sources?: string[];
  /** Dotted path → reason, for values that are inferred rather than sourced. */
  uncertain?: Record<string, string>;
  /** Free-form notes (Installer behaviour worth knowing on this machine). */
  notes?: string[];
}

export interface RosettaFacts {
  /** Whether Rosetta 2 is installed. */
  installed: boolean;
  /** sysctl values a translated (x86_64) process sees instead of the native ones. */
  sysctl?: Record<string, SysctlValue>;
  /** Native sysctl names that a translated process cannot see. */
  sysctlAbsent?: string[];
}

export interface LaunchFacts {
  /** `gui` (Installer.app) or `cli` (`installer -pkg`, sets `COMMAND_LINE_INSTALL=1`). Default `gui`. */
  mode?: 'gui' | 'cli';
  /** The Installer was started from a Rosetta (x86_64) shell: always translated on Apple silicon. */
  rosettaShell?: boolean;
}

export interface Gpu {
  name: string;
  /** IOAccelerator subclass, e.g. `AGXAcceleratorG13G`, `IntelAccelerator`. */
  ioAcceleratorClass?: string | null;
  /** PCI vendor id, e.g. `0x1002` (absent on Apple silicon). */
  vendorId?: string;
  /** PCI device id. */
  deviceId?: string;
  vramBytes?: number;
  gpuCoreCount?: number;
  /** Metal device properties, or null for a GPU without Metal. */
  metal?: PlistDict | null;
  openGL?: PlistDict | null;
  openCL?: PlistDict | null;
  /** Path inside this entry (`openGL.extensions`, `metal.rasterOrderGroupsSupported`) → reason, for inferred values. */
  uncertain?: Record<string, string>;
}

export interface IORegistryEntry {
  /** Registry path, e.g. `IOService:/AppleACPIPlatformExpert/PCI0@0/IGPU@2`. */
  path: string;
  /** IOKit class name. */
  class: string;
  /** Superclasses, nearest first (so `matchingClass('IOAccelerator')` finds subclasses). */
  superclasses?: string[];
  /** Registry entry name (defaults to the last path component without its `@location`). */
  name?: string;
  properties?: PlistDict;
}

/**
 * A running application as the Installer's ProcessInformation dictionary
 * describes it. Apple documents eleven keys (PSN, Parent PSN, FileType,
 * FileCreator, BundlePath, pid, LSBackgroundOnly, LSUIElement, IsHiddenAttr,
 * RequiresClassic, RequiresCarbon:
 * https://developer.apple.com/documentation/installer_js/processinformation);
 * the Process Manager adds the CFBundle keys. Keys a profile leaves out are
 * filled in by `withBaseSystem` (src/profile/base-system.ts).
 */
export interface RunningApplication {
  /** Bundle identifier. */
  CFBundleIdentifier: string;
  /** Process serial number as one 64-bit number: high long << 32 | low long. */
  PSN?: number;
  /** PSN of the process that launched this one. */
  'Parent PSN'?: number;
  /** Four-character file type of the executable (`APPL`, Finder's `FNDR`). */
  FileType?: string;
  /** Four-character creator code (`MACS` for the Finder, `????` when none). */
  FileCreator?: string;
  /** Path of the application bundle. */
  BundlePath?: string;
  /** Full path of the executable. */
  CFBundleExecutable?: string;
  CFBundleName?: string;
  /** UNIX process id. */
  pid?: number;
  LSBackgroundOnly?: boolean;
  LSUIElement?: boolean;
  IsHiddenAttr?: boolean;
  RequiresClassic?: boolean;
  RequiresCarbon?: boolean;
  /** Any further key, as the profile writes it. */
  [key: string]: PlistValue | undefined;
}

export interface Volume {
  /** Mount point: `/` for the boot volume, `/Volumes/Name` for others. */
  mountpoint: string;
  /** Volume name shown in Destination Select. */
  name?: string;
  /** Free space in kilobytes (`my.target.availableKilobytes`). */
  availableKilobytes: number;
  /**
   * Whether paths on this volume are case-sensitive. Default false, as a Mac
   * formats its volumes (APFS or HFS+ "case-insensitive"): `/APPLICATIONS`
   * then finds `/Applications`.
   */
  caseSensitive?: boolean;
  /** SystemVersion.plist of the OS on this volume; null or absent means no OS on it. */
  systemVersion?: PlistDict | null;
  /** Installed package receipts by package identifier. */
  receipts?: Record<string, Receipt>;
  /** Files on the volume, keyed by absolute path inside the volume (`/Applications/Foo.app`). Parent directories exist implicitly. */
  files?: Record<string, FileEntry>;
}

export interface Receipt {
  version: string;
  installDate?: string;
}

export type FileEntry = { type: 'file' } | { type: 'directory' } | { type: 'plist'; plist: PlistDict } | { type: 'bundle'; info: PlistDict };
