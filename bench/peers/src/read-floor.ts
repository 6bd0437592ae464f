import { createBenchClient } from './redis-client.js';

const KEY = 'floor:{read}';

/**
 * The least a Redis-backed session can do for a read: one HGETALL through node-redis, with the
 * command options sess' port uses (no per-command timeout), of a hash shaped like a session,
 * and nothing else (no cookie, no signature, no expiry check). The `floor` stacks serve only
 * the read scenario with it, to show how far below bare any session store must stay.
 */
export async function openReadFloor(redisUrl: string) {
  const client = createBenchClient(redisUrl);
  await client.connect();
  const now = String(Date.now());
  await client.sendCommand([
    'HSET',
    KEY,
    '#c',
    now,
    '#a',
    now,
    '#e',
    now,
    'user',
    '"u1234567"',
    'theme',
    '"dark"',
  ]);
  return {
    async read(): Promise<{ user: string | undefined; theme: string | undefined }> {
      const reply = (await client.sendCommand(['HGETALL', KEY], { timeout: 0 })) as string[];
      const fields = new Map<string, string>();
      for (let i = 0; i + 1 < reply.length; i += 2)
        fields.set(reply[i] as string, reply[i + 1] as string);
      return { user: fields.get('user'), theme: fields.get('theme') };
    },
    close: () => client.close(),
  };
}
