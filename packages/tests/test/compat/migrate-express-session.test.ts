import { fromExpressSession } from '@sess/migrate';
import express from 'express';
import { OLD_SECRET } from './legacy/legacy-app.js';
import { migrationFlow } from './migration-flow.js';
import { passportExpressApp } from './passport-express-app.js';

migrationFlow({
  title: 'express-session + connect-redis + Passport → sess on Express 5',
  legacy: 'express-session',
  users: 100,
  oldCookies: ['connect.sid'],
  oldKey: (id) => `sess:${id}`,
  importer: () => fromExpressSession({ secret: OLD_SECRET }),
  startSess: passportExpressApp(express),
  refused: (valid) => {
    const value = /connect\.sid=([^;]+)/.exec(valid)?.[1] ?? '';
    const signed = decodeURIComponent(value).slice(2);
    const id = signed.slice(0, signed.lastIndexOf('.'));
    return [
      `connect.sid=${id}`,
      `connect.sid=s%3A${id}`,
      `connect.sid=s%3A${id}.${'A'.repeat(43)}`,
      `connect.sid=${value.slice(0, -2)}`,
      `connect.sid=${value.replace(id.slice(0, 4), 'AAAA')}`,
    ];
  },
});
