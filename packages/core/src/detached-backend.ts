import type { CompatBackend } from './compat-backend.js';
import type {
  RegenerateSessionOptions,
  SessionBackend,
  SessionSummary,
  SignInOptions,
} from './session.js';
import { absentIfInvalid, type SessionRecord } from './session-record.js';

/**
 * The backend of a view left behind by express-session's `regenerate(cb)`: the object the
 * application still holds reads the data of the session that was left (Passport copies it over
 * with `keepSessionInfo`), and writing to it changes nothing that is saved, as with the old
 * object in express-session. Methods act on the request's session, which `live` is.
 */
export class DetachedBackend implements SessionBackend {
  readonly #live: SessionBackend;
  readonly #left: SessionRecord | null;

  constructor(live: SessionBackend, left: SessionRecord | null) {
    this.#live = live;
    this.#left = left;
  }

  get compat(): CompatBackend {
    return this.#live.compat;
  }
  get id(): string | undefined {
    return this.#left?.id;
  }
  get isNew(): boolean {
    return this.#left?.isNew ?? true;
  }
  get principal(): string | undefined {
    return this.#left?.principal;
  }
  get expiresAt(): number | undefined {
    return this.#left?.expiresAt;
  }
  get lifetime(): string {
    return this.#left?.lifetime ?? this.#live.lifetime;
  }

  read(name: string): unknown {
    try {
      return this.#left?.get(name);
    } catch (error) {
      return absentIfInvalid(error);
    }
  }
  write(name: string, value: unknown): void {
    if (value === undefined) this.#left?.delete(name);
    else this.#left?.set(name, value);
  }
  remove(name: string): void {
    this.#left?.delete(name);
  }
  has(name: string): boolean {
    return this.#left?.has(name) ?? false;
  }
  names(): string[] {
    return this.#left?.names() ?? [];
  }

  setLifetime(lifetime: string): void {
    this.#live.setLifetime(lifetime);
  }
  signIn(principal: string, options?: SignInOptions): Promise<void> {
    return this.#live.signIn(principal, options);
  }
  signOut(): Promise<void> {
    return this.#live.signOut();
  }
  regenerate(options?: RegenerateSessionOptions): Promise<void> {
    return this.#live.regenerate(options);
  }
  destroy(): Promise<void> {
    return this.#live.destroy();
  }
  revokeEverywhere(options?: { keepCurrent?: boolean }): Promise<number> {
    return this.#live.revokeEverywhere(options);
  }
  listSessions(): Promise<SessionSummary[]> {
    return this.#live.listSessions();
  }
  revokeSession(handle: string): Promise<boolean> {
    return this.#live.revokeSession(handle);
  }
  take(name: string): Promise<unknown> {
    return this.#live.take(name);
  }
}
