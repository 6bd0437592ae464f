import { parseSetCookie } from 'cookie';
import { beforeEach, describe, expect, it } from 'vitest';
import { isSessError } from '../src/errors.js';
import type { HttpSessionOptions } from '../src/http-options.js';
import { createHttpSessions, type HttpSessions } from '../src/http-sessions.js';
import { createMemoryPort } from '../src/memory-port.js';
import type {
  CallOptions,
  CommandCall,
  PortCall,
  RedisPort,
  RedisReply,
  ScriptCall,
} from '../src/redis-port.js';
import type { CommitOutcome, SessionScope } from '../src/session-scope.js';
import { createSessionStore, LOAD_CHECKED, type SessionStore } from '../src/session-store.js';
import type { SessionStoreOptions } from '../src/store-options.js';

declare module '../src/session.js' {
  interface SessionData {
    counter: number;
    cart: { items: number[] };
  }
}

/** The memory port, counting round trips, and able to stop answering (like a paused server). */
class CountingPort implements RedisPort {
  readonly #inner = createMemoryPort();
  readonly capabilities = this.#inner.capabilities;
  trips = 0;
  hang = false;

  #call<T>(operation: () => Promise<T>): Promise<T> {
    this.trips++;
    return this.hang ? new Promise<T>(() => {}) : operation();
  }
  send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    return this.#call(() => this.#inner.send(call, options));
  }
  script(call: ScriptCall, options?: CallOptions): Promise<RedisReply> {
    return this.#call(() => this.#inner.script(call, options));
  }
  batch(calls: readonly PortCall[], options?: CallOptions): Promise<Array<RedisReply | Error>> {
    return this.#call(() => this.#inner.batch(calls, options));
  }
  dedicated(): Promise<RedisPort> {
    return this.#inner.dedicated();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

/**
 * A `CountingPort` that also offers `sendWith`, as a caching port does: loads take it. `sendWith`
 * answers through `send` (so `hang` holds it too), or throws with `throwing`.
 */
class CallbackPort extends CountingPort {
  withCalls = 0;
  throwing = false;

  sendWith(
    call: CommandCall,
    onReply: (reply: RedisReply) => void,
    onError: (error: unknown) => void,
  ): void {
    this.withCalls++;
    if (this.throwing) throw new Error('sendWith broke');
    this.send(call).then(onReply, onError);
  }
}

let port: CountingPort;
let store: SessionStore;

function sessions(
  options: Omit<HttpSessionOptions, 'store'> = {},
  storeOptions: Partial<SessionStoreOptions> = {},
): HttpSessions {
  store = createSessionStore({ port, operationTimeout: 50, ...storeOptions });
  return createHttpSessions({ store, ...options });
}

/** The Cookie header a browser would send back after `outcome`. */
function cookieFrom(outcome: CommitOutcome): string {
  const [header] = outcome.setCookie;
  if (header === undefined) throw new Error('no Set-Cookie');
  const { name, value } = parseSetCookie(header);
  return `${name}=${value}`;
}

async function created(http: HttpSessions, data: Record<string, unknown> = { counter: 1 }) {
  const scope = await http.open({});
  Object.assign(scope.session, data);
  const outcome = await scope.commit();
  return { id: scope.session.id!, cookie: cookieFrom(outcome) };
}

beforeEach(() => {
  port = new CountingPort();
});

const OLD = 'the old secret, 32 characters or more';
const NEW = 'the new secret, 32 characters or more';

describe('HttpSessions: what a request costs and which cookie it sends', () => {
  it('no cookie, no write: no Redis call, no Set-Cookie, an anonymous session', async () => {
    const http = sessions();
    const scope = await http.open({ cookie: 'other=1' });
    expect(scope.session.id).toBeUndefined();
    expect(scope.session.isNew).toBe(true);
    expect(scope.session.counter).toBeUndefined();
    expect(scope.session.toJSON()).toEqual({});
    expect(await scope.commit()).toEqual({ setCookie: [] });
    expect(port.trips).toBe(0);
  });

  it('the first write creates the session: one round trip and the cookie, with no-store', async () => {
    const http = sessions();
    const scope = await http.open({});
    scope.session.counter = 1;
    const id = scope.session.id;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const outcome = await scope.commit();
    expect(port.trips).toBe(1);
    expect(outcome.cacheControl).toBe('no-store');
    expect(parseSetCookie(outcome.setCookie[0]!)).toMatchObject({ name: 'sess', value: id });
  });

  it('a read costs one round trip, a write one more, and a read-only commit nothing', async () => {
    const http = sessions({ cookie: { persistent: false } });
    const { cookie } = await created(http);
    port.trips = 0;
    const reader = await http.open({ cookie });
    expect(reader.session.counter).toBe(1);
    expect(reader.session.isNew).toBe(false);
    expect(await reader.commit()).toEqual({ setCookie: [] });
    expect(port.trips).toBe(1);
    const writer = await http.open({ cookie });
    writer.session.counter = (writer.session.counter ?? 0) + 1;
    expect(await writer.commit()).toEqual({ setCookie: [] }); // browser-session cookie: nothing to refresh
    expect(port.trips).toBe(3);
  });

  it('loads through a store-like object that is not this copy of SessionStore', async () => {
    const http = sessions();
    const { cookie } = await created(http, { counter: 7 });
    let loads = 0;
    // What another copy of @sess/core's SessionStore looks like here: no package-internal load.
    const foreign = new Proxy(store, {
      get(target, property) {
        if (property === LOAD_CHECKED) return undefined;
        if (property === 'load') {
          return (id: string) => {
            loads++;
            return target.load(id);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const scope = await createHttpSessions({ store: foreign }).open({ cookie });
    expect(scope.session.counter).toBe(7);
    expect(loads).toBe(1);
  });

  it('a persistent cookie is sent again when the expiry moves', async () => {
    let now = Date.now();
    const http = sessions({}, { now: () => now, touchInterval: 1_000, idleTimeout: 10_000 });
    const { cookie } = await created(http);
    now += 500;
    const early = await http.open({ cookie });
    early.session.counter;
    expect((await early.commit()).setCookie).toEqual([]);
    now += 1_000;
    const due = await http.open({ cookie });
    const refreshed = parseSetCookie((await due.commit()).setCookie[0]!);
    expect(refreshed.maxAge).toBe(10);
    expect(refreshed.expires?.getTime()).toBe(Math.floor((now + 10_000) / 1000) * 1000);
  });

  it('a browser-session cookie is not sent again when a touch moves the expiry', async () => {
    let now = Date.now();
    const http = sessions(
      { cookie: { persistent: false } },
      { now: () => now, touchInterval: 1_000, idleTimeout: 10_000 },
    );
    const { id, cookie } = await created(http);
    now += 2_000;
    const due = await http.open({ cookie });
    due.session.counter;
    port.trips = 0;
    expect(await due.commit()).toEqual({ setCookie: [] });
    expect(port.trips).toBe(1); // the touch was written...
    expect((await store.load(id))?.expiresAt).toBe(now + 10_000); // ...and moved the expiry
  });

  it('cacheControl: false sends the cookie without Cache-Control', async () => {
    const http = sessions({ cacheControl: false });
    const scope = await http.open({});
    scope.session.counter = 1;
    const outcome = await scope.commit();
    expect(outcome.setCookie).toHaveLength(1);
    expect(outcome.cacheControl).toBeUndefined();
  });

  it('commitAtOnce: the outcome without waiting when there is nothing to write, else undefined', async () => {
    let now = Date.now();
    const http = sessions({}, { now: () => now, touchInterval: 1_000 });
    const { cookie } = await created(http);
    const anonymous = await http.open({});
    expect(anonymous.commitAtOnce()).toEqual({ setCookie: [] });
    const reader = await http.open({ cookie });
    expect(reader.session.counter).toBe(1);
    port.trips = 0;
    expect(reader.commitAtOnce()).toEqual({ setCookie: [] });
    expect(await reader.commit()).toEqual({ setCookie: [] }); // once only
    const writer = await http.open({ cookie });
    writer.session.counter = 2;
    expect(writer.commitAtOnce()).toBeUndefined();
    const firstWrite = await http.open({});
    firstWrite.session.counter = 1;
    expect(firstWrite.commitAtOnce()).toBeUndefined();
    now += 1_000;
    const touchDue = await http.open({ cookie });
    expect(touchDue.commitAtOnce()).toBeUndefined();
    expect(port.trips).toBe(2); // the loads; commitAtOnce itself never calls Redis
    expect((await writer.commit()).setCookie).toHaveLength(1); // the expiry moved: persistent cookie
  });

  it('catches nested mutations', async () => {
    const http = sessions();
    const { cookie } = await created(http, { cart: { items: [] } });
    const scope = await http.open({ cookie });
    scope.session.cart?.items.push(7);
    await scope.commit();
    const after = await http.open({ cookie });
    expect(after.session.cart).toEqual({ items: [7] });
  });

  it('a cookie for a session that is gone is anonymous and left alone', async () => {
    const http = sessions();
    const { id, cookie } = await created(http);
    await store.destroy(id);
    const scope = await http.open({ cookie });
    expect(scope.session.id).toBeUndefined();
    expect(await scope.commit()).toEqual({ setCookie: [] });
  });
});

describe('the Session object', () => {
  it('behaves like a plain object for data, and refuses reserved names', async () => {
    const http = sessions();
    const scope = await http.open({});
    const session = scope.session;
    session.counter = 2;
    expect('counter' in session).toBe(true);
    expect(Object.keys(session)).toEqual(['counter']);
    expect({ ...session }).toEqual({ counter: 2 });
    expect(JSON.parse(JSON.stringify(session))).toEqual({ counter: 2 });
    expect(String(session)).toBe('[object Object]');
    expect(Object.hasOwn(session, 'counter')).toBe(true);
    // What the view keeps for itself never shows.
    expect(Reflect.ownKeys(session)).toEqual(['counter']);
    expect(Object.getOwnPropertySymbols(session)).toEqual([]);
    expect(Object.getPrototypeOf(session)).toBe(Object.prototype);
    // Two views of one kind share their handler, not their data or their methods.
    const other = (await http.open({})).session;
    expect(other.counter).toBeUndefined();
    expect(other.signOut).not.toBe(session.signOut);
    expect(session.signOut).toBe(session.signOut);
    delete session.counter;
    expect(session.counter).toBeUndefined();
    expect(() => {
      (session as unknown as Record<string, unknown>).id = 'x';
    }).toThrow(/reserved/);
    expect(() => {
      (session as unknown as Record<string, unknown>)['#x'] = 1;
    }).toThrow(/reserved/);
    expect(() => {
      Reflect.set(session, '__proto__', { polluted: true });
    }).toThrow(/reserved/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Setting undefined deletes; an emptied new session is never created.
    session.counter = 1;
    session.counter = undefined;
    expect(await scope.commit()).toEqual({ setCookie: [] });
    expect(port.trips).toBe(0);
  });

  it('is not mistaken for a promise', async () => {
    const http = sessions();
    const scope = await http.open({});
    expect(await Promise.resolve(scope.session)).toBe(scope.session);
  });

  it('reads a stored value the serializer refuses as absent, without polluting anything', async () => {
    const http = sessions();
    const { id, cookie } = await created(http);
    await port.send({
      command: 'HSET',
      keys: [store.keys.session(id)],
      args: [store.keys.session(id), 'evil', '{"__proto__":{"polluted":true}}'],
    });
    const scope = await http.open({ cookie });
    expect(scope.session.toJSON()).toEqual({ counter: 1, evil: undefined });
    expect((scope.session as unknown as Record<string, unknown>).evil).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('sign-in, sign-out, revocation', () => {
  it('sign-in moves the session to a new id and sets the cookie; the old id is gone', async () => {
    const http = sessions();
    const { id, cookie } = await created(http);
    const scope = await http.open({ cookie });
    await scope.session.signIn('alice');
    expect(scope.session.id).not.toBe(id);
    expect(scope.session.principal).toBe('alice');
    expect(scope.session.counter).toBe(1);
    const outcome = await scope.commit();
    expect(parseSetCookie(outcome.setCookie[0]!).value).toBe(scope.session.id);
    expect(await store.load(id)).toBeNull();
  });

  it('sign-in from an anonymous request creates a signed-in session', async () => {
    const http = sessions();
    const scope = await http.open({});
    await scope.session.signIn('bob', { keep: 'none' });
    expect(scope.session.isNew).toBe(true);
    const outcome = await scope.commit();
    expect(parseSetCookie(outcome.setCookie[0]!).value).toBe(scope.session.id);
    expect((await store.findByPrincipal('bob')).map((r) => r.id)).toEqual([scope.session.id]);
  });

  it('sign-out destroys and clears the cookie; a later write starts a new session', async () => {
    const http = sessions();
    const { id, cookie } = await created(http);
    const scope = await http.open({ cookie });
    await scope.session.signOut();
    expect(scope.session.id).toBeUndefined();
    const cleared = parseSetCookie((await scope.commit()).setCookie[0]!);
    expect(cleared).toMatchObject({ name: 'sess', value: '', maxAge: 0 });
    expect(await store.load(id)).toBeNull();

    const again = await http.open({ cookie });
    await again.session.destroy();
    again.session.counter = 5;
    const fresh = parseSetCookie((await again.commit()).setCookie[0]!);
    expect(fresh.value).not.toBe('');
    expect(fresh.value).not.toBe(id);
  });

  it('a commit after a concurrent sign-out does not bring the session back', async () => {
    const http = sessions();
    const { id, cookie } = await created(http);
    const slow = await http.open({ cookie });
    const other = await http.open({ cookie });
    await other.session.signOut();
    await other.commit();
    slow.session.counter = 99;
    expect(await slow.commit()).toEqual({ setCookie: [] });
    expect(await store.load(id)).toBeNull();
  });

  it('revokes everywhere, keeping the current session or not; lists sessions', async () => {
    const http = sessions();
    const cookies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const scope = await http.open({});
      await scope.session.signIn('carol');
      cookies.push(cookieFrom(await scope.commit()));
    }
    const current = await http.open({ cookie: cookies[0] });
    const listed = await current.session.listSessions();
    expect(listed).toHaveLength(3);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    expect(await current.session.revokeEverywhere({ keepCurrent: true })).toBe(2);
    expect(await current.commit()).toEqual({ setCookie: [] });
    expect(await store.findByPrincipal('carol')).toHaveLength(1);

    const last = await http.open({ cookie: cookies[0] });
    expect(await last.session.revokeEverywhere()).toBe(1);
    expect((await last.commit()).setCookie[0]).toMatch(/^sess=;/);
    expect(await store.findByPrincipal('carol')).toHaveLength(0);
    const anonymous = await http.open({});
    expect(await anonymous.session.revokeEverywhere()).toBe(0);
    expect(await anonymous.session.listSessions()).toEqual([]);
  });

  it('a cookie signed with an older secret is accepted and re-signed', async () => {
    const before = sessions({ secrets: OLD });
    const { cookie } = await created(before);
    const after = createHttpSessions({ store, secrets: [NEW, OLD] });
    const scope = await after.open({ cookie });
    expect(scope.session.counter).toBe(1);
    // Re-signing needs no Redis call: the outcome is there at once.
    const resigned = cookieFrom(scope.commitAtOnce()!);
    expect(resigned).not.toBe(cookie);
    const onlyNew = createHttpSessions({ store, secrets: NEW });
    expect((await onlyNew.open({ cookie: resigned })).session.counter).toBe(1);
    expect((await onlyNew.open({ cookie })).session.counter).toBeUndefined();
  });
});

describe('openWith: the same as open, with callbacks', () => {
  /** Opens with callbacks; fails if one is called synchronously or more than once. */
  function openWith(http: HttpSessions, cookie?: string) {
    return new Promise<{ scope?: SessionScope; error?: unknown }>((resolve, reject) => {
      let returned = false;
      let calls = 0;
      const settle = (outcome: { scope?: SessionScope; error?: unknown }) => {
        calls++;
        if (!returned) reject(new Error('called back synchronously'));
        // A second call would come later: wait a little before resolving to catch it.
        setImmediate(() => (calls === 1 ? resolve(outcome) : reject(new Error(`${calls} calls`))));
      };
      http.openWith(
        { cookie },
        (scope) => settle({ scope }),
        (error) => settle({ error }),
      );
      returned = true;
    });
  }

  it('calls back once, never synchronously: anonymous, loaded, failed, degraded', async () => {
    const http = sessions();
    expect((await openWith(http)).scope?.session.id).toBeUndefined();
    const { id, cookie } = await created(http);
    expect((await openWith(http, cookie)).scope?.session.id).toBe(id);

    port.hang = true;
    const failed = await openWith(http, cookie);
    expect(failed.scope).toBeUndefined();
    expect(failed.error).toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    const degraded = await openWith(sessions({ onUnavailable: 'anonymous' }), cookie);
    expect(degraded.scope?.degraded).toBe(true);

    const closing = sessions();
    await store.close();
    const closed = await openWith(closing, cookie);
    expect(closed.error).toMatchObject({ code: 'CLOSED' });
  });

  it("loads through the port's sendWith when it has one, under the same deadline", async () => {
    const callbacks = new CallbackPort();
    port = callbacks;
    const http = sessions();
    const { id, cookie } = await created(http);
    expect((await openWith(http, cookie)).scope?.session.id).toBe(id);
    expect(callbacks.withCalls).toBe(1);

    callbacks.hang = true;
    expect((await openWith(http, cookie)).error).toMatchObject({ code: 'UNAVAILABLE' });
    callbacks.hang = false;
    // A port that throws instead of calling back fails the load, after openWith has returned.
    callbacks.throwing = true;
    const failed = await openWith(http, cookie);
    expect(failed.error).toMatchObject({ code: 'REDIS_ERROR', status: 500 });
    const causes: string[] = [];
    for (let e: unknown = failed.error; e instanceof Error; e = e.cause) causes.push(e.message);
    expect(causes.join(' <- ')).toMatch(/sendWith broke/);
    expect(callbacks.withCalls).toBe(3);
  });

  it('openNow: the scope itself when there is nothing to load, else a promise as from open', async () => {
    const http = sessions();
    const { id, cookie } = await created(http);
    port.trips = 0;
    for (const header of [undefined, 'other=1', 'sess=not-an-id', `sess=${id}x`]) {
      const scope = http.openNow({ cookie: header });
      expect(scope).not.toBeInstanceOf(Promise);
      expect((scope as SessionScope).session.id).toBeUndefined();
    }
    expect(port.trips).toBe(0);

    const loading = http.openNow({ cookie });
    expect(loading).toBeInstanceOf(Promise);
    expect((await loading).session.id).toBe(id);
    expect(port.trips).toBe(1);

    port.hang = true;
    await expect(http.openNow({ cookie })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      status: 503,
    });
    const degraded = await sessions({ onUnavailable: 'anonymous' }).openNow({ cookie });
    expect(degraded.degraded).toBe(true);
  });
});

describe('Redis unavailable', () => {
  async function paused(onUnavailable: 'fail' | 'anonymous') {
    const http = sessions({ onUnavailable });
    const { cookie } = await created(http);
    port.hang = true;
    return { http, cookie };
  }

  it("'fail': open throws UNAVAILABLE with status 503", async () => {
    const { http, cookie } = await paused('fail');
    const error = await http.open({ cookie }).catch((e: unknown) => e);
    expect(isSessError(error, 'UNAVAILABLE')).toBe(true);
    expect(error).toMatchObject({ status: 503, statusCode: 503, expose: false });
  });

  it("'fail': a commit that cannot reach Redis throws the 503 too", async () => {
    const { http } = await paused('fail');
    const scope = await http.open({});
    scope.session.counter = 1;
    await expect(scope.commit()).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503 });
  });

  it("'anonymous': no session, no Redis call at commit, no cookie set or cleared", async () => {
    const { http, cookie } = await paused('anonymous');
    const scope: SessionScope = await http.open({ cookie });
    expect(scope.degraded).toBe(true);
    expect(scope.session.id).toBeUndefined();
    scope.session.counter = 3;
    const trips = port.trips;
    expect(await scope.commit()).toEqual({ setCookie: [] });
    expect(port.trips).toBe(trips);

    const fresh = await http.open({});
    fresh.session.counter = 1;
    expect(await fresh.commit()).toEqual({ setCookie: [] });
  });

  it('an operation that fails with UNAVAILABLE throws a 503 and makes the commit a no-op', async () => {
    const { http, cookie } = await paused('fail');
    port.hang = false;
    const scope = await http.open({ cookie });
    port.hang = true;
    await expect(scope.session.signIn('dave')).rejects.toMatchObject({ status: 503 });
    const trips = port.trips;
    expect(await scope.commit()).toEqual({ setCookie: [] });
    expect(port.trips).toBe(trips);
  });
});
