import { Inject } from '@nestjs/common';

/**
 * The injection token of the module's `SessionStore`: `@Inject(SESSION_STORE)`, or
 * `inject: [SESSION_STORE]` in a factory provider. A token rather than the class, because the
 * store is made by `createSessionStore` and its class is not exported.
 */
export const SESSION_STORE: unique symbol = Symbol('SESSION_STORE');

/**
 * Injects the module's `SessionStore` into a constructor parameter or a property:
 * `constructor(@InjectSessionStore() private readonly store: SessionStore) {}`.
 */
export function InjectSessionStore(): PropertyDecorator & ParameterDecorator {
  return Inject(SESSION_STORE);
}

/** The options as `forRoot` or the `forRootAsync` factory gave them. */
export const MODULE_OPTIONS: unique symbol = Symbol('SessModuleOptions');

/** The store and the HTTP sessions made from the options, and what closes them. */
export const MODULE_SETUP: unique symbol = Symbol('SessModuleSetup');
