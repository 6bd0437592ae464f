import type { StartApp } from './app-contract.js';
import type { ServerCommand, ServerReport } from './ipc.js';
import { appModule, isFramework, isKind } from './stacks.js';

/**
 * One benchmarked server: `node server-main.js <framework> <kind> <redis-url>`, started by the
 * bench with an IPC channel. Reports its port, answers heap samples (after a full GC; needs
 * `--expose-gc`), CPU time and its read cache's figures, and closes on request.
 */
function report(message: ServerReport): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [framework, kind, redisUrl] = process.argv.slice(2);
  if (!isFramework(framework) || !isKind(kind) || redisUrl === undefined) {
    throw new Error(
      'usage: server-main.js <express|fastify|koa|passport> <bare|sess|sess-cache|peer|floor> <redis-url>',
    );
  }
  const { start } = (await import(appModule({ framework, kind }))) as { start: StartApp };
  const app = await start({ redisUrl });
  process.on('message', (command: ServerCommand) => {
    if (command.type === 'heap') {
      settledHeap().then((heap) => report({ type: 'heap', ...heap }));
    } else if (command.type === 'cpu') {
      const usage = process.cpuUsage();
      report({ type: 'cpu', micros: usage.user + usage.system });
    } else if (command.type === 'cache') {
      report({ type: 'cache', stats: app.cacheStats?.() ?? null });
    } else if (command.type === 'close') {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
  report({ type: 'listening', port: app.port });
}

/** Heap in use once everything collectable is collected (finalizers get a turn in between). */
async function settledHeap(): Promise<{ heapUsed: number; rss: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('heap samples need node --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}

main().catch((error: unknown) => {
  report({
    type: 'failed',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
  process.disconnect?.();
});
