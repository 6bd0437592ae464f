import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run api:check` compares each entry point's API with its committed report
// (scripts/api-reports.mjs). Here on a copy of @sess/core's `./adapter` entry point: the copy
// passes as built, an added export fails the check until `api:update` writes the report, and
// an entry point without a report fails too.

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const script = join(root, 'scripts/api-reports.mjs');
const core = join(root, 'packages/core');

interface Outcome {
  code: number;
  output: string;
}

async function apiReports(mode: 'check' | 'update', cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, mode], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

describe('the API report check', () => {
  let copy: string;

  beforeAll(async () => {
    // Outside any node_modules (API Extractor takes what is in one for a dependency), with the
    // repository's node_modules linked in for what the declarations import (`@types/node`).
    copy = await mkdtemp(join(tmpdir(), 'sess-api-reports-'));
    await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const manifest = JSON.parse(await readFile(join(core, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    manifest.exports = { './adapter': manifest.exports['./adapter'] };
    await writeFile(join(copy, 'package.json'), JSON.stringify(manifest, null, 2));
    await cp(join(core, 'dist'), join(copy, 'dist'), { recursive: true });
    await mkdir(join(copy, 'etc'));
    await cp(join(core, 'etc/core-adapter.api.md'), join(copy, 'etc/core-adapter.api.md'));
  });

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('passes on the built package and its committed report', async () => {
    const checked = await apiReports('check', copy);
    expect(checked.output).toContain('1 reports match');
    expect(checked.code).toBe(0);
  }, 60_000);

  it('fails on an added export until the report is updated', async () => {
    await appendFile(
      join(copy, 'dist/adapter.d.ts'),
      '\nexport declare function addedForTheTest(): void;\n',
    );
    const failed = await apiReports('check', copy);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(
      '@sess/core/adapter: the API differs from etc/core-adapter.api.md',
    );
    expect(failed.output).toContain('npm run api:update');

    expect((await apiReports('update', copy)).code).toBe(0);
    const report = await readFile(join(copy, 'etc/core-adapter.api.md'), 'utf8');
    expect(report).toContain('export function addedForTheTest(): void;');
    expect((await apiReports('check', copy)).code).toBe(0);
  }, 120_000);

  it('fails on an entry point without a report, and on a report without an entry point', async () => {
    const manifestPath = join(copy, 'package.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const adapter = manifest.exports['./adapter'];
    manifest.exports = { './port': { types: './dist/port.d.ts', default: './dist/port.js' } };
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
    const failed = await apiReports('check', copy);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain('@sess/core/port: the API differs from etc/core-port.api.md');
    expect(failed.output).toContain('etc/core-adapter.api.md has no entry point in package.json');
    manifest.exports = { './adapter': adapter };
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  }, 120_000);
});
