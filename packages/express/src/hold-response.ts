import type { ServerResponse } from 'node:http';

/** The calls that send headers or body: each one would be too late for a Set-Cookie. */
const SENDING = ['writeHead', 'flushHeaders', 'write', 'end'] as const;
type SendingCall = (typeof SENDING)[number];
type AnyMethod = (this: ServerResponse, ...args: unknown[]) => unknown;

/**
 * Holds back what the app sends until `task` has settled. The first call that would send
 * headers starts the task; that call and every later one are queued, then replayed in order
 * once the task is done (so it can still set headers). If the task fails, nothing was written:
 * the queue is dropped and `onError` decides the response (Express's `next(err)`).
 *
 * Express has no hook between the handler and the first byte, hence the wrapping; it stays in
 * place and passes calls through once the task settled, so wrappers added later keep working.
 */
export function holdResponse(
  res: ServerResponse,
  task: () => Promise<void>,
  onError: (error: unknown) => void,
): void {
  const originals = new Map<SendingCall, AnyMethod>();
  const queue: Array<[SendingCall, unknown[]]> = [];
  let state: 'waiting' | 'running' | 'done' = 'waiting';

  const run = (): void => {
    state = 'running';
    task().then(
      () => {
        state = 'done';
        for (const [name, args] of queue.splice(0)) originals.get(name)?.apply(res, args);
      },
      (error: unknown) => {
        state = 'done';
        queue.length = 0;
        onError(error);
      },
    );
  };

  for (const name of SENDING) {
    const original = res[name] as unknown as AnyMethod;
    originals.set(name, original);
    const held: AnyMethod = function (this: ServerResponse, ...args: unknown[]) {
      if (state === 'done') return original.apply(this, args);
      queue.push([name, args]);
      if (state === 'waiting') run();
      // What the real calls return: `write` whether to keep writing, the others the response.
      return name === 'write' ? true : this;
    };
    Reflect.set(res, name, held);
  }
}
