import { createServer } from 'node:http';
import { session } from '@sess/express';
import flash from 'connect-flash';
import { csrfSync } from 'csrf-sync';
import express, { type Express as ExpressApp } from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening } from '../adapters/http-server.js';
import { Browser } from './browser.js';
import { type PluginRedis, startPluginRedis } from './plugin-server.js';

const SECRET = 'the plugin tests secret, 32 characters or more';

// connect-flash and csrf-sync (the maintained session-based CSRF package) on sess, unchanged:
// they read and write `req.session` as they would express-session's.
describe.each([
  ['Express 5', express],
  ['Express 4', express4],
] as Array<[string, () => ExpressApp]>)(
  '%s: connect-flash and csrf-sync on sess',
  (_, createApp) => {
    let redis: PluginRedis;
    let app: { url: string; close(): Promise<void> };

    beforeAll(async () => {
      redis = await startPluginRedis();
      const { csrfSynchronisedProtection, generateToken } = csrfSync();
      const server = createApp();
      server.use(session({ store: redis.store, secrets: SECRET }));
      server.use(flash());
      server.post('/save', (req, res) => {
        req.flash('info', 'Saved.');
        res.redirect(303, '/');
      });
      server.get('/messages', (req, res) => {
        res.json({ info: req.flash('info') });
      });
      server.get('/form', (req, res) => {
        res.json({ token: generateToken(req) });
      });
      server.post('/transfer', csrfSynchronisedProtection, (_req, res) => {
        res.json({ transferred: true });
      });
      server.post('/sign-out', (req, res, next) => {
        req.session.destroy((error) => (error ? next(error) : res.json({ ok: true })));
      });
      app = await listening(createServer(server));
    });

    afterAll(async () => {
      await app?.close();
      await redis?.close();
    });

    it('connect-flash: a message is shown exactly once', async () => {
      const browser = new Browser(app.url);
      const saved = await browser.post('/save');
      expect(saved.status).toBe(303);
      expect(await browser.json('/messages')).toEqual({ info: ['Saved.'] });
      expect(await browser.json('/messages')).toEqual({ info: [] });
      // Another browser never sees it.
      await browser.post('/save');
      expect(await new Browser(app.url).json('/messages')).toEqual({ info: [] });
    });

    it('csrf-sync: the token is accepted, a missing or wrong one refused, and it is refused after sign-out', async () => {
      const browser = new Browser(app.url);
      const { token } = (await browser.json('/form')) as { token: string };
      expect(token).toMatch(/^[0-9a-f]{256}$/);
      expect((await browser.post('/transfer', {}, { 'x-csrf-token': token })).status).toBe(200);
      expect((await browser.post('/transfer')).status).toBe(403);
      expect(
        (await browser.post('/transfer', {}, { 'x-csrf-token': `${token.slice(1)}0` })).status,
      ).toBe(403);
      // A stolen token without the victim's session is worth nothing.
      expect(
        (await new Browser(app.url).post('/transfer', {}, { 'x-csrf-token': token })).status,
      ).toBe(403);
      expect((await browser.post('/sign-out')).status).toBe(200);
      expect(browser.jar.has('sess')).toBe(false);
      expect((await browser.post('/transfer', {}, { 'x-csrf-token': token })).status).toBe(403);
    });
  },
);
