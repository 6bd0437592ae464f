import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { checkOptionKeys, optionNames } from '@sess/core/internal';
import { aclUserArgs, type RedisAclUser } from './acl-user.js';
import { CommandAudit } from './command-audit.js';
import { startDockerRedis } from './docker-redis.js';
import { connectEnvRedis } from './env-redis.js';
import type { RedisInstance } from './redis-instance.js';
import { RedisProcess } from './redis-process.js';
import { LaunchedRedisServer, type RedisServer } from './redis-server.js';

export interface StartRedisOptions {
  /**
   * Extra `redis-server` arguments, e.g. `['--maxmemory-policy', 'allkeys-lru']`. An existing
   * server cannot take them, so `REDIS_URL` is not used when any are given.
   * @default []
   */
  args?: readonly string[];
  /**
   * Record every command the server runs (MONITOR) and check it against sess's rules;
   * `stop()` then rejects if anything broke them. See `server.audit()`.
   * @default false
   */
  audit?: boolean;
  /**
   * Use the existing server `REDIS_URL` names, when it is set.
   * @default true
   */
  env?: boolean;
  /**
   * The `redis-server` executable to run, or `false` to never run one.
   * @default the first `redis-server` on PATH
   */
  redisServerPath?: string | false;
  /**
   * Start `redis:7` in Docker through testcontainers when there is no `redis-server`.
   * @default true
   */
  docker?: boolean;
  /**
   * How long the server may take to answer PING (ms), for a start and for each restart.
   * @default 10_000
   */
  startTimeout?: number;
  /**
   * ACL users besides `default`, which stays the unrestricted user of `url`, the testkit and
   * the audit. `server.urlAs(name)` is a URL that signs in as one of them. Like `args`, they
   * need a server of the testkit's own: `REDIS_URL` is not used when any are given.
   * @default []
   */
  users?: readonly RedisAclUser[];
  /**
   * A TLS port besides the plain one, with a throwaway CA and a server certificate for
   * 127.0.0.1 made with the `openssl` command (see `server.tls`). `{ authClients: true }`: the
   * TLS port requires a client certificate (`tls-auth-clients yes`; `server.tls.client` has
   * one). Needs `redis-server` on PATH (neither `REDIS_URL` nor Docker).
   * @default false
   */
  tls?: boolean | StartRedisTlsOptions;
}

export interface StartRedisTlsOptions {
  /**
   * Require a client certificate signed by the test CA on the TLS port.
   * @default false
   */
  authClients?: boolean;
}

const START_REDIS_OPTION_NAMES = optionNames<StartRedisOptions>({
  args: true,
  audit: true,
  env: true,
  redisServerPath: true,
  docker: true,
  startTimeout: true,
  users: true,
  tls: true,
});

/**
 * A Redis for tests. Looks, in order, for: `REDIS_URL` (an existing server), `redis-server`
 * on PATH (spawned on a free loopback port, no persistence), Docker via testcontainers. If
 * none is there, it fails with a message that says how to get one.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  checkOptionKeys(options, { known: START_REDIS_OPTION_NAMES });
  const users = options.users ?? [];
  const tls = tlsOptions(options.tls);
  const instance = await findRedis(options, aclUserArgs(users), tls);
  const access = { users, tls: instance instanceof RedisProcess ? instance.tls : undefined };
  if (!options.audit) return new LaunchedRedisServer(instance, undefined, access);
  try {
    return new LaunchedRedisServer(instance, await CommandAudit.start(instance.endpoint), access);
  } catch (error) {
    await instance.stop();
    throw error;
  }
}

function tlsOptions(tls: StartRedisOptions['tls']): { readonly authClients: boolean } | undefined {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return { authClients: false };
  checkOptionKeys(tls, { path: 'tls', known: ['authClients'] });
  return { authClients: tls.authClients === true };
}

async function findRedis(
  options: StartRedisOptions,
  userArgs: readonly string[],
  tls: { readonly authClients: boolean } | undefined,
): Promise<RedisInstance> {
  const args = [...userArgs, ...(options.args ?? [])];
  const startTimeout = options.startTimeout ?? 10_000;
  const tried: string[] = [];

  const url = process.env.REDIS_URL;
  if (options.env === false) tried.push('REDIS_URL: not used ({ env: false })');
  else if (!url) tried.push('REDIS_URL: not set');
  else if (tls) tried.push('REDIS_URL: not used, since a TLS port was asked for');
  else if (userArgs.length > 0) tried.push('REDIS_URL: not used, since ACL users were given');
  else if (args.length > 0) tried.push('REDIS_URL: not used, since redis-server args were given');
  else return connectEnvRedis(url, startTimeout);

  const binary = findRedisServer(options.redisServerPath);
  if (binary.path !== undefined) {
    return RedisProcess.start({ binary: binary.path, args, startTimeout, tls });
  }
  tried.push(`redis-server: ${binary.reason}`);

  if (options.docker === false) {
    tried.push('Docker: not used ({ docker: false })');
  } else if (tls) {
    tried.push('Docker: not used, since TLS needs certificate files the container cannot see');
  } else {
    try {
      return await startDockerRedis(args, startTimeout);
    } catch (error) {
      tried.push(`Docker via testcontainers: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(noRedisMessage(tried));
}

/**
 * The `redis-server` executable for a topology (Sentinel, Cluster): those need processes of
 * their own, so neither `REDIS_URL` nor Docker can stand in.
 */
export function redisServerFor(what: string, configured: string | undefined): string {
  const binary = findRedisServer(configured);
  if (binary.path !== undefined) return binary.path;
  throw new Error(
    [
      `${what} needs the redis-server executable (Redis >= 7), to start several processes on loopback ports.`,
      `  redis-server: ${binary.reason}`,
      'Install it, e.g. `apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), so it is on PATH, or pass `redisServerPath`.',
    ].join('\n'),
  );
}

function findRedisServer(
  configured: string | false | undefined,
): { path: string; reason?: never } | { path?: never; reason: string } {
  if (configured === false) return { reason: 'not used ({ redisServerPath: false })' };
  if (configured !== undefined) {
    return isExecutable(configured)
      ? { path: configured }
      : { reason: `${configured} is not an executable file` };
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    if (isExecutable(candidate)) return { path: candidate };
  }
  return { reason: 'not found on PATH' };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function noRedisMessage(tried: readonly string[]): string {
  return [
    'No Redis to test against. The testkit looked for:',
    ...tried.map((line, i) => `  ${i + 1}. ${line}`),
    'Get one in any of these ways:',
    '  - install redis-server (Redis >= 7), e.g. `apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), so it is on PATH;',
    '  - set REDIS_URL=redis://host:port to a server the tests may write to;',
    '  - install Docker and the testcontainers package (`npm install -D testcontainers`).',
  ].join('\n');
}
