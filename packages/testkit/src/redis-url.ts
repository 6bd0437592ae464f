import type { RespEndpoint } from './resp-connection.js';

/** Reads `redis://[[user]:password@]host[:port][/db]`, the form `REDIS_URL` takes. */
export function parseRedisUrl(url: string): RespEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`REDIS_URL: not a URL (${JSON.stringify(url)}); expected redis://host:port`);
  }
  if (parsed.protocol !== 'redis:') {
    throw new Error(
      `REDIS_URL: only redis:// URLs are supported by the testkit (got ${parsed.protocol}//)`,
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) {
    throw new Error(
      `REDIS_URL: database ${JSON.stringify(parsed.pathname.slice(1))} is not a number`,
    );
  }
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  return { host, port, username, password, db };
}
