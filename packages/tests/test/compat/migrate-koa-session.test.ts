import { fromKoaSession } from '@sess/migrate';
import Koa from 'koa';
import { OLD_KEYS } from './legacy/legacy-app.js';
import { migrationFlow } from './migration-flow.js';
import { passportKoaApp } from './passport-koa-app.js';

migrationFlow({
  title: 'koa-session + koa-redis + koa-passport → sess on Koa 3',
  legacy: 'koa-session',
  users: 20,
  oldCookies: ['koa.sess', 'koa.sess.sig'],
  oldKey: (externalKey) => externalKey,
  importer: () => fromKoaSession({ keys: OLD_KEYS }),
  startSess: passportKoaApp(Koa),
  refused: (valid) => {
    const key = /koa\.sess=([^;]+)/.exec(valid)?.[1] ?? '';
    const signature = /koa\.sess\.sig=([^;]+)/.exec(valid)?.[1] ?? '';
    return [
      `koa.sess=${key}`,
      `koa.sess=${key}; koa.sess.sig=`,
      `koa.sess=${key}; koa.sess.sig=${'A'.repeat(signature.length)}`,
      `koa.sess=${key.replace(key.slice(0, 4), 'aaaa')}; koa.sess.sig=${signature}`,
    ];
  },
});
