import { createClient } from 'redis';

function createRaw(url: string) {
  // No client-side command timeout (node-redis' default is 5 s): a replica instance waits for
  // Redis however long it takes, as Spring's clients do under load, so no work is dropped.
  return createClient({ url, RESP: 2, commandOptions: { timeout: 0 } });
}

/** A plain node-redis client (RESP2), for what the bench does outside sess: sampling, the replica. */
export type RawClient = ReturnType<typeof createRaw>;

export async function connectRaw(url: string): Promise<RawClient> {
  const client = createRaw(url);
  client.on('error', (error: Error) => {
    console.error(`redis client: ${error.message}`);
  });
  await client.connect();
  return client;
}

/** One command, answer as RESP2 shapes (strings, numbers, arrays). */
export function send(client: RawClient, args: Array<string | number>): Promise<unknown> {
  return client.sendCommand(args.map(String));
}
