import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from './repo-paths.js';

/** One module a user can import: `@sess/core`, or a subpath such as `@sess/core/adapter`. */
export interface PublicEntryPoint {
  /** What the user writes in `import ... from`. */
  readonly specifier: string;
  /** The source file behind it. */
  readonly source: string;
  /**
   * Whether the API reference documents it: not `@sess/core/internal`, which is for the
   * sibling packages, without a semver promise.
   */
  readonly documented: boolean;
}

interface PackageManifest {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<
    string,
    string | { readonly types?: string; readonly default?: string }
  >;
}

/**
 * Every public module of the published packages, read from each package.json's `exports`:
 * the `types` of each subpath (`./dist/x.d.ts`) points back at its source (`./src/x.ts`).
 * Private workspaces and non-code subpaths (`./package.json`) are left out.
 */
export function publicEntryPoints(): PublicEntryPoint[] {
  const packagesDir = join(ROOT_DIR, 'packages');
  const entries: PublicEntryPoint[] = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageManifest;
    if (manifest.private || manifest.exports === undefined) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const types = typeof target === 'string' ? target : (target.types ?? target.default);
      if (types === undefined || !/\.d\.[cm]?ts$/.test(types)) continue;
      const source = join(
        packagesDir,
        dir,
        types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.([cm]?)ts$/, '.$1ts'),
      );
      if (!existsSync(source)) {
        throw new Error(`${manifest.name}: exports["${subpath}"] has no source at ${source}`);
      }
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      entries.push({ specifier, source, documented: subpath !== './internal' });
    }
  }
  return entries;
}
