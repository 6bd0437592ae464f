import { readFileSync, readlinkSync } from 'node:fs';
import type { RedisServer } from '../../src/index.js';
import { RespConnection } from '../../src/resp-connection.js';

/** Runs one command on a fresh raw connection. */
export async function command(
  server: Pick<RedisServer, 'host' | 'port'>,
  args: readonly (string | number)[],
): Promise<unknown> {
  const connection = await RespConnection.open({ host: server.host, port: server.port });
  try {
    return await connection.call(args);
  } finally {
    await connection.close();
  }
}

/**
 * True while a process with this id runs. A killed process whose parent is gone may linger
 * as a zombie until something reaps it: that counts as dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** The working directory of a process (Linux): redis-server runs in its `--dir`. */
export function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
