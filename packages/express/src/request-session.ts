import type { IncomingMessage } from 'node:http';
import type { Session } from '@sess/core';
import { expressAppPrototype, oncePerPrototype } from './app-prototype.js';

const sessions = new WeakMap<IncomingMessage, Session>();
const defineOnAppRequest = oncePerPrototype(defineSessionAccessor);

/**
 * Sets `req.session`. On an Express app's request, `session` is an accessor defined once on
 * `app.request` and the value is kept beside the request (see `app-prototype.ts`). Assigning
 * `req.session` still works: it becomes the request's own property.
 */
export function attachSession(req: IncomingMessage, session: Session): void {
  const prototype = expressAppPrototype(req);
  if (prototype === undefined || Object.hasOwn(req, 'session')) {
    (req as IncomingMessage & { session: Session }).session = session;
    return;
  }
  sessions.set(req, session);
  defineOnAppRequest(prototype);
}

function defineSessionAccessor(prototype: object): void {
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
