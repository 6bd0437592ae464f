import { createSessionStore, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessPlugin } from '../src/index.js';

// @fastify/session's surface on sess' `request.session`, one member at a time (the plugins on
// it are in packages/tests/test/compat).

let redis: RedisServer;
let port: NodeRedisPort;
let sessions: SessionStore;
let app: FastifyInstance;

function cookieOf(response: { headers: Record<string, unknown> }): string {
  const header = response.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : header;
  return String(first ?? '').split(';')[0] ?? '';
}

beforeAll(async () => {
  redis = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: redis.url });
  sessions = createSessionStore({ port, cleaner: false });
  app = Fastify();
  await app.register(sessPlugin, { store: sessions });
  app.post('/write', async (request) => {
    request.session.set('cart', 'tea');
    request.session.set('theme', 'dark');
    return { sessionId: request.session.sessionId, cart: request.session.get('cart') };
  });
  app.post('/regenerate-keeping', async (request) => {
    const before = request.session;
    await request.session.regenerate(['cart']);
    return {
      same: before === request.session,
      sessionId: request.session.sessionId,
      data: request.session.toJSON(),
    };
  });
  app.post('/callbacks', (request, reply) => {
    request.session.touch();
    request.session.save((error) => {
      if (error) return reply.send(error);
      request.session.set('cart', 'coffee');
      request.session.reload((reloadError) => {
        if (reloadError) return reply.send(reloadError);
        reply.send({ cart: request.session.get('cart') });
      });
    });
  });
  app.post('/delete', async (request) => {
    request.session.delete();
    return {};
  });
  app.post('/delete-one', async (request) => {
    (request.session.delete as (name: string) => void)('cart');
    return {};
  });
  app.post('/replace', async (request) => {
    (request as unknown as { session: unknown }).session = {};
    return {};
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await sessions?.close();
  await port?.close();
  await redis?.stop();
});

describe('Fastify 5: @fastify/session on sess', () => {
  it('sessionId, get and set; regenerate(keys) keeps those keys under the id it gives, moved at the commit', async () => {
    const written = await app.inject({ method: 'POST', url: '/write' });
    const { sessionId, cart } = written.json() as { sessionId: string; cart: string };
    expect(cart).toBe('tea');
    const cookie = cookieOf(written);
    expect(cookie).toBe(`sess=${sessionId}`);
    const moved = await app.inject({
      method: 'POST',
      url: '/regenerate-keeping',
      headers: { cookie },
    });
    const body = moved.json() as { same: boolean; sessionId: string; data: unknown };
    expect(body.same).toBe(false);
    expect(body.data).toEqual({ cart: 'tea' });
    expect(cookieOf(moved)).toBe(`sess=${body.sessionId}`);
    expect(await sessions.load(sessionId)).toBeNull();
    expect((await sessions.load(body.sessionId))?.toObject()).toEqual({ cart: 'tea' });
  });

  it('save(cb) and reload(cb) call back; reload drops the change', async () => {
    const cookie = cookieOf(await app.inject({ method: 'POST', url: '/write' }));
    const response = await app.inject({ method: 'POST', url: '/callbacks', headers: { cookie } });
    expect(response.json()).toEqual({ cart: 'tea' });
  });

  it('delete() ends the session; delete(name) and replacing request.session are refused', async () => {
    const cookie = cookieOf(await app.inject({ method: 'POST', url: '/write' }));
    const deleted = await app.inject({ method: 'POST', url: '/delete', headers: { cookie } });
    expect(cookieOf(deleted)).toBe('sess=');
    expect(await sessions.load(cookie.slice(5))).toBeNull();
    const one = await app.inject({ method: 'POST', url: '/delete-one' });
    expect(one.statusCode).toBe(500);
    expect(one.json().message).toMatch(/ends the whole session; to remove one attribute/);
    const replaced = await app.inject({ method: 'POST', url: '/replace' });
    expect(replaced.statusCode).toBe(500);
    expect(replaced.json().message).toMatch(/request.session cannot be replaced/);
  });
});
