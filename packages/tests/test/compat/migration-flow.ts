import {
  createSessionStore,
  type ImportReport,
  type SessionImporter,
  type SessionStore,
} from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import {
  createRecordingPort,
  type RecordingPort,
  type RedisServer,
  startRedis,
} from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './browser.js';
import {
  type LegacyApp,
  type LegacyStack,
  loadLegacyApp,
  OLD_PASSWORD,
} from './legacy/legacy-app.js';
import type { StartPassportApp } from './passport-flow.js';
import { sessList } from './sess-cli.js';

// Lazy migration, as a user would run it: the real old stack (with Passport) signs users in on
// a real Redis; then the same app on sess, with the importer of that stack as `migrateFrom`,
// runs against the same Redis. The command audit is on; sess' store sends its commands
// through a recording port, so each request's commands are counted.

export interface MigrationCase {
  readonly title: string;
  readonly legacy: LegacyStack;
  /** Users signed in on the old stack. */
  readonly users: number;
  /** The old cookie names, all cleared by the import. */
  readonly oldCookies: readonly string[];
  /** The Redis key of the old session with this id. */
  readonly oldKey: (oldId: string) => string;
  readonly importer: () => SessionImporter;
  /** The app on sess (the Passport app of `passport-flow.ts`). */
  readonly startSess: StartPassportApp;
  /** Cookie headers that must import nothing and cost no Redis command. */
  readonly refused: (valid: string) => readonly string[];
}

export function migrationFlow(test: MigrationCase): void {
  describe(test.title, () => {
    let server: RedisServer;
    let admin: NodeRedisPort;
    let port: NodeRedisPort;
    let recording: RecordingPort;
    let store: SessionStore;
    let legacy: LegacyApp;
    let sess: { url: string; close(): Promise<void> };
    const imports: ImportReport[] = [];
    const importer = test.importer();
    const prefix = 'sess:new';

    beforeAll(async () => {
      server = await startRedis({ audit: true });
      admin = await createNodeRedisPort({ url: server.url });
      legacy = await (await loadLegacyApp(test.legacy))(server.url);
      port = await createNodeRedisPort({ url: server.url });
      recording = createRecordingPort(port);
      store = createSessionStore({
        port: recording,
        prefix,
        cleaner: false,
        observer: { sessionImported: (report) => imports.push(report) },
      });
      sess = await test.startSess(store, { migrateFrom: importer });
    });

    afterAll(async () => {
      await sess?.close();
      await legacy?.close();
      await store?.close();
      await port?.close();
      await admin?.close();
      await server?.stop(); // fails if the audit saw a forbidden command
    });

    const send = (command: string, key: string, ...args: string[]) =>
      admin.send({ command, keys: [key], args: [key, ...args] });

    async function signInOnOldStack(user: string): Promise<Browser> {
      const browser = new Browser(legacy.url);
      const login = await browser.post('/login', { username: user, password: OLD_PASSWORD });
      expect(login.status, await login.clone().text()).toBe(200);
      expect((await browser.post('/cart', { item: `cart of ${user}` })).status).toBe(200);
      expect(await browser.json('/me')).toEqual({ user, cart: `cart of ${user}` });
      return browser;
    }

    function oldKeyOf(browser: Browser): string {
      const oldId = importer.oldSessionId(browser.jar.header());
      if (oldId === undefined) throw new Error('the old stack set no valid cookie');
      return test.oldKey(oldId);
    }

    it(`${test.users} users signed in on the old stack: each next request is the same user on a sess session, the old cookie cleared, the old key untouched; the one after costs one HGETALL`, async () => {
      const browsers: Browser[] = [];
      for (let i = 0; i < test.users; i++) browsers.push(await signInOnOldStack(`user-${i}`));
      const oldKeys = browsers.map(oldKeyOf);
      const before = await Promise.all(oldKeys.map((key) => send('GET', key)));
      const ttls = await Promise.all(oldKeys.map((key) => send('PTTL', key)));

      for (const [i, oldBrowser] of browsers.entries()) {
        const browser = oldBrowser.on(sess.url);
        const user = `user-${i}`;
        recording.reset();
        expect(await browser.json('/me')).toEqual({ user, cart: `cart of ${user}` });
        // One read of the old key, then the creation.
        const reads = recording.calls.filter((call) => call.name === 'GET');
        expect(reads.map((call) => call.keys)).toEqual([[oldKeys[i]]]);
        expect(recording.calls[0]?.name).toBe('GET');
        expect(browser.jar.has('sess')).toBe(true);
        for (const name of test.oldCookies) expect(browser.jar.has(name), name).toBe(false);

        recording.reset();
        expect(await browser.json('/me')).toEqual({ user, cart: `cart of ${user}` });
        expect(recording.calls.map((call) => call.name)).toEqual(['HGETALL']);
      }

      // The old keys are as the old stack left them, to expire on their own.
      expect(await Promise.all(oldKeys.map((key) => send('GET', key)))).toEqual(before);
      const after = (await Promise.all(oldKeys.map((key) => send('PTTL', key)))) as number[];
      after.forEach((ttl, i) => {
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(ttls[i] as number);
      });

      expect(imports).toHaveLength(test.users);
      expect(new Set(imports.map((report) => report.principal))).toEqual(
        new Set(browsers.map((_, i) => `user-${i}`)),
      );
      expect(imports.every((report) => report.source === importer.source)).toBe(true);
      // The Passport user is the principal: listed, revocable.
      const sessId = browsers[0]?.jar.get('sess')?.slice(0, 43);
      expect(await sessList(server.url, prefix, 'user-0')).toEqual([sessId]);
      expect(await store.revokePrincipal('user-1')).toBe(1);
      expect((await browsers[1]?.on(sess.url).json('/me'))?.user).toBeNull();
    }, 120_000);

    it('unsigned and forged old cookies import nothing and cost no Redis command', async () => {
      const valid = (await signInOnOldStack('mallory-target')).jar.header();
      for (const header of test.refused(valid)) {
        const browser = new Browser(sess.url);
        for (const pair of header.split('; ')) browser.jar.set(pair);
        recording.reset();
        const response = await browser.get('/me');
        expect(await response.json(), header).toEqual({ user: null, cart: null });
        expect(recording.roundTrips, header).toBe(0);
        expect(response.headers.getSetCookie(), header).toEqual([]);
      }
    });

    it('a validly signed old cookie whose key expired: one read, nothing imported, the old cookie cleared', async () => {
      const browser = (await signInOnOldStack('gone')).on(sess.url);
      const key = oldKeyOf(browser);
      await send('PEXPIRE', key, '1');
      const until = Date.now() + 5_000;
      while (Number(await send('EXISTS', key)) !== 0) {
        if (Date.now() > until) throw new Error('the old key did not expire');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const imported = imports.length;
      recording.reset();
      const response = await browser.get('/me');
      expect(await response.json()).toEqual({ user: null, cart: null });
      expect(recording.calls.map((call) => [call.name, ...call.keys])).toEqual([['GET', key]]);
      expect(imports).toHaveLength(imported);
      for (const name of test.oldCookies) expect(browser.jar.has(name), name).toBe(false);
      expect(browser.jar.has('sess')).toBe(false);
      recording.reset();
      await browser.get('/me');
      expect(recording.roundTrips).toBe(0);
    });
  });
}
