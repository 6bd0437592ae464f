import { createSessionStore, SessError, type SessionStore } from '@sess/core';
import { createHttpSessions, type HttpSessions } from '@sess/core/adapter';
import type { SessModuleOptions, ShutdownAction } from './module-options.js';

const SHUTDOWN_ACTIONS: readonly string[] = [
  'close-store',
  'close-store-and-port',
  'leave-open',
] satisfies ShutdownAction[];

/** What the module runs on: made once from its options, when the application starts. */
export interface ModuleSetup {
  readonly store: SessionStore;
  readonly sessions: HttpSessions;
  /** Closes what `onShutdown` says; the second call gets the first one's promise. */
  close(): Promise<void>;
}

/**
 * Checks the options and makes the store (from `storeOptions`) and the HTTP sessions. The
 * HTTP options are checked by the core, with its messages: unknown names, and what to do
 * instead of another library's options. A store the module made is closed again when the
 * HTTP options turn out wrong, so a failed start leaves no cleaner running.
 */
export async function setUpModule(options: SessModuleOptions): Promise<ModuleSetup> {
  if (options === null || typeof options !== 'object') {
    throw new SessError(
      'INVALID_OPTION',
      'SessModule options: expected an object with `store` or `storeOptions`',
    );
  }
  const { store: given, storeOptions, onShutdown = 'close-store', ...http } = options;
  if (!SHUTDOWN_ACTIONS.includes(onShutdown)) {
    throw new SessError(
      'INVALID_OPTION',
      "onShutdown: 'close-store', 'close-store-and-port' or 'leave-open'",
    );
  }
  if (given !== undefined && storeOptions !== undefined) {
    throw new SessError(
      'INVALID_OPTION',
      'storeOptions: give `store` (an open store) or `storeOptions` (for the module to make one), not both',
    );
  }
  if (given === undefined && storeOptions === undefined) {
    throw new SessError(
      'INVALID_OPTION',
      'store: missing; give `store` (an open store, from `createSessionStore({ port })`) or `storeOptions` (for the module to make one)',
    );
  }
  const store = given ?? createSessionStore(storeOptions as NonNullable<typeof storeOptions>);
  let sessions: HttpSessions;
  try {
    sessions = createHttpSessions({ ...http, store });
  } catch (error) {
    if (given === undefined) await store.close();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    store,
    sessions,
    close() {
      closed ??= closeFor(onShutdown, store);
      return closed;
    },
  };
}

async function closeFor(action: ShutdownAction, store: SessionStore): Promise<void> {
  if (action === 'leave-open') return;
  try {
    await store.close();
  } finally {
    if (action === 'close-store-and-port') await store.options.port.close();
  }
}
