import MarkdownIt from 'markdown-it';

/** A link or image in a Markdown document. */
export interface MarkdownLink {
  readonly target: string;
  /** 1-based line of the block it is in. */
  readonly line: number;
  readonly kind: 'link' | 'image' | 'snippet';
}

const HTML_LINK = /<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g;
/** VitePress' `<<< path` snippet import, with optional `#region`, `{lines}` and `[title]`. */
const SNIPPET = /^<<<\s+(\S+?)(?:#[\w-]+)?(?:\{[^}]*\})?(?:\s+\[[^\]]*\])?\s*$/;

/** Every link, image and snippet import in `markdown`, code blocks left out. */
export function linksOf(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  const tokens = new MarkdownIt({ html: true }).parse(markdown, {});
  for (const token of tokens) {
    const line = (token.map?.[0] ?? 0) + 1;
    if (token.type === 'html_block') {
      for (const match of token.content.matchAll(HTML_LINK)) {
        links.push({ target: match[1] as string, line, kind: 'link' });
      }
      continue;
    }
    if (token.type === 'paragraph_open') continue;
    if (token.type !== 'inline') continue;
    const snippet = SNIPPET.exec(token.content);
    if (snippet) {
      links.push({ target: snippet[1] as string, line, kind: 'snippet' });
      continue;
    }
    for (const child of token.children ?? []) {
      if (child.type === 'link_open') {
        links.push({ target: child.attrGet('href') ?? '', line, kind: 'link' });
      } else if (child.type === 'image') {
        links.push({ target: child.attrGet('src') ?? '', line, kind: 'image' });
      } else if (child.type === 'html_inline') {
        for (const match of child.content.matchAll(HTML_LINK)) {
          links.push({ target: match[1] as string, line, kind: 'link' });
        }
      }
    }
  }
  return links;
}

/** Links that leave the repository: a scheme (`https:`, `mailto:`) or protocol-relative. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}
