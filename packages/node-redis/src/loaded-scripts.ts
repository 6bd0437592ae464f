import type { ScriptCall } from '@sess/core/port';

/**
 * The scripts this connection has sent in full. The first call of a script on a connection
 * goes as `EVAL` (which also caches it on the server), later ones as `EVALSHA`. So a batch
 * never meets NOSCRIPT in the common cases (a script's first use, a restarted server, a
 * failover: all come with a new connection, which starts with an empty set), and its calls take
 * effect in order. Only a cache flushed under a live connection (`SCRIPT FLUSH`) still yields
 * NOSCRIPT.
 */
export class LoadedScripts {
  readonly #sha1s = new Set<string>();

  /** The command for `call`: EVALSHA if this connection has sent the script, else EVAL. */
  commandFor(call: ScriptCall): string[] {
    const { sha1, source } = call.script;
    const known = this.#sha1s.has(sha1);
    // Commands on one connection run in order: anything sent after this EVAL finds the script.
    if (!known) this.#sha1s.add(sha1);
    // One array, filled in place: every write of a session goes through here.
    const command = [known ? 'EVALSHA' : 'EVAL', known ? sha1 : source, String(call.keys.length)];
    for (const key of call.keys) command.push(key);
    for (const arg of call.args) command.push(typeof arg === 'string' ? arg : String(arg));
    return command;
  }

  /** The server answered NOSCRIPT: the next call sends the source again. */
  forget(sha1: string): void {
    this.#sha1s.delete(sha1);
  }

  /** A new connection: possibly a new server, with an empty script cache. */
  clear(): void {
    this.#sha1s.clear();
  }
}
