import { describe, expect, it } from 'vitest';
import { codeSamplesOf } from '../scripts/code-samples.js';

describe('code samples of a Markdown document', () => {
  it('takes TypeScript blocks with the line their code starts on', () => {
    const markdown = [
      '# Page',
      '',
      '```ts',
      "const a = 'checked';",
      '```',
      '',
      '```sh',
      'npm install',
      '```',
      '',
      '```ts no-check',
      'store.load(id); // partial on purpose',
      '```',
      '',
      '```typescript{2}',
      'const b = 1;',
      'const c = 2;',
      '```',
    ].join('\n');
    expect(codeSamplesOf(markdown)).toEqual([
      { code: "const a = 'checked';\n", line: 4, unchecked: false },
      { code: 'store.load(id); // partial on purpose\n', line: 12, unchecked: true },
      { code: 'const b = 1;\nconst c = 2;\n', line: 16, unchecked: false },
    ]);
  });
});
