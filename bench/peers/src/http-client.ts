import { request } from 'node:http';
import { ROUTES } from './app-contract.js';

export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly setCookies: readonly string[];
}

/**
 * One request on a connection of its own (no agent), so that requests started together really
 * are in flight together.
 */
export function httpRequest(
  url: string,
  options: { method: 'GET' | 'POST'; cookie?: string | undefined },
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-length': '0' };
    if (options.cookie !== undefined) headers.cookie = options.cookie;
    const req = request(url, { method: options.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          setCookies: res.headers['set-cookie'] ?? [],
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The Cookie header a browser would send back after these Set-Cookie headers. */
export function cookieHeader(setCookies: readonly string[]): string {
  return setCookies.map((setCookie) => setCookie.split(';', 1)[0]).join('; ');
}

/** Creates a session holding the five attributes and returns its Cookie header. */
export async function createSession(baseUrl: string): Promise<string> {
  const reply = await httpRequest(`${baseUrl}${ROUTES.setup}`, { method: 'POST' });
  if (reply.status !== 200 || reply.setCookies.length === 0) {
    throw new Error(`${baseUrl}${ROUTES.setup}: ${reply.status}, no session cookie`);
  }
  return cookieHeader(reply.setCookies);
}

export async function createSessions(baseUrl: string, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < count; i++) cookies.push(await createSession(baseUrl));
  return cookies;
}
