import type { RedisPort } from '@sess/core';
import {
  type CommandCall,
  isScriptCall,
  type PortCall,
  type RedisReply,
  type ScriptCall,
} from '@sess/core/port';
import { RespConnection } from '../../src/resp-connection.js';
import { RespError, type RespValue } from '../../src/resp-reader.js';

/**
 * The smallest RedisPort on a raw RESP connection, so the testkit's own tests run the
 * contract against real Redis without a client library. A script goes out as EVAL the first
 * time a connection sends it (so a pipeline never has to be reordered for NOSCRIPT), as
 * EVALSHA after that, and as EVAL again if the server forgot it.
 */
export async function createRespPort(url: string): Promise<RedisPort> {
  const { hostname, port } = new URL(url);
  return new RespPort(await RespConnection.open({ host: hostname, port: Number(port) }), url);
}

class RespPort implements RedisPort {
  readonly capabilities = { cluster: false };
  readonly #connection: RespConnection;
  readonly #url: string;
  readonly #loaded = new Set<string>();

  constructor(connection: RespConnection, url: string) {
    this.#connection = connection;
    this.#url = url;
  }

  async send(call: CommandCall): Promise<RedisReply> {
    return unwrap((await this.batch([call]))[0]);
  }

  async script(call: ScriptCall): Promise<RedisReply> {
    return unwrap((await this.batch([call]))[0]);
  }

  async batch(calls: readonly PortCall[]): Promise<Array<RedisReply | Error>> {
    const replies = await this.#connection.pipeline(calls.map((call) => this.#wire(call)));
    return Promise.all(
      replies.map(async (reply, i) => {
        const call = calls[i] as PortCall;
        if (
          isScriptCall(call) &&
          reply instanceof RespError &&
          reply.message.startsWith('NOSCRIPT')
        ) {
          this.#loaded.delete(call.script.sha1);
          const [again] = await this.#connection.pipeline([this.#wire(call)]);
          return toReply(again ?? null);
        }
        return toReply(reply);
      }),
    );
  }

  dedicated(): Promise<RedisPort> {
    return createRespPort(this.#url);
  }

  close(): Promise<void> {
    return this.#connection.close();
  }

  #wire(call: PortCall): (string | number)[] {
    if (!isScriptCall(call)) return [call.command, ...call.args];
    const { script, keys, args } = call;
    const head = this.#loaded.has(script.sha1) ? ['EVALSHA', script.sha1] : ['EVAL', script.source];
    this.#loaded.add(script.sha1);
    return [...head, keys.length, ...keys, ...args];
  }
}

function toReply(value: RespValue): RedisReply | Error {
  if (value instanceof RespError) return value;
  if (Array.isArray(value)) return value.map((item) => toReply(item)) as RedisReply[];
  return value;
}

function unwrap(result: RedisReply | Error | undefined): RedisReply {
  if (result instanceof Error) throw result;
  return result ?? null;
}
