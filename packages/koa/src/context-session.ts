import { SessError, type Session } from '@sess/core';
import type { SessionScope } from '@sess/core/adapter';

/** The request's scope, on its context: a symbol, so it is nobody's name. */
export const SCOPE = Symbol('sess.scope');
export type ScopedContext = { [SCOPE]?: SessionScope };

const defined = new WeakSet<object>();

/**
 * `ctx.session` as an accessor, defined once on the app's context prototype (`app.context`),
 * or on a context that has none: it reads the scope of the request, and takes koa-session's
 * assignments (`null` ends the session, an object replaces its data).
 */
export function defineContextSession(ctx: object): void {
  const prototype = Object.getPrototypeOf(ctx) as object | null;
  const target = prototype !== null && prototype !== Object.prototype ? prototype : ctx;
  if (defined.has(target)) return;
  defined.add(target);
  Object.defineProperty(target, 'session', {
    configurable: true,
    enumerable: true,
    get(this: ScopedContext): Session | undefined {
      return this[SCOPE]?.session;
    },
    set(this: ScopedContext, value: unknown) {
      const scope = this[SCOPE];
      if (scope === undefined) {
        throw new SessError('INVALID_VALUE', 'ctx.session: no session on this request');
      }
      assign(scope, value);
    },
  });
}

function assign(scope: SessionScope, value: unknown): void {
  if (value === null) {
    // The commit waits for it and reports its failure.
    scope.signOut().catch(() => {});
    return;
  }
  const view = scope.session as unknown as Record<string, unknown>;
  if (value === view) return;
  if (typeof value !== 'object' || value === undefined) {
    throw new SessError(
      'INVALID_VALUE',
      'ctx.session: assign null (ends the session) or an object (replaces its data)',
    );
  }
  const next = value as Record<string, unknown>;
  for (const name of Object.keys(view)) if (!Object.hasOwn(next, name)) delete view[name];
  for (const [name, item] of Object.entries(next)) view[name] = item;
}
