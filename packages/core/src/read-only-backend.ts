import type { CompatBackend } from './compat-backend.js';
import { SessError } from './errors.js';
import type {
  RegenerateSessionOptions,
  SessionBackend,
  SessionSummary,
  SignInOptions,
} from './session.js';
import { absentIfInvalid, type SessionRecord } from './session-record.js';

function readOnly(): never {
  throw new SessError(
    'INVALID_VALUE',
    'this view of the session only reads its data (it is what `principalFrom` is given)',
  );
}

const NO_COMPAT: CompatBackend = {
  ensureId: readOnly,
  regenerateAtCommit: readOnly,
  save: readOnly,
  reload: readOnly,
  cookieFacts: readOnly,
  setCookieMaxAge: readOnly,
};

/**
 * A view's backend that only reads a record's data: as it is now (`'current'`), or as it is
 * stored, whatever the request changed since (`'stored'`). What the principal mapping reads.
 */
export class ReadOnlyBackend implements SessionBackend {
  readonly compat = NO_COMPAT;
  readonly #record: SessionRecord;
  readonly #stored: boolean;

  constructor(record: SessionRecord, data: 'current' | 'stored') {
    this.#record = record;
    this.#stored = data === 'stored';
  }

  get id(): string {
    return this.#record.id;
  }
  get isNew(): boolean {
    return this.#record.isNew;
  }
  get principal(): string | undefined {
    return this.#record.principal;
  }
  get expiresAt(): number {
    return this.#record.expiresAt;
  }
  get lifetime(): string {
    return this.#record.lifetime;
  }

  read(name: string): unknown {
    try {
      return this.#stored ? this.#record.storedValue(name) : this.#record.get(name);
    } catch (error) {
      return absentIfInvalid(error);
    }
  }

  has(name: string): boolean {
    return this.#stored ? this.#record.storedValue(name) !== undefined : this.#record.has(name);
  }

  names(): string[] {
    return this.#stored ? this.#record.storedNames() : this.#record.names();
  }

  write(): void {
    readOnly();
  }
  remove(): void {
    readOnly();
  }
  setLifetime(): void {
    readOnly();
  }
  signIn(_principal: string, _options?: SignInOptions): Promise<void> {
    return readOnly();
  }
  signOut(): Promise<void> {
    return readOnly();
  }
  regenerate(_options?: RegenerateSessionOptions): Promise<void> {
    return readOnly();
  }
  destroy(): Promise<void> {
    return readOnly();
  }
  revokeEverywhere(): Promise<number> {
    return readOnly();
  }
  listSessions(): Promise<SessionSummary[]> {
    return readOnly();
  }
  revokeSession(_handle: string): Promise<boolean> {
    return readOnly();
  }
  take(_name: string): Promise<unknown> {
    return readOnly();
  }
}
