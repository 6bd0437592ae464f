import { connect } from 'node:net';
import {
  createSessionStore,
  type HttpSessionOptions,
  type Session,
  type SessionStore,
  type SessionStoreOptions,
} from '@sess/core';
import { parseEntry } from '@sess/core/internal';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import {
  createRecordingPort,
  type RecordingPort,
  type RedisServer,
  startRedis,
} from '@sess/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_USER } from '../least-privilege.js';
import { deviceTests } from './device-tests.js';
import type { SuiteContext } from './suite-context.js';
import { takeTests } from './take-tests.js';
import { tokenTests } from './token-tests.js';

// One suite, run over real HTTP against a real redis-server for each framework adapter: the
// adapters must behave identically, so each test file only says how to build an app. The
// stores run as the least-privilege user of docs/production/least-privilege.md (keys under
// `sess:`, no channels, no @dangerous), so every adapter shows those rules are enough.

/** Cookie secrets of 32 characters or more, as sess requires. */
const CURRENT_SECRET = 'the current secret, 32 characters or more';
const PREVIOUS_SECRET = 'the previous secret, 32 characters or more';
const OTHER_SECRET = 'another secret, of 32 characters or more';

/** A route: what the handler does with the session; the returned object is sent as JSON. */
export type Route = (
  session: Session,
  query: URLSearchParams,
) => Record<string, unknown> | Promise<Record<string, unknown>>;
export type Routes = Record<string, Route>;

export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds an app with the adapter under test, mounts `routes` (any method, path = key; errors
 * thrown go to the framework's default error handling) and listens on 127.0.0.1, port 0.
 */
export type StartApp = (options: HttpSessionOptions, routes: Routes) => Promise<RunningApp>;

function data(session: Session): Record<string, unknown> {
  return session as unknown as Record<string, unknown>;
}

/** The routes most tests use. */
function routes(extra: Routes = {}): Routes {
  return {
    '/read': (session) => ({
      id: session.id ?? null,
      isNew: session.isNew,
      principal: session.principal ?? null,
      data: session.toJSON(),
    }),
    '/write': (session, query) => {
      for (const [name, value] of query) data(session)[name] = value;
      return { id: session.id ?? null };
    },
    '/sign-in': async (session, query) => {
      await session.signIn(query.get('user') ?? 'nobody');
      return { id: session.id ?? null };
    },
    '/sign-out': async (session) => {
      await session.signOut();
      return { id: session.id ?? null };
    },
    ...extra,
  };
}

/** The `name=value` a browser would send back, from a response's Set-Cookie. */
function cookieOf(response: Response): string {
  const [header] = response.headers.getSetCookie();
  if (header === undefined) throw new Error('the response set no cookie');
  return header.split(';')[0]!;
}

async function get(
  app: RunningApp,
  path: string,
  cookie?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${app.url}${path}`, { headers: cookie ? { cookie, ...headers } : headers });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** A request with bytes `fetch` refuses to send (control characters): status code only. */
function rawStatus(app: RunningApp, cookie: string): Promise<number> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end(`GET /read HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}

const MAX_MEMORY = 64 * 1024 * 1024;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function adapterSuite(framework: string, startApp: StartApp): void {
  describe(`${framework}: the sess adapter over HTTP and real Redis`, () => {
    let server: RedisServer;
    let redis: NodeRedisPort;
    let port: RecordingPort;
    let prefixes = 0;
    const apps: RunningApp[] = [];

    function store(options: Partial<SessionStoreOptions> = {}): SessionStore {
      return createSessionStore({
        port,
        prefix: `sess:a${++prefixes}`,
        cleaner: false,
        ...options,
      });
    }

    async function app(
      options: Omit<HttpSessionOptions, 'store'> & { store?: SessionStore } = {},
      extra?: Routes,
    ): Promise<RunningApp> {
      const running = await startApp(
        { store: options.store ?? store(), ...options },
        routes(extra),
      );
      apps.push(running);
      return running;
    }

    beforeAll(async () => {
      server = await startRedis({
        audit: true,
        users: [APP_USER],
        // Room for the tests' sessions; one test fills it to see a sign-out under OOM.
        args: ['--maxmemory', String(MAX_MEMORY), '--maxmemory-policy', 'noeviction'],
      });
      redis = await createNodeRedisPort({ url: server.urlAs(APP_USER.name) });
      port = createRecordingPort(redis);
    });

    afterAll(async () => {
      await Promise.all(apps.map((running) => running.close()));
      await redis?.close();
      await server?.stop(); // fails if the audit saw a forbidden command
    });

    beforeEach(() => port.reset());

    // Features whose tests live in files of their own, on this suite's server and apps.
    const context: SuiteContext = {
      app,
      store,
      get port() {
        return port;
      },
      get redis() {
        return redis;
      },
    };
    tokenTests(context);
    takeTests(context);
    deviceTests(context);

    it('the stores run as a user limited to sess:* keys, without @dangerous commands', async () => {
      const refused = (command: string, args: string[], keys: string[] = []) =>
        redis.send({ command, keys, args }).then(
          () => 'allowed',
          (error: Error) => error.message,
        );
      const client = await redis.send({ command: 'CLIENT', keys: [], args: ['INFO'] });
      expect(String(client)).toMatch(/ user=sess-app /);
      expect(await refused('HSET', ['other:key', 'a', '1'], ['other:key'])).toMatch(/^NOPERM/);
      expect(await refused('INFO', [])).toMatch(/^NOPERM/);
      expect(await refused('PUBLISH', ['sess:channel', 'x'])).toMatch(/^NOPERM/);
      // Commands the audit forbids are asked about, not sent: ACL DRYRUN, as the admin.
      const admin = await createNodeRedisPort({ url: server.url });
      try {
        for (const command of [
          ['SCAN', '0'],
          ['KEYS', 'sess:*'],
          ['FLUSHALL'],
          ['CONFIG', 'GET', 'x'],
        ]) {
          const answer = await admin.send({
            command: 'ACL',
            keys: [],
            args: ['DRYRUN', APP_USER.name, ...command],
          });
          expect(String(answer), command.join(' ')).toMatch(/no permissions/);
        }
      } finally {
        await admin.close();
      }
    });

    it('a request without a cookie that writes nothing: no Redis command, no Set-Cookie', async () => {
      const running = await app();
      const response = await get(running, '/read', 'other=1');
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({ id: null, isNew: true, principal: null, data: {} });
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('cache-control')).toBeNull();
      expect(port.roundTrips).toBe(0);
    });

    it('the first write creates the session and sets a cookie with the safe defaults', async () => {
      const running = await app({ trustProxy: true });
      const plain = await get(running, '/write?a=1');
      expect(port.roundTrips).toBe(1);
      const [header] = plain.headers.getSetCookie();
      expect(header).toMatch(
        /^sess=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/,
      );
      expect(plain.headers.get('cache-control')).toBe('no-store');

      const secure = await get(running, '/write?a=1', undefined, { 'x-forwarded-proto': 'https' });
      const [secureHeader] = secure.headers.getSetCookie();
      expect(secureHeader).toMatch(/^__Host-sess=[A-Za-z0-9_-]{43};.* Secure/);
    });

    it('reading costs one round trip; writing one more at commit', async () => {
      let clock = Date.now();
      const running = await app({ store: store({ now: () => clock }) });
      const cookie = cookieOf(await get(running, '/write?a=1'));
      port.reset();
      const read = await get(running, '/read', cookie);
      expect((await json(read)).data).toEqual({ a: '1' });
      expect(read.headers.getSetCookie()).toEqual([]);
      expect(port.roundTrips).toBe(1);
      port.reset();
      const written = await get(running, '/write?b=2', cookie);
      expect(written.status).toBe(200);
      expect(port.roundTrips).toBe(2);
      // No touch due: the expiry stays where it was, and so does the cookie.
      expect(written.headers.getSetCookie()).toEqual([]);
      clock += 120_000; // a touch is due: this write extends the expiry
      const touched = await get(running, '/write?c=3', cookie);
      // A persistent cookie follows the extended expiry.
      expect(cookieOf(touched)).toBe(cookie);
      expect(touched.headers.get('cache-control')).toBe('no-store');
    });

    it('50 concurrent requests on one session, each setting its own attribute: all 50 kept', async () => {
      const running = await app();
      const cookie = cookieOf(await get(running, '/write?start=1'));
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => get(running, `/write?attr${i}=${i}`, cookie)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
      const { data: stored } = await json(await get(running, '/read', cookie));
      for (let i = 0; i < 50; i++) expect(stored).toHaveProperty(`attr${i}`, String(i));
    });

    it('a slow request committing after a concurrent sign-out does not bring the session back', async () => {
      const entered = deferred();
      const release = deferred();
      const sessions = store();
      const running = await app(
        { store: sessions },
        {
          '/slow': async (session) => {
            data(session).late = 'write';
            entered.resolve();
            await release.promise;
            return { id: session.id ?? null };
          },
        },
      );
      const cookie = cookieOf(await get(running, '/write?a=1'));
      const { id } = await json(await get(running, '/read', cookie));
      const slow = get(running, '/slow', cookie);
      await entered.promise;
      const signedOut = await get(running, '/sign-out', cookie);
      expect(signedOut.headers.getSetCookie()[0]).toMatch(/^sess=; Max-Age=0;/);
      release.resolve();
      const late = await slow;
      expect(late.status).toBe(200);
      expect(late.headers.getSetCookie()).toEqual([]);
      expect(await sessions.load(String(id))).toBeNull();
      expect((await json(await get(running, '/read', cookie))).id).toBeNull();
    });

    it.each([
      ['signs out', '/sign-out'],
      ['revokes everywhere', '/revoke-everywhere'],
    ])(
      'a regenerate in flight while another request %s brings nothing back (50 trials)',
      async (_, ending) => {
        const sessions = store();
        const gates = new Map<string, { entered: () => void; release: Promise<void> }>();
        const running = await app(
          { store: sessions },
          {
            '/revoke-everywhere': async (session) => ({
              ended: await session.revokeEverywhere(),
            }),
            '/slow-regenerate': async (session, query) => {
              const gate = gates.get(query.get('gate') ?? '');
              gate?.entered();
              await gate?.release;
              await session.regenerate();
              return { id: session.id ?? null };
            },
          },
        );
        for (let trial = 0; trial < 50; trial++) {
          const user = `racer-${trial}`;
          const cookie = cookieOf(await get(running, `/sign-in?user=${user}`));
          await get(running, '/write?role=admin', cookie);
          const entered = deferred();
          const release = deferred();
          gates.set(String(trial), { entered: entered.resolve, release: release.promise });
          const slow = get(running, `/slow-regenerate?gate=${trial}`, cookie);
          await entered.promise;
          expect((await get(running, ending, cookie)).status).toBe(200);
          release.resolve();
          const late = await slow;
          expect(late.status).toBe(401);
          const [setCookie] = late.headers.getSetCookie();
          expect(setCookie ?? 'sess=; Max-Age=0;').toMatch(/^sess=; Max-Age=0;/);
          expect(await sessions.findByPrincipal(user)).toEqual([]);
        }
        expect(await sessions.count()).toBe(0);
      },
    );

    it('a sign-out while Redis is out of memory: 200, the cookie cleared, the refused event counted', async () => {
      const refused: string[] = [];
      const sessions = store({ observer: { eventWriteFailed: (type) => refused.push(type) } });
      const running = await app({ store: sessions });
      const cookie = cookieOf(await get(running, '/sign-in?user=oom'));
      await redis.send({
        command: 'SETRANGE',
        keys: ['sess:filler'],
        args: ['sess:filler', MAX_MEMORY, 'x'],
      });
      try {
        const signedOut = await get(running, '/sign-out', cookie);
        expect(signedOut.status).toBe(200);
        expect(signedOut.headers.getSetCookie()[0]).toMatch(/^sess=; Max-Age=0;/);
        expect(refused).toEqual(['destroyed']);
      } finally {
        await redis.send({ command: 'DEL', keys: ['sess:filler'], args: ['sess:filler'] });
      }
      expect(await sessions.findByPrincipal('oom')).toEqual([]);
      await sessions.repairNow();
      expect(sessions.pendingRepairs).toBe(0);
    });

    it("a Redis error reaches the default error handler without Redis' words", async () => {
      const sessions = store();
      const running = await app({ store: sessions });
      // Every expiry bucket a string: creating a session gets WRONGTYPE from Redis.
      for (const bucket of sessions.keys.buckets) {
        await redis.send({ command: 'SET', keys: [bucket], args: [bucket, 'not a sorted set'] });
      }
      const response = await get(running, '/write?a=1');
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).not.toMatch(/WRONGTYPE|ERR |sess_|\bsess:|a\d+:x:/);
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it('a key of the wrong type under the cookie: anonymous, and signing in again works', async () => {
      const sessions = store();
      const running = await app({ store: sessions });
      const cookie = cookieOf(await get(running, '/sign-in?user=mallory'));
      const { id } = await json(await get(running, '/read', cookie));
      const key = sessions.keys.session(String(id));
      await redis.send({ command: 'DEL', keys: [key], args: [key] });
      await redis.send({ command: 'SET', keys: [key], args: [key, 'x'] });
      const read = await get(running, '/read', cookie);
      expect(read.status).toBe(200);
      expect((await json(read)).id).toBeNull();
      const again = await get(running, '/sign-in?user=mallory', cookie);
      expect(again.status).toBe(200);
      expect((await json(await get(running, '/read', cookieOf(again)))).principal).toBe('mallory');
    });

    it('lifetime policies: per session timeouts and cookies, a changed policy applies to live sessions, the cleaner follows each', async () => {
      const MINUTE = 60_000;
      const DAY = 24 * 60 * MINUTE;
      let clock = Date.now();
      const prefix = `sess:life${++prefixes}`;
      const remember = {
        idleTimeout: 30 * DAY,
        absoluteTimeout: 90 * DAY,
        cookie: 'persistent',
      } as const;
      const deployed = (
        rememberIdle: number,
        cleaner: false | { interval: number; leaseTtl: number } = false,
      ) =>
        createSessionStore({
          port,
          prefix,
          now: () => clock,
          cleaner,
          idleTimeout: 30 * MINUTE,
          absoluteTimeout: 12 * 60 * MINUTE,
          lifetimes: { remember: { ...remember, idleTimeout: rememberIdle } },
        });
      const sessions = deployed(30 * DAY);
      const running = await app(
        { store: sessions, cookie: { persistent: false } },
        {
          '/sign-in-remembered': async (session, query) => {
            await session.signIn(query.get('user') ?? 'nobody', { lifetime: 'remember' });
            return { id: session.id ?? null, lifetime: session.lifetime };
          },
        },
      );
      const signIn = async (path: string) => {
        const response = await get(running, path);
        return { header: response.headers.getSetCookie()[0] ?? '', cookie: cookieOf(response) };
      };
      const start = clock;
      const rememberedA = await signIn('/sign-in-remembered?user=ada');
      const rememberedB = await signIn('/sign-in-remembered?user=bea');
      const plainA = await signIn('/sign-in?user=cy');
      const plainB = await signIn('/sign-in?user=dee');
      expect(rememberedA.header).toMatch(new RegExp(`Max-Age=${(30 * DAY) / 1000};`));
      expect(plainA.header).not.toMatch(/Max-Age|Expires/);
      const principal = async (cookie: string) =>
        (await json(await get(running, '/read', cookie))).principal;

      clock += 29 * MINUTE;
      expect(await principal(plainA.cookie)).toBe('cy');
      clock += 2 * MINUTE; // dee idle for 31 minutes
      expect(await principal(plainB.cookie)).toBeNull();
      clock += 29 * DAY - 31 * MINUTE; // ada idle for 29 days
      expect(await principal(rememberedA.cookie)).toBe('ada');
      const adaSeen = clock;
      clock += 2 * DAY; // bea idle for 31 days, ada for 2
      expect(await principal(rememberedB.cookie)).toBeNull();
      const eveSignedIn = clock;
      await signIn('/sign-in?user=eve');

      // A deploy shortens `remember` to 1 day idle: ada, idle for 2 days, is over at once;
      // eve's default session is left alone.
      const shorter = deployed(DAY, { interval: 60_000, leaseTtl: 120_000 });
      expect(await shorter.findByPrincipal('ada')).toEqual([]);
      expect(await shorter.findByPrincipal('eve')).toHaveLength(1);

      // The cleaner reports each at its own expiry: ada's under the policy as it is now. (It
      // finds a session by its indexed expiry, the one of the policy at its last write.)
      clock += 40 * DAY;
      const report = await shorter.cleaner?.runOnce();
      expect(report?.expired).toBe(5);
      const entries = (await redis.send({
        command: 'XRANGE',
        keys: [shorter.keys.events],
        args: [shorter.keys.events, '-', '+'],
      })) as Array<[string, string[]]>;
      const expired = new Map(
        entries
          .flatMap(([, fields]) => parseEntry(fields) ?? [])
          .filter((event) => event.type === 'expired')
          .map((event) => [event.principal, event.at]),
      );
      expect(Object.fromEntries(expired)).toEqual({
        ada: adaSeen + DAY,
        bea: start + DAY, // a remember session too: the shorter policy applies
        cy: start + 29 * MINUTE + 30 * MINUTE,
        dee: start + 30 * MINUTE,
        eve: eveSignedIn + 30 * MINUTE,
      });
      await shorter.close();
    });

    it('malformed, oversized, unsigned, wrongly signed and hostile cookies: anonymous, 0 commands', async () => {
      const sessions = store();
      const signed = await app({ store: sessions, secrets: CURRENT_SECRET });
      const good = cookieOf(await get(signed, '/write?a=1'));
      const value = good.slice('sess='.length);
      const id = value.slice(0, 43);
      const other = cookieOf(await get(await app({ secrets: OTHER_SECRET }), '/write?a=1'));
      const hostile = [
        'sess',
        'sess=',
        `sess=${value.slice(0, 60)}`,
        `sess=${value}x`,
        `sess=${'A'.repeat(8_000)}`,
        `sess=${id}`,
        `sess=${id}.`,
        `sess=${other.slice(5)}`,
        `sess=${id.slice(0, 36)}*?[]{}:${value.slice(43)}`,
        `sess=*${value.slice(1)}`,
        `sess=${id.slice(0, 42)}%00${value.slice(43)}`,
        `sess=${id.slice(0, 40)}%0d%0a${value.slice(43)}`,
        'sess=%E0%A4%A',
        `sess="${value}"`,
        `sess=${value.slice(0, 43)}:${value.slice(44)}`,
      ];
      port.reset();
      for (const cookie of hostile) {
        const response = await get(signed, '/read', cookie);
        expect(response.status, cookie).toBe(200);
        expect((await json(response)).id, cookie).toBeNull();
      }
      for (const character of ['\x01', '\x7f', '\x00', '\x1b']) {
        const status = await rawStatus(
          signed,
          `sess=${id.slice(0, 42)}${character}${value.slice(43)}`,
        );
        expect([200, 400]).toContain(status);
      }
      const unsigned = await app();
      for (const cookie of [
        `sess=${id.slice(0, 42)}*`,
        `sess=${id.slice(0, 42)}:`,
        `sess=${value}`,
      ]) {
        expect((await json(await get(unsigned, '/read', cookie))).id).toBeNull();
      }
      expect(port.roundTrips).toBe(0);
      expect((await json(await get(signed, '/read', good))).data).toEqual({ a: '1' });
    });

    it('stored values with __proto__ keys do not pollute prototypes', async () => {
      const sessions = store();
      const running = await app(
        { store: sessions },
        {
          '/merge': (session) => {
            const merged = Object.assign({}, session.toJSON(), { ...session });
            const nested = data(session).evil as Record<string, unknown> | undefined;
            return {
              merged: Object.keys(merged),
              nested: nested === undefined ? null : Object.keys(nested),
              polluted: String(({} as Record<string, unknown>).polluted),
            };
          },
        },
      );
      const cookie = cookieOf(await get(running, '/write?a=1'));
      const { id } = await json(await get(running, '/read', cookie));
      const key = sessions.keys.session(String(id));
      await redis.send({
        command: 'HSET',
        keys: [key],
        args: [key, 'evil', '{"__proto__":{"polluted":"yes"}}', '__proto__', '{"polluted":"yes"}'],
      });
      const response = await get(running, '/merge', cookie);
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body.polluted).toBe('undefined');
      expect(body.nested).toBeNull();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('secret rotation: a cookie signed with the previous secret works and is re-signed', async () => {
      const sessions = store();
      const before = await app({ store: sessions, secrets: PREVIOUS_SECRET });
      const old = cookieOf(await get(before, '/write?a=1'));
      const rotated = await app({
        store: sessions,
        secrets: [CURRENT_SECRET, PREVIOUS_SECRET],
      });
      port.reset();
      const response = await get(rotated, '/read', old);
      expect((await json(response)).data).toEqual({ a: '1' });
      expect(port.roundTrips).toBe(1);
      const renewed = cookieOf(response);
      expect(renewed).not.toBe(old);
      expect(renewed.slice(0, 48)).toBe(old.slice(0, 48)); // same id, new signature
      const after = await app({ store: sessions, secrets: CURRENT_SECRET });
      expect((await json(await get(after, '/read', renewed))).data).toEqual({ a: '1' });
      expect((await json(await get(after, '/read', old))).id).toBeNull();
    });

    it('sign-in replaces the id; the old cookie no longer finds a session', async () => {
      const running = await app({ secrets: CURRENT_SECRET });
      const anonymous = cookieOf(await get(running, '/write?cart=3'));
      const signIn = await get(running, '/sign-in?user=alice', anonymous);
      expect(signIn.status).toBe(200);
      const signedIn = cookieOf(signIn);
      expect(signedIn).not.toBe(anonymous);
      expect(signIn.headers.get('cache-control')).toBe('no-store');
      expect(await json(await get(running, '/read', signedIn))).toMatchObject({
        principal: 'alice',
        isNew: false,
        data: { cart: '3' },
      });
      expect((await json(await get(running, '/read', anonymous))).id).toBeNull();
    });

    it('error responses commit too: a sign-in before a thrown error still sets the cookie', async () => {
      const running = await app(
        {},
        {
          '/sign-in-then-fail': async (session) => {
            await session.signIn('erin');
            throw Object.assign(new Error('conflict'), {
              status: 409,
              statusCode: 409,
              expose: true,
            });
          },
        },
      );
      const response = await get(running, '/sign-in-then-fail');
      expect(response.status).toBe(409);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = await json(await get(running, '/read', cookieOf(response)));
      expect(body.principal).toBe('erin');
    });

    it('maxSessionsPerPrincipal = k with k + 1 concurrent sign-ins: exactly k remain', async () => {
      const k = 3;
      const sessions = store({ maxSessionsPerPrincipal: k });
      const running = await app({ store: sessions });
      const responses = await Promise.all(
        Array.from({ length: k + 1 }, () => get(running, '/sign-in?user=bob')),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(k + 1).fill(200));
      expect(await sessions.findByPrincipal('bob')).toHaveLength(k);
      let alive = 0;
      for (const response of responses) {
        if ((await json(await get(running, '/read', cookieOf(response)))).principal === 'bob')
          alive++;
      }
      expect(alive).toBe(k);
    });

    describe('with redis-server paused (SIGSTOP)', () => {
      const deadline = 300;
      let frozen: RedisServer;
      let frozenPort: NodeRedisPort;
      let failing: RunningApp;
      let anonymous: RunningApp;
      let failCookie: string;
      let anonymousCookie: string;

      beforeAll(async () => {
        frozen = await startRedis({ audit: true, users: [APP_USER] });
        frozenPort = await createNodeRedisPort({
          url: frozen.urlAs(APP_USER.name),
          onError: () => {},
        });
        const sessions = createSessionStore({ port: frozenPort, operationTimeout: deadline });
        failing = await startApp({ store: sessions, onUnavailable: 'fail' }, routes());
        anonymous = await startApp({ store: sessions, onUnavailable: 'anonymous' }, routes());
        failCookie = cookieOf(await get(failing, '/write?a=1'));
        anonymousCookie = cookieOf(await get(anonymous, '/write?a=1'));
      });

      afterAll(async () => {
        if (frozen?.pid !== undefined) frozen.resume();
        await Promise.all([failing?.close(), anonymous?.close()]);
        await frozenPort?.close();
        await frozen?.stop();
      });

      it("answers within the deadline + 100 ms: 503 with 'fail', anonymous with 'anonymous'; recovers after SIGCONT", async () => {
        frozen.pause();
        try {
          const timed = async (app: RunningApp, path: string, cookie?: string) => {
            const started = performance.now();
            const response = await get(app, path, cookie);
            const body = await response.text();
            return { response, body, ms: performance.now() - started };
          };
          for (const [path, cookie] of [
            ['/read', failCookie],
            ['/write?b=2', undefined],
            ['/write?b=2', failCookie],
          ] as const) {
            const { response, ms } = await timed(failing, path, cookie);
            expect(response.status, `${path} ${cookie ?? ''}`).toBe(503);
            expect(ms).toBeLessThan(deadline + 100);
          }
          for (const [path, cookie] of [
            ['/read', anonymousCookie],
            ['/write?b=2', undefined],
            ['/write?b=2', anonymousCookie],
          ] as const) {
            const { response, body, ms } = await timed(anonymous, path, cookie);
            expect(response.status).toBe(200);
            expect(response.headers.getSetCookie()).toEqual([]);
            expect(ms).toBeLessThan(deadline + 100);
            if (path === '/read') expect(JSON.parse(body)).toMatchObject({ id: null, data: {} });
          }
        } finally {
          frozen.resume();
        }
        // Back without restarting anything: poll until both apps see their sessions again.
        const until = Date.now() + 5_000;
        for (;;) {
          const [fail, anon] = await Promise.all([
            get(failing, '/read', failCookie),
            get(anonymous, '/read', anonymousCookie),
          ]);
          const bodies = [fail.status === 200 ? await json(fail) : null, await json(anon)];
          if (bodies.every((body) => body !== null && (body.data as { a?: string }).a === '1'))
            break;
          if (Date.now() > until) throw new Error('requests did not succeed again after SIGCONT');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
    });
  });
}
