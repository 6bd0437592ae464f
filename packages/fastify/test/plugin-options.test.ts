import { createMemoryPort, createSessionStore } from '@sess/core';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { sessPlugin } from '../src/index.js';

const store = createSessionStore({ port: createMemoryPort(), cleaner: false });

afterAll(() => store.close());

/** What registering with these options ends in: the error `ready()` rejects with, if any. */
async function registered(options: Record<string, unknown>): Promise<unknown> {
  const app = Fastify();
  try {
    await app.register(sessPlugin, { store, ...options } as never);
    await app.ready();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close();
  }
}

/** [key given, what the message says about it]: @fastify/session's options, and typos. */
const rows: Array<[string, RegExp]> = [
  ['secret', /@fastify\/session.*`secrets: \['<at least 32 random characters>'\]`/],
  ['cookieName', /@fastify\/session.*`cookie: \{ name \}`/],
  ['idGenerator', /@fastify\/session.*256 random bits/],
  ['cookiePrefix', /@fastify\/session.*`cookie\.hostPrefix`/],
  ['saveUninitialized', /@fastify\/session.*first write/],
  ['rolling', /@fastify\/session.*`touchInterval`/],
  ['secret', /node:crypto/],
  ['trustproxy', /did you mean `trustProxy`\?/],
  ['idleTimeout', /an option of the store/],
];

describe('the plugin options', () => {
  it.each(rows)('reject %s', async (key, says) => {
    const error = await registered({ [key]: 'x' });
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message.startsWith(`${key}: `)).toBe(true);
    expect((error as Error).message).toMatch(says);
  });

  it('reject a cookie.maxAge and a short secret', async () => {
    expect(await registered({ cookie: { maxAge: 60_000 } })).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^cookie\.maxAge: .*idleTimeout, absoluteTimeout/),
    });
    expect(await registered({ secrets: ['too short'] })).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^secrets: the secret has 9 characters/),
    });
  });

  it("leave Fastify's own register options to Fastify", async () => {
    expect(await registered({ prefix: '/api', logLevel: 'warn' })).toBeUndefined();
  });
});
