import { parseSetCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import { CookieSigner } from '../src/cookie-signer.js';
import { type HttpSessionOptions, resolveHttpOptions } from '../src/http-options.js';
import { SessionCookie } from '../src/session-cookie.js';
import { newSessionId } from '../src/session-id.js';
import type { SessionStore } from '../src/session-store.js';

const store = { load() {}, commit() {}, new() {} } as unknown as SessionStore;
const A = 'secret A, of 32 characters or more';
const B = 'secret B, of 32 characters or more';

function cookie(options: Omit<HttpSessionOptions, 'store'> = {}): SessionCookie {
  const resolved = resolveHttpOptions({ store, ...options });
  return new SessionCookie(resolved.cookie, resolved.secrets);
}

describe('SessionCookie', () => {
  const id = newSessionId();

  it('defaults: HttpOnly, SameSite=Lax, Path=/, persistent; Secure and __Host- on secure requests', () => {
    const c = cookie();
    const now = Date.now();
    const plain = parseSetCookie(c.serialize(id, false, now + 60_000, now));
    expect(plain).toMatchObject({ name: 'sess', value: id, path: '/', httpOnly: true });
    expect(plain.sameSite).toBe('lax');
    expect(plain.secure).toBeUndefined();
    expect(plain.maxAge).toBe(60);
    const secure = parseSetCookie(c.serialize(id, true, now + 60_000, now));
    expect(secure).toMatchObject({ name: '__Host-sess', secure: true });
  });

  it('no __Host- prefix when a domain or another path is set, or when switched off', () => {
    expect(cookie({ cookie: { domain: 'example.com' } }).nameFor(true)).toBe('sess');
    expect(cookie({ cookie: { path: '/app' } }).nameFor(true)).toBe('sess');
    expect(cookie({ cookie: { hostPrefix: false } }).nameFor(true)).toBe('sess');
    expect(cookie({ cookie: { secure: true } }).nameFor(false)).toBe('__Host-sess');
  });

  it('browser-session cookies carry no Max-Age or Expires', () => {
    const header = cookie({ cookie: { persistent: false } }).serialize(id, false, 1e13, 0);
    expect(header).not.toMatch(/Max-Age|Expires/i);
  });

  it('reads valid ids, signed or not, and only under the name for this request', () => {
    expect(cookie().read(`x=1; sess=${id}`, false)).toEqual({ present: true, id, stale: false });
    expect(cookie().read(`sess=${id}`, true)).toEqual({
      present: false,
      id: undefined,
      stale: false,
    });
    const signed = cookie({ secrets: [A] });
    const value = new CookieSigner([A]).sign(id);
    expect(signed.read(`__Host-sess=${value}`, true).id).toBe(id);
    expect(cookie({ secrets: [B, A] }).read(`sess=${value}`, false)).toEqual({
      present: true,
      id,
      stale: true,
    });
  });

  it('treats junk as present but invalid, without throwing', () => {
    const signed = cookie({ secrets: [A] });
    const value = new CookieSigner([A]).sign(id);
    const junk = [
      '',
      'sess',
      'sess=',
      `sess=${id.slice(0, 42)}`,
      `sess=${'A'.repeat(4096)}`,
      `sess=${id.slice(0, 40)}*?[]`,
      `sess=${id.slice(0, 40)}{:}`,
      `sess=${id.slice(0, 40)}%00A`,
      `sess=%${id}`,
      `sess=${id}`, // unsigned where signatures are required
      `sess=${value.slice(0, -2)}`,
      `sess=${new CookieSigner(['another secret, 32 characters or more']).sign(id)}`,
      'sess=%E0%A4%A',
    ];
    for (const header of junk) {
      expect(signed.read(header, false).id, header).toBeUndefined();
    }
    for (const header of junk.slice(0, 9)) expect(cookie().read(header, false).id).toBeUndefined();
  });

  it('reads as before once its cache of accepted values is full; forgeries never enter it', () => {
    const signed = cookie({ secrets: [A] });
    const signer = new CookieSigner([A]);
    const ids = Array.from({ length: 5_000 }, () => newSessionId());
    for (const each of ids) expect(signed.read(`sess=${signer.sign(each)}`, false).id).toBe(each);
    // Evicted and still cached values alike.
    for (const each of ids) expect(signed.read(`sess=${signer.sign(each)}`, false).id).toBe(each);
    const genuine = signer.sign(id);
    const forged = `sess=${genuine.slice(0, -2)}${genuine.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(signed.read(forged, false)).toEqual({ present: true, id: undefined, stale: false });
    expect(signed.read(forged, false)).toEqual({ present: true, id: undefined, stale: false });
    // A value signed with an older secret stays stale when it comes again.
    const rotated = cookie({ secrets: [B, A] });
    for (let i = 0; i < 2; i++) {
      expect(rotated.read(`sess=${signer.sign(id)}`, false)).toEqual({
        present: true,
        id,
        stale: true,
      });
    }
  });

  it('tells apart values that share their first characters, a forgery among them', () => {
    const signed = cookie({ secrets: [A] });
    const signer = new CookieSigner([A]);
    const start = newSessionId().slice(0, 20);
    const ids = [1, 2, 3].map(() => start + newSessionId().slice(20));
    for (let round = 0; round < 2; round++) {
      for (const each of ids) expect(signed.read(`sess=${signer.sign(each)}`, false).id).toBe(each);
    }
    // A forgery sharing them reads as no id, and the genuine value still reads as its id.
    const genuine = signer.sign(ids[0]!);
    const forged = `${genuine.slice(0, 30)}${genuine[30] === 'A' ? 'B' : 'A'}${genuine.slice(31)}`;
    expect(signed.read(`sess=${forged}`, false).id).toBeUndefined();
    expect(signed.read(`sess=${genuine}`, false).id).toBe(ids[0]);
    expect(signed.readValue(genuine).id).toBe(ids[0]);
  });

  it('clears with an expired cookie of the same name and scope', () => {
    const header = parseSetCookie(cookie().clear(true));
    expect(header).toMatchObject({
      name: '__Host-sess',
      value: '',
      maxAge: 0,
      path: '/',
      secure: true,
    });
  });
});

describe('resolveHttpOptions', () => {
  it('names the option that is wrong', () => {
    const bad: Array<[Omit<HttpSessionOptions, 'store'>, RegExp]> = [
      [{ secrets: [] }, /secrets/],
      [{ secrets: [''] }, /secrets/],
      [{ cookie: { name: 'a b' } }, /cookie\.name/],
      [{ cookie: { name: '__Host-x' } }, /cookie\.name/],
      [{ cookie: { path: 'x' } }, /cookie\.path/],
      [{ cookie: { domain: 'a b' } }, /cookie\.domain/],
      [{ cookie: { sameSite: 'weird' as 'lax' } }, /cookie\.sameSite/],
      [{ cookie: { sameSite: 'none', secure: false } }, /cookie\.sameSite/],
      [{ cookie: { persistent: 'yes' as unknown as boolean } }, /cookie\.persistent/],
      [{ onUnavailable: 'retry' as 'fail' }, /onUnavailable/],
      [{ cacheControl: 1 as unknown as boolean }, /cacheControl/],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveHttpOptions({ store, ...options })).toThrow(message);
    }
    expect(() => resolveHttpOptions({} as HttpSessionOptions)).toThrow(/store/);
  });
});
