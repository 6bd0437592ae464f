// `@sess/fastify`: the plugin, also the default export. The store, the session's types and the
// errors come from `@sess/core`, which every install line names next to this package
// (docs/reference/entry-points.md).
import { sessPlugin } from './sess-plugin.js';

export type { FastifySession, FastifySessionSurface } from './fastify-session-dialect.js';
export { type FastifySessOptions, sessPlugin } from './sess-plugin.js';
export default sessPlugin;
