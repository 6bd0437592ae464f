import { type RedisPort, SessError } from '@sess/core';
import { isScriptCall, type PortCall, type RedisArg, type RedisReply } from '@sess/core/port';
import { Redis } from 'ioredis';

type Wire = [command: string, ...args: RedisArg[]];

// No offline queue, no retries: while Redis is unreachable a call fails at once (in-flight
// ones too) rather than waiting for a reconnect and running after the core gave up on it.
const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true };

const isReplyError = (e: unknown): e is Error => e instanceof Error && e.name === 'ReplyError';
const isNoScript = (e: unknown) => isReplyError(e) && e.message.startsWith('NOSCRIPT');

/** An error reply stays as Redis sent it; anything else means Redis did not answer. */
function toPortError(error: unknown): Error {
  if (isReplyError(error) || error instanceof SessError) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new SessError('UNAVAILABLE', `Redis did not answer: ${why}`, { cause: error });
}
const fail = (error: unknown): never => {
  throw toPortError(error);
};

/** Stops waiting once the core's deadline aborts the call (the command itself still runs). */
const abortable = <T>(work: Promise<T>, signal?: AbortSignal): Promise<T> =>
  new Promise((resolve, reject) => {
    const onAbort = () => reject(toPortError(signal?.reason));
    work.then(resolve, reject).then(() => signal?.removeEventListener('abort', onAbort));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });

async function open(redis: Redis): Promise<Redis> {
  redis.on('error', () => {}); // failures reach callers as UNAVAILABLE; ioredis would log each
  await redis.connect().catch((error: unknown) => {
    redis.disconnect(); // stops ioredis retrying in the background
    fail(error);
  });
  return redis;
}

function portOver(redis: Redis, owned: boolean): RedisPort {
  // A script goes in full (EVAL, which also caches it) the first time on a connection, then
  // as EVALSHA: a batch rarely meets NOSCRIPT, so its calls take effect in order. A new
  // connection may reach a new server with an empty script cache, so the set starts over.
  const sent = new Set<string>();
  const forgetAll = () => sent.clear();
  redis.on('ready', forgetAll);
  // Upper case on purpose: ioredis reshapes some replies by lower-case command name (an
  // `hgetall` reply becomes an object), and a port must hand back plain RESP2 shapes.
  const toWire = (call: PortCall): Wire => {
    if (!isScriptCall(call)) return [call.command.toUpperCase(), ...call.args];
    const { sha1, source } = call.script;
    const head = sent.has(sha1) ? (['EVALSHA', sha1] as const) : (['EVAL', source] as const);
    sent.add(sha1);
    return [...head, call.keys.length, ...call.keys, ...call.args];
  };
  // NOSCRIPT now means the cache was flushed under a live connection: send the source again.
  const unknownScript = (call: PortCall, reply: unknown): boolean => {
    if (!isScriptCall(call) || !isNoScript(reply)) return false;
    sent.delete(call.script.sha1);
    return true;
  };
  const send = (wire: Wire) => redis.call(...wire).then((reply) => reply as RedisReply, fail);
  const script = (call: PortCall) =>
    send(toWire(call)).catch((e) => (unknownScript(call, e) ? send(toWire(call)) : fail(e)));
  const pipelined = async (wires: Wire[]) => {
    const pipeline = redis.pipeline();
    for (const wire of wires) pipeline.call(...wire);
    const settled = (await pipeline.exec().catch(fail)) ?? [];
    return settled.map(([error, reply]) => (error ? toPortError(error) : (reply as RedisReply)));
  };
  const batch = async (calls: readonly PortCall[]) => {
    const results = await pipelined(calls.map(toWire));
    // Rare (see above), so a second round trip; these scripts run after the batch's other calls.
    const again = calls.flatMap((call, i) => (unknownScript(call, results[i]) ? [i] : []));
    const retried = again.length ? await pipelined(again.map((i) => toWire(calls[i]!))) : [];
    for (const [n, i] of again.entries()) results[i] = retried[n]!;
    return results;
  };
  return {
    capabilities: { cluster: false },
    send: (call, options) => abortable(send(toWire(call)), options?.signal),
    script: (call, options) => abortable(script(call), options?.signal),
    batch: (calls, options) => abortable(batch(calls), options?.signal),
    dedicated: async () => portOver(await open(redis.duplicate(failFast)), true),
    close: async () => {
      redis.off('ready', forgetAll);
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * A RedisPort over ioredis. Given a URL it opens a client of its own that fails fast while
 * Redis is unreachable, and quits it on `close()`; given a client, it leaves it open.
 */
export async function createIoredisPort(redis: Redis | string): Promise<RedisPort> {
  if (typeof redis !== 'string') return portOver(redis, false);
  return portOver(await open(new Redis(redis, failFast)), true);
}
