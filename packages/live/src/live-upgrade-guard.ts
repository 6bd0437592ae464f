import { SessError } from '@sess/core';
import type { preValidationHookHandler } from 'fastify';
import {
  type ConnectionPolicyOptions,
  checkPolicyKeys,
  connectionPolicy,
} from './connection-policy.js';
import type { SessionFacts } from './web-socket-tracking.js';

/**
 * A `preValidation` hook for a `@fastify/websocket` route that refuses the upgrade before it
 * happens, as the policy says: 401 without a signed-in session unless `anonymous: 'allow'`,
 * 403 from another site's page. The session is `request.session`, opened by `@sess/fastify`'s
 * plugin, which must be registered before the route. In the route's handler,
 * `trackWebSocket(live, socket, request.session)` then tracks the socket.
 */
export function liveUpgradeGuard(options: ConnectionPolicyOptions = {}): preValidationHookHandler {
  checkPolicyKeys(options, []);
  const policy = connectionPolicy(options);
  return (request, reply, done) => {
    const session = (request as { session?: SessionFacts | null }).session;
    if (session === undefined || session === null) {
      done(
        new SessError(
          'INVALID_OPTION',
          "liveUpgradeGuard: request.session is missing; register @sess/fastify's sessPlugin before this route",
        ),
      );
      return;
    }
    const refusal = policy.refuseOrigin(request.headers) ?? policy.refuseSession(session.principal);
    if (refusal === undefined) {
      done();
      return;
    }
    // A reply sent from a callback hook ends the request there: `done` is not called.
    void reply.code(refusal.status).send({ error: refusal.message });
  };
}
