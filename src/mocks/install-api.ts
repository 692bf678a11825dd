import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import type { InstallerHost } from './host-api.js';

/** A guest exception raised while the host converted an argument; rethrown into the guest. */
class GuestThrow {
  constructor(readonly handle: QuickJSHandle) {}
}

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

/**
 * Builds `system`, `my` and `choices` in a context from host objects and
 * host functions. Every answer comes from the InstallerHost (JSON text);
 * every handle created here is owned by this object and freed by dispose().
 */
export class InstalledApi {
  private readonly owned: QuickJSHandle[] = [];
  private readonly choiceObjects = new Map<string, QuickJSHandle>();
  private readonly jsonParse: QuickJSHandle;
  private readonly toStr: QuickJSHandle;
  private readonly freeze: QuickJSHandle;
  private readonly keys: QuickJSHandle;
  private readonly pathKey: QuickJSHandle;
  private readonly idKey: QuickJSHandle;
  private readonly receipt: QuickJSHandle;
  private target: QuickJSHandle | undefined;
  private targetBound = false;
  private result: QuickJSHandle;
  private choiceId = '';
  private readonly cache = new Map<string, QuickJSHandle>();

  constructor(
    private readonly ctx: QuickJSContext,
    private readonly host: InstallerHost,
    private readonly options: ApiOptions,
  ) {
    const global = ctx.global;
    const json = this.own(ctx.getProp(global, 'JSON'));
    this.jsonParse = this.own(ctx.getProp(json, 'parse'));
    this.toStr = this.own(ctx.getProp(global, 'String'));
    const object = this.own(ctx.getProp(global, 'Object'));
    this.freeze = this.own(ctx.getProp(object, 'freeze'));
    this.keys = this.own(ctx.getProp(object, 'keys'));
    this.pathKey = this.own(ctx.newUniqueSymbol('distsim.ioregistryPath'));
    this.idKey = this.own(ctx.newUniqueSymbol('distsim.choiceId'));
    this.result = ctx.newObject();
    this.receipt = this.own(this.method('receiptForIdentifier', (a) => this.host.handle('receipt', [this.str(a[0])])));

    this.installSystem();
    this.installChoices();
    this.installMy();
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
    if (first === 123 /* { */ || first === 91 /* [ */) {
      const text = this.ctx.newString(answer);
      try {
        const r = this.ctx.callFunction(this.jsonParse, this.ctx.undefined, text);
        if (r.error) {
          // Only when the guest has exhausted its heap (or stack) just before: the answer degrades to undefined.
          r.error.dispose();
          return undefined;
        }
        return r.value;
      } finally {
        text.dispose();
      }
    }
    const value = JSON.parse(answer) as null | boolean | number | string;
    if (value === null) return this.ctx.null;
    if (typeof value === 'boolean') return value ? this.ctx.true : this.ctx.false;
    if (typeof value === 'number') return this.ctx.newNumber(value);
    return this.ctx.newString(value);
  }

  /** JavaScript String(value) of a guest value, refusing arguments longer than the limit. */
  private str(handle: QuickJSHandle | undefined): string {
    const ctx = this.ctx;
    if (!handle) return 'undefined';
    switch (ctx.typeof(handle)) {
      case 'string': {
        const value = ctx.getString(handle);
        if (value.length > this.options.maxArgumentLength) this.refuse(value.length);
        return value;
      }
      case 'number':
        return String(ctx.getNumber(handle));
      case 'undefined':
        return 'undefined';
      case 'boolean':
        return ctx.dump(handle) === true ? 'true' : 'false';
    }
    if (ctx.sameValue(handle, ctx.null)) return 'null';
    const path = this.entryPath(handle);
    if (path !== undefined) return path;
    const r = ctx.callFunction(this.toStr, ctx.undefined, handle);
    if (r.error) throw new GuestThrow(r.error);
    return r.value.consume((v) => {
      const value = ctx.getString(v);
      if (value.length > this.options.maxArgumentLength) this.refuse(value.length);
      return value;
    });
  }

  private refuse(length: number): never {
    this.host.handle('refuse', [`argument of ${length} characters`]);
    throw new TypeError(`distsim: argument too long (${length} characters)`);
  }

  private entryPath(handle: QuickJSHandle): string | undefined {
    if (this.ctx.typeof(handle) !== 'object') return undefined;
    return this.ctx.getProp(handle, this.pathKey).consume((p) => (this.ctx.typeof(p) === 'string' ? this.ctx.getString(p) : undefined));
  }

  private defineMethods(target: QuickJSHandle, methods: Record<string, (args: QuickJSHandle[], self: QuickJSHandle) => Answer>): void {
    for (const [name, impl] of Object.entries(methods)) this.method(name, impl).consume((fn) => this.ctx.setProp(target, name, fn));
  }

  /** A getter answering `op` once, then the same object on every read. */
  private defineCached(target: QuickJSHandle, name: string, op: string): void {
    this.ctx.defineProp(target, name, {
      enumerable: true,
      get: () => {
        let handle = this.cache.get(op);
        if (!handle) {
          handle = this.toGuest(this.host.handle(op, [])) ?? this.ctx.undefined;
          this.cache.set(op, handle);
        }
        return handle.dup();
      },
    });
  }

  /** A getter that builds a frozen object on first read and returns that same object afterwards. */
  private defineLazy(target: QuickJSHandle, name: string, build: () => QuickJSHandle): void {
    this.ctx.defineProp(target, name, {
      enumerable: true,
      get: () => {
        let handle = this.cache.get(name);
        if (!handle) {
          handle = this.frozen(build());
          this.cache.set(name, handle);
        }
        return handle.dup();
      },
    });
  }

  private frozen(handle: QuickJSHandle): QuickJSHandle {
    this.ctx.callFunction(this.freeze, this.ctx.undefined, handle).dispose();
    return handle;
  }

  /** ioregistry answers: arrays of entries; each entry remembers its path so childrenOf/parentsOf accept it back. */
  private entries(json: string | undefined): Answer {
    const array = this.toGuest(json);
    if (!array || this.ctx.typeof(array) !== 'object' || this.ctx.sameValue(array, this.ctx.null)) return array;
    const parsed = JSON.parse(json!) as Array<{ path: string; properties: unknown }>;
    const list = this.ctx.newArray();
    parsed.forEach((entry, i) => {
      this.ctx.getProp(array, i).consume((item) => {
        this.ctx.getProp(item, 'properties').consume((props) => {
          this.ctx.newString(entry.path).consume((p) => this.ctx.defineProp(props, this.pathKey, { value: p, enumerable: false }));
          this.ctx.setProp(list, i, props);
        });
      });
    });
    array.dispose();
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
      propertiesOf: (a) => {
        const o = a[0];
        if (!o || ctx.typeof(o) === 'undefined' || ctx.sameValue(o, ctx.null)) return '[]';
        const r = ctx.callFunction(this.keys, ctx.undefined, o);
        if (r.error) throw new GuestThrow(r.error);
        return r.value;
      },
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
      this.defineCached(applications, 'all', 'apps.all');
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

  private table: QuickJSHandle | undefined;

  private choiceTable(): QuickJSHandle {
    if (this.table) return this.table;
    const ctx = this.ctx;
    const proto = ctx.newObject();
    const idOf = (self: QuickJSHandle) => ctx.getProp(self, this.idKey).consume((v) => (ctx.typeof(v) === 'string' ? ctx.getString(v) : ''));
    for (const name of ['selected', 'enabled', 'visible', 'tooltip', 'title', 'description', 'packages', 'packageUpgradeAction']) {
      const writable = name === 'selected' || name === 'enabled' || name === 'visible' || name === 'tooltip';
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters' own `this` is the guest choice object
      const api = this;
      ctx.defineProp(proto, name, {
        enumerable: true,
        get: function (this: QuickJSHandle) {
          return api.toGuest(api.host.handle('choice.get', [idOf(this), name])) ?? ctx.undefined;
        },
        ...(writable && {
          set: function (this: QuickJSHandle, value: QuickJSHandle) {
            try {
              const v = name === 'tooltip' ? JSON.stringify(api.str(value)) : JSON.stringify(ctx.dump(value) ? true : false);
              api.host.handle('choice.set', [idOf(this), name, v]);
            } catch (error) {
              if (error instanceof GuestThrow) return { error: error.handle };
              throw error;
            }
            return undefined;
          },
        }),
      });
    }
    this.frozen(proto);
    const table = ctx.newObject();
    for (const id of this.options.choices) {
      const choice = ctx.newObject(proto);
      ctx.newString(id).consume((v) => ctx.defineProp(choice, this.idKey, { value: v, enumerable: false }));
      this.frozen(choice);
      ctx.setProp(table, id, choice);
      this.choiceObjects.set(id, choice);
    }
    proto.dispose();
    this.table = this.frozen(table);
    return this.table;
  }

  private installMy(): void {
    const ctx = this.ctx;
    const my = ctx.newObject();
    ctx.defineProp(my, 'target', {
      enumerable: true,
      get: () => {
        if (!this.targetBound) this.host.handle('targetUnbound', []);
        return this.target?.dup() ?? ctx.undefined;
      },
    });
    ctx.defineProp(my, 'result', {
      enumerable: true,
      get: () => this.result.dup(),
      set: (value: QuickJSHandle) => {
        this.result.dispose();
        this.result = value.dup();
      },
    });
    ctx.defineProp(my, 'choice', {
      enumerable: true,
      get: () => {
        if (this.choiceId === '') return ctx.undefined;
        this.choiceTable();
        return this.choiceObjects.get(this.choiceId)?.dup() ?? ctx.undefined;
      },
    });
    this.frozen(my);
    this.defineGlobal('my', this.own(my));
  }

  // ---- controls used between evaluations -----------------------------------------

  bindTarget(volume: { mountpoint: string; availableKilobytes: number; systemVersion?: unknown } | undefined): void {
    this.target?.dispose();
    this.target = undefined;
    this.targetBound = volume !== undefined;
    if (!volume) return;
    const data: Record<string, unknown> = { mountpoint: volume.mountpoint, availableKilobytes: volume.availableKilobytes };
    // A volume without an OS has no systemVersion at all (research §3.1).
    if (volume.systemVersion !== null && volume.systemVersion !== undefined) data.systemVersion = volume.systemVersion;
    const target = this.toGuest(JSON.stringify(data));
    if (!target) return;
    this.ctx.setProp(target, 'receiptForIdentifier', this.receipt);
    this.target = this.frozen(target);
  }

  bindChoice(id: string | undefined): void {
    this.choiceId = id ?? '';
  }

  resetResult(): void {
    this.result.dispose();
    this.result = this.ctx.newObject();
  }

  /** my.result's fields as strings; runs guest code (getters, toString), so the caller sets a deadline. */
  readResult(reader: QuickJSHandle): { ok: true; value: string } | { ok: false; error: QuickJSHandle } {
    const r = this.ctx.callFunction(reader, this.ctx.undefined, this.result);
    if (r.error) return { ok: false, error: r.error };
    return { ok: true, value: r.value.consume((v) => this.ctx.getString(v)) };
  }

  dispose(): void {
    this.target?.dispose();
    this.result.dispose();
    for (const h of this.cache.values()) h.dispose();
    for (const h of this.choiceObjects.values()) h.dispose();
    this.table?.dispose();
    this.table = undefined;
    for (const h of this.owned.reverse()) h.dispose();
    this.cache.clear();
    this.choiceObjects.clear();
    this.owned.length = 0;
  }
}
