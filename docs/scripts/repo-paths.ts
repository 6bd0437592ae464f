import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The docs workspace: the site's source root (VitePress' srcDir). */
export const DOCS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const ROOT_DIR = resolve(DOCS_DIR, '..');
/** Where the build writes what it generates and nobody commits. */
export const BUILD_DIR = join(DOCS_DIR, 'dist');
/** The generated API reference, under the site so VitePress renders it. */
export const API_DIR = join(DOCS_DIR, 'reference', 'api');

/** `path` relative to the repository root, with forward slashes, for messages. */
export function fromRoot(path: string): string {
  return relative(ROOT_DIR, path).split(sep).join('/');
}

/** Whether `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
