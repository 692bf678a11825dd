/**
 * The Installer JavaScript API as seen by the guest: `system`, `my` and
 * `choices`. This function is never called in Node: its compiled source text
 * is evaluated inside QuickJS (see session.ts), so it must not refer to
 * anything outside itself.
 *
 * Every answer comes from the host through `bridge(op, ...args)`, which
 * takes and returns strings (JSON). The bridge lives only in this closure;
 * guest scripts cannot reach it. The returned object holds the internal
 * controls the host uses between evaluations (bind a target or a choice,
 * reset and read my.result).
 */
export type Bridge = (op: string, ...args: string[]) => string | undefined;

export interface GuestConfig {
  /** Fixed clock for Date, in ms since the epoch. */
  now: number;
  /** Seed for Math.random. */
  seed: number;
  /** Choice ids, in document order. */
  choices: string[];
  /** Longest string an API argument may be. */
  maxArgumentLength: number;
}

export interface GuestInternals {
  bindTarget(json: string): void;
  bindChoice(id: string): void;
  resetResult(): void;
  readResult(): string;
}

export function guestPrelude(bridge: Bridge, configJson: string): GuestInternals {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const Str = String;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const hasOwn = Object.prototype.hasOwnProperty;
  const ProxyCtor = Proxy;
  const config = parse(configJson) as GuestConfig;
  const global = globalThis as Record<string, unknown>;

  function arg(value: unknown): string {
    const s = Str(value);
    if (s.length > config.maxArgumentLength) {
      bridge('refuse', 'argument of ' + s.length + ' characters');
      throw new TypeError('distsim: argument too long (' + s.length + ' characters)');
    }
    return s;
  }
  function call(op: string, ...args: string[]): unknown {
    const r = bridge(op, ...args);
    return r === undefined ? undefined : parse(r);
  }
  function lazy(obj: object, name: string, op: string): void {
    let cached: unknown;
    let done = false;
    defineProperty(obj, name, {
      enumerable: true,
      get() {
        if (!done) {
          cached = call(op);
          done = true;
        }
        return cached;
      },
    });
  }
  /** Reports reads of members the Installer API does not have. */
  function watch<T extends object>(target: T, name: string): T {
    return new ProxyCtor(target, {
      get(t, key, receiver) {
        if (typeof key === 'string' && !(key in t) && key !== 'toJSON' && key !== 'then') bridge('unknownMember', name + '.' + key);
        return Reflect.get(t, key, receiver);
      },
    });
  }

  // Determinism: a fixed clock and a seeded Math.random (xorshift32).
  const RealDate = Date;
  const now = config.now;
  function FixedDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now).toString();
    return args.length === 0 ? new RealDate(now) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  }
  FixedDate.prototype = RealDate.prototype;
  FixedDate.now = () => now;
  FixedDate.parse = RealDate.parse;
  FixedDate.UTC = RealDate.UTC;
  defineProperty(RealDate.prototype, 'constructor', { value: FixedDate, writable: true, configurable: true });
  global.Date = FixedDate;
  let state = config.seed >>> 0 || 0x9e3779b9;
  Math.random = function random(): number {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };

  // system.ioregistry entries remember their path so childrenOf/parentsOf accept them.
  const entryPaths = new WeakMap<object, string>();
  function entries(list: unknown): unknown {
    if (!Array.isArray(list)) return list;
    return list.map((e: { path: string; properties: Record<string, unknown> }) => {
      const props = e.properties;
      entryPaths.set(props, e.path);
      return props;
    });
  }
  function entryArg(x: unknown): string {
    if (x !== null && typeof x === 'object' && entryPaths.has(x)) return entryPaths.get(x)!;
    return arg(x);
  }

  const files = freeze({
    fileExistsAtPath: (path: unknown) => call('files.exists', arg(path)),
    plistAtPath: (path: unknown) => call('files.plist', arg(path)),
    bundleAtPath: (path: unknown) => call('files.bundle', arg(path)),
  });
  const ioregistry = freeze({
    fromPath: (path: unknown) => call('ioreg.fromPath', arg(path)),
    matchingClass: (name: unknown, plane?: unknown) => entries(call('ioreg.matchingClass', arg(name), arg(plane ?? 'IOServicePlane'))),
    matchingName: (name: unknown, plane?: unknown) => entries(call('ioreg.matchingName', arg(name), arg(plane ?? 'IOServicePlane'))),
    childrenOf: (entry: unknown) => entries(call('ioreg.childrenOf', entryArg(entry))),
    parentsOf: (entry: unknown) => entries(call('ioreg.parentsOf', entryArg(entry))),
  });
  const applications = {
    fromPID: (pid: unknown) => call('apps.fromPID', arg(pid)),
    fromIdentifier: (id: unknown) => call('apps.fromIdentifier', arg(id)),
  };
  lazy(applications, 'all', 'apps.all');
  freeze(applications);
  const users = {};
  lazy(users, 'desktopSessionCount', 'users.desktopSessionCount');
  freeze(users);

  function formatArgs(args: unknown[]): string {
    return stringify(args.map(arg));
  }
  const system: Record<string, unknown> = {
    compareVersions: (a: unknown, b: unknown) => call('compareVersions', arg(a), arg(b)),
    sysctl: (name: unknown) => call('sysctl', arg(name)),
    gestalt: (selector: unknown) => call('gestalt', arg(selector)),
    propertiesOf: (object: unknown) => (object === null || object === undefined ? [] : Object.keys(Object(object))),
    localizedString: (key: unknown) => call('localizedString', arg(key), '[]', 'false'),
    localizedStringWithFormat: (key: unknown, ...args: unknown[]) => call('localizedString', arg(key), formatArgs(args), 'false'),
    localizedStandardString: (key: unknown) => call('localizedString', arg(key), '[]', 'true'),
    localizedStandardStringWithFormat: (key: unknown, ...args: unknown[]) => call('localizedString', arg(key), formatArgs(args), 'true'),
    log: (message: unknown) => {
      call('log', arg(message));
    },
    run: (program: unknown, ...args: unknown[]) => call('run', arg(program), formatArgs(args), 'false'),
    runOnce: (program: unknown, ...args: unknown[]) => call('run', arg(program), formatArgs(args), 'true'),
    users,
    files,
    ioregistry,
    applications,
  };
  lazy(system, 'version', 'version');
  lazy(system, 'env', 'env');
  lazy(system, 'defaults', 'defaults');
  freeze(system);

  // choices.<id>: state is owned by the host, read fresh on every access.
  function makeChoice(id: string): object {
    const choice = {};
    for (const name of ['selected', 'enabled', 'visible']) {
      defineProperty(choice, name, {
        enumerable: true,
        get: () => call('choice.get', id, name),
        set: (value: unknown) => {
          call('choice.set', id, name, stringify(Boolean(value)));
        },
      });
    }
    for (const name of ['title', 'description', 'packages', 'packageUpgradeAction']) {
      defineProperty(choice, name, { enumerable: true, get: () => call('choice.get', id, name) });
    }
    defineProperty(choice, 'tooltip', {
      enumerable: true,
      get: () => call('choice.get', id, 'tooltip'),
      set: (value: unknown) => {
        call('choice.set', id, 'tooltip', stringify(arg(value)));
      },
    });
    return freeze(choice);
  }
  const choiceTable: Record<string, object> = {};
  for (const id of config.choices) choiceTable[id] = makeChoice(id);
  const choices = new ProxyCtor(freeze(choiceTable), {
    get(t, key, receiver) {
      if (typeof key === 'string' && !hasOwn.call(t, key) && !(key in t)) bridge('unknownChoice', key);
      return Reflect.get(t, key, receiver);
    },
  });

  // my: the current target, result and choice, rebound by the host between evaluations.
  let targetBound = false;
  let target: unknown;
  let currentChoice: unknown;
  let result: Record<string, unknown> = {};
  const my = {};
  defineProperty(my, 'target', {
    enumerable: true,
    get() {
      if (!targetBound) bridge('targetUnbound');
      return target;
    },
  });
  defineProperty(my, 'result', {
    enumerable: true,
    get: () => result,
    set: (value: unknown) => {
      result = value as Record<string, unknown>;
    },
  });
  defineProperty(my, 'choice', { enumerable: true, get: () => currentChoice });
  freeze(my);

  defineProperty(global, 'system', { value: watch(system, 'system'), enumerable: true });
  defineProperty(global, 'my', { value: watch(my, 'my'), enumerable: true });
  defineProperty(global, 'choices', { value: choices, enumerable: true });

  function field(value: unknown): string | null {
    return value === undefined || value === null ? null : Str(value);
  }

  return freeze({
    bindTarget(json: string): void {
      const t = parse(json) as null | { mountpoint: string; availableKilobytes: number; systemVersion: unknown };
      if (t === null) {
        targetBound = false;
        target = undefined;
        return;
      }
      targetBound = true;
      const bound: Record<string, unknown> = {
        mountpoint: t.mountpoint,
        availableKilobytes: t.availableKilobytes,
        receiptForIdentifier: (id: unknown) => call('receipt', arg(id)),
      };
      // A volume without an OS has no systemVersion at all (research §3.1).
      if (t.systemVersion !== null) bound.systemVersion = t.systemVersion;
      target = freeze(bound);
    },
    bindChoice(id: string): void {
      currentChoice = id === '' ? undefined : choiceTable[id];
    },
    resetResult(): void {
      result = {};
    },
    readResult(): string {
      const r = result;
      if (r === null || typeof r !== 'object') return stringify({ type: null, title: null, message: null });
      return stringify({ type: field(r.type), title: field(r.title), message: field(r.message) });
    },
  });
}
