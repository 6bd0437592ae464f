import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What users get from the registry: each public package packed with `npm pack`, installed into
// a project outside the workspace, imported and type-checked there.

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

interface Manifest {
  name: string;
  private?: boolean;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
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
  let packages: Array<{ dir: string; manifest: Manifest }>;

  beforeAll(async () => {
    packages = await publicPackages();
    scratch = await mkdtemp(join(tmpdir(), 'sess-packed-'));
    const tarballs: string[] = [];
    for (const { dir } of packages) {
      const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
        cwd: dir,
      });
      const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
      tarballs.push(join(scratch, packed?.filename ?? ''));
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
    for (const { manifest } of packages) {
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import('${manifest.name}'); console.log(Object.keys(m).length);`,
        ],
        { cwd: scratch },
      );
      expect(Number(stdout.trim()), manifest.name).toBeGreaterThan(0);
    }
  }, 60_000);

  it('every entry point type-checks under strict TypeScript', async () => {
    const imports = packages
      .map(({ manifest }, i) => `import * as p${i} from '${manifest.name}';\nconsole.log(p${i});`)
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
