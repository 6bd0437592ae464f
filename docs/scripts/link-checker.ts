import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { anchorsOf, type SlugStyle } from './heading-slugs.js';
import { isExternal, linksOf } from './markdown-links.js';
import { DOCS_DIR, fromRoot, isInside, ROOT_DIR } from './repo-paths.js';

/** A link that does not resolve. */
export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly reason: string;
}

/**
 * Checks every relative link, image, snippet import and anchor of `documents`. A page of the
 * site may only link to pages of the site (a link out of docs/ has nothing to point to on the
 * published site); images and snippets may come from anywhere in the repository, since the
 * build bundles them. External links are not checked.
 */
export class LinkChecker {
  readonly #anchors = new Map<string, Set<string>>();
  #checked = 0;

  get checked(): number {
    return this.#checked;
  }

  check(documents: readonly string[]): BrokenLink[] {
    const broken: BrokenLink[] = [];
    for (const file of documents) {
      const onSite = isInside(file, DOCS_DIR);
      for (const link of linksOf(readFileSync(file, 'utf8'))) {
        if (link.target === '' || isExternal(link.target)) continue;
        this.#checked++;
        const fail = (reason: string) =>
          broken.push({ file: fromRoot(file), line: link.line, target: link.target, reason });
        const [pathPart = '', anchor] = link.target.split('#', 2);
        const path = decodeURIComponent(pathPart.split('?')[0] ?? '');
        let resolved: string;
        if (link.kind === 'snippet') {
          resolved = path.startsWith('@/')
            ? join(DOCS_DIR, path.slice(2))
            : resolve(dirname(file), path);
        } else if (path === '') {
          resolved = file;
        } else if (path.startsWith('/')) {
          resolved = join(onSite ? DOCS_DIR : ROOT_DIR, path);
        } else {
          resolved = resolve(dirname(file), path);
        }
        if (onSite && link.kind === 'link' && !isInside(resolved, DOCS_DIR)) {
          fail('leaves the site: on the published docs it points nowhere (name the path as code)');
          continue;
        }
        const target = onSite && link.kind === 'link' ? pageFile(resolved) : existing(resolved);
        if (target === undefined) {
          fail(`no such ${onSite && link.kind === 'link' ? 'page' : 'file'}`);
          continue;
        }
        if (anchor === undefined || anchor === '') continue;
        if (extname(target) !== '.md') {
          fail('an anchor into a file that is not Markdown');
          continue;
        }
        // Anchors as the renderer of the linking page computes them: VitePress for the site,
        // GitHub for the README and CONTRIBUTING (whose links are followed on GitHub).
        if (
          !this.#anchorsOf(target, onSite ? 'vitepress' : 'github').has(decodeURIComponent(anchor))
        ) {
          fail(`no heading or anchor #${anchor} in ${fromRoot(target)}`);
        }
      }
    }
    return broken;
  }

  #anchorsOf(file: string, style: SlugStyle): Set<string> {
    const key = `${style}:${file}`;
    let anchors = this.#anchors.get(key);
    if (anchors === undefined) {
      anchors = anchorsOf(readFileSync(file, 'utf8'), style);
      this.#anchors.set(key, anchors);
    }
    return anchors;
  }
}

function existing(path: string): string | undefined {
  return existsSync(path) ? path : undefined;
}

/** The Markdown file of a site link, written as VitePress accepts it: `x.md`, `x`, `x.html`, `dir/`. */
function pageFile(path: string): string | undefined {
  if (path.endsWith('.html')) return existing(`${path.slice(0, -5)}.md`);
  if (existsSync(path) && statSync(path).isDirectory()) return existing(join(path, 'index.md'));
  if (existsSync(path)) return path;
  return existing(`${path}.md`);
}
