import { type RedisInstance, unsupported } from './redis-instance.js';
import { waitForRedis } from './redis-ping.js';
import { parseRedisUrl } from './redis-url.js';

const NOT_OWNED =
  'it is the existing server REDIS_URL points to, and the testkit owns no process of it ' +
  '(unset REDIS_URL, or pass { env: false }, to have the testkit start redis-server)';

/** The server `REDIS_URL` names. Checked to answer PING; never stopped, flushed or signalled. */
export async function connectEnvRedis(url: string, startTimeout: number): Promise<RedisInstance> {
  const endpoint = parseRedisUrl(url);
  try {
    await waitForRedis(endpoint, { deadline: Date.now() + startTimeout });
  } catch (error) {
    throw new Error(`REDIS_URL=${url}: ${(error as Error).message}`, { cause: error });
  }
  return {
    source: 'env',
    endpoint,
    url,
    pid: undefined,
    running: true,
    paused: false,
    pause() {
      throw unsupported('pause()', 'env', NOT_OWNED);
    },
    resume() {
      throw unsupported('resume()', 'env', NOT_OWNED);
    },
    kill() {
      return Promise.reject(unsupported('kill()', 'env', NOT_OWNED));
    },
    restart() {
      return Promise.reject(unsupported('restart()', 'env', NOT_OWNED));
    },
    async stop() {},
  };
}
