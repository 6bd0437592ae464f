import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What users get from the registry: each public package packed with `npm pack`, installed into
// a project outside the workspace, loaded there from ESM and from CommonJS, type-checked, and
// checked for what a tarball must carry (LICENSE, manifest fields, no dangling source map).

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, string | { types?: string; default?: string }>;
  engines?: Record<string, string>;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: string | { url?: string };
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** A packed package: its directory in the workspace and the paths `npm pack` put in it. */
interface Packed {
  dir: string;
  manifest: Manifest;
  files: string[];
}

/** What a user can import from a package: its name, and `name/subpath` for each code subpath. */
function specifiers(manifest: Manifest): string[] {
  return Object.entries(manifest.exports ?? { '.': {} })
    .filter(([subpath]) => !subpath.endsWith('.json'))
    .map(([subpath]) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

async function publicPackages(): Promise<Array<{ dir: string; manifest: Manifest }>> {
  const dirs = await readdir(join(root, 'packages'));
  const found = [];
  for (const name of dirs) {
    const dir = join(root, 'packages', name);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
    if (!manifest.private) found.push({ dir, manifest });
  }
  return found;
}

describe('packed packages', () => {
  let scratch: string;
  let packages: Packed[];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sess-packed-'));
    packages = [];
    const tarballs: string[] = [];
    for (const { dir, manifest } of await publicPackages()) {
      const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
        cwd: dir,
      });
      const [packed] = JSON.parse(stdout) as Array<{
        filename: string;
        files: Array<{ path: string }>;
      }>;
      tarballs.push(join(scratch, packed?.filename ?? ''));
      packages.push({ dir, manifest, files: (packed?.files ?? []).map((file) => file.path) });
    }
    // Required peers, plus the type packages a TypeScript user of the adapters has.
    const peers = new Set<string>(['typescript', '@types/node@20', '@types/express', '@types/koa']);
    for (const { manifest } of packages) {
      for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
        if (!manifest.peerDependenciesMeta?.[peer]?.optional) peers.add(`${peer}@${range}`);
      }
    }
    await writeFile(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
    );
    const typescript = JSON.parse(
      await readFile(join(root, 'node_modules/typescript/package.json'), 'utf8'),
    ) as { version: string };
    peers.delete('typescript');
    peers.add(`typescript@${typescript.version}`);
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, ...peers],
      { cwd: scratch, timeout: 240_000 },
    );
  }, 300_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('every entry point imports in Node', async () => {
    const all = packages.flatMap(({ manifest }) => specifiers(manifest));
    expect(all).toContain('@sess/core/adapter');
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `for (const name of ${JSON.stringify(all)}) console.log(name, Object.keys(await import(name)).length);`,
      ],
      { cwd: scratch },
    );
    for (const line of stdout.trim().split('\n')) {
      const [name, count] = line.split(' ');
      expect(Number(count), name).toBeGreaterThan(0);
    }
    expect(stdout.trim().split('\n')).toHaveLength(all.length);
  }, 60_000);

  it('every entry point loads with require() from CommonJS (require(esm), Node >= 20.19)', async () => {
    // A CommonJS app on this Node: every package loads, and the Express adapter serves a
    // session over HTTP (a memory port stands in for Redis: the point is the module loading).
    const consumer = `'use strict';
const assert = require('node:assert/strict');
const { once } = require('node:events');
for (const name of ${JSON.stringify(packages.flatMap(({ manifest }) => specifiers(manifest)))}) {
  assert.ok(Object.keys(require(name)).length > 0, name);
}
const express = require('express');
const { createMemoryPort, createSessionStore } = require('@sess/core');
const { session } = require('@sess/express');

async function main() {
  const store = createSessionStore({ port: createMemoryPort(), cleaner: false });
  const app = express();
  app.use(session({ store, secrets: ['${'s'.repeat(32)}'] }));
  app.get('/', (req, res) => {
    req.session.visits = (req.session.visits ?? 0) + 1;
    res.json({ visits: req.session.visits });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  try {
    const first = await fetch(url);
    const cookie = first.headers.get('set-cookie').split(';')[0];
    assert.deepEqual(await first.json(), { visits: 1 });
    const second = await fetch(url, { headers: { cookie } });
    assert.deepEqual(await second.json(), { visits: 2 });
  } finally {
    server.close();
    await store.close();
  }
  console.log('visits: 2');
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;
    await writeFile(join(scratch, 'consumer.cjs'), consumer);
    const { stdout } = await run(process.execPath, ['consumer.cjs'], {
      cwd: scratch,
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe('visits: 2');
  }, 60_000);

  it('every tarball ships the LICENSE and the manifest fields the registry shows', async () => {
    const license = await readFile(join(root, 'LICENSE'), 'utf8');
    for (const { manifest, files } of packages) {
      expect(files, manifest.name).toContain('LICENSE');
      const installed = join(scratch, 'node_modules', manifest.name);
      expect(await readFile(join(installed, 'LICENSE'), 'utf8'), manifest.name).toBe(license);
      const packed = JSON.parse(
        await readFile(join(installed, 'package.json'), 'utf8'),
      ) as Manifest;
      const folder = manifest.name.replace('@sess/', '');
      expect(packed, manifest.name).toMatchObject({
        license: 'MIT',
        engines: { node: '>=20.19' },
        repository: {
          type: 'git',
          url: 'git+https://github.com/sessjs/sess.git',
          directory: `packages/${folder}`,
        },
        homepage: `https://github.com/sessjs/sess/tree/main/packages/${folder}#readme`,
        bugs: 'https://github.com/sessjs/sess/issues',
      });
    }
  });

  it('no source map in a tarball points at a file the tarball lacks', async () => {
    const problems: string[] = [];
    for (const { manifest, files } of packages) {
      const shipped = new Set(files);
      const installed = join(scratch, 'node_modules', manifest.name);
      // The comment a .js or .d.ts ends with names its map; the map names its sources.
      const maps = new Set(files.filter((file) => file.endsWith('.map')));
      for (const file of files.filter((name) => /\.(js|d\.ts)$/.test(name))) {
        const text = await readFile(join(installed, file), 'utf8');
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
        if (url === undefined || url.startsWith('data:')) continue;
        const map = posix.join(posix.dirname(file), url);
        if (shipped.has(map)) maps.add(map);
        else problems.push(`${manifest.name}/${file} -> ${map}`);
      }
      for (const map of maps) {
        const { sources = [], sourceRoot = '' } = JSON.parse(
          await readFile(join(installed, map), 'utf8'),
        ) as { sources?: string[]; sourceRoot?: string };
        for (const source of sources) {
          const target = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
          if (!shipped.has(target)) problems.push(`${manifest.name}/${map} -> ${target}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every entry point type-checks under strict TypeScript', async () => {
    const imports = packages
      .flatMap(({ manifest }) => specifiers(manifest))
      .map((name, i) => `import * as p${i} from '${name}';\nconsole.log(p${i});`)
      .join('\n');
    await writeFile(join(scratch, 'index.ts'), imports);
    await writeFile(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['index.ts'],
      }),
    );
    const result = await run(join(scratch, 'node_modules/.bin/tsc'), ['-p', '.'], {
      cwd: scratch,
    }).catch((error: { stdout?: string }) => error);
    // Our declarations and the user's file must be clean; errors inside third-party type
    // packages (e.g. a @types package lagging its dependency) are not ours to judge here.
    const output = 'stdout' in result ? (result.stdout ?? '') : '';
    const ours = output
      .split('\n')
      .filter((line) => line.startsWith('index.ts') || line.startsWith('node_modules/@sess/'));
    expect(ours).toEqual([]);
    expect(output === '' || output.includes('error TS')).toBe(true);
  }, 120_000);
});

// npm shows a package's README on its own, away from the repository: a relative link that leaves
// the package folder (`../../README.md`, `../core`) leads nowhere there.
describe('package READMEs', () => {
  it('link outside their package only with absolute URLs', async () => {
    const problems: string[] = [];
    for (const { dir, manifest } of await publicPackages()) {
      const readme = await readFile(join(dir, 'README.md'), 'utf8');
      for (const target of linkTargets(readme)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
        const path = decodeURI(target.split(/[?#]/)[0] ?? '');
        const inside = relative(dir, resolve(dir, path));
        if (path.startsWith('/') || inside.startsWith('..')) {
          problems.push(`${manifest.name}: ${target}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the link finder sees inline, reference and HTML links, and skips code', () => {
    const markdown = [
      'See [sess](../../README.md) and [core][c], ![logo](./logo.png "Logo")',
      '<a href="../koa">koa</a> `[not](../a-link)`',
      '```ts',
      "import x from '[not](../a-link)';",
      '```',
      '[c]: <../core> "Core"',
    ].join('\n');
    expect(linkTargets(markdown).sort()).toEqual(
      ['../../README.md', '../core', '../koa', './logo.png'].sort(),
    );
  });
});

/** Link and image targets of a Markdown text, outside code blocks and code spans. */
function linkTargets(markdown: string): string[] {
  const text = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
  const targets: string[] = [];
  const patterns = [
    /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, // [text](target "title"), ![alt](target)
    /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm, // [label]: target
    /\b(?:href|src)\s*=\s*["']([^"']+)["']/g, // <a href="target">, <img src="target">
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) if (match[1]) targets.push(match[1]);
  }
  return targets;
}
