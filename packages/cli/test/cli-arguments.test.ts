import { describe, expect, it } from 'vitest';
import { parseAddresses, parseCliArguments } from '../src/cli-arguments.js';

describe('parseCliArguments', () => {
  it('defaults to $SESS_REDIS_URL, then to the local server, with the store defaults', () => {
    expect(parseCliArguments(['stats'], {})).toMatchObject({
      command: 'stats',
      target: { kind: 'standalone', url: 'redis://127.0.0.1:6379' },
      prefix: 'sess',
      buckets: 16,
      timeout: 5_000,
      json: false,
      progress: true,
    });
    expect(parseCliArguments(['stats'], { SESS_REDIS_URL: 'redis://r:1' })?.target).toEqual({
      kind: 'standalone',
      url: 'redis://r:1',
    });
  });

  it('takes Sentinel and Cluster targets like @sess/node-redis', () => {
    expect(
      parseCliArguments(
        ['doctor', '--sentinel', 'a:26380,b,[::1]:5', '--master', 'main', '--password', 'pw'],
        { SESS_SENTINEL_PASSWORD: 'spw' },
      )?.target,
    ).toEqual({
      kind: 'sentinel',
      master: 'main',
      sentinels: [
        { host: 'a', port: 26_380 },
        { host: 'b', port: 26_379 },
        { host: '::1', port: 5 },
      ],
      access: { username: undefined, password: 'pw', tls: false },
      sentinelPassword: 'spw',
    });
    expect(
      parseCliArguments(['stats', '--cluster', 'redis://n1:7000,n2', '--tls'], {
        SESS_REDIS_PASSWORD: 'env',
      })?.target,
    ).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7_000 },
        { host: 'n2', port: 6_379 },
      ],
      access: { username: undefined, password: 'env', tls: true },
    });
  });

  it('takes a CA and a client certificate for TLS, and only where TLS is on', () => {
    const tlsFiles = { ca: 'ca.pem', cert: 'me.pem', key: 'me.key' };
    const files = ['--tls-ca', 'ca.pem', '--tls-cert', 'me.pem', '--tls-key', 'me.key'];
    expect(parseCliArguments(['stats', '--url', 'rediss://r:1', ...files], {})?.target).toEqual({
      kind: 'standalone',
      url: 'rediss://r:1',
      tlsFiles,
    });
    expect(
      parseCliArguments(['stats', '--url', 'rediss://r:1', '--tls-ca', 'ca.pem'], {})?.target,
    ).toEqual({
      kind: 'standalone',
      url: 'rediss://r:1',
      tlsFiles: { ca: 'ca.pem', cert: undefined, key: undefined },
    });
    expect(
      parseCliArguments(['doctor', '--sentinel', 's', '--tls', ...files], {})?.target,
    ).toMatchObject({ kind: 'sentinel', access: { tls: true, tlsFiles } });
    expect(
      parseCliArguments(['doctor', '--cluster', 'n', '--tls', '--tls-ca', 'ca.pem'], {})?.target,
    ).toMatchObject({ kind: 'cluster', access: { tls: true, tlsFiles: { ca: 'ca.pem' } } });

    const refused: Array<[string[], RegExp]> = [
      [
        ['--url', 'redis://r:1', '--tls-ca', 'ca.pem'],
        /--tls-ca: only with TLS: use a rediss:\/\/ URL/,
      ],
      [['--tls-ca', 'ca.pem'], /--tls-ca: only with TLS: use a rediss:\/\/ URL/],
      [['--cluster', 'n', '--tls-ca', 'ca.pem'], /--tls-ca: only with TLS: add --tls/],
      [['--sentinel', 's', '--tls-cert', 'a', '--tls-key', 'b'], /--tls-cert: only with TLS/],
      [['--url', 'rediss://r', '--tls-cert', 'a'], /--tls-cert: needs --tls-key/],
      [['--url', 'rediss://r', '--tls-key', 'b'], /--tls-key: only with --tls-cert/],
      [['--url', 'rediss://r', '--tls-ca', ''], /--tls-ca: expected a file name/],
    ];
    for (const [args, message] of refused) {
      expect(() => parseCliArguments(['stats', ...args], {}), args.join(' ')).toThrow(message);
    }
  });

  it('takes session ids that start with "-" for ids, not options', () => {
    const id = `-${'A'.repeat(42)}`;
    expect(parseCliArguments(['inspect', id], {})?.positionals).toEqual([id]);
    expect(parseCliArguments(['inspect', id, '--json'], {})).toMatchObject({
      positionals: [id],
      json: true,
    });
    expect(parseCliArguments(['revoke', '--id', id], {})?.id).toBe(id);
    const signed = `${id}.${'B'.repeat(43)}`;
    expect(parseCliArguments(['inspect', signed, '--json'], {})).toMatchObject({
      session: { id, signed },
      json: true,
    });
  });

  it('takes the cookie secrets for inspect, from --secret or $SESS_SECRET', () => {
    const id = 'A'.repeat(43);
    expect(parseCliArguments(['inspect', id], {})?.secrets).toEqual([]);
    expect(parseCliArguments(['inspect', id], { SESS_SECRET: 'env' })?.secrets).toEqual(['env']);
    expect(
      parseCliArguments(['inspect', id, '--secret', 'a', '--secret', 'b'], { SESS_SECRET: 'env' })
        ?.secrets,
    ).toEqual(['a', 'b']);
    expect(() => parseCliArguments(['inspect', id, '--secret', ''], {})).toThrow(/--secret/);
    expect(() => parseCliArguments(['stats', '--secret', 'a'], {})).toThrow(
      /--secret: not an option of "stats"/,
    );
    expect(() => parseCliArguments(['inspect', 'not-an-id'], {})).toThrow(/session id/);
  });

  it('returns undefined for help, and refuses options in the wrong place', () => {
    expect(parseCliArguments([], {})).toBeUndefined();
    expect(parseCliArguments(['stats', '-h'], {})).toBeUndefined();
    expect(() => parseCliArguments(['stats', '--master', 'x'], {})).toThrow(/only with --sentinel/);
    expect(() => parseCliArguments(['stats', '--password', 'x'], {})).toThrow(/put it in the URL/);
    expect(() => parseCliArguments(['doctor', '--pings', '1.5'], {})).toThrow(/--pings/);
    expect(() => parseCliArguments(['revoke', '--id', 'a', '--principal', 'b'], {})).toThrow(
      /exactly one/,
    );
    expect(() => parseAddresses('cluster', ',', 1)).toThrow(/expected host:port/);
  });
});
