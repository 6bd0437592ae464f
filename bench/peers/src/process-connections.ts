import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The addresses (`127.0.0.1:port`, as Redis' MONITOR and CLIENT LIST name a client) of the
 * TCP connections process `pid` holds to `redisPort`: what tells the commands of the server
 * being counted from those of the servers idling beside it (a read cache's tracking check,
 * say). Linux only, as the bench's CPU pinning is: sockets by inode from `/proc/<pid>/fd`,
 * their addresses from the network namespace's `/proc/<pid>/net/tcp`.
 */
export function connectionsOf(pid: number, redisPort: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const addresses = new Set<string>();
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, 'utf8').split('\n').slice(1)) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    const fields = line.trim().split(/\s+/);
    const [local, remote, inode] = [fields[1], fields[2], fields[9]];
    if (local === undefined || remote === undefined || inode === undefined) continue;
    if (!inodes.has(inode) || portOf(remote) !== redisPort) continue;
    addresses.add(`${ipv4Of(local)}:${portOf(local)}`);
  }
  return addresses;
}

/** `0100007F:85A0` → 34208 */
function portOf(hexAddress: string): number {
  return Number.parseInt(hexAddress.split(':')[1] ?? '', 16);
}

/** `0100007F:85A0` → `127.0.0.1` (the kernel writes the address in host byte order). */
function ipv4Of(hexAddress: string): string {
  const hex = hexAddress.split(':')[0] ?? '';
  const bytes = [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes.join('.');
}
