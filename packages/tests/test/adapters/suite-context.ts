import type { HttpSessionOptions, SessionStore, SessionStoreOptions } from '@sess/core';
import type { NodeRedisPort } from '@sess/node-redis';
import type { RecordingPort } from '@sess/testkit';
import type { Routes, RunningApp } from './adapter-suite.js';

/**
 * What the adapter suite lends the tests of one feature kept in a file of their own: its apps
 * (on the adapter under test, with the suite's routes plus `extra`), its stores, the recording
 * port that counts round trips, and the connection to its audited redis-server.
 */
export interface SuiteContext {
  app(
    options?: Omit<HttpSessionOptions, 'store'> & { store?: SessionStore },
    extra?: Routes,
  ): Promise<RunningApp>;
  store(options?: Partial<SessionStoreOptions>): SessionStore;
  /** Reset before each test. */
  readonly port: RecordingPort;
  readonly redis: NodeRedisPort;
}

/** Cookie and token secrets of 32 characters or more, as sess requires. */
export const SECRET = 'the token secret, of 32 characters or more';
export const OTHER_SECRET = 'not the token secret, 32 characters or more';

/** A request with these headers (no cookie jar: nothing is sent that is not given here). */
export function request(
  app: RunningApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${app.url}${path}`, { headers });
}

export async function bodyOf(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** The `name=value` a browser would send back, from a response's Set-Cookie. */
export function cookieOf(response: Response): string {
  const [header] = response.headers.getSetCookie();
  if (header === undefined) throw new Error('the response set no cookie');
  return header.split(';')[0] as string;
}
