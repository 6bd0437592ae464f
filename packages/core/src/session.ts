import type { CompatBackend } from './compat-backend.js';
import { SessError } from './errors.js';

/**
 * The data of a session, typed by declaration merging:
 *
 * ```ts
 * declare module '@sess/core' {
 *   interface SessionData { counter: number; cart: { items: string[] } }
 * }
 * ```
 * Names of the session API (`RESERVED_SESSION_NAMES`) and names starting with `#` cannot be used.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by applications through declaration merging
export interface SessionData {}

export type KeepAttributes = 'all' | 'none' | readonly string[];

export interface RegenerateSessionOptions {
  /** Attributes carried to the new id. @default 'all' */
  keep?: KeepAttributes;
  /** The new session's lifetime policy. @default the session's own */
  lifetime?: string;
}

export interface SignInOptions {
  /** Attributes carried to the signed-in session. @default 'all' */
  keep?: KeepAttributes;
  /**
   * Its lifetime policy, e.g. `'remember'` when "remember me" was ticked.
   * @default a policy chosen earlier with `setLifetime`, else `default`
   */
  lifetime?: string;
}

/**
 * One of the principal's live sessions, as `listSessions` reports it: what a "your devices"
 * page shows. It never holds the session id, which would hand the session to whoever sees
 * the page.
 */
export interface SessionSummary {
  /** Names this session to `revokeSession(handle)`; opaque, and not the session id. */
  readonly handle: string;
  /** It is the session of this request. */
  readonly current: boolean;
  /** When the session was signed in (ms since the epoch). */
  readonly createdAt: number;
  /** Its last request that moved the expiry (at most one per `touchInterval`). */
  readonly lastAccessAt: number;
  readonly expiresAt: number;
  /** The `User-Agent` of its sign-in, when the `devices` option recorded it. */
  readonly userAgent?: string;
  /** The network of its sign-in (`203.0.113.0/24`, `2001:db8:1::/48`), when `devices` recorded it. */
  readonly address?: string;
}

/** What every session offers besides its data. */
export interface SessionApi {
  /** `undefined` while the request is anonymous and nothing was written. */
  readonly id: string | undefined;
  /** The session did not exist before this request (anonymous, or created now). */
  readonly isNew: boolean;
  /** Who signed in, if anyone. */
  readonly principal: string | undefined;
  /** When the session ends unless extended (ms since the epoch); `undefined` when there is none. */
  readonly expiresAt: number | undefined;
  /**
   * The name of the session's lifetime policy (the store's `lifetimes`, or `default`), which
   * sets its timeouts and whether its cookie outlives the browser.
   */
  readonly lifetime: string;
  /**
   * Moves the session to another lifetime policy, in place: its idle timeout counts from now,
   * its absolute one from its creation, and the cookie follows at the end of the request.
   * Starts a session if there is none. At sign-in, pass `lifetime` to `signIn` instead.
   */
  setLifetime(lifetime: string): void;
  /**
   * Signs `principal` in: the session moves to a new id (against fixation), the principal is
   * recorded and indexed, the absolute timeout starts again, `maxSessionsPerPrincipal` applies.
   * Keeps all attributes by default.
   */
  signIn(principal: string, options?: SignInOptions): Promise<void>;
  /** Ends the session in Redis and clears the cookie. Writing afterwards starts a new session. */
  signOut(): Promise<void>;
  /** Moves the session to a new id, keeping all (default), none or some attributes. */
  regenerate(options?: RegenerateSessionOptions): Promise<void>;
  /** The same as `signOut`. */
  destroy(): Promise<void>;
  /**
   * Ends every session of the signed-in principal, this one too unless `keepCurrent`.
   * Returns how many ended; 0 when nobody is signed in.
   */
  revokeEverywhere(options?: { keepCurrent?: boolean }): Promise<number>;
  /**
   * The live sessions of the signed-in principal, soonest-expiring first, each named by an
   * opaque handle; empty when nobody is signed in.
   */
  listSessions(): Promise<SessionSummary[]>;
  /**
   * Ends one session of the signed-in principal, named by the `handle` `listSessions` gave
   * (the current one too: then it is a sign-out). Resolves to false for a handle that names
   * none of the principal's live sessions, another user's included: the answer does not say
   * which. False too when nobody is signed in.
   */
  revokeSession(handle: string): Promise<boolean>;
  /**
   * Reads and removes an attribute in one step: of any number of concurrent requests taking
   * the same value, exactly one gets it. For read-once values (an OAuth `state`, a CSRF
   * nonce, a flash message). One round trip when the session is stored, none otherwise;
   * undefined when there is nothing to take. The value is the one stored in Redis: a change
   * this request made to the attribute and did not commit is dropped with it.
   */
  take<K extends keyof SessionData & string>(name: K): Promise<SessionData[K] | undefined>;
  take(name: string): Promise<unknown>;
  /** The data, as a plain object. */
  toJSON(): Record<string, unknown>;
}

/** `req.session`, `request.session`, `ctx.session`: the API plus the data as plain properties. */
export type Session = SessionApi & Partial<Omit<SessionData, keyof SessionApi>>;

/** Names that are the session API, so cannot be data. Names starting with `#` are reserved too. */
export const RESERVED_SESSION_NAMES: ReadonlySet<string> = new Set([
  'id',
  'isNew',
  'principal',
  'expiresAt',
  'lifetime',
  'setLifetime',
  'signIn',
  'signOut',
  'regenerate',
  'destroy',
  'revokeEverywhere',
  'listSessions',
  'revokeSession',
  'take',
  'toJSON',
  // Never data: it would make the view look like it had another prototype.
  '__proto__',
]);

/** What a `Session` view stands on: the per-request lifecycle. */
export interface SessionBackend extends Omit<SessionApi, 'toJSON' | 'take'> {
  take(name: string): Promise<unknown>;
  read(name: string): unknown;
  write(name: string, value: unknown): void;
  remove(name: string): void;
  has(name: string): boolean;
  names(): string[];
  /** What a `SessionDialect` needs besides the native API (see `compat-backend.ts`). */
  readonly compat: CompatBackend;
}

/**
 * A framework's usual session vocabulary spoken by sess' views (express-session's `save(cb)`
 * and `cookie`, @fastify/session's `get`/`set`, koa-session's `maxAge`), so plugins written for
 * those libraries work unchanged. An adapter passes its dialect to `HttpSessions.open`; the
 * names it adds are API on its views, never data. Stateless: one object serves every view.
 */
export interface SessionDialect {
  /** The names the dialect adds (it may also take over names of `SessionApi`). */
  readonly names: ReadonlySet<string>;
  /** The value of `name`, one of `names`, on `view`, a view of `backend`. */
  get(name: string, backend: SessionBackend, view: Session): unknown;
  /** Assigns `name`, one of `names`; throws `SessError('INVALID_VALUE')` where that means nothing. */
  set(name: string, value: unknown, backend: SessionBackend): void;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Read through the `get` trap, it gives a view's target (see `rebindSessionView`). */
const TARGET = Symbol('target');

/** The read-only facts of `SessionApi`; the rest are methods. */
type SessionFact = 'id' | 'isNew' | 'principal' | 'expiresAt' | 'lifetime';
type SessionMethods = Omit<SessionApi, SessionFact>;

const BACKEND = Symbol('backend');
const METHODS = Symbol('methods');

/**
 * What a view's traps work on. To the application the view has no properties but the
 * session's data: symbol keys never reach the target through the traps below.
 */
interface ViewTarget {
  [BACKEND]: SessionBackend;
  /** Made on the first use of a method: most requests only read data. */
  [METHODS]: SessionMethods | undefined;
}

function methodsOf(target: ViewTarget): SessionMethods {
  const known = target[METHODS];
  if (known !== undefined) return known;
  const backend = target[BACKEND];
  const methods: SessionMethods = {
    setLifetime: (lifetime) => backend.setLifetime(lifetime),
    signIn: (principal, options) => {
      refuseCallback('signIn', options);
      return backend.signIn(principal, options);
    },
    signOut: (...rest: unknown[]) => {
      refuseCallback('signOut', rest[0]);
      return backend.signOut();
    },
    regenerate: (options) => {
      refuseCallback('regenerate', options);
      return backend.regenerate(options);
    },
    destroy: (...rest: unknown[]) => {
      refuseCallback('destroy', rest[0]);
      return backend.destroy();
    },
    revokeEverywhere: (options) => {
      refuseCallback('revokeEverywhere', options);
      return backend.revokeEverywhere(options);
    },
    listSessions: (...rest: unknown[]) => {
      refuseCallback('listSessions', rest[0]);
      return backend.listSessions();
    },
    revokeSession: (handle) => {
      refuseCallback('revokeSession', handle);
      return backend.revokeSession(handle);
    },
    take: (name: string) => {
      refuseCallback('take', name);
      return backend.take(name);
    },
    toJSON: () => {
      const data: Record<string, unknown> = Object.create(null);
      for (const name of backend.names()) data[name] = backend.read(name);
      return data;
    },
  };
  target[METHODS] = methods;
  return methods;
}

function apiValue(target: ViewTarget, name: string): unknown {
  const backend = target[BACKEND];
  switch (name) {
    case 'id':
      return backend.id;
    case 'isNew':
      return backend.isNew;
    case 'principal':
      return backend.principal;
    case 'expiresAt':
      return backend.expiresAt;
    case 'lifetime':
      return backend.lifetime;
    case '__proto__':
      return Object.prototype;
    default:
      return methodsOf(target)[name as keyof SessionMethods];
  }
}

/**
 * One handler for every view of a dialect (and one for views without): a handler (or methods)
 * made per request cost microseconds of closures in CPU profiles of reads, more than the reads
 * themselves.
 */
function viewHandler(dialect: SessionDialect | undefined): ProxyHandler<ViewTarget> {
  const extra = dialect?.names;
  // Every name that is not data, in one Set: reading an attribute, the common case, looks once.
  const special =
    extra === undefined ? RESERVED_SESSION_NAMES : new Set([...RESERVED_SESSION_NAMES, ...extra]);
  return {
    get(target, property, view) {
      if (typeof property === 'symbol') {
        if (property === TARGET) return target;
        if (property !== INSPECT) return undefined;
        const backend = target[BACKEND];
        return () => ({ id: backend.id, data: methodsOf(target).toJSON() });
      }
      if (special.has(property)) {
        if (extra?.has(property)) return dialect?.get(property, target[BACKEND], view as Session);
        return apiValue(target, property);
      }
      // Attribute values are never undefined (writing undefined removes one): no `has` first.
      const value = target[BACKEND].read(property);
      if (value !== undefined) return value;
      // `toString`, `hasOwnProperty`... keep working for code that treats the session as an object.
      return property in Object.prototype
        ? Object.prototype[property as keyof typeof Object.prototype]
        : undefined;
    },
    set(target, property, value) {
      if (typeof property === 'string' && extra?.has(property)) {
        dialect?.set(property, value, target[BACKEND]);
        return true;
      }
      target[BACKEND].write(dataName(property, extra), value);
      return true;
    },
    deleteProperty(target, property) {
      target[BACKEND].remove(dataName(property, extra));
      return true;
    },
    has(target, property) {
      if (typeof property === 'symbol') return false;
      return (
        RESERVED_SESSION_NAMES.has(property) ||
        extra?.has(property) === true ||
        target[BACKEND].has(property)
      );
    },
    ownKeys(target) {
      return target[BACKEND].names();
    },
    getOwnPropertyDescriptor(target, property) {
      const backend = target[BACKEND];
      if (typeof property === 'symbol' || !backend.has(property)) return undefined;
      return {
        value: backend.read(property),
        writable: true,
        enumerable: true,
        configurable: true,
      };
    },
    defineProperty(target, property, descriptor) {
      if (!('value' in descriptor)) {
        throw new SessError('INVALID_VALUE', 'session data: accessors cannot be stored');
      }
      target[BACKEND].write(dataName(property, extra), descriptor.value);
      return true;
    },
    setPrototypeOf() {
      return false;
    },
    preventExtensions() {
      return false;
    },
  };
}

const VIEW_HANDLER = viewHandler(undefined);
const DIALECT_HANDLERS = new WeakMap<SessionDialect, ProxyHandler<ViewTarget>>();

function handlerFor(dialect: SessionDialect | undefined): ProxyHandler<ViewTarget> {
  if (dialect === undefined) return VIEW_HANDLER;
  let handler = DIALECT_HANDLERS.get(dialect);
  if (handler === undefined) {
    handler = viewHandler(dialect);
    DIALECT_HANDLERS.set(dialect, handler);
  }
  return handler;
}

/**
 * The object the application sees: reading and writing properties reads and writes attributes
 * (undefined deletes), `delete session.x` removes one, and the API names are the methods of
 * `backend`, plus the names of `dialect` if given. Reads never create a session; the first
 * write does.
 */
export function createSessionView(backend: SessionBackend, dialect?: SessionDialect): Session {
  const target: ViewTarget = { [BACKEND]: backend, [METHODS]: undefined };
  return new Proxy(target, handlerFor(dialect)) as unknown as Session;
}

/**
 * Points an existing view at another backend: after express-session's `regenerate(cb)`, the
 * object the application still holds (Passport keeps it to copy from with `keepSessionInfo`)
 * reads the data of the session that was left, while `req.session` is a new view.
 */
export function rebindSessionView(view: Session, backend: SessionBackend): void {
  const target = (view as unknown as Record<typeof TARGET, ViewTarget | undefined>)[TARGET];
  if (target === undefined) return;
  target[BACKEND] = backend;
  target[METHODS] = undefined;
}

/** Whether `name` is API rather than data on a view of `dialect` (or on every view). */
export function isSessionApiName(name: string, dialect?: SessionDialect): boolean {
  return RESERVED_SESSION_NAMES.has(name) || dialect?.names.has(name) === true;
}

function dataName(property: string | symbol, extra: ReadonlySet<string> | undefined): string {
  if (typeof property === 'symbol') {
    throw new SessError('INVALID_NAME', 'session data: symbols cannot be stored');
  }
  if (RESERVED_SESSION_NAMES.has(property) || extra?.has(property)) {
    throw new SessError(
      'INVALID_NAME',
      `session data: "${property}" is reserved by the session API`,
    );
  }
  return property;
}

/**
 * A native method given a function where it takes options or nothing: sess' methods return
 * promises, and a callback would never be called. Thrown at once, where it cannot be lost.
 */
function refuseCallback(method: string, argument: unknown): void {
  if (typeof argument !== 'function') return;
  throw new SessError(
    'INVALID_VALUE',
    `session.${method}: got a function; sess' session methods take no callback and return a promise (\`await session.${method}(...)\`). Code written for express-session, @fastify/session or koa-session gets their callback forms from the sess adapter of its framework`,
  );
}
