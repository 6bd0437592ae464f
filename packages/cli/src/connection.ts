import type { RedisPort } from '@sess/core';
import { createNodeRedisPort } from '@sess/node-redis';
import type { HostPort, NodeAccess, Target } from './cli-arguments.js';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { formatAddress, openNode, portNode, type RedisNode } from './redis-node.js';
import { readTlsFiles, type TlsMaterial } from './tls-material.js';

export type Topology = 'standalone' | 'sentinel' | 'cluster';

/** The sentinels of a Sentinel target: those that answered, and those that did not. */
export interface SentinelNodes {
  readonly master: string;
  readonly reachable: readonly RedisNode[];
  readonly unreachable: ReadonlyArray<{ readonly address: string; readonly error: string }>;
}

/** What the CLI talks to: the store's port, and direct connections to nodes when it needs them. */
export interface Connection {
  readonly topology: Topology;
  readonly port: RedisPort;
  /** Where keyless commands through the port go: the server, the Sentinel master, a Cluster master. */
  readonly main: RedisNode;
  readonly sentinels: SentinelNodes | undefined;
  readonly timeout: number;
  /** A direct connection to one node, with the target's credentials; closed with the connection. */
  openNode(address: HostPort): Promise<RedisNode>;
  close(): Promise<void>;
}

/** Connects to the target; fails with exit code 3 when Redis cannot be reached. */
export async function connect(target: Target, timeout: number): Promise<Connection> {
  switch (target.kind) {
    case 'standalone':
      return connectStandalone(target.url, await readTlsFiles(target.tlsFiles), timeout);
    case 'sentinel':
      return connectSentinel(target, await readTlsFiles(target.access.tlsFiles), timeout);
    case 'cluster':
      return connectCluster(
        target.nodes,
        target.access,
        await readTlsFiles(target.access.tlsFiles),
        timeout,
      );
  }
}

async function connectStandalone(
  url: string,
  tls: TlsMaterial | undefined,
  timeout: number,
): Promise<Connection> {
  const port = await openPort(
    () => createNodeRedisPort({ url, ...tlsClientOptions(tls), ...portSettings(timeout) }),
    url,
  );
  return new OpenConnection(
    'standalone',
    port,
    addressOf(url),
    undefined,
    undefined,
    timeout,
    undefined,
  );
}

/** The CA and client certificate for node-redis' TLS socket (a rediss:// URL turns TLS on). */
function tlsClientOptions(tls: TlsMaterial | undefined) {
  return tls ? { clientOptions: { socket: { tls: true as const, ...tls } } } : {};
}

/**
 * Asks the sentinels where the master is and connects to it. A CLI run lasts seconds, so one
 * answer is all it needs; the sentinels stay open for `doctor`.
 */
async function connectSentinel(
  target: Extract<Target, { kind: 'sentinel' }>,
  tls: TlsMaterial | undefined,
  timeout: number,
): Promise<Connection> {
  const sentinelAccess: NodeAccess = {
    username: undefined,
    password: target.sentinelPassword,
    tls: target.access.tls,
  };
  const attempts = await Promise.allSettled(
    target.sentinels.map((address) => openNode(address, sentinelAccess, timeout, tls)),
  );
  const reachable: RedisNode[] = [];
  const unreachable: Array<{ address: string; error: string }> = [];
  attempts.forEach((attempt, i) => {
    if (attempt.status === 'fulfilled') reachable.push(attempt.value);
    else {
      const address = formatAddress(target.sentinels[i] as HostPort);
      unreachable.push({ address, error: (attempt.reason as Error).message });
    }
  });
  const sentinels: SentinelNodes = { master: target.master, reachable, unreachable };
  const closeSentinels = () => Promise.all(reachable.map((node) => node.close()));
  let master: HostPort | undefined;
  for (const sentinel of reachable) {
    const reply = await sentinel
      .call(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', target.master])
      .catch(() => null);
    if (Array.isArray(reply) && reply.length === 2) {
      master = { host: String(reply[0]), port: Number(reply[1]) };
      break;
    }
  }
  if (!master) {
    await closeSentinels();
    const why =
      reachable.length === 0
        ? 'no sentinel answered'
        : `no sentinel knows a master named "${target.master}"`;
    throw new CliError(ExitCode.unreachable, 'UNREACHABLE', `Sentinel: ${why}`);
  }
  const url = nodeUrl(master, target.access);
  try {
    const port = await openPort(
      () => createNodeRedisPort({ url, ...tlsClientOptions(tls), ...portSettings(timeout) }),
      formatAddress(master),
    );
    return new OpenConnection(
      'sentinel',
      port,
      formatAddress(master),
      target.access,
      sentinels,
      timeout,
      tls,
    );
  } catch (error) {
    await closeSentinels();
    throw error;
  }
}

async function connectCluster(
  nodes: readonly HostPort[],
  access: NodeAccess,
  tls: TlsMaterial | undefined,
  timeout: number,
): Promise<Connection> {
  const scheme = access.tls ? 'rediss' : 'redis';
  const port = await openPort(
    () =>
      createNodeRedisPort({
        cluster: {
          rootNodes: nodes.map((node) => ({ url: `${scheme}://${formatAddress(node)}` })),
          username: access.username,
          password: access.password,
          tls: access.tls && tls ? tls : access.tls,
        },
        ...portSettings(timeout),
      }),
    nodes.map(formatAddress).join(','),
  );
  const startNodes = nodes.map(formatAddress).join(',');
  return new OpenConnection(
    'cluster',
    port,
    `cluster via ${startNodes}`,
    access,
    undefined,
    timeout,
    tls,
  );
}

class OpenConnection implements Connection {
  readonly main: RedisNode;
  readonly #nodes: RedisNode[] = [];
  readonly #access: NodeAccess;

  constructor(
    readonly topology: Topology,
    readonly port: RedisPort,
    address: string,
    access: NodeAccess | undefined,
    readonly sentinels: SentinelNodes | undefined,
    readonly timeout: number,
    tls: TlsMaterial | undefined,
  ) {
    this.main = portNode(port, address, timeout);
    this.#access = access ?? { username: undefined, password: undefined, tls: false };
    this.#tls = tls;
  }

  readonly #tls: TlsMaterial | undefined;

  async openNode(address: HostPort): Promise<RedisNode> {
    const node = await openNode(address, this.#access, this.timeout, this.#tls);
    this.#nodes.push(node);
    return node;
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      ...this.#nodes.map((node) => node.close()),
      ...(this.sentinels?.reachable ?? []).map((node) => node.close()),
      this.port.close(),
    ]);
  }
}

function portSettings(timeout: number) {
  // The CLI reports failures itself; node-redis' connection errors would only repeat them.
  return { connectTimeout: timeout, onError: () => undefined };
}

async function openPort<P extends RedisPort>(open: () => Promise<P>, where: string): Promise<P> {
  try {
    return await open();
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as { code?: string }).code;
    // An option refused before any connection is the command line's fault; one the server
    // answered against (a password, a certificate, a database number) means it cannot connect.
    if (code === 'INVALID_OPTION' && (error as Error).cause === undefined) {
      throw new CliError(ExitCode.usage, 'USAGE', message, { cause: error });
    }
    throw new CliError(
      ExitCode.unreachable,
      'UNREACHABLE',
      `cannot connect to ${redact(where)}: ${message}`,
      { cause: error },
    );
  }
}

function nodeUrl(address: HostPort, access: NodeAccess): string {
  const scheme = access.tls ? 'rediss' : 'redis';
  const user = access.username ? encodeURIComponent(access.username) : '';
  const password = access.password ? `:${encodeURIComponent(access.password)}` : '';
  const credentials = user || password ? `${user}${password}@` : '';
  return `${scheme}://${credentials}${formatAddress(address)}`;
}

/** `host:port` of a URL, without credentials. */
function addressOf(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'unix:') return parsed.pathname;
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return redact(url);
  }
}

function redact(text: string): string {
  return text.replace(/\/\/[^@/]*@/, '//***@');
}
