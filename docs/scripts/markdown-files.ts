import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_DIR, DOCS_DIR, ROOT_DIR } from './repo-paths.js';

/** Folders of docs/ that hold no page of the site. */
const NOT_PAGES = new Set(['node_modules', 'dist', '.vitepress', 'scripts', 'test']);

/**
 * The pages of the site, sorted. `withApi: false` leaves out the generated API reference
 * (its Markdown is TypeDoc's, not ours: its code blocks are signatures, not samples).
 */
export function sitePages(options: { withApi: boolean }): string[] {
  const pages: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (NOT_PAGES.has(entry.name)) continue;
        if (!options.withApi && path === API_DIR) continue;
        walk(path);
      } else if (entry.name.endsWith('.md')) {
        pages.push(path);
      }
    }
  };
  walk(DOCS_DIR);
  return pages.sort();
}

/** The Markdown at the repository root that links into the docs: the README and CONTRIBUTING. */
export function rootDocuments(): string[] {
  return ['README.md', 'CONTRIBUTING.md'].map((name) => join(ROOT_DIR, name));
}
