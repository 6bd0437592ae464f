import type { ExecutionContext } from '@nestjs/common';
import { SessError, type Session } from '@sess/core';

/**
 * The session of the HTTP request being handled: `req.session` on Express, `request.session`
 * on Fastify, both set by SessModule before any guard or handler runs.
 */
export function sessionOf(context: ExecutionContext, who: string): Session {
  const request =
    context.getType() === 'http'
      ? context.switchToHttp().getRequest<{ session?: Session | null } | undefined>()
      : undefined;
  const session = request?.session;
  if (session === undefined || session === null) {
    throw new SessError(
      'INVALID_OPTION',
      context.getType() === 'http'
        ? `${who}: this request has no session; import SessModule.forRoot() or SessModule.forRootAsync() in the application's module`
        : `${who}: sessions belong to HTTP requests, and this handler serves '${context.getType()}'`,
    );
  }
  return session;
}
