import { describe, expect, it } from 'vitest';
import { anchorsOf, githubSlug, vitepressSlug } from '../scripts/heading-slugs.js';

describe('heading anchors', () => {
  it('are computed the way VitePress computes them', () => {
    expect(vitepressSlug("An anonymous session's creation stays out of the stream")).toBe(
      'an-anonymous-session-s-creation-stays-out-of-the-stream',
    );
    expect(vitepressSlug('Why not `PEXPIREAT … GT`')).toBe('why-not-pexpireat-gt');
    expect(vitepressSlug('2 replicas')).toBe('_2-replicas');
    expect(vitepressSlug('No "expiring" mark')).toBe('no-expiring-mark');
  });

  it('are computed the way GitHub computes them', () => {
    expect(githubSlug("List and end a user's sessions")).toBe('list-and-end-a-users-sessions');
    expect(githubSlug('Fastify read against bare Fastify: it depends')).toBe(
      'fastify-read-against-bare-fastify-it-depends',
    );
    expect(githubSlug('Why `__Host-`')).toBe('why-__host-');
  });

  it('number repeated headings and keep custom ids and HTML anchors', () => {
    const markdown = [
      '# Title',
      '## Options',
      '## Options',
      '## Custom {#my-id}',
      '<a id="raw-anchor"></a>',
      '```md',
      '## Not a heading',
      '```',
    ].join('\n\n');
    expect([...anchorsOf(markdown, 'vitepress')].sort()).toEqual(
      ['my-id', 'options', 'options-1', 'raw-anchor', 'title'].sort(),
    );
  });
});
