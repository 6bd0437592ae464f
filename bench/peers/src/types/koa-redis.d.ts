// koa-redis 4 ships no types: the part of its API the bench uses.
declare module 'koa-redis' {
  import type { EventEmitter } from 'node:events';

  export interface KoaRedisOptions {
    url?: string;
  }

  export interface KoaRedisStore extends EventEmitter {
    readonly client: { quit(): Promise<unknown>; readonly status: string };
    get(key: string, maxAge: number | 'session' | undefined, options: object): Promise<unknown>;
    set(
      key: string,
      value: unknown,
      maxAge: number | 'session' | undefined,
      options: object,
    ): Promise<void>;
    destroy(key: string, options: object): Promise<void>;
  }

  export default function redisStore(options?: KoaRedisOptions): KoaRedisStore;
}
