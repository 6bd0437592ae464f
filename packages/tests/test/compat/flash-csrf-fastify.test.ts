import csrfProtection from '@fastify/csrf-protection';
import fastifyFlash from '@fastify/flash';
import formbody from '@fastify/formbody';
import { sessPlugin } from '@sess/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './browser.js';
import { type PluginRedis, startPluginRedis } from './plugin-server.js';

const SECRET = 'the plugin tests secret, 32 characters or more';

// @fastify/flash and @fastify/csrf-protection (in its session mode, `sessionPlugin:
// '@fastify/session'`) on sess, unchanged: they use `request.session` as @fastify/session's.
describe('Fastify 5: @fastify/flash and @fastify/csrf-protection on sess', () => {
  let redis: PluginRedis;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    redis = await startPluginRedis();
    app = Fastify();
    await app.register(formbody);
    await app.register(sessPlugin, { store: redis.store, secrets: SECRET });
    await app.register(fastifyFlash);
    await app.register(csrfProtection, { sessionPlugin: '@fastify/session' });
    app.post('/save', async (request, reply) => {
      request.flash('info', 'Saved.');
      return reply.redirect('/', 303);
    });
    app.get('/messages', async (_request, reply) => ({ info: reply.flash('info') }));
    app.get('/form', async (_request, reply) => ({ token: reply.generateCsrf() }));
    app.post('/transfer', { onRequest: app.csrfProtection }, async () => ({ transferred: true }));
    app.post('/sign-out', async (request) => {
      await request.session.destroy();
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    app?.server.closeAllConnections();
    await app?.close();
    await redis?.close();
  });

  it('@fastify/flash: a message is shown exactly once', async () => {
    const browser = new Browser(url);
    expect((await browser.post('/save')).status).toBe(303);
    expect(await browser.json('/messages')).toEqual({ info: ['Saved.'] });
    expect(await browser.json('/messages')).toEqual({ info: [] });
    await browser.post('/save');
    expect(await new Browser(url).json('/messages')).toEqual({ info: [] });
  });

  it('@fastify/csrf-protection: the token is accepted, a missing or wrong one refused, and it is refused after sign-out', async () => {
    const browser = new Browser(url);
    const { token } = (await browser.json('/form')) as { token: string };
    expect(token.length).toBeGreaterThan(20);
    expect((await browser.post('/transfer', {}, { 'x-csrf-token': token })).status).toBe(200);
    expect((await browser.post('/transfer')).status).toBe(403);
    // One character changed, whatever it was (a random token can start with any of them).
    const wrong = `${token.startsWith('x') ? 'y' : 'x'}${token.slice(1)}`;
    expect((await browser.post('/transfer', {}, { 'x-csrf-token': wrong })).status).toBe(403);
    expect((await new Browser(url).post('/transfer', {}, { 'x-csrf-token': token })).status).toBe(
      403,
    );
    expect((await browser.post('/sign-out')).status).toBe(200);
    expect(browser.jar.has('sess')).toBe(false);
    expect((await browser.post('/transfer', {}, { 'x-csrf-token': token })).status).toBe(403);
  });
});
