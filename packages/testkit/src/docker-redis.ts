import { type RedisInstance, unsupported } from './redis-instance.js';
import { waitForRedis } from './redis-ping.js';
import type { RespEndpoint } from './resp-connection.js';

const IMAGE = 'redis:7';
const FAULTS = 'fault tests need redis-server on PATH (the testkit signals its process)';

/**
 * Redis in a Docker container, through testcontainers (an optional peer dependency, loaded
 * only when neither REDIS_URL nor redis-server is there). Its reaper removes the container
 * if the test process dies. `startTimeout` covers the wait for PING once the container runs,
 * not the image pull.
 */
export async function startDockerRedis(
  args: readonly string[],
  startTimeout: number,
): Promise<RedisInstance> {
  let testcontainers: typeof import('testcontainers');
  try {
    testcontainers = await import('testcontainers');
  } catch {
    throw new Error('testcontainers is not installed');
  }
  const container = await new testcontainers.GenericContainer(IMAGE)
    .withExposedPorts(6379)
    .withCommand(['redis-server', '--save', '', '--appendonly', 'no', ...args])
    .start();
  const endpoint: RespEndpoint = { host: container.getHost(), port: container.getMappedPort(6379) };
  let stopping: Promise<void> | undefined;
  let running = true;
  try {
    await waitForRedis(endpoint, { deadline: Date.now() + startTimeout });
  } catch (error) {
    await container.stop();
    throw error;
  }
  return {
    source: 'docker',
    endpoint,
    url: `redis://${endpoint.host}:${endpoint.port}`,
    pid: undefined,
    get running() {
      return running;
    },
    paused: false,
    pause() {
      throw unsupported('pause()', 'docker', FAULTS);
    },
    resume() {
      throw unsupported('resume()', 'docker', FAULTS);
    },
    kill() {
      return Promise.reject(unsupported('kill()', 'docker', FAULTS));
    },
    restart() {
      return Promise.reject(unsupported('restart()', 'docker', FAULTS));
    },
    stop() {
      stopping ??= container.stop().then(() => {
        running = false;
      });
      return stopping;
    },
  };
}
