// `@sess/koa`: the middleware. The store, the session's types and the errors come from
// `@sess/core`, which every install line names next to this package (docs/reference/entry-points.md).
export type { KoaSession, KoaSessionSurface } from './koa-session-dialect.js';
export { session } from './session-middleware.js';
