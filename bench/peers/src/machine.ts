import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly redisServer: string;
}

export function describeMachine(redisServer: string): Machine {
  return {
    // The machine's, not this process' (which may be pinned to one CPU by now).
    cpus: os.cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    redisServer,
  };
}

function cpuModel(): string {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? '?';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

/** The packages whose versions the results depend on, as installed (not as declared). */
const PACKAGES = [
  'express',
  'express-session',
  'connect-redis',
  'fastify',
  '@fastify/session',
  '@fastify/cookie',
  'koa',
  'koa-session',
  'koa-redis',
  'redis',
  'autocannon',
  '@sess/core',
  '@sess/node-redis',
  '@sess/express',
  '@sess/fastify',
  '@sess/koa',
] as const;

/** name → installed version, looked up the way Node resolves from `fromDir`. */
export function installedVersions(fromDir: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) versions[name] = versionOf(name, fromDir) ?? 'not installed';
  // koa-redis brings its own ioredis; that is the client koa-session's store runs on.
  const koaRedis = packageDir('koa-redis', fromDir);
  const ioredis = koaRedis === undefined ? undefined : versionOf('ioredis', koaRedis);
  versions['ioredis (koa-redis)'] = ioredis ?? 'not installed';
  return versions;
}

function versionOf(name: string, fromDir: string): string | undefined {
  const dir = packageDir(name, fromDir);
  if (dir === undefined) return undefined;
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function packageDir(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The commit the bench ran on, and whether the working tree differed from it. */
export function sourceRevision(cwd: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' });
    // What the servers run: the packages' sources (their tests and docs change nothing here).
    const status = execFileSync('git', ['status', '--porcelain', '--', '../../packages/*/src'], {
      cwd,
      encoding: 'utf8',
    });
    return `${commit.trim()}${status.trim().length > 0 ? ' + uncommitted changes in packages/*/src' : ''}`;
  } catch {
    return 'unknown';
  }
}
