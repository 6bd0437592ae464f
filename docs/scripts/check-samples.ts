import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { codeSamplesOf } from './code-samples.js';
import { rootDocuments, sitePages } from './markdown-files.js';
import { BUILD_DIR, fromRoot, ROOT_DIR } from './repo-paths.js';

/**
 * Type-checks every TypeScript block of the site, the README and CONTRIBUTING against the
 * workspace packages, as a user's code would see them (their `exports`, their built types):
 * each block becomes a module of one program, compiled with the repository's compiler
 * options. Blocks marked `no-check` are left out and counted.
 */
const SAMPLES_DIR = join(BUILD_DIR, 'samples');
rmSync(SAMPLES_DIR, { recursive: true, force: true });
mkdirSync(SAMPLES_DIR, { recursive: true });

const origins = new Map<string, { document: string; line: number }>();
let unchecked = 0;
const documents = [...sitePages({ withApi: false }), ...rootDocuments().filter(existsSync)];
for (const document of documents) {
  const name = fromRoot(document)
    .replace(/\.md$/, '')
    .replace(/[^A-Za-z0-9]+/g, '_');
  for (const sample of codeSamplesOf(readFileSync(document, 'utf8'))) {
    if (sample.unchecked) {
      unchecked++;
      continue;
    }
    const file = `${name}_L${sample.line}.ts`;
    // `export {}` keeps each block a module of its own: no names shared between blocks.
    writeFileSync(join(SAMPLES_DIR, file), `${sample.code}\nexport {};\n`);
    origins.set(file, { document: fromRoot(document), line: sample.line });
  }
}
writeFileSync(join(SAMPLES_DIR, 'package.json'), '{ "type": "module", "private": true }\n');
writeFileSync(
  join(SAMPLES_DIR, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: relative(SAMPLES_DIR, join(ROOT_DIR, 'tsconfig.base.json')),
      // The NestJS samples use the decorators Nest is built on (TypeScript's legacy ones), with
      // the metadata Nest reads constructor types from; no other sample has decorators.
      compilerOptions: {
        noEmit: true,
        declaration: false,
        declarationMap: false,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
      include: ['*.ts'],
    },
    null,
    2,
  )}\n`,
);

const tsc = join(ROOT_DIR, 'node_modules', '.bin', 'tsc');
const run = spawnSync(tsc, ['-p', SAMPLES_DIR, '--pretty', 'false'], { encoding: 'utf8' });
const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
// `file.ts(line,col): error TS1234: message`, pointed back at the Markdown line.
const DIAGNOSTIC = /^(?:.*[\\/])?([^\\/(]+\.ts)\((\d+),(\d+)\): (.*)$/;
let errors = 0;
for (const text of output.split('\n')) {
  const match = DIAGNOSTIC.exec(text);
  const origin = match ? origins.get(match[1] as string) : undefined;
  if (match && origin) {
    errors++;
    console.error(`${origin.document}:${origin.line + Number(match[2]) - 1}: ${match[4]}`);
  } else if (text.trim() !== '') {
    console.error(text);
  }
}
console.log(
  `samples: ${origins.size} TypeScript blocks in ${documents.length} documents type-checked, ${unchecked} marked no-check, ${errors} errors`,
);
if (run.status !== 0 || run.error) process.exitCode = 1;
