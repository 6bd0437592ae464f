export type { OldCookieScope } from './clear-cookie.js';
export { type ExpressSessionImportOptions, fromExpressSession } from './from-express-session.js';
export { type FastifySessionImportOptions, fromFastifySession } from './from-fastify-session.js';
export { fromKoaSession, type KoaSessionImportOptions } from './from-koa-session.js';
export type { OldSerializer } from './importer-options.js';
