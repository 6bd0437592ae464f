import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Application, Converter, ReflectionKind, type TypeDocOptions } from 'typedoc';
import { publicEntryPoints } from './public-entry-points.js';
import { API_DIR, BUILD_DIR, DOCS_DIR, fromRoot, ROOT_DIR } from './repo-paths.js';

/**
 * Generates the API reference (Markdown for VitePress) from the TSDoc comments of every public
 * module, read from the packages' `exports`. TypeDoc runs on TypeScript 6 (the last compiler
 * with a JavaScript API; the root `overrides` gives TypeDoc its own copy), over the sources,
 * with each `@sess/*` import mapped to its source, so a type re-exported by an adapter is one
 * page, not a copy per package.
 */
// Every entry point is mapped to its source, so the packages see one copy of each type; the
// internal one is not documented.
const allEntries = publicEntryPoints();
const entries = allEntries.filter((entry) => entry.documented);
mkdirSync(BUILD_DIR, { recursive: true });
const tsconfigPath = join(BUILD_DIR, 'tsconfig.api.json');
const paths: Record<string, string[]> = {};
for (const entry of allEntries) paths[entry.specifier] = [relative(BUILD_DIR, entry.source)];
writeFileSync(
  tsconfigPath,
  `${JSON.stringify(
    {
      extends: relative(BUILD_DIR, join(ROOT_DIR, 'tsconfig.base.json')),
      // @sess/nestjs is written with the decorators NestJS is built on (TypeScript's legacy ones).
      compilerOptions: { noEmit: true, experimentalDecorators: true, paths },
      files: allEntries.map((entry) => relative(BUILD_DIR, entry.source)),
    },
    null,
    2,
  )}\n`,
);

rmSync(API_DIR, { recursive: true, force: true });
/** `docsRoot` is typedoc-vitepress-theme's: where the site's root is, for the sidebar's links. */
const options: TypeDocOptions & { docsRoot: string } = {
  entryPoints: entries.map((entry) => entry.source),
  entryPointStrategy: 'resolve',
  tsconfig: tsconfigPath,
  plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme'],
  out: API_DIR,
  docsRoot: DOCS_DIR,
  name: 'API reference',
  readme: 'none',
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  excludeExternals: true,
  disableSources: true,
  hideGenerator: true,
  treatWarningsAsErrors: false,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: 'Warn',
};
const app = await Application.bootstrapWithPlugins(options);

const specifierOf = new Map<string, string>();
for (const point of app.getEntryPoints() ?? []) {
  const entry = entries.find((candidate) => candidate.source === point.sourceFile.fileName);
  if (entry) specifierOf.set(point.displayName, entry.specifier);
}
// Before TypeDoc groups and sorts the members, so what is removed leaves no trace.
app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
  const modules = context.project.getChildrenByKind(ReflectionKind.Module);
  // TypeDoc names a module after its path; a reader looks for what they import.
  for (const module of modules) {
    const specifier = specifierOf.get(module.name);
    if (specifier !== undefined) module.name = specifier;
  }
  // A member keyed by a symbol the packages do not export (`[LOAD_CHECKED]`) is
  // package-internal: nobody outside can call it, so it is no part of the reference.
  const exportedNames = new Set(
    modules.flatMap((module) => (module.children ?? []).map((child) => child.name)),
  );
  for (const reflection of Object.values(context.project.reflections)) {
    const symbolKey = /^\[(\w+)\]$/.exec(reflection.name);
    if (symbolKey && !exportedNames.has(symbolKey[1] as string)) {
      context.project.removeReflection(reflection);
    }
  }
});
const project = await app.convert();
if (project === undefined) {
  console.error('api: TypeDoc could not convert the packages');
  process.exit(1);
}
await app.generateOutputs(project);
console.log(
  `api: ${entries.length} public modules (${entries.map((e) => e.specifier).join(', ')}) into ${fromRoot(API_DIR)}`,
);
