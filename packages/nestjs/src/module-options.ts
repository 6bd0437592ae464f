import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { HttpSessionOptions, SessionStore, SessionStoreOptions } from '@sess/core';

/**
 * What the module closes when the application shuts down (`app.close()`, or a signal with
 * `enableShutdownHooks()`), after the HTTP server has stopped:
 * - `'close-store'`: the store (its cleaner gives its lease back, its subscriptions end); the
 *   port stays open for whoever made it.
 * - `'close-store-and-port'`: the store, then its port. For a port made only for this module,
 *   as in a `forRootAsync` factory: nothing else would close it, and an open connection keeps
 *   the process alive.
 * - `'leave-open'`: neither, for a store that outlives the application.
 */
export type ShutdownAction = 'close-store' | 'close-store-and-port' | 'leave-open';

/** The HTTP options every adapter takes (`secrets`, `cookie`, `trustProxy`...), and the shutdown. */
export interface SessModuleHttpOptions extends Omit<HttpSessionOptions, 'store'> {
  /** @default 'close-store' */
  onShutdown?: ShutdownAction;
}

/** The module's options: the HTTP options and either a store or the options to make one. */
export type SessModuleOptions = SessModuleHttpOptions &
  (
    | {
        /** An open store, from `createSessionStore({ port })`. */
        store: SessionStore;
        storeOptions?: never;
      }
    | {
        /** The options of a store the module makes (`createSessionStore(storeOptions)`). */
        storeOptions: SessionStoreOptions;
        store?: never;
      }
  );

/** `SessModule.forRootAsync`: the options come from a factory, with providers injected into it. */
export interface SessModuleAsyncOptions {
  /** Modules whose providers the factory needs, e.g. `ConfigModule`. */
  imports?: ModuleMetadata['imports'];
  /** The providers passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
  /** Returns the module's options; runs once, when the application starts. */
  useFactory(...dependencies: unknown[]): SessModuleOptions | Promise<SessModuleOptions>;
}
