import { beforeEach, describe, expect, it } from 'vitest';
import type { HttpSessionOptions } from '../src/http-options.js';
import { HttpSessions } from '../src/http-sessions.js';
import { createMemoryPort } from '../src/memory-port.js';
import type { ImportReport } from '../src/observer.js';
import type {
  CallOptions,
  CommandCall,
  PortCall,
  RedisPort,
  RedisReply,
  ScriptCall,
} from '../src/redis-port.js';
import type { Session } from '../src/session.js';
import type { ImportedSession, SessionImporter } from '../src/session-importer.js';
import { SessionStore } from '../src/session-store.js';
import type { SessionStoreOptions } from '../src/store-options.js';

// migrateFrom with an importer of a made-up old library (`old=<id>` cookies, `old:<id>` keys
// holding JSON): what the HTTP layer does with what an importer gives it.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The memory port, recording each command and able to stop answering. */
class RecordingPort implements RedisPort {
  readonly #inner = createMemoryPort();
  readonly capabilities = this.#inner.capabilities;
  readonly commands: string[] = [];
  hang = false;

  #call<T>(names: string[], operation: () => Promise<T>): Promise<T> {
    this.commands.push(...names);
    return this.hang ? new Promise<T>(() => {}) : operation();
  }
  send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    return this.#call([call.command], () => this.#inner.send(call, options));
  }
  script(call: ScriptCall, options?: CallOptions): Promise<RedisReply> {
    return this.#call([call.script.name], () => this.#inner.script(call, options));
  }
  batch(calls: readonly PortCall[], options?: CallOptions): Promise<Array<RedisReply | Error>> {
    const names = calls.map((call) => ('command' in call ? call.command : call.script.name));
    return this.#call(names, () => this.#inner.batch(calls, options));
  }
  dedicated(): Promise<RedisPort> {
    return this.#inner.dedicated();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

let port: RecordingPort;
let clock: number;
let imports: ImportReport[];
let failures: string[];

const importer: SessionImporter = {
  source: 'old-lib',
  cookieNames: ['old'],
  oldSessionId: (header) => /(?:^|; )old=(\w+)\.ok/.exec(header)?.[1],
  read: async (id, context) => {
    const text = await context.read(`old:${id}`);
    return text === null ? undefined : (JSON.parse(text) as ImportedSession);
  },
  clearCookies: (secure) => [`old=; Max-Age=0${secure ? '; Secure' : ''}`],
};

function sessions(
  options: Omit<HttpSessionOptions, 'store' | 'migrateFrom'> = {},
  storeOptions: Partial<SessionStoreOptions> = {},
): { http: HttpSessions; store: SessionStore } {
  const store = new SessionStore({
    port,
    cleaner: false,
    now: () => clock,
    operationTimeout: 50,
    lifetimes: {
      remember: { idleTimeout: 30 * DAY, absoluteTimeout: 90 * DAY, cookie: 'persistent' },
    },
    observer: {
      sessionImported: (report) => imports.push(report),
      sessionImportFailed: (source, error) => failures.push(`${source} ${error.code}`),
    },
    ...storeOptions,
  });
  return { http: new HttpSessions({ store, migrateFrom: importer, ...options }), store };
}

async function oldSession(id: string, session: ImportedSession): Promise<void> {
  const key = `old:${id}`;
  await port.send({ command: 'SET', keys: [key], args: [key, JSON.stringify(session)] });
  port.commands.length = 0;
}

beforeEach(() => {
  port = new RecordingPort();
  clock = Date.now();
  imports = [];
  failures = [];
});

describe('migrateFrom: an old session becomes a sess session on its first request', () => {
  it('one read and one creation; the data, the principal from principalFrom; the sess cookie set and the old one cleared', async () => {
    const { http, store } = sessions({
      principalFrom: (session: Session) => (session as unknown as { user?: string }).user,
    });
    await oldSession('a1', { data: { user: 'ada', cart: ['tea'] } });
    const scope = await http.open({ cookie: 'x=1; old=a1.ok' });
    expect(scope.session.toJSON()).toEqual({ user: 'ada', cart: ['tea'] });
    expect(scope.session.principal).toBe('ada');
    expect(port.commands[0]).toBe('GET');
    expect(port.commands.filter((name) => name === 'GET')).toHaveLength(1);
    const outcome = await scope.commit();
    expect(outcome.setCookie).toEqual([
      expect.stringMatching(new RegExp(`^sess=${scope.session.id}; Max-Age=1800;`)),
      'old=; Max-Age=0',
    ]);
    expect(outcome.cacheControl).toBe('no-store');
    expect(imports).toEqual([
      { source: 'old-lib', id: scope.session.id, principal: 'ada', dropped: [] },
    ]);
    expect((await store.findByPrincipal('ada')).map((record) => record.id)).toEqual([
      scope.session.id,
    ]);
    // The old key is the old library's, left to its own expiry.
    expect(await port.send({ command: 'EXISTS', keys: ['old:a1'], args: ['old:a1'] })).toBe(1);
  });

  it("keeps the old expiry when sooner than the policy's, and the creation", async () => {
    const { http } = sessions();
    await oldSession('a2', {
      data: { a: 1 },
      createdAt: clock - 5 * MINUTE,
      expiresAt: clock + 10 * MINUTE,
    });
    await oldSession('a3', { data: { a: 1 }, expiresAt: clock + 10 * DAY });
    const sooner = await http.open({ cookie: 'old=a2.ok' });
    expect(sooner.session.expiresAt).toBe(clock + 10 * MINUTE);
    const later = await http.open({ cookie: 'old=a3.ok' });
    expect(later.session.expiresAt).toBe(clock + 30 * MINUTE);
  });

  it("the old cookie's max age picks the lifetime policy as `cookie.maxAge` does; none fitting, the default", async () => {
    const { http } = sessions();
    await oldSession('a4', { data: { a: 1 }, maxAge: 30 * DAY });
    await oldSession('a5', { data: { a: 1 }, maxAge: 12_345 });
    expect((await http.open({ cookie: 'old=a4.ok' })).session.lifetime).toBe('remember');
    expect((await http.open({ cookie: 'old=a5.ok' })).session.lifetime).toBe('default');
  });

  it('names sess cannot hold are left out and reported; the rest is imported', async () => {
    const { http } = sessions();
    await oldSession('a6', { data: { ok: 1, id: 'x', signIn: 2, '#meta': 3 } });
    const scope = await http.open({ cookie: 'old=a6.ok' });
    expect(scope.session.toJSON()).toEqual({ ok: 1 });
    expect(imports[0]?.dropped).toEqual(['id', 'signIn', '#meta']);
  });

  it('an old session over already, or gone: nothing imported, the old cookie cleared', async () => {
    const { http } = sessions();
    await oldSession('a7', { data: { a: 1 }, expiresAt: clock - 1 });
    for (const cookie of ['old=a7.ok', 'old=nothing.ok']) {
      const scope = await http.open({ cookie });
      expect(scope.session.id).toBeUndefined();
      expect(await scope.commit()).toEqual({
        setCookie: ['old=; Max-Age=0'],
        cacheControl: 'no-store',
      });
    }
    expect(imports).toEqual([]);
  });

  it('no valid old cookie: no Redis call, nothing cleared', async () => {
    const { http } = sessions();
    for (const cookie of ['old=a1', 'old=a1.bad', 'other=1', '']) {
      const scope = await http.open({ cookie });
      expect(await scope.commit()).toEqual({ setCookie: [] });
    }
    expect(port.commands).toEqual([]);
  });

  it('an old session too large for the store: reported, the request anonymous, the old cookie kept', async () => {
    const { http } = sessions({}, { maxAttributeBytes: 100 });
    await oldSession('a8', { data: { big: 'x'.repeat(200) } });
    const scope = await http.open({ cookie: 'old=a8.ok' });
    expect(scope.session.id).toBeUndefined();
    expect(await scope.commit()).toEqual({ setCookie: [] });
    expect(failures).toEqual(['old-lib TOO_LARGE']);
  });

  it("Redis not answering: 503 with onUnavailable 'fail', anonymous with 'anonymous'", async () => {
    await oldSession('a9', { data: { a: 1 } });
    port.hang = true;
    await expect(sessions().http.open({ cookie: 'old=a9.ok' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      status: 503,
    });
    const scope = await sessions({ onUnavailable: 'anonymous' }).http.open({ cookie: 'old=a9.ok' });
    expect(scope.session.id).toBeUndefined();
    expect(scope.degraded).toBe(true);
  });

  it('refuses a sess cookie named as an old one, and what is not an importer', () => {
    expect(() => sessions({ cookie: { name: 'old' } })).toThrow(
      /^cookie\.name: 'old' is a cookie migrateFrom reads and clears \(old-lib\); give sess' cookie another name/,
    );
    const store = new SessionStore({ port, cleaner: false });
    expect(
      () => new HttpSessions({ store, migrateFrom: [importer, { source: 'x' } as never] }),
    ).toThrow(/^migrateFrom\[1\]: expected a SessionImporter/);
  });

  it('a sess cookie wins: the old one is not even looked at', async () => {
    const { http } = sessions();
    const first = await http.open({});
    (first.session as unknown as { a: number }).a = 1;
    const [header] = (await first.commit()).setCookie;
    port.commands.length = 0;
    const scope = await http.open({ cookie: `${header?.split(';')[0]}; old=a1.ok` });
    expect(scope.session.toJSON()).toEqual({ a: 1 });
    expect(port.commands).toEqual(['HGETALL']);
  });
});
