import type { ServerResponse } from 'node:http';
import {
  applyCommitHeaders,
  type CommitOutcome,
  hasCommitHeaders,
  type SessionScope,
} from '@sess/core/adapter';
import { expressAppPrototype, oncePerPrototype } from './app-prototype.js';

/** The calls that send headers or body: each one would be too late for a Set-Cookie. */
const SENDING = ['writeHead', 'flushHeaders', 'write', 'end'] as const;
type SendingCall = (typeof SENDING)[number];
type AnyMethod = (this: ServerResponse, ...args: unknown[]) => unknown;
type Sending = Record<SendingCall, AnyMethod>;

/** One response's hold: its session, and the calls held back while its commit runs. */
interface Hold {
  readonly scope: SessionScope;
  readonly onError: (error: unknown) => void;
  state: 'waiting' | 'committing' | 'done';
  /** Made when a call must wait: most commits need no Redis call, and nothing waits. */
  queue: Array<[AnyMethod, unknown[]]> | undefined;
}

/** Kept beside the response, not on it (see `app-prototype.ts`). */
const holds = new WeakMap<ServerResponse, Hold>();
const wrapAppResponse = oncePerPrototype((prototype) => wrapSending(prototype as Sending));

/**
 * Commits `scope` before the first byte of `res` goes out, so the Set-Cookie is on it. The
 * first call that would send headers commits; when the commit needs Redis, that call and every
 * later one are queued, then replayed in order once it is done. If it fails, nothing was
 * written: the queue is dropped and `onError` decides the response (Express's `next(err)`).
 * Most requests have nothing to write and commit at once, without waiting.
 *
 * Express has no hook between the handler and the first byte, hence the wrapping. The wrappers
 * go once on the app's `app.response` and pass through for responses with no hold. A response
 * someone wrapped already, or a plain Node one, gets wrappers of its own, around what it has.
 */
export function commitBeforeSending(
  res: ServerResponse,
  scope: SessionScope,
  onError: (error: unknown) => void,
): void {
  const hold: Hold = { scope, onError, state: 'waiting', queue: undefined };
  holds.set(res, hold);
  const prototype = expressAppPrototype(res);
  if (prototype !== undefined && !hasOwnSending(res)) {
    wrapAppResponse(prototype);
  } else {
    wrapSending(res as unknown as Sending);
  }
}

/** Whether some earlier middleware wrapped a sending method of this very response. */
function hasOwnSending(res: ServerResponse): boolean {
  for (const name of SENDING) if (Object.hasOwn(res, name)) return true;
  return false;
}

/** Replaces each sending method of `target` (a prototype, or one response) with a held one. */
function wrapSending(target: Sending): void {
  for (const name of SENDING) {
    const original = target[name];
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: function held(this: ServerResponse, ...args: unknown[]): unknown {
        const hold = holds.get(this);
        if (hold === undefined) return original.apply(this, args);
        if (hold.state === 'waiting') startCommit(this, hold);
        if (hold.state === 'done') return original.apply(this, args);
        hold.queue ??= [];
        hold.queue.push([original, args]);
        // What the real calls return: `write` whether to keep writing, the others the response.
        return name === 'write' ? true : this;
      },
    });
  }
}

function startCommit(res: ServerResponse, hold: Hold): void {
  const outcome = hold.scope.commitAtOnce();
  if (outcome !== undefined) {
    hold.state = 'done';
    applyIfUnsent(res, outcome);
    return;
  }
  hold.state = 'committing';
  hold.scope.commit().then(
    (committed) => {
      applyIfUnsent(res, committed);
      hold.state = 'done';
      const queue = hold.queue ?? [];
      hold.queue = undefined;
      for (const [call, args] of queue) call.apply(res, args);
    },
    (error: unknown) => {
      hold.state = 'done';
      hold.queue = undefined;
      hold.onError(error);
    },
  );
}

/**
 * The commit's headers, unless the response went out meanwhile. `headersSent` is read only when
 * there is something to add: on an Express response every property read walks a long prototype
 * chain, and most commits (reads) add nothing.
 */
function applyIfUnsent(res: ServerResponse, outcome: CommitOutcome): void {
  if (hasCommitHeaders(outcome) && !res.headersSent) applyCommitHeaders(res, outcome);
}
