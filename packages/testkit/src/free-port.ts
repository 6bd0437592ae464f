import { createServer } from 'node:net';

/**
 * A loopback port nobody listens on right now: the kernel picks one for port 0, we release
 * it. Someone may take it before redis-server binds it, so the caller retries on a clash.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => {
        if (port === undefined) reject(new Error('could not find a free port'));
        else resolve(port);
      });
    });
  });
}
