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
    const tail = [String(call.keys.length), ...call.keys, ...call.args.map(String)];
    const { sha1, source } = call.script;
    if (this.#sha1s.has(sha1)) return ['EVALSHA', sha1, ...tail];
    // Commands on one connection run in order: anything sent after this EVAL finds the script.
    this.#sha1s.add(sha1);
    return ['EVAL', source, ...tail];
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
