import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A README's example, as a user copies it: the `npm install` lines after "Install" (or at the
// top of an adapter's README), then the first TypeScript block after them. It goes into a new
// project outside the workspace with exactly the packages those lines name (the @sess ones
// packed with `npm pack`), plus TypeScript and @types/node to compile it, and must type-check
// under strict settings, with npm's layout and with pnpm's, where a package can import only
// what its own package.json names. The root README's Express app then runs against a real
// Redis and serves a write and a read with the cookie it set.

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const requireHere = createRequire(import.meta.url);
// pnpm (a devDependency of this package) exports only its package.json, as `.`.
const pnpmBin = join(requireHere.resolve('pnpm'), '../bin/pnpm.cjs');
const SECRET = 'a README secret of at least 32 characters';

interface Example {
  readme: string;
  dependencies: string[];
  devDependencies: string[];
  code: string;
}

/** The install lines and the first `ts` block after them, from a README. */
function readmeExample(readme: string, markdown: string): Example {
  const blocks = [...markdown.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)];
  const install = blocks.findIndex(
    ([, lang, body]) => lang === 'sh' && /^npm install /m.test(body ?? ''),
  );
  const code = blocks.slice(install + 1).find(([, lang]) => lang === 'ts')?.[2];
  if (install < 0 || code === undefined) throw new Error(`${readme}: no install line or example`);
  const example: Example = { readme, dependencies: [], devDependencies: [], code };
  for (const line of (blocks[install]?.[2] ?? '').split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    if (words[0] !== 'npm' || words[1] !== 'install') continue;
    const dev = words.includes('--save-dev') || words.includes('-D');
    const names = words.slice(2).filter((word) => !word.startsWith('-'));
    (dev ? example.devDependencies : example.dependencies).push(...names);
  }
  return example;
}

/** A free loopback port for the example to listen on. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

describe('README examples from packed tarballs', () => {
  let scratch: string;
  /** `@sess/<folder>` → `file:` spec of its tarball. */
  const tarballs = new Map<string, string>();
  /** What the workspace tests with, for the packages a README names that are not ours. */
  let ranges: Record<string, string>;
  let typescriptVersion: string;
  let redis: RedisServer;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sess-readme-'));
    await mkdir(join(scratch, 'tarballs'));
    for (const folder of await readdir(join(root, 'packages'))) {
      const manifest = await readJson<{ name: string; private?: boolean }>(
        join(root, 'packages', folder, 'package.json'),
      );
      if (manifest.private) continue;
      const { stdout } = await run(
        'npm',
        ['pack', '--json', '--pack-destination', join(scratch, 'tarballs')],
        { cwd: join(root, 'packages', folder) },
      );
      const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
      tarballs.set(manifest.name, `file:${join(scratch, 'tarballs', packed?.filename ?? '')}`);
    }
    ranges = (
      await readJson<{ devDependencies: Record<string, string> }>(
        join(root, 'packages/tests/package.json'),
      )
    ).devDependencies;
    typescriptVersion = (
      await readJson<{ version: string }>(join(root, 'node_modules/typescript/package.json'))
    ).version;
    redis = await startRedis({ audit: true });
  }, 120_000);

  afterAll(async () => {
    await redis?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  function specOf(name: string): string {
    const spec = tarballs.get(name) ?? ranges[name];
    if (spec === undefined) {
      throw new Error(`${name} is named by a README but not a devDependency of packages/tests`);
    }
    return spec;
  }

  /** A project with exactly the example's packages, installed; returns its folder. */
  async function project(example: Example, manager: 'npm' | 'pnpm'): Promise<string> {
    const name = `${example.readme.replace(/\W+/g, '-')}-${manager}`;
    const dir = join(scratch, name);
    await mkdir(dir);
    const entries = (names: string[]) => names.map((n) => [n, specOf(n)] as const);
    const manifest = {
      name,
      private: true,
      type: 'module',
      dependencies: Object.fromEntries(entries(example.dependencies)),
      devDependencies: {
        ...Object.fromEntries(entries(example.devDependencies)),
        // To compile the example: not something its imports use.
        typescript: typescriptVersion,
        '@types/node': '^20.19.0',
      },
      // The adapters depend on `@sess/core` by version, which no registry has yet: pnpm takes
      // it from the same tarball (npm dedupes it with the app's own).
      pnpm: { overrides: { '@sess/core': specOf('@sess/core') } },
    };
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    await writeFile(join(dir, 'app.ts'), example.code);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          outDir: 'dist',
          skipLibCheck: false,
        },
        files: ['app.ts'],
      }),
    );
    const install =
      manager === 'npm'
        ? run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
            cwd: dir,
            timeout: 240_000,
          })
        : run(process.execPath, [pnpmBin, 'install', '--prefer-offline', '--reporter=silent'], {
            cwd: dir,
            timeout: 240_000,
            env: { ...process.env, npm_config_user_agent: undefined },
          });
    await install;
    return dir;
  }

  /** tsc's diagnostics for the project, '' when it compiles. */
  async function compile(dir: string): Promise<string> {
    return run(join(dir, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: dir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout || String(error),
    );
  }

  async function servesTheReadmeApp(manager: 'npm' | 'pnpm'): Promise<void> {
    const example = readmeExample('README.md', await readFile(join(root, 'README.md'), 'utf8'));
    // The example listens on 3000; the test on a free port.
    expect(example.code.match(/app\.listen\(3000\)/g)).toHaveLength(1);
    example.code = example.code.replace('app.listen(3000)', 'app.listen(Number(process.env.PORT))');
    const dir = await project(example, manager);
    expect(await compile(dir)).toBe('');

    const port = await freePort();
    const app: ChildProcess = spawn(process.execPath, ['dist/app.js'], {
      cwd: dir,
      env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, SESSION_SECRET: SECRET },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = once(app, 'exit');
    try {
      const url = `http://127.0.0.1:${port}/`;
      const first = await fetchWhenUp(url, exited);
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ visits: 1, user: null });
      const cookie = first.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      expect(cookie).toMatch(/^sess=/);
      const second = await fetch(url, { headers: { cookie } });
      expect(await second.json()).toEqual({ visits: 2, user: null });
    } finally {
      app.kill();
      await exited;
    }
  }

  it('the root README: Express from npm, against Redis', async () => {
    await servesTheReadmeApp('npm');
  }, 300_000);

  it("the root README: Express from pnpm's strict layout, against Redis", async () => {
    await servesTheReadmeApp('pnpm');
  }, 300_000);

  it.each(['packages/express/README.md', 'packages/fastify/README.md', 'packages/koa/README.md'])(
    '%s: the example type-checks with its install lines under pnpm',
    async (readme) => {
      const example = readmeExample(readme, await readFile(join(root, readme), 'utf8'));
      expect(example.dependencies).toContain('@sess/core');
      const dir = await project(example, 'pnpm');
      expect(await compile(dir)).toBe('');
    },
    300_000,
  );
});

/** The first answer of a server that is starting: polls until it answers, or it exits. */
async function fetchWhenUp(url: string, exited: Promise<unknown>): Promise<Response> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (gone) throw new Error('the example exited before it answered');
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
