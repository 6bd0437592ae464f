import MarkdownIt from 'markdown-it';

/** A TypeScript code block of a Markdown document. */
export interface CodeSample {
  readonly code: string;
  /** 1-based line of the block's first line of code. */
  readonly line: number;
  /** Marked `no-check`: deliberately partial, left out of the type-check. */
  readonly unchecked: boolean;
}

const TYPESCRIPT = new Set(['ts', 'typescript', 'mts', 'tsx']);
/** The marker of a deliberately partial block: ```ts no-check */
export const NO_CHECK = 'no-check';

/**
 * The TypeScript blocks of `markdown`. The language is the info string's first word, without
 * VitePress' line-highlight or `:line-numbers` suffixes (`ts{2,3}`, `ts:line-numbers`).
 */
export function codeSamplesOf(markdown: string): CodeSample[] {
  const samples: CodeSample[] = [];
  for (const token of new MarkdownIt().parse(markdown, {})) {
    if (token.type !== 'fence') continue;
    const words = token.info.trim().split(/\s+/);
    const language = (words[0] ?? '').replace(/[{:].*$/, '').toLowerCase();
    if (!TYPESCRIPT.has(language)) continue;
    samples.push({
      code: token.content,
      line: (token.map?.[0] ?? 0) + 2,
      unchecked: words.includes(NO_CHECK),
    });
  }
  return samples;
}
