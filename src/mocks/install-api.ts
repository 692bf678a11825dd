import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import { GuestThrow, type Marshal } from '../sandbox/marshal.js';
import { cap, stoppedError, type EvalBudget, type Session } from '../sandbox/session.js';
import type { GuestError } from '../sandbox/guest-errors.js';
import type { InstallerHost } from './host-api.js';

/** Pass a handle the host keeps: the guest gets its own reference. */
interface Keep {
  keep: QuickJSHandle;
}

type Answer = string | undefined | Keep | QuickJSHandle;

export interface ApiOptions {
  /** Longest string an API argument may be. */
  maxArgumentLength: number;
  /** Choice ids, in document order. */
  choices: string[];
}

/** my.result's fields as the Installer reads them: strings or null. */
export interface ResultFields {
  type: string | null;
  title: string | null;
  message: string | null;
}

/** The prebuilt key of the choice prototype (not a property name: it has a space). */
const CHOICE_PROTOTYPE = 'choice prototype';

/** Longest my.result title or message kept. */
export const MAX_RESULT_TEXT = 16 * 1024;

/** What answers the guest's calls: the InstallerHost of the profile being simulated. */
export type HostAnswers = Pick<InstallerHost, 'handle'>;

/** Properties of a choice object, as `system.propertiesOf` lists them. */
const CHOICE_PROPERTIES = ['selected', 'enabled', 'visible', 'tooltip', 'title', 'description', 'packages', 'packageUpgradeAction'];

/** The guest values one profile creates; dropped with it (image.ts takes their memory back). */
interface ProfileHandles {
  cache: Map<string, QuickJSHandle>;
  choiceObjects: Map<string, QuickJSHandle>;
  table: QuickJSHandle | undefined;
  target: QuickJSHandle | undefined;
  targetBound: boolean;
  result: QuickJSHandle;
  choiceId: string;
}

/**
 * Builds `system`, `my` and `choices` in a session's context from host
 * objects and host functions. Every answer comes from the InstallerHost
 * (JSON text); values cross the boundary only through the session's Marshal
 * (intrinsics captured before guest code ran, exact strings). Host-built
 * objects get their properties with defineProperty, never with a set, so a
 * setter the guest put on Object.prototype or Array.prototype never runs
 * inside a host operation. Every handle created here is owned by this
 * object and freed by dispose().
 */
export class InstalledApi {
  private readonly ctx: QuickJSContext;
  private readonly marshal: Marshal;
  private readonly owned: QuickJSHandle[] = [];
  private readonly pathKey: QuickJSHandle;
  private readonly idKey: QuickJSHandle;
  private readonly receipt: QuickJSHandle;
  /** Objects built on first read, or ahead of time by settle(). */
  private readonly lazy = new Map<string, () => QuickJSHandle>();
  private readonly prebuilt = new Map<string, QuickJSHandle>();
  private p: ProfileHandles;

  constructor(
    private readonly session: Session,
    private host: HostAnswers,
    private options: ApiOptions,
  ) {
    this.ctx = session.context;
    this.marshal = session.marshal;
    this.pathKey = this.own(this.ctx.newUniqueSymbol('distsim.ioregistryPath'));
    this.idKey = this.own(this.ctx.newUniqueSymbol('distsim.choiceId'));
    this.receipt = this.own(this.method('receiptForIdentifier', (a) => this.host.handle('receipt', [this.str(a[0])])));

    this.installSystem();
    this.installChoices();
    this.installMy();
    this.p = this.freshProfile();
  }

  private freshProfile(): ProfileHandles {
    return {
      cache: new Map(),
      choiceObjects: new Map(),
      table: undefined,
      target: undefined,
      targetBound: false,
      result: this.ctx.newObject(),
      choiceId: '',
    };
  }

  /**
   * Builds now what is otherwise built on first read (system.files,
   * ioregistry, applications, users, the choice prototype): once, before a
   * memory image is taken, so no profile pays for it.
   */
  settle(): void {
    for (const [name, build] of this.lazy) if (!this.prebuilt.has(name)) this.prebuilt.set(name, this.frozen(build()));
    if (!this.prebuilt.has(CHOICE_PROTOTYPE)) this.prebuilt.set(CHOICE_PROTOTYPE, this.choicePrototype());
  }

  /**
   * Starts another profile in the same context. After a restore from an
   * image the previous profile's handles are dropped without being freed
   * (the restore took their memory back); otherwise (`live`) they are freed.
   */
  begin(host: HostAnswers, options: ApiOptions, previous: 'restored' | 'live' = 'restored'): void {
    // Handles of a profile whose memory was not restored are still the runtime's: free them, or its teardown aborts.
    if (previous === 'live') this.freeProfile();
    this.host = host;
    this.options = options;
    this.p = this.freshProfile();
  }

  private freeProfile(): void {
    const p = this.p;
    p.target?.dispose();
    p.result.dispose();
    for (const h of p.cache.values()) h.dispose();
    for (const h of p.choiceObjects.values()) h.dispose();
    p.table?.dispose();
  }

  // ---- host → guest plumbing ------------------------------------------------

  private own(handle: QuickJSHandle): QuickJSHandle {
    this.owned.push(handle);
    return handle;
  }

  /** A host function. `impl` answers with JSON text (or nothing for undefined). */
  private method(name: string, impl: (args: QuickJSHandle[], self: QuickJSHandle) => Answer): QuickJSHandle {
    // QuickJS passes the guest's `this` as the host function's `this`, so the instance needs another name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const api = this;
    return this.ctx.newFunction(name, function (this: QuickJSHandle, ...args: QuickJSHandle[]) {
      api.session.countHostCall();
      try {
        return api.toGuest(impl(args, this));
      } catch (error) {
        if (error instanceof GuestThrow) return { error: error.handle };
        throw error;
      }
    });
  }

  private toGuest(answer: Answer): QuickJSHandle | undefined {
    if (answer === undefined) return undefined;
    if (typeof answer !== 'string') return 'keep' in answer ? answer.keep.dup() : answer;
    const first = answer.charCodeAt(0);
    // Only when the guest has exhausted its heap (or stack) just before does parsing fail: the answer degrades to undefined.
    if (first === 123 /* { */ || first === 91 /* [ */) return this.marshal.parseJson(answer);
    const value = JSON.parse(answer) as null | boolean | number | string;
    if (value === null) return this.ctx.null;
    if (typeof value === 'boolean') return value ? this.ctx.true : this.ctx.false;
    if (typeof value === 'number') return this.ctx.newNumber(value);
    return this.marshal.newString(value);
  }

  /** JavaScript String(value) of a guest value, refusing arguments longer than the limit. */
  private str(handle: QuickJSHandle | undefined): string {
    const ctx = this.ctx;
    if (!handle) return 'undefined';
    const type = ctx.typeof(handle);
    if (type === 'object') {
      const path = this.entryPath(handle);
      if (path !== undefined) return path;
    }
    const value = this.marshal.stringOf(handle);
    if (value.length > this.options.maxArgumentLength) this.refuse(value.length);
    return value;
  }

  private refuse(length: number): never {
    this.host.handle('refuse', [`argument of ${length} characters`]);
    throw new GuestThrow(this.ctx.newError({ name: 'TypeError', message: `distsim: argument too long (${length} characters)` }));
  }

  /** The registry path an ioregistry answer object carries (a hidden symbol), if it is one. */
  private entryPath(handle: QuickJSHandle): string | undefined {
    return this.marshal.read(handle, this.pathKey).consume((p) => (this.ctx.typeof(p) === 'string' ? this.marshal.string(p) : undefined));
  }

  /** Defines an own, enumerable data property (never runs a guest setter). */
  private define(target: QuickJSHandle, key: string | number | QuickJSHandle, value: QuickJSHandle): void {
    this.ctx.defineProp(target, key, { value, enumerable: true, configurable: false });
  }

  private defineMethods(target: QuickJSHandle, methods: Record<string, (args: QuickJSHandle[], self: QuickJSHandle) => Answer>): void {
    for (const [name, impl] of Object.entries(methods)) this.method(name, impl).consume((fn) => this.define(target, name, fn));
  }

  /** A getter answering `op` once, then the same object on every read. */
  private defineCached(target: QuickJSHandle, name: string, op: string): void {
    this.ctx.defineProp(target, name, {
      enumerable: true,
      get: () => {
        this.session.countHostCall();
        return this.cached(op, () => this.toGuest(this.host.handle(op, [])) ?? this.ctx.undefined).dup();
      },
    });
  }

  private cached(key: string, build: () => QuickJSHandle): QuickJSHandle {
    let handle = this.p.cache.get(key);
    if (!handle) {
      handle = build();
      this.p.cache.set(key, handle);
    }
    return handle;
  }

  /** A getter that builds a frozen object on first read (or takes the one settle() built) and returns that same object afterwards. */
  private defineLazy(target: QuickJSHandle, name: string, build: () => QuickJSHandle): void {
    this.lazy.set(name, build);
    this.ctx.defineProp(target, name, {
      enumerable: true,
      get: () => (this.prebuilt.get(name) ?? this.cached(name, () => this.frozen(build()))).dup(),
    });
  }

  private frozen(handle: QuickJSHandle): QuickJSHandle {
    this.ctx.callFunction(this.marshal.freeze, this.ctx.undefined, handle).dispose();
    return handle;
  }

  /** ioregistry answers: arrays of entries; each entry remembers its path so childrenOf/parentsOf accept it back. */
  private entries(json: string | undefined): Answer {
    if (json === undefined || json === 'null') return this.toGuest(json);
    const parsed = JSON.parse(json) as Array<{ path: string; properties: unknown }>;
    const list = this.marshal.parseJson(JSON.stringify(parsed.map((e) => e.properties)));
    if (!list) return undefined;
    parsed.forEach((entry, i) => {
      this.ctx
        .getProp(list, i)
        .consume((item) => this.marshal.newString(entry.path).consume((p) => this.ctx.defineProp(item, this.pathKey, { value: p, enumerable: false })));
    });
    return list;
  }

  // ---- the objects -------------------------------------------------------------

  private installSystem(): void {
    const ctx = this.ctx;
    const h = (op: string, args: string[]) => this.host.handle(op, args);
    const s = (a: QuickJSHandle[], i: number, fallback = 'undefined') => (i < a.length ? this.str(a[i]) : fallback);
    const rest = (a: QuickJSHandle[], from: number) => JSON.stringify(a.slice(from).map((x) => this.str(x)));

    const system = ctx.newObject();
    this.defineMethods(system, {
      compareVersions: (a) => h('compareVersions', [s(a, 0), s(a, 1)]),
      sysctl: (a) => h('sysctl', [s(a, 0)]),
      gestalt: (a) => h('gestalt', [s(a, 0)]),
      propertiesOf: (a) => this.propertiesOf(a[0]),
      localizedString: (a) => h('localizedString', [s(a, 0), rest(a, 1), 'false']),
      localizedStringWithFormat: (a) => h('localizedString', [s(a, 0), rest(a, 1), 'false']),
      localizedStandardString: (a) => h('localizedString', [s(a, 0), rest(a, 1), 'true']),
      localizedStandardStringWithFormat: (a) => h('localizedString', [s(a, 0), rest(a, 1), 'true']),
      log: (a) => h('log', [s(a, 0)]),
      run: (a) => h('run', [s(a, 0), rest(a, 1), 'false']),
      runOnce: (a) => h('run', [s(a, 0), rest(a, 1), 'true']),
    });
    this.defineCached(system, 'version', 'version');
    this.defineCached(system, 'env', 'env');
    this.defineCached(system, 'defaults', 'defaults');
    // The sub-objects are built on first use: most Distributions never touch them.
    this.defineLazy(system, 'files', () => {
      const files = ctx.newObject();
      this.defineMethods(files, {
        fileExistsAtPath: (a) => h('files.exists', [s(a, 0)]),
        plistAtPath: (a) => h('files.plist', [s(a, 0)]),
        bundleAtPath: (a) => h('files.bundle', [s(a, 0)]),
      });
      return files;
    });
    this.defineLazy(system, 'ioregistry', () => {
      const ioregistry = ctx.newObject();
      this.defineMethods(ioregistry, {
        fromPath: (a) => h('ioreg.fromPath', [s(a, 0)]),
        matchingClass: (a) => this.entries(h('ioreg.matchingClass', [s(a, 0), s(a, 1, 'IOServicePlane')])),
        matchingName: (a) => this.entries(h('ioreg.matchingName', [s(a, 0), s(a, 1, 'IOServicePlane')])),
        childrenOf: (a) => this.entries(h('ioreg.childrenOf', [s(a, 0)])),
        parentsOf: (a) => this.entries(h('ioreg.parentsOf', [s(a, 0)])),
      });
      return ioregistry;
    });
    this.defineLazy(system, 'applications', () => {
      const applications = ctx.newObject();
      this.defineMethods(applications, {
        fromPID: (a) => h('apps.fromPID', [s(a, 0)]),
        fromIdentifier: (a) => h('apps.fromIdentifier', [s(a, 0)]),
      });
      ctx.defineProp(applications, 'all', { enumerable: true, get: () => this.cached('apps.all', () => this.allApplications()).dup() });
      return applications;
    });
    this.defineLazy(system, 'users', () => {
      const users = ctx.newObject();
      this.defineCached(users, 'desktopSessionCount', 'users.desktopSessionCount');
      return users;
    });
    this.frozen(system);
    this.defineGlobal('system', this.own(system));
  }

  /**
   * `system.applications.all`: Apple documents a return value (a method) and
   * shipping Distributions call `all()`; older code reads it as a property.
   * So it is a function that returns the list and also holds the list as
   * indexed elements with a `length`, so both forms work.
   */
  private allApplications(): QuickJSHandle {
    const json = this.host.handle('apps.all', []) ?? '[]';
    const fn = this.method('all', () => this.host.handle('apps.all', []));
    const list = JSON.parse(json) as unknown[];
    list.forEach((_, i) => {
      const item = this.marshal.parseJson(JSON.stringify(list[i]));
      if (item) item.consume((v) => this.define(fn, i, v));
    });
    this.ctx.newNumber(list.length).consume((n) => this.ctx.defineProp(fn, 'length', { value: n, enumerable: false, configurable: false }));
    return this.frozen(fn);
  }

  /** `system.propertiesOf(o)`: Object.keys, and a choice object's properties (they live on its prototype). */
  private propertiesOf(o: QuickJSHandle | undefined): Answer {
    const ctx = this.ctx;
    if (!o || ctx.typeof(o) === 'undefined' || ctx.sameValue(o, ctx.null)) return '[]';
    if (ctx.typeof(o) === 'object' && this.choiceIdOf(o) !== '') return JSON.stringify(CHOICE_PROPERTIES);
    const r = ctx.callFunction(this.marshal.keys, ctx.undefined, o);
    if (r.error) throw new GuestThrow(r.error);
    return r.value;
  }

  /**
   * A global the guest cannot replace. An accessor, not a data property:
   * QuickJS (2025-09-13) lets Object.defineProperty redefine even a
   * non-writable, non-configurable *data* property of the global object
   * (measured; plain objects and accessors throw TypeError as they should).
   */
  private defineGlobal(name: string, value: QuickJSHandle | (() => QuickJSHandle)): void {
    const get = typeof value === 'function' ? () => value().dup() : () => value.dup();
    this.ctx.defineProp(this.ctx.global, name, { enumerable: true, configurable: false, get });
  }

  /** `choices` (and the objects my.choice returns) are built when first read. */
  private installChoices(): void {
    this.defineGlobal('choices', () => this.choiceTable());
  }

  /** The id a choice object carries ('' for anything else); reading it may run a guest Proxy trap. */
  private choiceIdOf(self: QuickJSHandle): string {
    return this.marshal.read(self, this.idKey).consume((v) => (this.ctx.typeof(v) === 'string' ? this.marshal.string(v) : ''));
  }

  private choiceTable(): QuickJSHandle {
    if (this.p.table) return this.p.table;
    const ctx = this.ctx;
    const proto = this.prebuilt.get(CHOICE_PROTOTYPE) ?? this.choicePrototype();
    const table = ctx.newObject();
    for (const id of this.options.choices) {
      const choice = ctx.newObject(proto);
      this.marshal.newString(id).consume((v) => ctx.defineProp(choice, this.idKey, { value: v, enumerable: false }));
      this.frozen(choice);
      this.define(table, id, choice);
      this.p.choiceObjects.set(id, choice);
    }
    if (!this.prebuilt.has(CHOICE_PROTOTYPE)) proto.dispose();
    this.p.table = this.frozen(table);
    return this.p.table;
  }

  /** The prototype of every choice object: host getters and setters that find the choice by the id it carries. */
  private choicePrototype(): QuickJSHandle {
    const ctx = this.ctx;
    const proto = ctx.newObject();
    for (const name of CHOICE_PROPERTIES) {
      const writable = name === 'selected' || name === 'enabled' || name === 'visible' || name === 'tooltip';
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters' own `this` is the guest choice object
      const api = this;
      ctx.defineProp(proto, name, {
        enumerable: true,
        // A getter is a host function like any other: a { error } result throws in the guest.
        get: function (this: QuickJSHandle) {
          api.session.countHostCall();
          try {
            return api.toGuest(api.host.handle('choice.get', [api.choiceIdOf(this), name])) ?? ctx.undefined;
          } catch (error) {
            if (error instanceof GuestThrow) return { error: error.handle } as unknown as QuickJSHandle;
            throw error;
          }
        },
        ...(writable && {
          set: function (this: QuickJSHandle, value: QuickJSHandle) {
            api.session.countHostCall();
            try {
              const v = name === 'tooltip' ? JSON.stringify(api.str(value)) : JSON.stringify(api.truthy(value));
              api.host.handle('choice.set', [api.choiceIdOf(this), name, v]);
            } catch (error) {
              if (error instanceof GuestThrow) return { error: error.handle };
              throw error;
            }
            return undefined;
          },
        }),
      });
    }
    return this.frozen(proto);
  }

  /** JavaScript truthiness of a guest value, without running guest code. */
  private truthy(value: QuickJSHandle): boolean {
    const ctx = this.ctx;
    switch (ctx.typeof(value)) {
      case 'undefined':
        return false;
      case 'boolean':
        return ctx.sameValue(value, ctx.true);
      case 'number': {
        const n = ctx.getNumber(value);
        return n !== 0 && !Number.isNaN(n);
      }
      case 'string':
        return this.marshal.string(value).length > 0;
      case 'bigint':
        return ctx.getBigInt(value) !== 0n;
      case 'object':
        return !ctx.sameValue(value, ctx.null);
      default:
        return true;
    }
  }

  private installMy(): void {
    const ctx = this.ctx;
    const my = ctx.newObject();
    ctx.defineProp(my, 'target', {
      enumerable: true,
      get: () => {
        if (!this.p.targetBound) this.host.handle('targetUnbound', []);
        return this.p.target?.dup() ?? ctx.undefined;
      },
    });
    ctx.defineProp(my, 'result', {
      enumerable: true,
      get: () => this.p.result.dup(),
      set: (value: QuickJSHandle) => {
        this.p.result.dispose();
        this.p.result = value.dup();
      },
    });
    ctx.defineProp(my, 'choice', {
      enumerable: true,
      get: () => {
        if (this.p.choiceId === '') return ctx.undefined;
        this.choiceTable();
        return this.p.choiceObjects.get(this.p.choiceId)?.dup() ?? ctx.undefined;
      },
    });
    this.frozen(my);
    this.defineGlobal('my', this.own(my));
  }

  // ---- controls used between evaluations (they never run guest code) ------------

  bindTarget(volume: { mountpoint: string; availableKilobytes: number; systemVersion?: unknown } | undefined): void {
    this.p.target?.dispose();
    this.p.target = undefined;
    this.p.targetBound = volume !== undefined;
    if (!volume) return;
    const data: Record<string, unknown> = { mountpoint: volume.mountpoint, availableKilobytes: volume.availableKilobytes };
    // A volume without an OS has no systemVersion at all (docs/installer-behaviour.md §6).
    if (volume.systemVersion !== null && volume.systemVersion !== undefined) data.systemVersion = volume.systemVersion;
    const target = this.marshal.parseJson(JSON.stringify(data));
    if (!target) return;
    this.define(target, 'receiptForIdentifier', this.receipt);
    this.p.target = this.frozen(target);
  }

  bindChoice(id: string | undefined): void {
    this.p.choiceId = id ?? '';
  }

  resetResult(): void {
    this.p.result.dispose();
    this.p.result = this.ctx.newObject();
  }

  /**
   * my.result's type, title and message as strings, read by the host itself
   * (the guest's JSON.stringify or String may be replaced). Its fields may be
   * getters or objects with toString, so this runs under the budget.
   */
  readResult(budget: EvalBudget): { ok: true; value: ResultFields; truncated: string[] } | { ok: false; error: GuestError } {
    const ctx = this.ctx;
    const truncated: string[] = [];
    const run = this.session.guarded(budget, () => {
      const r = this.p.result;
      const kind = ctx.typeof(r);
      if ((kind !== 'object' && kind !== 'function') || ctx.sameValue(r, ctx.null)) return { type: null, title: null, message: null };
      const field = (name: keyof ResultFields, max: number): string | null =>
        this.marshal.read(r, name).consume((v) => {
          const t = ctx.typeof(v);
          if (t === 'undefined' || ctx.sameValue(v, ctx.null)) return null;
          const text = this.marshal.stringOf(v);
          if (text.length <= max) return text;
          truncated.push(name);
          return cap(text, max);
        });
      try {
        return { type: field('type', 100), title: field('title', MAX_RESULT_TEXT), message: field('message', MAX_RESULT_TEXT) };
      } catch (error) {
        // A throwing getter or toString: read the exception while still under the budget.
        if (error instanceof GuestThrow) return this.session.takeError(error.handle);
        throw error;
      }
    });
    if (run.stopped) return { ok: false, error: stoppedError(run.stopped) };
    if ('kind' in run.value) return { ok: false, error: run.value };
    return { ok: true, value: run.value, truncated };
  }

  /** Frees every handle; the current profile's only when its memory was not restored from an image since (see begin()). */
  dispose(options: { afterRestore?: boolean } = {}): void {
    if (!options.afterRestore) this.freeProfile();
    for (const h of this.prebuilt.values()) h.dispose();
    for (const h of this.owned.reverse()) h.dispose();
    this.prebuilt.clear();
    this.owned.length = 0;
  }
}
