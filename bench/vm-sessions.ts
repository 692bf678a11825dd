import vm from 'node:vm';
import { fixedDate, seededRandom, type GuestConfig } from '../src/sandbox/determinism.js';
import type { ResultFields } from '../src/mocks/install-api.js';
import type { InstallerHost } from '../src/mocks/host-api.js';
import type { Volume } from '../src/profile/types.js';
import { classifyGuestError } from '../src/sandbox/guest-errors.js';
import type { EvalBudget, EvalOutcome } from '../src/sandbox/session.js';
import type { SessionFactory, SessionLike } from '../src/simulate/run-profile.js';

/**
 * The benchmark's baseline: the same simulation in plain node:vm contexts
 * (V8, no sandbox, no memory limit), one fresh context per profile like
 * QuickJS, with the same InstallerHost answering the same API.
 */
export function vmSessions(): SessionFactory {
  return (_limits, config, host, api) => new VmSession(config, host, api.choices);
}

const FIXED_DATE = `(${fixedDate.toString()})`;

class VmSession implements SessionLike {
  private readonly context: vm.Context;
  private target: object | undefined;
  private targetBound = false;
  private result: unknown = {};
  private choiceId = '';
  readonly api: SessionLike['api'];
  readonly lastUnits = 0;
  onPoll: SessionLike['onPoll'];

  constructor(config: GuestConfig, host: InstallerHost, choiceIds: string[]) {
    this.context = vm.createContext({});
    // The same determinism as the QuickJS sessions: seeded Math.random, Date fixed on first use.
    const g0 = this.context as Record<string, unknown>;
    (vm.runInContext('Math', this.context) as { random: () => number }).random = seededRandom(config.seed);
    const realDate = vm.runInContext('Date', this.context) as DateConstructor;
    let fixed: unknown;
    const define = vm.runInContext('Object.defineProperty', this.context) as typeof Object.defineProperty;
    const install = () =>
      (fixed ??= (vm.runInContext(FIXED_DATE, this.context) as (d: DateConstructor, n: number, def: typeof define, g: object) => unknown)(
        realDate,
        config.now,
        define,
        g0,
      ));
    Object.defineProperty(g0, 'Date', {
      configurable: true,
      get: install,
      set: (v: unknown) => (install(), Object.defineProperty(g0, 'Date', { value: v, writable: true, configurable: true })),
    });
    const call = (op: string, ...args: string[]) => {
      const r = host.handle(op, args);
      return r === undefined ? undefined : JSON.parse(r);
    };
    const rest = (a: unknown[], from: number) => JSON.stringify(a.slice(from).map(String));
    const cached = (obj: object, name: string, op: string) => {
      let value: unknown;
      let done = false;
      Object.defineProperty(obj, name, { enumerable: true, get: () => (done ? value : ((done = true), (value = call(op)))) });
    };
    const applications = { fromPID: (p: unknown) => call('apps.fromPID', String(p)), fromIdentifier: (i: unknown) => call('apps.fromIdentifier', String(i)) };
    cached(applications, 'all', 'apps.all');
    const users = {};
    cached(users, 'desktopSessionCount', 'users.desktopSessionCount');
    const system = {
      compareVersions: (a: unknown, b: unknown) => call('compareVersions', String(a), String(b)),
      sysctl: (n: unknown) => call('sysctl', String(n)),
      gestalt: (n: unknown) => call('gestalt', String(n)),
      propertiesOf: (o: unknown) => (o === null || o === undefined ? [] : Object.keys(Object(o))),
      localizedString: (k: unknown, ...a: unknown[]) => call('localizedString', String(k), rest(a, 0), 'false'),
      localizedStringWithFormat: (k: unknown, ...a: unknown[]) => call('localizedString', String(k), rest(a, 0), 'false'),
      localizedStandardString: (k: unknown, ...a: unknown[]) => call('localizedString', String(k), rest(a, 0), 'true'),
      localizedStandardStringWithFormat: (k: unknown, ...a: unknown[]) => call('localizedString', String(k), rest(a, 0), 'true'),
      log: (m: unknown) => call('log', String(m)),
      run: (p: unknown, ...a: unknown[]) => call('run', String(p), rest(a, 0), 'false'),
      runOnce: (p: unknown, ...a: unknown[]) => call('run', String(p), rest(a, 0), 'true'),
      files: {
        fileExistsAtPath: (p: unknown) => call('files.exists', String(p)),
        plistAtPath: (p: unknown) => call('files.plist', String(p)),
        bundleAtPath: (p: unknown) => call('files.bundle', String(p)),
      },
      ioregistry: {
        fromPath: (p: unknown) => call('ioreg.fromPath', String(p)),
        matchingClass: (c: unknown) =>
          (call('ioreg.matchingClass', String(c), 'IOServicePlane') as Array<{ properties: unknown }> | null)?.map((e) => e.properties) ?? null,
        matchingName: (c: unknown) =>
          (call('ioreg.matchingName', String(c), 'IOServicePlane') as Array<{ properties: unknown }> | null)?.map((e) => e.properties) ?? null,
        childrenOf: (p: unknown) => (call('ioreg.childrenOf', String(p)) as Array<{ properties: unknown }>).map((e) => e.properties),
        parentsOf: (p: unknown) => (call('ioreg.parentsOf', String(p)) as Array<{ properties: unknown }>).map((e) => e.properties),
      },
      applications,
      users,
    };
    cached(system, 'version', 'version');
    cached(system, 'env', 'env');
    cached(system, 'defaults', 'defaults');
    const proto = {};
    const ids = new WeakMap<object, string>();
    for (const name of ['selected', 'enabled', 'visible', 'tooltip', 'title', 'description', 'packages', 'packageUpgradeAction']) {
      Object.defineProperty(proto, name, {
        enumerable: true,
        get(this: object) {
          return call('choice.get', ids.get(this) ?? '', name);
        },
        set(this: object, v: unknown) {
          call('choice.set', ids.get(this) ?? '', name, JSON.stringify(name === 'tooltip' ? String(v) : Boolean(v)));
        },
      });
    }
    const table: Record<string, object> = {};
    for (const id of choiceIds) {
      const c = Object.create(proto) as object;
      ids.set(c, id);
      table[id] = c;
    }
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- my's accessors have their own `this`
    const session = this;
    const my = {
      get target() {
        if (!session.targetBound) host.handle('targetUnbound', []);
        return session.target;
      },
      get result() {
        return session.result;
      },
      set result(v: unknown) {
        session.result = v;
      },
      get choice() {
        return table[session.choiceId];
      },
    };
    const g = this.context as Record<string, unknown>;
    g.system = system;
    g.my = my;
    g.choices = table;
    this.api = {
      bindTarget: (volume: Volume | undefined) => {
        this.targetBound = volume !== undefined;
        this.target = volume && {
          mountpoint: volume.mountpoint,
          availableKilobytes: volume.availableKilobytes,
          ...(volume.systemVersion ? { systemVersion: JSON.parse(JSON.stringify(volume.systemVersion)) } : {}),
          receiptForIdentifier: (id: unknown) => call('receipt', String(id)),
        };
      },
      bindChoice: (id: string | undefined) => {
        this.choiceId = id ?? '';
      },
      resetResult: () => {
        this.result = {};
      },
      readResult: (): { ok: true; value: ResultFields; truncated: string[] } => {
        const r = this.result as Record<string, unknown> | null;
        const field = (v: unknown) => (v === undefined || v === null ? null : String(v));
        const value =
          r === null || typeof r !== 'object'
            ? { type: null, title: null, message: null }
            : { type: field(r.type), title: field(r.title), message: field(r.message) };
        return { ok: true, value, truncated: [] };
      },
    };
  }

  evaluate(code: string, filename: string, budget: EvalBudget): EvalOutcome {
    let value: unknown;
    try {
      value = vm.runInContext(code, this.context, { filename, timeout: budget.wallMs });
    } catch (error) {
      const e = error as { name?: string; message?: string; stack?: string };
      const timedOut = typeof e?.message === 'string' && e.message.startsWith('Script execution timed out');
      return {
        ok: false,
        error: classifyGuestError(timedOut ? { name: 'InternalError', message: 'interrupted' } : { name: e?.name, message: e?.message, stack: e?.stack }),
      };
    }
    const type = value === null ? 'null' : typeof value;
    return { ok: true, type, truthy: Boolean(value), ...(typeof value === 'string' && { string: value }), ...(typeof value === 'number' && { number: value }) };
  }

  dispose(): boolean {
    return true;
  }
}
