import MarkdownIt from 'markdown-it';

/** How a renderer turns a heading into its anchor. */
export type SlugStyle = 'vitepress' | 'github';

const VITEPRESS_SPECIAL = /[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** The anchor VitePress gives a heading: runs of punctuation and spaces become one `-`. */
export function vitepressSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .split('')
    .filter((char) => char.charCodeAt(0) >= 0x20) // control characters go
    .join('')
    .replace(VITEPRESS_SPECIAL, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase();
}

/** The anchor GitHub (and npm) give a heading: punctuation dropped, each space a `-`. */
export function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const CUSTOM_ID = /\s*\{#([A-Za-z0-9_-]+)\}\s*$/;
const HTML_ID = /<a\s[^>]*(?:id|name)="([^"]+)"/g;

/**
 * Every anchor a Markdown document offers: one per heading (numbered `-1`, `-2`... when a
 * slug repeats, as both renderers do), `{#custom-id}` on a heading (VitePress), and the `id`
 * or `name` of an HTML `<a>`.
 */
export function anchorsOf(markdown: string, style: SlugStyle): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const tokens = new MarkdownIt({ html: true }).parse(markdown, {});
  tokens.forEach((token, i) => {
    if (token.type === 'html_block' || token.type === 'inline') {
      for (const match of token.content.matchAll(HTML_ID)) anchors.add(match[1] as string);
    }
    if (token.type !== 'heading_open') return;
    const inline = tokens[i + 1];
    const parts = (inline?.children ?? [])
      .filter((child) => child.type === 'text' || child.type === 'code_inline')
      .map((child) => child.content);
    let text = parts.join('');
    const custom = style === 'vitepress' ? CUSTOM_ID.exec(text) : null;
    if (custom) {
      anchors.add(custom[1] as string);
      return;
    }
    text = text.trim();
    const base = style === 'vitepress' ? vitepressSlug(text) : githubSlug(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  });
  return anchors;
}
