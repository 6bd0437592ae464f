import { describe, expect, it } from 'vitest';
import { isExternal, linksOf } from '../scripts/markdown-links.js';

describe('links of a Markdown document', () => {
  it('finds links, images, HTML links and snippet imports, not what is in code', () => {
    const markdown = [
      'See [the API](./guide/session-api.md#errors) and ![a chart](../bench/x.svg).',
      '',
      '<a href="./raw.md">raw</a>',
      '',
      '<<< ../../examples/port.ts{3-5} [port.ts]',
      '',
      '```md',
      '[not a link](./nowhere.md)',
      '```',
      '',
      'Inline `[not either](./nope.md)` and [an external one](https://example.com).',
    ].join('\n');
    expect(linksOf(markdown)).toEqual([
      { target: './guide/session-api.md#errors', line: 1, kind: 'link' },
      { target: '../bench/x.svg', line: 1, kind: 'image' },
      { target: './raw.md', line: 3, kind: 'link' },
      { target: '../../examples/port.ts', line: 5, kind: 'snippet' },
      { target: 'https://example.com', line: 11, kind: 'link' },
    ]);
  });

  it('tells external links from relative ones', () => {
    expect(isExternal('https://vitepress.dev')).toBe(true);
    expect(isExternal('mailto:someone@example.com')).toBe(true);
    expect(isExternal('//cdn.example.com/x.js')).toBe(true);
    expect(isExternal('../production/tls.md')).toBe(false);
    expect(isExternal('#anchor')).toBe(false);
  });
});
