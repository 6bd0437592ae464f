// `@sess/core/adapter`: what a framework adapter needs (docs/reference/entry-points.md). The
// options and the session type it hands to applications are in `@sess/core`.

// A framework's own session vocabulary (express-session's, @fastify/session's, koa-session's):
// the extra names its views carry, and the request's lifecycle they call
export type { CompatBackend, SessionCookieFacts } from './compat-backend.js';
// The HTTP lifecycle: open a request's session, commit it, send the headers the commit returns
export { createHttpSessions, type HttpSessions, isHttpSessions } from './http-sessions.js';
export { callBack, callBackOrReturn, type NodeCallback } from './node-callback.js';
// The response headers of a commit, for frameworks with and without a header object
export {
  applyCommitHeaders,
  commitHeaders,
  type HeaderTarget,
  hasCommitHeaders,
} from './response-headers.js';
export type { SessionBackend, SessionDialect } from './session.js';
export { SessionCookieView } from './session-cookie-view.js';
export type { CommitOutcome, SessionScope } from './session-scope.js';
// What a request tells: its Cookie header, whether it came over TLS, its token and client
export type { HttpRequestFacts, NodeRequestLike } from './trust-proxy.js';
