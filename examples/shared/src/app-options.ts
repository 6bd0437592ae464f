import type { SessionStore } from '@sess/core';

/** What every example's `createApp` takes. */
export interface AppOptions {
  /** Where sessions live (see ./open-session-store.ts for the zero-setup default). */
  store: SessionStore;
  /**
   * Cookie signing secrets: the first signs, all verify (rotate by prepending a new one).
   * @default undefined (unsigned: the 256-bit random session id is the secret)
   */
  secrets?: string | string[];
}
