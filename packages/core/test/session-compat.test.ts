import { parseSetCookie } from 'cookie';
import { beforeEach, describe, expect, it } from 'vitest';
import { isSessError } from '../src/errors.js';
import type { HttpSessionOptions } from '../src/http-options.js';
import { HttpSessions } from '../src/http-sessions.js';
import { createMemoryPort } from '../src/memory-port.js';
import { passportPrincipal } from '../src/passport-principal.js';
import type { Session } from '../src/session.js';
import type { SessionEvent } from '../src/session-events.js';
import type { CommitOutcome } from '../src/session-scope.js';
import { SessionStore } from '../src/session-store.js';

// What the adapters' dialects stand on (express-session's `regenerate(cb)`, `save`, `reload`;
// Passport's data as the principal), exercised on the scope itself over the in-memory port.

let store: SessionStore;
let events: SessionEvent[];

function sessions(options: Omit<HttpSessionOptions, 'store'> = {}): HttpSessions {
  return new HttpSessions({ store, ...options });
}

function data(session: Session): Record<string, unknown> {
  return session as unknown as Record<string, unknown>;
}

function cookieFrom(outcome: CommitOutcome): string {
  const header = outcome.setCookie.find((line) => line.startsWith('sess='));
  if (header === undefined) throw new Error('no sess cookie');
  const { name, value } = parseSetCookie(header);
  return `${name}=${value}`;
}

async function stored(http: HttpSessions, values: Record<string, unknown>, principal?: string) {
  const scope = await http.open({});
  Object.assign(scope.session, values);
  if (principal !== undefined) await scope.session.signIn(principal);
  const cookie = cookieFrom(await scope.commit());
  return { cookie, id: cookie.slice('sess='.length) };
}

beforeEach(() => {
  store = new SessionStore({ port: createMemoryPort(), cleaner: false });
  events = [];
  for (const type of ['created', 'regenerated', 'destroyed', 'revoked'] as const) {
    store.on(type, (event) => events.push(event));
  }
});

describe('a function where sess takes options is never dropped', () => {
  it('each native method given a callback throws INVALID_VALUE at once, naming the promise form', async () => {
    const scope = await sessions().open({});
    const callback = () => {};
    const session = scope.session as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const [method, args] of [
      ['regenerate', [callback]],
      ['destroy', [callback]],
      ['signOut', [callback]],
      ['signIn', ['ada', callback]],
      ['revokeEverywhere', [callback]],
      ['listSessions', [callback]],
    ] as const) {
      let thrown: unknown;
      try {
        session[method]?.(...args);
      } catch (error) {
        thrown = error;
      }
      expect(isSessError(thrown, 'INVALID_VALUE'), method).toBe(true);
      expect((thrown as Error).message).toMatch(
        new RegExp(`^session\\.${method}: got a function; .*await session\\.${method}`),
      );
    }
    expect(await scope.commit()).toEqual({ setCookie: [] });
  });
});

describe('regenerateAtCommit: a new id at the commit, in one move', () => {
  it("keep 'none' with a swap: the old object keeps the old data, the request's session starts empty under the id it will have", async () => {
    const http = sessions();
    const old = await stored(http, { cart: 'tea', theme: 'dark' });
    const scope = await http.open({ cookie: old.cookie });
    const before = scope.session;
    await scope.regenerateAtCommit('none', true);
    expect(scope.session).not.toBe(before);
    expect(data(before).cart).toBe('tea');
    expect(Object.keys(before).sort()).toEqual(['cart', 'theme']);
    expect(scope.session.toJSON()).toEqual({});
    const id = scope.ensureId();
    expect(id).not.toBe(old.id);
    data(scope.session).cart = data(before).cart; // Passport's keepSessionInfo copies like this
    events = [];
    const outcome = await scope.commit();
    expect(cookieFrom(outcome)).toBe(`sess=${id}`);
    expect(events.map((event) => [event.type, event.id, event.newId])).toEqual([
      ['regenerated', old.id, id],
    ]);
    expect(await store.load(old.id)).toBeNull();
    expect((await store.load(id))?.toObject()).toEqual({ cart: 'tea' });
  });

  it("keep 'all' without a swap (koa-session's regenerate): same object, same data, a new id", async () => {
    const http = sessions();
    const old = await stored(http, { cart: 'tea' });
    const scope = await http.open({ cookie: old.cookie });
    const view = scope.session;
    await scope.regenerateAtCommit('all', false);
    expect(scope.session).toBe(view);
    expect(data(view).cart).toBe('tea');
    const id = await scope.commit().then(cookieFrom);
    expect(id).not.toBe(`sess=${old.id}`);
    expect((await store.load(id.slice(5)))?.toObject()).toEqual({ cart: 'tea' });
  });

  it('two regenerates before the commit still move the session once', async () => {
    const http = sessions();
    const old = await stored(http, { cart: 'tea' });
    const scope = await http.open({ cookie: old.cookie });
    await scope.regenerateAtCommit('all', true);
    await scope.regenerateAtCommit('all', true);
    events = [];
    const cookie = cookieFrom(await scope.commit());
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'regenerated', id: old.id, newId: cookie.slice(5) });
  });

  it('nothing written after a regenerate to empty: the old session ends and the cookie is cleared', async () => {
    const http = sessions();
    const old = await stored(http, { cart: 'tea' });
    const scope = await http.open({ cookie: old.cookie });
    await scope.regenerateAtCommit('none', true);
    const outcome = await scope.commit();
    expect(outcome.setCookie).toEqual([expect.stringMatching(/^sess=; Max-Age=0;/)]);
    expect(await store.load(old.id)).toBeNull();
    expect(await store.count()).toBe(0);
  });

  it('a sign-out after it ends the stored session, not only the new one', async () => {
    const http = sessions();
    const old = await stored(http, { cart: 'tea' }, 'ada');
    const scope = await http.open({ cookie: old.cookie });
    await scope.regenerateAtCommit('none', true);
    await scope.session.signOut();
    expect((await scope.commit()).setCookie).toEqual([expect.stringMatching(/^sess=; Max-Age=0;/)]);
    expect(await store.findByPrincipal('ada')).toEqual([]);
  });

  it('after the response has gone out, a regenerate is refused', async () => {
    const http = sessions();
    const scope = await http.open({});
    await scope.commit();
    await expect(scope.regenerateAtCommit('none', true)).rejects.toMatchObject({
      code: 'INVALID_VALUE',
    });
  });
});

describe('save and reload', () => {
  it('save writes nothing before the commit, and writes after it (a streamed response)', async () => {
    const http = sessions();
    const old = await stored(http, { cart: 'tea' });
    const scope = await http.open({ cookie: old.cookie });
    data(scope.session).cart = 'coffee';
    await scope.save();
    expect((await store.load(old.id))?.get('cart')).toBe('tea');
    await scope.commit();
    expect((await store.load(old.id))?.get('cart')).toBe('coffee');
    data(scope.session).cart = 'water';
    await scope.save();
    expect((await store.load(old.id))?.get('cart')).toBe('water');
  });

  it("reload drops the request's changes; SESSION_GONE when the session ended", async () => {
    const http = sessions();
    const old = await stored(http, { cart: 'tea' });
    const scope = await http.open({ cookie: old.cookie });
    data(scope.session).cart = 'coffee';
    await scope.reload();
    expect(data(scope.session).cart).toBe('tea');
    await store.destroy(old.id);
    await expect(scope.reload()).rejects.toMatchObject({ code: 'SESSION_GONE', status: 401 });
    expect(scope.session.id).toBeUndefined();
  });
});

describe('principalFrom: the principal read from the data', () => {
  const principalFrom = (session: Session) => data(session).user as string | undefined;

  it('a user written to the data is a sign-in at the commit: a new id, the principal indexed', async () => {
    const http = sessions({ principalFrom });
    const old = await stored(http, { cart: 'tea' });
    const scope = await http.open({ cookie: old.cookie });
    data(scope.session).user = 'ada';
    events = [];
    const cookie = cookieFrom(await scope.commit());
    expect(cookie).not.toBe(old.cookie);
    expect(events.map((event) => [event.type, event.principal, event.reason])).toEqual([
      ['regenerated', 'ada', 'sign-in'],
    ]);
    const [record] = await store.findByPrincipal('ada');
    expect(record?.toObject()).toEqual({ cart: 'tea', user: 'ada' });
  });

  it('the user taken out of the data is a sign-out: the signed-in session ends, the rest goes on anonymous', async () => {
    const http = sessions({ principalFrom });
    const scope = await http.open({});
    Object.assign(scope.session, { user: 'bea', cart: 'tea' });
    const signedIn = cookieFrom(await scope.commit());
    expect(await store.findByPrincipal('bea')).toHaveLength(1);
    const leaving = await http.open({ cookie: signedIn });
    data(leaving.session).user = undefined;
    const cookie = cookieFrom(await leaving.commit());
    expect(cookie).not.toBe(signedIn);
    expect(await store.findByPrincipal('bea')).toEqual([]);
    const next = await store.load(cookie.slice(5));
    expect(next?.principal).toBeUndefined();
    expect(next?.toObject()).toEqual({ cart: 'tea' });
  });

  it('a principal from signIn, which the data never named, stays when the data changes', async () => {
    const http = sessions({ principalFrom });
    const old = await stored(http, { cart: 'tea' }, 'cy');
    const scope = await http.open({ cookie: old.cookie });
    data(scope.session).cart = 'coffee';
    expect(await scope.commit()).toEqual({ setCookie: [] });
    expect((await store.findByPrincipal('cy')).map((record) => record.get('cart'))).toEqual([
      'coffee',
    ]);
  });

  it('a mapping that gives no string fails the commit with INVALID_VALUE (500), before any write', async () => {
    const http = sessions({ principalFrom: (session) => data(session).user as string });
    const scope = await http.open({});
    data(scope.session).user = 42;
    await expect(scope.commit()).rejects.toMatchObject({ code: 'INVALID_VALUE', status: 500 });
    expect(await store.count()).toBe(0);
  });

  it("passportPrincipal reads Passport's `passport.user` and @fastify/passport's `passport`", () => {
    const view = (values: Record<string, unknown>) => values as unknown as Session;
    const mapping = passportPrincipal();
    expect(mapping(view({ passport: { user: 'ada' } }))).toBe('ada');
    expect(mapping(view({ passport: { user: 7 } }))).toBe('7');
    expect(mapping(view({ passport: 'bea' }))).toBe('bea');
    expect(mapping(view({ passport: {} }))).toBeUndefined();
    expect(mapping(view({}))).toBeUndefined();
    expect(() => mapping(view({ passport: { user: { id: 1 } } }))).toThrow(
      /the serialized user is an object; pass `principal: \(user\) => String\(user.id\)`/,
    );
    const byId = passportPrincipal({
      key: 'auth',
      principal: (user) => String((user as { id: number }).id),
    });
    expect(byId(view({ auth: { user: { id: 9 } } }))).toBe('9');
    expect(() => passportPrincipal({ key: '' })).toThrow(
      /passportPrincipal: `key` is a non-empty string/,
    );
    expect(() => passportPrincipal({ keys: 'auth' } as never)).toThrow(
      /passportPrincipal\.keys: unknown option; did you mean `key`\?/,
    );
  });
});
