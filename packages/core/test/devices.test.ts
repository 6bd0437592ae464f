import { parseSetCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import { isSessError } from '../src/errors.js';
import type { HttpSessionOptions } from '../src/http-options.js';
import { HttpSessions } from '../src/http-sessions.js';
import { createMemoryPort } from '../src/memory-port.js';
import { sessionHandle } from '../src/session-handle.js';
import type { CommitOutcome } from '../src/session-scope.js';
import { SessionStore } from '../src/session-store.js';
import type { HttpRequestFacts } from '../src/trust-proxy.js';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148';
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0';

function setup(options: Omit<HttpSessionOptions, 'store'> = { devices: true }) {
  const store = new SessionStore({ port: createMemoryPort(), cleaner: false });
  const http = new HttpSessions({ store, ...options });
  return { store, http };
}

function cookieFrom(outcome: CommitOutcome): string {
  const { name, value } = parseSetCookie(outcome.setCookie[0] ?? '');
  return `${name}=${value}`;
}

async function signIn(http: HttpSessions, user: string, facts: HttpRequestFacts = {}) {
  const scope = await http.open(facts);
  await scope.session.signIn(user);
  const id = scope.session.id as string;
  return { id, cookie: cookieFrom(await scope.commit()) };
}

describe('a devices page', () => {
  it('lists handles with what each sign-in recorded, never ids', async () => {
    const { http } = setup({ devices: true, trustProxy: 1 });
    const phone = await signIn(http, 'ada', {
      userAgent: PHONE,
      remoteAddress: '10.0.0.1',
      forwardedFor: '203.0.113.77',
    });
    const laptop = await signIn(http, 'ada', {
      userAgent: `${LAPTOP}${' x'.repeat(200)}`,
      remoteAddress: '10.0.0.1',
      forwardedFor: '2001:db8:85a3:8d3::7',
    });
    const scope = await http.open({ cookie: laptop.cookie });
    const listed = await scope.session.listSessions();
    expect(listed).toHaveLength(2);
    const byHandle = new Map(listed.map((summary) => [summary.handle, summary]));
    expect(byHandle.get(sessionHandle(phone.id))).toMatchObject({
      current: false,
      userAgent: PHONE,
      address: '203.0.113.0/24',
    });
    const mine = byHandle.get(sessionHandle(laptop.id));
    expect(mine).toMatchObject({ current: true, address: '2001:db8:85a3::/48' });
    expect(mine?.userAgent).toHaveLength(200);
    expect(mine?.userAgent?.startsWith(LAPTOP)).toBe(true);
    for (const summary of listed) {
      expect(summary.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(summary.createdAt).toBeLessThanOrEqual(summary.lastAccessAt);
      expect(summary.expiresAt).toBeGreaterThan(summary.lastAccessAt);
    }
    const text = JSON.stringify(listed);
    expect(text).not.toContain(phone.id);
    expect(text).not.toContain(laptop.id);
  });

  it('revokes one of your own sessions by handle; refuses anyone else’s without saying why', async () => {
    const { http, store } = setup();
    const phone = await signIn(http, 'ada');
    const laptop = await signIn(http, 'ada');
    const eve = await signIn(http, 'eve');

    const scope = await http.open({ cookie: laptop.cookie });
    expect(await scope.session.revokeSession(sessionHandle(eve.id))).toBe(false);
    expect(await scope.session.revokeSession('not a handle')).toBe(false);
    expect(await scope.session.revokeSession(sessionHandle(phone.id))).toBe(true);
    expect(await scope.session.revokeSession(sessionHandle(phone.id))).toBe(false);
    expect(await scope.commit()).toEqual({ setCookie: [] });
    expect(await store.load(phone.id)).toBeNull();
    expect(await store.load(eve.id)).not.toBeNull();
    expect((await store.findByPrincipal('ada')).map((record) => record.id)).toEqual([laptop.id]);

    const anonymous = await http.open({});
    expect(await anonymous.session.revokeSession(sessionHandle(eve.id))).toBe(false);
    expect(await store.load(eve.id)).not.toBeNull();
  });

  it('revoking the current session signs it out', async () => {
    const { http, store } = setup();
    const laptop = await signIn(http, 'ada');
    const scope = await http.open({ cookie: laptop.cookie });
    expect(await scope.session.revokeSession(sessionHandle(laptop.id))).toBe(true);
    expect(scope.session.id).toBeUndefined();
    expect((await scope.commit()).setCookie[0]).toMatch(/^sess=; Max-Age=0/);
    expect(await store.load(laptop.id)).toBeNull();
  });

  it('a regenerate keeps what the sign-in recorded; without the option nothing is recorded', async () => {
    const { http, store } = setup();
    const signedIn = await signIn(http, 'ada', { userAgent: PHONE, remoteAddress: '::1' });
    const scope = await http.open({ cookie: signedIn.cookie });
    await scope.session.regenerate();
    await scope.commit();
    const [record] = await store.findByPrincipal('ada');
    expect(record?.id).not.toBe(signedIn.id);
    expect(record?.device).toEqual({ userAgent: PHONE, address: '::/48' });

    const plain = setup({});
    const bare = await signIn(plain.http, 'bob', { userAgent: PHONE, remoteAddress: '::1' });
    expect((await plain.store.load(bare.id))?.device).toBeUndefined();
    const listed = await (await plain.http.open({ cookie: bare.cookie })).session.listSessions();
    expect(Object.keys(listed[0] ?? {}).sort()).toEqual(
      ['createdAt', 'current', 'expiresAt', 'handle', 'lastAccessAt'].sort(),
    );
  });

  it('records only what it is asked to, and nothing that is not an address', async () => {
    const { http, store } = setup({ devices: { address: false } });
    const signedIn = await signIn(http, 'ada', { userAgent: PHONE, remoteAddress: '1.2.3.4' });
    expect((await store.load(signedIn.id))?.device).toEqual({ userAgent: PHONE });
    const other = setup({ devices: { userAgent: false } });
    const odd = await signIn(other.http, 'ada', { userAgent: PHONE, remoteAddress: 'unknown' });
    expect((await other.store.load(odd.id))?.device).toBeUndefined();
  });

  it('the store takes a device at sign-in and keeps only the prefix of its address', async () => {
    const { store } = setup();
    const record = await store.create(
      {},
      { principal: 'ada', device: { userAgent: PHONE, address: '198.51.100.23' } },
    );
    expect((await store.load(record.id))?.device).toEqual({
      userAgent: PHONE,
      address: '198.51.100.0/24',
    });
    let caught: unknown;
    try {
      await store.create({}, { principal: 'ada', device: { address: 'somewhere' } });
    } catch (error) {
      caught = error;
    }
    expect(isSessError(caught, 'INVALID_VALUE')).toBe(true);
  });

  it.each([
    [{ devices: 'yes' }, /devices: expected true, false or/],
    [{ devices: { agent: true } }, /devices.agent: unknown option/],
    [{ devices: { address: 1 } }, /devices.address: expected a boolean/],
  ])('refuses %j', (options, message) => {
    const store = new SessionStore({ port: createMemoryPort(), cleaner: false });
    let caught: unknown;
    try {
      new HttpSessions({ store, ...(options as object) });
    } catch (error) {
      caught = error;
    }
    expect(isSessError(caught, 'INVALID_OPTION')).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });
});
