import { ROUTES } from './app-contract.js';
import { createSession, httpRequest } from './http-client.js';
import type { ServerProcess } from './server-process.js';

export const CONCURRENT_WRITES = 50;

/**
 * Starts 50 requests at once on one session, each setting a different attribute, then counts
 * the attributes the session holds. A store that writes whole sessions keeps only some.
 */
export async function keptOfConcurrentWrites(server: ServerProcess): Promise<number> {
  const cookie = await createSession(server.url);
  const replies = await Promise.all(
    Array.from({ length: CONCURRENT_WRITES }, (_, i) =>
      httpRequest(`${server.url}${ROUTES.attr}?name=a${i}`, { method: 'POST', cookie }),
    ),
  );
  const failed = replies.filter((reply) => reply.status !== 200);
  if (failed.length > 0) throw new Error(`${failed.length} attribute writes failed`);
  const names = await httpRequest(`${server.url}${ROUTES.names}`, { method: 'GET', cookie });
  const present = JSON.parse(names.body) as string[];
  return present.filter((name) => /^a\d+$/.test(name)).length;
}
