import { Readable } from 'node:stream';
import { createSessionStore, isSessError, type SessionStore } from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultExport, { sessPlugin } from '../src/index.js';

// What is particular to Fastify: encapsulation, hooks, payload kinds, its error handler. The
// behaviour shared with the other adapters is tested in packages/tests/test/adapters.

declare module '@sess/core' {
  interface SessionData {
    n: number | string;
  }
}

let redis: RedisServer;
let port: NodeRedisPort;
let prefixes = 0;
const apps: FastifyInstance[] = [];

function store(options: { maxAttributeBytes?: number } = {}): SessionStore {
  return createSessionStore({ port, prefix: `f${++prefixes}`, cleaner: false, ...options });
}

async function app(options: { maxAttributeBytes?: number } = {}): Promise<FastifyInstance> {
  const instance = Fastify();
  apps.push(instance);
  await instance.register(sessPlugin, { store: store(options) });
  return instance;
}

beforeAll(async () => {
  redis = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: redis.url });
});

afterAll(async () => {
  await Promise.all(apps.map((instance) => instance.close()));
  await port?.close();
  await redis?.stop();
});

describe('sessPlugin', () => {
  it('is the default export too, and accepts a shared HttpSessions', async () => {
    expect(defaultExport).toBe(sessPlugin);
    const instance = Fastify();
    apps.push(instance);
    await instance.register(sessPlugin, createHttpSessions({ store: store() }));
    instance.get('/', async (request) => ({ id: request.session.id ?? null }));
    expect((await instance.inject('/')).json()).toEqual({ id: null });
  });

  it('reaches routes of encapsulated child plugins', async () => {
    const instance = await app();
    await instance.register(
      async (child) => {
        child.get('/child', async (request) => {
          request.session.n = 1;
          return { id: request.session.id };
        });
      },
      { prefix: '/nested' },
    );
    const response = await instance.inject('/nested/child');
    expect(response.statusCode).toBe(200);
    expect([response.headers['set-cookie']].flat()[0]).toMatch(/^sess=/);
  });

  it('sets the cookie on stream payloads and keeps the cookies the route set', async () => {
    const instance = await app();
    instance.get('/stream', async (request, reply) => {
      request.session.n = 1;
      reply.header('set-cookie', 'theme=dark; Path=/');
      return reply.type('text/plain').send(Readable.from(['a', 'b']));
    });
    const response = await instance.inject('/stream');
    expect(response.body).toBe('ab');
    const cookies = [response.headers['set-cookie']].flat();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe('theme=dark; Path=/');
    expect(cookies[1]).toMatch(/^sess=/);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it("a failed commit goes to the app's error handler, once", async () => {
    const instance = await app({ maxAttributeBytes: 10 });
    const seen: unknown[] = [];
    instance.setErrorHandler(async (error, _request, reply) => {
      seen.push(error);
      return reply.code(500).send({ code: isSessError(error) ? error.code : 'other' });
    });
    instance.get('/big', async (request) => {
      request.session.n = 'x'.repeat(100);
      return { shown: false };
    });
    const response = await instance.inject('/big');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ code: 'TOO_LARGE' });
    expect(seen).toHaveLength(1);
  });
});
