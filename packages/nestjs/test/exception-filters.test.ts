import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { createSessionStore, isSessError } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessModule } from '../src/index.js';
import { CookieClient } from './cookie-client.js';
import { PLATFORMS, type RunningNestApp, startNestApp } from './test-app.js';

// A session that cannot be loaded or saved is an error of the request, and Nest's exception
// filters answer it on both platforms: the default one with the status sess gives the error,
// an application's own filter with whatever it likes.

const DEADLINE = 300;

let redis: RedisServer;
let port: NodeRedisPort;
const running: RunningNestApp[] = [];

/** An application's catch-all filter: the code of a SessError, with its status. */
@Catch()
class SessErrorCodes implements ExceptionFilter {
  readonly #adapterHost: HttpAdapterHost;

  constructor(@Inject(HttpAdapterHost) adapterHost: HttpAdapterHost) {
    this.#adapterHost = adapterHost;
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const status =
      error instanceof HttpException
        ? error.getStatus()
        : ((error as { statusCode?: number }).statusCode ?? 500);
    const code = isSessError(error) ? error.code : 'not a SessError';
    this.#adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { code }, status);
  }
}

beforeAll(async () => {
  redis = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: redis.url, onError: () => {} });
});

afterEach(async () => {
  if (redis.paused) redis.resume();
  await Promise.all(running.splice(0).map(({ app }) => app.close()));
});

afterAll(async () => {
  await port?.close();
  await redis?.stop();
});

async function start(filter: boolean, platform: (typeof PLATFORMS)[number], maxBytes = 1_000) {
  const store = createSessionStore({
    port,
    prefix: `f${running.length}${platform}${filter}`,
    cleaner: false,
    operationTimeout: DEADLINE,
    maxAttributeBytes: maxBytes,
  });
  const app = await startNestApp(
    platform,
    [SessModule.forRoot({ store })],
    filter ? [{ provide: APP_FILTER, useClass: SessErrorCodes }] : [],
  );
  running.push(app);
  return app;
}

describe.each(PLATFORMS)('errors on %s', (platform) => {
  it('a Redis that does not answer: 503 from Nest within the deadline, the code to an app filter', async () => {
    const plain = new CookieClient((await start(false, platform)).url);
    const filtered = new CookieClient((await start(true, platform)).url);
    await plain.get('/visits');
    await filtered.get('/visits');

    redis.pause();
    const started = performance.now();
    expect(await plain.get('/visits')).toMatchObject({
      status: 503,
      body: { statusCode: 503, message: 'Service Unavailable' },
    });
    expect(performance.now() - started).toBeLessThan(DEADLINE + 200);
    expect(await filtered.get('/visits')).toMatchObject({
      status: 503,
      body: { code: 'UNAVAILABLE' },
    });
    redis.resume();
  });

  it('a commit the store refuses: the error response replaces the handler’s, with no cookie', async () => {
    const plain = new CookieClient((await start(false, platform, 10)).url);
    const filtered = new CookieClient((await start(true, platform, 10)).url);

    const refused = await plain.post(`/note/${'x'.repeat(50)}`);
    expect(refused).toMatchObject({
      status: 500,
      body: { statusCode: 500, message: 'Internal Server Error' },
    });
    expect(refused.setCookie).toEqual([]);
    expect(await filtered.post(`/note/${'x'.repeat(50)}`)).toMatchObject({
      status: 500,
      body: { code: 'TOO_LARGE' },
    });
    expect((await plain.post('/note/short')).status).toBe(200);
  });
});
