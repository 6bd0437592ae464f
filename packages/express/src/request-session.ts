import type { IncomingMessage } from 'node:http';
import type { SessionScope } from '@sess/core/adapter';
import { expressAppPrototype, oncePerPrototype } from './app-prototype.js';
import type { ExpressSession } from './express-session-dialect.js';

const scopes = new WeakMap<IncomingMessage, SessionScope>();
const defineOnAppRequest = oncePerPrototype(defineSessionAccessors);

/**
 * Gives `req` its session: `req.session` and `req.sessionID`. On an Express app's request they
 * are accessors defined once on `app.request`, and the scope is kept beside the request (see
 * `app-prototype.ts`); `req.session` follows the scope, which hands out a new session object
 * after express-session's `regenerate(cb)`. Assigning `req.session` still works: it becomes the
 * request's own property.
 */
export function attachSession(req: IncomingMessage, scope: SessionScope): void {
  const prototype = expressAppPrototype(req);
  if (prototype === undefined || Object.hasOwn(req, 'session')) {
    scopes.set(req, scope);
    defineOwnAccessors(req);
    return;
  }
  scopes.set(req, scope);
  defineOnAppRequest(prototype);
}

function sessionOf(req: IncomingMessage): ExpressSession | undefined {
  return scopes.get(req)?.session as ExpressSession | undefined;
}

/** express-session always has an id: reading it gives the request one (saved once written to). */
function sessionIdOf(req: IncomingMessage): string | undefined {
  return scopes.get(req)?.ensureId();
}

function defineSessionAccessors(prototype: object): void {
  Object.defineProperty(prototype, 'session', {
    configurable: true,
    enumerable: false,
    get(this: IncomingMessage): ExpressSession | undefined {
      return sessionOf(this);
    },
    set(this: IncomingMessage, value: unknown) {
      shadow(this, 'session', value);
    },
  });
  Object.defineProperty(prototype, 'sessionID', {
    configurable: true,
    enumerable: false,
    get(this: IncomingMessage): string | undefined {
      return sessionIdOf(this);
    },
    set(this: IncomingMessage, value: unknown) {
      shadow(this, 'sessionID', value);
    },
  });
}

/** For a request that is not an Express app's, or whose `session` was assigned already. */
function defineOwnAccessors(req: IncomingMessage): void {
  Object.defineProperty(req, 'session', {
    configurable: true,
    enumerable: true,
    get: () => sessionOf(req),
    set: (value: unknown) => shadow(req, 'session', value),
  });
  if (!Object.hasOwn(req, 'sessionID')) {
    Object.defineProperty(req, 'sessionID', {
      configurable: true,
      enumerable: true,
      get: () => sessionIdOf(req),
    });
  }
}

/** An assigned `session` or `sessionID` becomes the request's own plain property. */
function shadow(req: IncomingMessage, name: 'session' | 'sessionID', value: unknown): void {
  Object.defineProperty(req, name, { configurable: true, enumerable: true, writable: true, value });
}
