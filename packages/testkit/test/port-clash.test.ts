import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The first "free" port handed out is one we hold: redis-server must fail to bind it, and the
// launcher must move on to another port (not mistake the holder for its server).
const clash = vi.hoisted(() => ({ port: 0, handedOut: [] as number[] }));
vi.mock('../src/free-port.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/free-port.js')>();
  return {
    findFreePort: async (host?: string) => {
      const port = clash.handedOut.length === 0 ? clash.port : await original.findFreePort(host);
      clash.handedOut.push(port);
      return port;
    },
  };
});

const { startRedis } = await import('../src/index.js');

let holder: Server;
beforeAll(async () => {
  holder = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  clash.port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

describe('a port taken between the probe and the bind', () => {
  it('is retried on another port', async () => {
    const server = await startRedis({ env: false });
    try {
      expect(clash.handedOut[0]).toBe(clash.port);
      expect(clash.handedOut).toHaveLength(2);
      expect(server.port).toBe(clash.handedOut[1]);
    } finally {
      await server.stop();
    }
  });
});

describe('a port taken by another Redis', () => {
  it('is not mistaken for our server', async () => {
    const other = await startRedis({ env: false });
    clash.port = other.port;
    clash.handedOut.length = 0;
    const server = await startRedis({ env: false });
    try {
      expect(clash.handedOut[0]).toBe(other.port);
      expect(server.port).not.toBe(other.port);
      expect(server.pid).not.toBe(other.pid);
    } finally {
      await server.stop();
      await other.stop();
    }
  });
});
