import { createRequire } from 'node:module';
import { Signer } from '@fastify/cookie';
import type { ImportContext } from '@sess/core';
import Keygrip from 'keygrip';
import { describe, expect, it } from 'vitest';
import { fromExpressSession, fromFastifySession, fromKoaSession } from '../src/index.js';

// Cookies signed by the libraries themselves (cookie-signature, @fastify/cookie's signer,
// Keygrip): what each importer accepts, and what it refuses before any read.

const signature = createRequire(import.meta.url)('cookie-signature') as {
  sign(value: string, secret: string): string;
};

const OLD = 'the old secret of the old app';
const OLDER = 'an even older secret';
const ID = 'Zt0dCv1mO2y8bE3Pq4w5Xq6Rz7Uu8Vv9';

function reads(values: Record<string, string>): { context: ImportContext; keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    context: {
      now: Date.now(),
      read: async (key) => {
        keys.push(key);
        return values[key] ?? null;
      },
    },
  };
}

describe('fromExpressSession', () => {
  const importer = fromExpressSession({ secret: [OLD, OLDER] });
  const cookie = (secret: string, id = ID) =>
    `connect.sid=${encodeURIComponent(`s:${signature.sign(id, secret)}`)}`;

  it('takes the id of a cookie signed with any of the secrets, as cookie-signature signs it', () => {
    expect(importer.oldSessionId(`a=1; ${cookie(OLD)}; b=2`)).toBe(ID);
    expect(importer.oldSessionId(cookie(OLDER))).toBe(ID);
    // Not URL-encoded (some proxies decode): still the same value.
    expect(importer.oldSessionId(`connect.sid=s:${signature.sign(ID, OLD)}`)).toBe(ID);
  });

  it('refuses unsigned, forged, truncated and foreign cookies', () => {
    const good = cookie(OLD);
    for (const header of [
      '',
      'other=1',
      `connect.sid=${ID}`,
      `connect.sid=s:${ID}`,
      `connect.sid=s:${ID}.`,
      cookie('another app secret'),
      good.replace(ID, `${ID.slice(0, -1)}x`),
      good.slice(0, -3),
      `connect.sid=${encodeURIComponent(signature.sign(ID, OLD))}`,
      'connect.sid=%E0%A4%A',
    ]) {
      expect(importer.oldSessionId(header), header).toBeUndefined();
    }
  });

  it('reads sess:<id> and keeps the data, the expiry and the cookie max age', async () => {
    const expires = new Date(Date.now() + 3_600_000);
    const stored = JSON.stringify({
      cookie: { originalMaxAge: 3_600_000, expires, httpOnly: true, path: '/' },
      passport: { user: 'ada' },
      cart: ['tea'],
    });
    const { context, keys } = reads({ [`sess:${ID}`]: stored });
    expect(await importer.read(ID, context)).toEqual({
      data: { passport: { user: 'ada' }, cart: ['tea'] },
      expiresAt: expires.getTime(),
      maxAge: 3_600_000,
    });
    expect(keys).toEqual([`sess:${ID}`]);
    expect(await importer.read('gone', context)).toBeUndefined();
  });

  it('a browser-session cookie: max age null', async () => {
    const stored = JSON.stringify({ cookie: { originalMaxAge: null, expires: null }, a: 1 });
    const { context } = reads({ [`sess:${ID}`]: stored });
    expect(await importer.read(ID, context)).toEqual({
      data: { a: 1 },
      expiresAt: undefined,
      maxAge: null,
    });
  });

  it('clears the old cookie where it was set', () => {
    expect(
      fromExpressSession({
        secret: OLD,
        name: 'sid',
        cookie: { path: '/app', domain: 'example.com' },
      }).clearCookies(true),
    ).toEqual([
      'sid=; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.com; Secure',
    ]);
    expect(importer.clearCookies(false)).toEqual([
      'connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
    ]);
  });

  it('refuses unknown options and bad values with the fix', () => {
    expect(() => fromExpressSession({ secret: OLD, prefx: 'x' } as never)).toThrow(
      /prefx: unknown option; did you mean `prefix`/,
    );
    expect(() => fromExpressSession({ secret: [] })).toThrow(/fromExpressSession.secret/);
    expect(() => fromExpressSession({ secret: OLD, name: 'a b' })).toThrow(
      /fromExpressSession.name/,
    );
    expect(() => fromExpressSession(undefined as never)).toThrow(
      /fromExpressSession: expected an options object/,
    );
  });
});

describe('fromFastifySession', () => {
  const importer = fromFastifySession({ secret: [OLD, OLDER] });
  const cookie = (secret: string) => `sessionId=${encodeURIComponent(new Signer(secret).sign(ID))}`;

  it("takes the id of a cookie signed by @fastify/cookie's signer with any of the secrets", () => {
    expect(importer.oldSessionId(cookie(OLD))).toBe(ID);
    expect(importer.oldSessionId(cookie(OLDER))).toBe(ID);
  });

  it('refuses unsigned and forged cookies', () => {
    for (const header of [
      `sessionId=${ID}`,
      `sessionId=${ID}.`,
      cookie('another app secret'),
      'sessionId=',
    ]) {
      expect(importer.oldSessionId(header), header).toBeUndefined();
    }
  });

  it('reads connect-redis values', async () => {
    const { context } = reads({
      [`sess:${ID}`]: JSON.stringify({
        cookie: { expires: null, originalMaxAge: null },
        passport: 'ada',
      }),
    });
    expect(await importer.read(ID, context)).toEqual({
      data: { passport: 'ada' },
      expiresAt: undefined,
      maxAge: null,
    });
  });

  it('a cookie prefix', () => {
    const prefixed = fromFastifySession({ secret: OLD, cookiePrefix: 'p:' });
    expect(
      prefixed.oldSessionId(`sessionId=${encodeURIComponent(`p:${new Signer(OLD).sign(ID)}`)}`),
    ).toBe(ID);
    expect(prefixed.oldSessionId(cookie(OLD))).toBeUndefined();
  });
});

describe('fromKoaSession', () => {
  const importer = fromKoaSession({ keys: [OLD, OLDER] });
  const key = '4f9a2f8e-5a0b-4c4e-9d1e-1b2c3d4e5f60';
  const cookies = (keys: string[], value = key) =>
    `koa.sess=${value}; koa.sess.sig=${new Keygrip(keys).sign(`koa.sess=${value}`)}`;

  it('takes the external key of a cookie signed by Keygrip with any of the keys', () => {
    expect(importer.oldSessionId(cookies([OLD]))).toBe(key);
    expect(importer.oldSessionId(cookies([OLDER]))).toBe(key);
  });

  it('refuses a missing or wrong signature', () => {
    for (const header of [
      `koa.sess=${key}`,
      cookies(['another key']),
      `${cookies([OLD])}`.replace(key, `${key.slice(0, -1)}1`),
    ]) {
      expect(importer.oldSessionId(header), header).toBeUndefined();
    }
  });

  it('reads koa-redis values: the data without koa-session fields, _expire, _maxAge', async () => {
    const expire = Date.now() + 86_400_000;
    const { context, keys } = reads({
      [key]: JSON.stringify({ passport: { user: 'ada' }, _expire: expire, _maxAge: 86_400_000 }),
    });
    expect(await importer.read(key, context)).toEqual({
      data: { passport: { user: 'ada' } },
      expiresAt: expire,
      maxAge: 86_400_000,
    });
    expect(keys).toEqual([key]);
  });

  it('clears both cookies', () => {
    expect(importer.clearCookies(false)).toEqual([
      'koa.sess=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
      'koa.sess.sig=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
    ]);
  });
});
