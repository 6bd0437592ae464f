import { describe, expect, it } from 'vitest';
import { isSessError } from '../src/errors.js';
import { HttpSessions } from '../src/http-sessions.js';
import { createMemoryPort } from '../src/memory-port.js';
import { applyCommitHeaders, commitHeaders, hasCommitHeaders } from '../src/response-headers.js';
import type { CommitOutcome } from '../src/session-scope.js';
import { SessionStore } from '../src/session-store.js';
import { countingPort } from './counting-port.js';

declare module '../src/session.js' {
  interface SessionData {
    shelf: string;
    who: string;
    n: number;
  }
}

const OLD = 'the old secret, 32 characters or more';
const NEW = 'the new secret, 32 characters or more';

function setup(token: ConstructorParameters<typeof HttpSessions>[0]['token'] = true) {
  const port = countingPort();
  const store = new SessionStore({ port, cleaner: false });
  const http = new HttpSessions({ store, secrets: NEW, token });
  return { port, store, http };
}

/** The token a client keeps after `outcome`. */
function tokenOf(outcome: CommitOutcome): string {
  const value = outcome.token?.value;
  if (value === undefined || value === '') throw new Error('no token in the outcome');
  return value;
}

describe('session tokens', () => {
  it('a client asks for a token with the header empty, gets one when its session is created, never a cookie', async () => {
    const { http, port } = setup();
    const scope = await http.open({ token: '' });
    expect(scope.session.id).toBeUndefined();
    scope.session.shelf = 'book';
    const outcome = await scope.commit();
    expect(outcome.setCookie).toEqual([]);
    expect(outcome.cacheControl).toBe('no-store');
    expect(outcome.token?.header).toBe('X-Session-Token');
    const token = tokenOf(outcome);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(token.slice(0, 43)).toBe(scope.session.id);
    expect(port.trips).toBe(1);

    port.trips = 0;
    const read = await http.open({ token });
    expect(read.session.shelf).toBe('book');
    expect(await read.commit()).toEqual({ setCookie: [] });
    const bearer = await http.open({ authorization: `Bearer ${token}` });
    expect(bearer.session.shelf).toBe('book');
    const lower = await http.open({ authorization: `bearer   ${token}` });
    expect(lower.session.shelf).toBe('book');
    expect(port.trips).toBe(3);
  });

  it('a token request ignores the cookie, even a valid one', async () => {
    const { http } = setup();
    const browser = await http.open({});
    browser.session.who = 'browser';
    const [setCookie] = (await browser.commit()).setCookie;
    const cookie = String(setCookie).split(';')[0];
    const client = await http.open({ token: '' });
    client.session.who = 'client';
    const token = tokenOf(await client.commit());

    const both = await http.open({ cookie, token });
    expect(both.session.who).toBe('client');
    const emptyToken = await http.open({ cookie, token: '' });
    expect(emptyToken.session.id).toBeUndefined();
    const plain = await http.open({ cookie });
    expect(plain.session.who).toBe('browser');
  });

  it('sign-in sends the new token, sign-out an empty one; neither sets a cookie', async () => {
    const { http, store } = setup();
    const first = await http.open({ token: '' });
    await first.session.signIn('ada');
    const signedIn = await first.commit();
    expect(signedIn.setCookie).toEqual([]);
    const token = tokenOf(signedIn);

    const regenerating = await http.open({ authorization: `Bearer ${token}` });
    await regenerating.session.regenerate();
    const rotated = tokenOf(await regenerating.commit());
    expect(rotated).not.toBe(token);
    expect((await http.open({ token })).session.id).toBeUndefined();

    const leaving = await http.open({ token: rotated });
    await leaving.session.signOut();
    const signedOut = await leaving.commit();
    expect(signedOut).toEqual({
      setCookie: [],
      token: { header: 'X-Session-Token', value: '' },
      cacheControl: 'no-store',
    });
    expect(await store.findByPrincipal('ada')).toEqual([]);
  });

  it('a token signed with an older secret is accepted and sent again, signed with the new one', async () => {
    const port = countingPort();
    const store = new SessionStore({ port, cleaner: false });
    const before = new HttpSessions({ store, secrets: OLD, token: true });
    const scope = await before.open({ token: '' });
    scope.session.n = 1;
    const old = tokenOf(await scope.commit());
    const after = new HttpSessions({ store, secrets: [NEW, OLD], token: true });
    const again = await after.open({ token: old });
    expect(again.session.n).toBe(1);
    const renewed = tokenOf(again.commitAtOnce() as CommitOutcome);
    expect(renewed.slice(0, 43)).toBe(old.slice(0, 43));
    expect(renewed).not.toBe(old);
  });

  it('forged, truncated, unsigned, conflicting and oversized tokens: anonymous, no Redis call', async () => {
    const { http, port } = setup();
    const scope = await http.open({ token: '' });
    scope.session.n = 1;
    const token = tokenOf(await scope.commit());
    const id = token.slice(0, 43);
    // The token with its last character changed: never the token itself, whatever it ends with.
    const other = `${token.slice(0, 86)}${token.endsWith('A') ? 'B' : 'A'}`;
    port.trips = 0;
    const hostile: Array<Record<string, string>> = [
      { token: id },
      { token: `${id}.` },
      { token: token.slice(0, 60) },
      { token: `${token}x` },
      { token: 'A'.repeat(10_000) },
      { token: `${token}, ${token}` },
      { token: `*${token.slice(1)}` },
      { authorization: `Bearer ${id}` },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${token} extra` },
      { token, authorization: `Bearer ${other}` },
    ];
    for (const facts of hostile) {
      const opened = await http.open(facts);
      expect(opened.session.id, JSON.stringify(facts)).toBeUndefined();
      expect(await opened.commit()).toEqual({ setCookie: [] });
    }
    expect(port.trips).toBe(0);
    // Another scheme is no token: the request goes by its cookie.
    expect((await http.open({ authorization: `Basic ${token}` })).session.id).toBeUndefined();
    expect((await http.open({ token, authorization: `Bearer ${token}` })).session.n).toBe(1);
  });

  it('without the option, token headers mean nothing', async () => {
    const { http: withTokens } = setup();
    const scope = await withTokens.open({ token: '' });
    scope.session.n = 1;
    const token = tokenOf(await scope.commit());
    const http = new HttpSessions({ store: withTokens.store, secrets: NEW });
    const ignored = await http.open({ token, authorization: `Bearer ${token}` });
    expect(ignored.session.id).toBeUndefined();
    ignored.session.n = 2;
    const outcome = await ignored.commit();
    expect(outcome.token).toBeUndefined();
    expect(outcome.setCookie).toHaveLength(1);
  });

  it('a header of its own name, bearer off', async () => {
    const { http } = setup({ header: 'X-Auth-Token', bearer: false });
    const scope = await http.open({ token: '' });
    scope.session.n = 1;
    const outcome = await scope.commit();
    expect(outcome.token?.header).toBe('X-Auth-Token');
    const token = tokenOf(outcome);
    expect((await http.open({ authorization: `Bearer ${token}` })).session.id).toBeUndefined();
    expect((await http.open({ token })).session.n).toBe(1);
  });

  it('reads the token header from a Node request, and the helpers write it to the response', async () => {
    const { http } = setup({ header: 'X-Auth-Token' });
    const scope = await http.openRequest({ headers: { 'x-auth-token': '' } });
    scope.session.n = 1;
    const outcome = await scope.commit();
    expect(hasCommitHeaders(outcome)).toBe(true);
    expect(commitHeaders(outcome)).toEqual({
      'X-Auth-Token': tokenOf(outcome),
      'Cache-Control': 'no-store',
    });
    const written = new Map<string, unknown>();
    applyCommitHeaders(
      {
        getHeader: (name) => written.get(name.toLowerCase()) as string | undefined,
        setHeader: (name, value) => written.set(name.toLowerCase(), value),
      },
      outcome,
    );
    expect(written.get('x-auth-token')).toBe(tokenOf(outcome));
    expect(written.has('set-cookie')).toBe(false);
    const bearer = await http.openRequest({
      headers: { authorization: `Bearer ${tokenOf(outcome)}` },
    });
    expect(bearer.session.n).toBe(1);
  });

  it.each([
    [{ header: 'Authorization' }, /token.header: "Authorization" means something else/],
    [{ header: 'Cookie' }, /token.header/],
    [{ header: 'X Token' }, /token.header: a header name/],
    [{ header: '' }, /token.header/],
    [{ bearer: 'yes' }, /token.bearer: expected a boolean/],
    [{ headers: 'X-Token' }, /token.headers: unknown option; did you mean `header`\?/],
    ['X-Token', /token: expected true, false or/],
  ])('refuses the option %j', (token, message) => {
    const store = new SessionStore({ port: createMemoryPort(), cleaner: false });
    let caught: unknown;
    try {
      new HttpSessions({ store, token: token as never });
    } catch (error) {
      caught = error;
    }
    expect(isSessError(caught, 'INVALID_OPTION')).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });
});
