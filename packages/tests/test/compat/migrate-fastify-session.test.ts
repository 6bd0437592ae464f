import { fromFastifySession } from '@sess/migrate';
import { OLD_SECRET } from './legacy/legacy-app.js';
import { migrationFlow } from './migration-flow.js';
import { passportFastifyApp } from './passport-fastify-app.js';

migrationFlow({
  title: '@fastify/session + connect-redis + @fastify/passport → sess on Fastify 5',
  legacy: 'fastify-session',
  users: 20,
  oldCookies: ['sessionId'],
  oldKey: (id) => `sess:${id}`,
  importer: () => fromFastifySession({ secret: OLD_SECRET }),
  startSess: passportFastifyApp,
  refused: (valid) => {
    const value = /sessionId=([^;]+)/.exec(valid)?.[1] ?? '';
    const signed = decodeURIComponent(value);
    const id = signed.slice(0, signed.lastIndexOf('.'));
    return [
      `sessionId=${id}`,
      `sessionId=${id}.`,
      `sessionId=${encodeURIComponent(`${id}.${'A'.repeat(43)}`)}`,
      `sessionId=${value.slice(0, -3)}`,
      `sessionId=${value.replace(id.slice(0, 4), 'AAAA')}`,
    ];
  },
});
