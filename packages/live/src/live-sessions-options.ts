import { SessError, type SessionStore } from '@sess/core';
import { checkOptionKeys, optionNames } from '@sess/core/internal';
import { LIVE_CLOSE_CODE } from './live-end-reason.js';

/**
 * Where live connections failed: reading the event stream, a keep-alive, closing a connection,
 * or accepting one (an upgrade helper's own failure, answered with 500).
 */
export interface LiveErrorContext {
  readonly phase: 'events' | 'touch' | 'close' | 'upgrade';
  /** The session concerned, when there is one. */
  readonly sessionId?: string | undefined;
}

export interface LiveSessionsOptions {
  /** The store the sessions are in; its event stream must be on (the default). */
  store: SessionStore;
  /**
   * Activity on a connection (a message received) keeps its session alive: the session is
   * touched as by a request, at most once per the store's `touchInterval`.
   * @default true
   */
  touch?: boolean;
  /**
   * The WebSocket close code of a connection whose session ended: `LIVE_CLOSE_CODE` (4401), or
   * another code of the application range (4000 to 4999), or 1008 (policy violation).
   * @default 4401
   */
  closeCode?: number;
  /**
   * Told about failures: reads of the event stream (retried), keep-alives (Redis did not
   * answer; tried again on activity a `touchInterval` later), connections whose closing threw,
   * upgrades that failed (answered with 500). Nothing stops for them.
   * @default none (they are counted in `stats.errors`)
   */
  onError?: (error: unknown, context: LiveErrorContext) => void;
}

export interface ResolvedLiveSessionsOptions {
  readonly store: SessionStore;
  readonly touch: boolean;
  readonly closeCode: number;
  readonly onError: (error: unknown, context: LiveErrorContext) => void;
}

const LIVE_SESSIONS_OPTION_NAMES = optionNames<LiveSessionsOptions>({
  store: true,
  touch: true,
  closeCode: true,
  onError: true,
});

/** Options of the upgrade helpers given here instead: they belong to each helper. */
const HELPER_OPTIONS: Readonly<Record<string, string>> = {
  anonymous:
    'give it to the helper that accepts connections (liveUpgrade, liveSocketIo, liveUpgradeGuard)',
  origins:
    'give it to the helper that accepts connections (liveUpgrade, liveSocketIo, liveUpgradeGuard)',
  secrets: 'the cookie secrets go to the helper that accepts connections, in `sessions`',
};

export function resolveLiveSessionsOptions(
  options: LiveSessionsOptions,
): ResolvedLiveSessionsOptions {
  if (options === null || typeof options !== 'object') {
    throw new SessError('INVALID_OPTION', 'createLiveSessions: expected { store }');
  }
  checkOptionKeys(options, { known: LIVE_SESSIONS_OPTION_NAMES, instead: HELPER_OPTIONS });
  const store = options.store;
  if (
    store === null ||
    typeof store !== 'object' ||
    typeof store.subscribe !== 'function' ||
    typeof store.load !== 'function'
  ) {
    throw new SessError('INVALID_OPTION', 'store: expected a session store (createSessionStore)');
  }
  if (store.options.eventStream === false) {
    throw new SessError(
      'INVALID_OPTION',
      'store: its event stream is off (`eventStream: false`); live connections learn that a session ended from it, so leave it on',
    );
  }
  const touch = options.touch ?? true;
  if (typeof touch !== 'boolean')
    throw new SessError('INVALID_OPTION', 'touch: expected a boolean');
  const closeCode = options.closeCode ?? LIVE_CLOSE_CODE;
  const applicationCode = Number.isInteger(closeCode) && closeCode >= 4000 && closeCode <= 4999;
  if (closeCode !== 1008 && !applicationCode) {
    throw new SessError(
      'INVALID_OPTION',
      `closeCode: expected 1008 or a code from 4000 to 4999; got ${String(closeCode)} (default ${LIVE_CLOSE_CODE})`,
    );
  }
  const onError = options.onError ?? (() => undefined);
  if (typeof onError !== 'function') {
    throw new SessError('INVALID_OPTION', 'onError: expected a function (error, context) => void');
  }
  return { store, touch, closeCode, onError };
}
