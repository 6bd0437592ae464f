// `@sess/core/adapter`: what a framework adapter needs (docs/reference/entry-points.md). The
// options and the session type it hands to applications are in `@sess/core`.

// The HTTP lifecycle: open a request's session, commit it, send the headers the commit returns
export { createHttpSessions, type HttpSessions, isHttpSessions } from './http-sessions.js';
// The response headers of a commit, for frameworks with and without a header object
export {
  applyCommitHeaders,
  commitHeaders,
  type HeaderTarget,
  hasCommitHeaders,
} from './response-headers.js';
export type { CommitOutcome, SessionScope } from './session-scope.js';
// What a request tells: its Cookie header and whether it came over TLS
export type { HttpRequestFacts, NodeRequestLike } from './trust-proxy.js';
