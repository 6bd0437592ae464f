import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SessError } from '@sess/core';
import { checkOptionKeys } from '@sess/core/internal';
import type { SessModuleAsyncOptions, SessModuleOptions } from './module-options.js';
import { type ModuleSetup, setUpModule } from './module-setup.js';
import { installSessions } from './platform-sessions.js';
import { MODULE_OPTIONS, MODULE_SETUP, SESSION_STORE } from './tokens.js';

const ASYNC_OPTION_NAMES = ['imports', 'inject', 'useFactory'];
const ASYNC_OPTIONS_INSTEAD: Readonly<Record<string, string>> = {
  useClass:
    'not supported; use `useFactory` and `inject: [YourClass]`, and return the options from the factory',
  useExisting:
    'not supported; use `useFactory` and `inject: [YourProvider]`, and return the options from the factory',
  isGlobal: 'nothing to set: SessModule is always global, as an application has one session store',
};

/**
 * Sessions for a NestJS application, on the Express or the Fastify platform: import
 * `SessModule.forRoot(options)` (or `forRootAsync`) once, in the application's module.
 *
 * - Every request gets its session, through @sess/express or @sess/fastify as the platform
 *   needs; read it with the `@Session()` parameter decorator.
 * - The store is provided to every module under `SESSION_STORE` (`@InjectSessionStore()`),
 *   so a service can list and revoke a user's sessions.
 * - `SignedInGuard` lets a route through only when someone is signed in (401 otherwise).
 * - At shutdown the store is closed (and its port, with `onShutdown: 'close-store-and-port'`).
 *
 * The module is global. In an application context without HTTP
 * (`NestFactory.createApplicationContext`) it provides the store only.
 */
@Module({})
export class SessModule implements NestModule, OnApplicationShutdown {
  readonly #setup: ModuleSetup;
  readonly #adapterHost: HttpAdapterHost;

  constructor(
    @Inject(MODULE_SETUP) setup: ModuleSetup,
    @Inject(HttpAdapterHost) adapterHost: HttpAdapterHost,
  ) {
    this.#setup = setup;
    this.#adapterHost = adapterHost;
  }

  /** The module with options known when the application's module is declared. */
  static forRoot(options: SessModuleOptions): DynamicModule {
    return moduleWith([{ provide: MODULE_OPTIONS, useValue: options }]);
  }

  /**
   * The module with options from a factory that runs when the application starts, with
   * providers injected, e.g. `ConfigService`:
   *
   * ```ts
   * SessModule.forRootAsync({
   *   inject: [ConfigService],
   *   useFactory: async (config: ConfigService) => ({
   *     storeOptions: { port: await createNodeRedisPort({ url: config.getOrThrow('REDIS_URL') }) },
   *     secrets: [config.getOrThrow('SESSION_SECRET')],
   *     onShutdown: 'close-store-and-port',
   *   }),
   * })
   * ```
   */
  static forRootAsync(options: SessModuleAsyncOptions): DynamicModule {
    if (options === null || typeof options !== 'object') {
      throw new SessError('INVALID_OPTION', 'forRootAsync: expected an object with `useFactory`');
    }
    checkOptionKeys(options, { known: ASYNC_OPTION_NAMES, instead: ASYNC_OPTIONS_INSTEAD });
    if (typeof options.useFactory !== 'function') {
      throw new SessError(
        'INVALID_OPTION',
        'useFactory: expected a function that returns the options of SessModule.forRoot',
      );
    }
    const factory: Provider = {
      provide: MODULE_OPTIONS,
      useFactory: options.useFactory,
      inject: options.inject ?? [],
    };
    return { ...moduleWith([factory]), imports: options.imports ?? [] };
  }

  /** Installs the sessions on the platform, before any route or other module's middleware. */
  async configure(consumer: MiddlewareConsumer): Promise<void> {
    await installSessions(this.#adapterHost.httpAdapter, consumer, this.#setup.sessions);
  }

  /** Runs after the HTTP server has stopped, so no request still needs the store. */
  async onApplicationShutdown(): Promise<void> {
    await this.#setup.close();
  }
}

function moduleWith(options: Provider[]): DynamicModule {
  return {
    module: SessModule,
    global: true,
    providers: [
      ...options,
      { provide: MODULE_SETUP, useFactory: setUpModule, inject: [MODULE_OPTIONS] },
      {
        provide: SESSION_STORE,
        useFactory: (setup: ModuleSetup) => setup.store,
        inject: [MODULE_SETUP],
      },
    ],
    exports: [SESSION_STORE],
  };
}
