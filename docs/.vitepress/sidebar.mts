import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DefaultTheme } from 'vitepress';

const DOCS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

function fileOf(link: string): string {
  return join(DOCS_DIR, link.endsWith('/') ? `${link}index.md` : `${link}.md`);
}

/** A page of this site: its file must exist, or the build stops here. */
function page(text: string, link: string): DefaultTheme.SidebarItem {
  if (!existsSync(fileOf(link))) throw new Error(`sidebar: no page ${fileOf(link)}`);
  return { text, link };
}

/**
 * A page written on another branch: listed once its file is there, so the sidebar never
 * points at a page that does not exist.
 */
function pageIfPresent(text: string, link: string): DefaultTheme.SidebarItem[] {
  return existsSync(fileOf(link)) ? [{ text, link }] : [];
}

/** The generated API reference's own sidebar (typedoc-vitepress-theme writes it). */
function apiItems(): DefaultTheme.SidebarItem[] {
  const path = join(DOCS_DIR, 'reference', 'api', 'typedoc-sidebar.json');
  if (!existsSync(path)) return [];
  return JSON.parse(readFileSync(path, 'utf8')) as DefaultTheme.SidebarItem[];
}

/** The guide, production, design... sidebar; the API reference has one of its own. */
export function sidebar(): DefaultTheme.SidebarMulti {
  return {
    '/reference/': [
      {
        text: 'API reference',
        items: [
          page('Overview', '/reference/'),
          page('Entry points', '/reference/entry-points'),
          ...apiItems(),
        ],
      },
      {
        text: 'Back to the guide',
        items: [page('Getting started', '/guide/getting-started-express')],
      },
    ],
    '/': guide(),
  };
}

function guide(): DefaultTheme.SidebarItem[] {
  return [
    {
      text: 'Guide',
      items: [
        page('Getting started: Express', '/guide/getting-started-express'),
        page('Getting started: Fastify', '/guide/getting-started-fastify'),
        page('Getting started: Koa', '/guide/getting-started-koa'),
        ...pageIfPresent('Installation', '/guide/installation'),
        ...pageIfPresent('Configuration', '/guide/configuration'),
        page('The session API', '/guide/session-api'),
        page('How sess compares', '/comparison'),
        page('Glossary', '/glossary'),
      ],
    },
    {
      text: 'Sign-in and security',
      items: [
        page('Sign-in and fixation', '/security/sign-in'),
        page('Revocation and limits', '/security/revocation'),
        page('Cookies and secrets', '/security/cookies'),
      ],
    },
    {
      text: 'Events',
      items: [
        page('The event stream', '/events/event-stream'),
        page('An expiry worker', '/events/expiry-worker'),
      ],
    },
    {
      text: 'Production',
      items: [
        page('Topologies', '/production/topologies'),
        ...pageIfPresent('Connecting', '/production/connecting'),
        page('What a failover can lose', '/production/failover'),
        page('Timeouts', '/production/timeouts'),
        page('Memory and eviction', '/production/memory'),
        page('Managed Redis', '/production/managed-redis'),
        page('Expiry buckets', '/production/buckets'),
        ...pageIfPresent('Least privilege', '/production/least-privilege'),
        ...pageIfPresent('TLS', '/production/tls'),
        ...pageIfPresent('Resharding', '/production/resharding'),
      ],
    },
    {
      text: 'Operations',
      items: [
        page('Metrics', '/operations/metrics'),
        page('Grafana dashboard', '/operations/grafana'),
        page('The sess CLI', '/operations/cli'),
        page('sess doctor', '/operations/doctor'),
      ],
    },
    {
      text: 'Ports',
      items: [page('Writing a RedisPort', '/ports/writing-a-port')],
    },
    {
      text: 'Design',
      items: [
        page('Overview and principles', '/design/'),
        page('Data layout', '/design/data-layout'),
        page('Lua scripts', '/design/scripts'),
        page('The expiry index', '/design/expiry-index'),
        page('The cleaner', '/design/cleaner'),
        page('The event stream', '/design/event-stream'),
        page('The HTTP lifecycle', '/design/http-lifecycle'),
        page('The read path', '/design/read-path'),
        ...pageIfPresent('Consistency', '/design/consistency'),
        page('Decisions', '/design/decisions'),
        page('Documentation tooling', '/design/tooling'),
      ],
    },
    {
      text: 'Benchmarks',
      items: [
        page('Method and results', '/benchmarks/'),
        page('Every run', '/benchmarks/runs'),
        page('The cleanup herd', '/benchmarks/herd'),
      ],
    },
    {
      text: 'API reference',
      items: [
        page('Every public module', '/reference/'),
        page('Entry points', '/reference/entry-points'),
      ],
    },
  ];
}
