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
        page('Installation', '/guide/installation'),
        page('Configuration', '/guide/configuration'),
        page('The session API', '/guide/session-api'),
        page('Lifetime policies', '/guide/lifetimes'),
        page('Live connections', '/guide/live-connections'),
        page('Tokens for API clients', '/guide/tokens'),
        page('Read-once values and flash', '/guide/take'),
        page('A "your devices" page', '/guide/devices'),
        page('How sess compares', '/comparison'),
        page('Glossary', '/glossary'),
      ],
    },
    {
      text: 'Integrations',
      items: [
        page('NestJS', '/integrations/nestjs'),
        page('Passport', '/integrations/passport'),
        page('Flash messages', '/integrations/flash'),
        page('CSRF protection', '/integrations/csrf'),
        page(
          'express-session, @fastify/session, koa-session APIs',
          '/integrations/express-session-api',
        ),
      ],
    },
    {
      text: 'Migrating',
      items: [
        page('From express-session', '/migrate/from-express-session'),
        page('From @fastify/session', '/migrate/from-fastify-session'),
        page('From koa-session', '/migrate/from-koa-session'),
        page('Lazy migration', '/migrate/lazy-migration'),
      ],
    },
    {
      text: 'Sign-in and security',
      items: [
        page('Sign-in and fixation', '/security/sign-in'),
        page('Revocation and limits', '/security/revocation'),
        page('Cookies and secrets', '/security/cookies'),
        page('Cookies or tokens', '/security/transports'),
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
        page('Connecting', '/production/connecting'),
        page('What a failover can lose', '/production/failover'),
        page('Timeouts', '/production/timeouts'),
        page('Memory and eviction', '/production/memory'),
        page('Managed Redis', '/production/managed-redis'),
        page('Expiry buckets', '/production/buckets'),
        page('Least privilege', '/production/least-privilege'),
        page('TLS', '/production/tls'),
        page('Resharding', '/production/resharding'),
        page('A local read cache', '/production/cache'),
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
        page('Consistency', '/design/consistency'),
        page('What a new session costs', '/design/new-session'),
        page('Memory per session', '/design/memory'),
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
