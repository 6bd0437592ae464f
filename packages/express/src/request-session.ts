import type { IncomingMessage } from 'node:http';
import type { Session } from '@sess/core';

const sessions = new WeakMap<IncomingMessage, Session>();
const patchedPrototypes = new WeakSet<object>();

/**
 * Sets `req.session`. On an Express app's request (its prototype is `app.request`, which knows
 * its app), `session` is an accessor defined once on that prototype and the value is kept
 * beside the request: adding a property to such a request costs more than the rest of a read
 * (see `commit-before-sending.ts`). Assigning `req.session` still works: it becomes the
 * request's own property.
 */
export function attachSession(req: IncomingMessage, session: Session): void {
  const prototype = Object.getPrototypeOf(req) as object;
  if (!Object.hasOwn(prototype, 'app') || Object.hasOwn(req, 'session')) {
    (req as IncomingMessage & { session: Session }).session = session;
    return;
  }
  sessions.set(req, session);
  if (patchedPrototypes.has(prototype)) return;
  patchedPrototypes.add(prototype);
  Object.defineProperty(prototype, 'session', {
    configurable: true,
    enumerable: false,
    get(this: IncomingMessage): Session | undefined {
      return sessions.get(this);
    },
    set(this: IncomingMessage, value: unknown) {
      Object.defineProperty(this, 'session', {
        configurable: true,
        enumerable: true,
        writable: true,
        value,
      });
    },
  });
}
