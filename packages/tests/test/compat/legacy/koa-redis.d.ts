// koa-redis ships no types; what the old Koa app uses of it.
declare module 'koa-redis' {
  import type { Redis } from 'ioredis';
  import type { stores } from 'koa-session';

  function redisStore(options: { client: Redis }): stores;
  export default redisStore;
}
