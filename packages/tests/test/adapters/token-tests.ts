import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RunningApp } from './adapter-suite.js';
import {
  bodyOf,
  cookieOf,
  OTHER_SECRET,
  request,
  SECRET,
  type SuiteContext,
} from './suite-context.js';

const SIGNED = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/;

/** A request with bytes `fetch` refuses to send (control characters) in its token: the status. */
function rawStatus(app: RunningApp, header: string): Promise<number> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end(`GET /read HTTP/1.1\r\nHost: x\r\n${header}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}

/** Session tokens (the `token` option) over HTTP: the adapter under test, a real Redis. */
export function tokenTests(ctx: SuiteContext): void {
  describe('session tokens', () => {
    it('a fetch client without cookies signs in, reads, writes and signs out; no Set-Cookie, ever', async () => {
      const running = await ctx.app({ secrets: SECRET, token: true });
      // No token yet: the header, empty, asks for one.
      const signIn = await request(running, '/sign-in?user=tess', { 'x-session-token': '' });
      expect(signIn.status).toBe(200);
      expect(signIn.headers.getSetCookie()).toEqual([]);
      expect(signIn.headers.get('cache-control')).toBe('no-store');
      const token = signIn.headers.get('x-session-token') ?? '';
      expect(token).toMatch(SIGNED);

      ctx.port.reset();
      const write = await request(running, '/write?plan=pro', {
        authorization: `Bearer ${token}`,
      });
      expect(write.status).toBe(200);
      expect(write.headers.getSetCookie()).toEqual([]);
      expect(write.headers.get('x-session-token')).toBeNull(); // nothing new to tell
      const read = await request(running, '/read', { 'x-session-token': token });
      expect(await bodyOf(read)).toMatchObject({ principal: 'tess', data: { plan: 'pro' } });
      expect(read.headers.getSetCookie()).toEqual([]);
      expect(ctx.port.roundTrips).toBe(3); // load and commit, then load

      const signOut = await request(running, '/sign-out', { authorization: `Bearer ${token}` });
      expect(signOut.status).toBe(200);
      expect(signOut.headers.get('x-session-token')).toBe(''); // drop it
      expect(signOut.headers.get('cache-control')).toBe('no-store');
      expect(signOut.headers.getSetCookie()).toEqual([]);
      const after = await request(running, '/read', { 'x-session-token': token });
      expect((await bodyOf(after)).id).toBeNull();
    });

    it('a sign-in from a token session sends the new token; the old one finds nothing', async () => {
      const running = await ctx.app({ secrets: SECRET, token: { header: 'X-Auth-Token' } });
      const anonymous = await request(running, '/write?cart=3', { 'x-auth-token': '' });
      const first = anonymous.headers.get('x-auth-token') ?? '';
      expect(first).toMatch(SIGNED);
      const signIn = await request(running, '/sign-in?user=tom', { 'x-auth-token': first });
      const second = signIn.headers.get('x-auth-token') ?? '';
      expect(second).toMatch(SIGNED);
      expect(second).not.toBe(first);
      expect(
        await bodyOf(await request(running, '/read', { 'x-auth-token': second })),
      ).toMatchObject({ principal: 'tom', data: { cart: '3' } });
      expect(
        (await bodyOf(await request(running, '/read', { 'x-auth-token': first }))).id,
      ).toBeNull();
    });

    it('one app serves browsers by cookie and clients by token', async () => {
      const running = await ctx.app({ secrets: SECRET, token: true });
      const browser = await request(running, '/sign-in?user=ann');
      expect(browser.headers.get('x-session-token')).toBeNull();
      const cookie = cookieOf(browser);
      const client = await request(running, '/sign-in?user=ann', { 'x-session-token': '' });
      expect(client.headers.getSetCookie()).toEqual([]);
      const token = client.headers.get('x-session-token') ?? '';
      const byCookie = await bodyOf(await request(running, '/read', { cookie }));
      const byToken = await bodyOf(await request(running, '/read', { 'x-session-token': token }));
      expect(byCookie.principal).toBe('ann');
      expect(byToken.principal).toBe('ann');
      expect(byCookie.id).not.toBe(byToken.id);
      // A request with a token is answered by token: its cookie is not even read.
      const both = await bodyOf(
        await request(running, '/read', { cookie, 'x-session-token': token }),
      );
      expect(both.id).toBe(byToken.id);
    });

    it('malformed, oversized, unsigned, wrongly signed and hostile tokens: anonymous, 0 commands', async () => {
      const running = await ctx.app({ secrets: SECRET, token: true });
      const good = (await request(running, '/write?a=1', { 'x-session-token': '' })).headers.get(
        'x-session-token',
      ) as string;
      const id = good.slice(0, 43);
      const other = (
        await request(await ctx.app({ secrets: OTHER_SECRET, token: true }), '/write?a=1', {
          'x-session-token': '',
        })
      ).headers.get('x-session-token') as string;
      const cookie = cookieOf(await request(running, '/write?b=2'));
      const hostile = [
        id,
        `${id}.`,
        good.slice(0, 60),
        `${good}x`,
        'A'.repeat(8_000),
        other,
        `${id.slice(0, 36)}*?[]{}:${good.slice(43)}`,
        `*${good.slice(1)}`,
        `${id.slice(0, 42)}%00${good.slice(43)}`,
        `${id.slice(0, 40)}%0d%0a${good.slice(43)}`,
        '%E0%A4%A',
        `"${good}"`,
        `${good.slice(0, 43)}:${good.slice(44)}`,
        `${good}, ${good}`,
        `${good} ${good}`,
      ];
      ctx.port.reset();
      for (const token of hostile) {
        const variants: Array<Record<string, string>> = [
          { 'x-session-token': token },
          { authorization: `Bearer ${token}` },
          { 'x-session-token': token, cookie },
        ];
        for (const headers of variants) {
          const response = await request(running, '/read', headers);
          expect(response.status, token).toBe(200);
          expect((await bodyOf(response)).id, token).toBeNull();
          expect(response.headers.getSetCookie()).toEqual([]);
          expect(response.headers.get('x-session-token')).toBeNull();
        }
      }
      // Two different tokens in one request: neither is believed.
      const [mine, theirs] = [good, other];
      const conflicting = await request(running, '/read', {
        'x-session-token': mine,
        authorization: `Bearer ${theirs}`,
      });
      expect((await bodyOf(conflicting)).id).toBeNull();
      for (const character of ['\x01', '\x7f', '\x00', '\x1b']) {
        const token = `${id.slice(0, 42)}${character}${good.slice(43)}`;
        expect([200, 400]).toContain(await rawStatus(running, `X-Session-Token: ${token}`));
        expect([200, 400]).toContain(await rawStatus(running, `Authorization: Bearer ${token}`));
      }
      const unsigned = await ctx.app({ token: true });
      for (const token of [`${id.slice(0, 42)}*`, `${id.slice(0, 42)}:`, good]) {
        const response = await request(unsigned, '/read', { 'x-session-token': token });
        expect((await bodyOf(response)).id).toBeNull();
      }
      expect(ctx.port.roundTrips).toBe(0);
      const valid = await request(running, '/read', { authorization: `Bearer ${good}` });
      expect((await bodyOf(valid)).data).toEqual({ a: '1' });
    });
  });
}
