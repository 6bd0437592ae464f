import { defineConfig } from 'vitepress';
import { sidebar } from './sidebar.mjs';

export default defineConfig({
  title: 'sess',
  description: 'HTTP sessions on Redis for Node.js',
  lang: 'en-US',
  // Not pages: the checks' code, their tests and what the build generates.
  srcExclude: ['scripts/**', 'test/**', 'dist/**', 'node_modules/**'],
  // A link to a page that does not exist fails the build (VitePress' default, kept on purpose).
  ignoreDeadLinks: false,
  lastUpdated: false,
  // The local search index holds the whole API reference: one large chunk, on purpose.
  vite: { build: { chunkSizeWarningLimit: 4_000 } },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started-express' },
      { text: 'Production', link: '/production/topologies' },
      { text: 'Design', link: '/design/' },
      { text: 'Benchmarks', link: '/benchmarks/' },
      { text: 'API', link: '/reference/' },
    ],
    sidebar: sidebar(),
    outline: { level: [2, 3] },
    search: { provider: 'local' },
  },
});
