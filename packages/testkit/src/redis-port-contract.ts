import type { RedisPort } from '@sess/core';
import { checkOptionKeys, optionNames } from '@sess/core/internal';
import { batchContract } from './contract/batch-contract.js';
import { commandContract } from './contract/command-contract.js';
import type {
  ContractContext,
  ContractDescribe,
  ContractExpect,
  ContractIt,
} from './contract/contract-context.js';
import { scriptContract } from './contract/script-contract.js';
import { sendWithContract } from './contract/send-with-contract.js';
import { storeContract } from './contract/store-contract.js';
import { streamContract } from './contract/stream-contract.js';

export type {
  ContractAssertion,
  ContractDescribe,
  ContractExpect,
  ContractIt,
} from './contract/contract-context.js';

export interface RedisPortContractOptions {
  /** Names the suite: `RedisPort contract: <name>`. */
  name: string;
  /**
   * Makes a port on a fresh connection; called once per test, and the suite closes the port
   * after its test. Every test uses keys of its own, so the ports may share one server.
   */
  createPort: () => RedisPort | Promise<RedisPort>;
  /** Vitest's `describe`. */
  describe: ContractDescribe;
  /** Vitest's `it`. */
  it: ContractIt;
  /** Vitest's `expect`. */
  expect: ContractExpect;
  /**
   * Per-test timeout (ms).
   * @default vitest's (`testTimeout`)
   */
  timeout?: number;
}

const CONTRACT_OPTION_NAMES = optionNames<RedisPortContractOptions>({
  name: true,
  createPort: true,
  describe: true,
  it: true,
  expect: true,
  timeout: true,
});

/**
 * The RedisPort contract: everything sess needs from a port, checked with the exact replies
 * Redis gives (send, script, batch, streams, dedicated connections), then the SessionStore
 * running on the port. A custom port passes it in three lines:
 *
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { redisPortContract } from '@sess/testkit';
 * redisPortContract({ name: 'my port', describe, it, expect, createPort: () => myPort(url) });
 * ```
 */
export function redisPortContract(options: RedisPortContractOptions): void {
  checkOptionKeys(options, { known: CONTRACT_OPTION_NAMES });
  const ctx: ContractContext = {
    it: options.it,
    expect: options.expect,
    describe: options.describe,
    createPort: options.createPort,
    timeout: options.timeout,
  };
  ctx.describe(`RedisPort contract: ${options.name}`, () => {
    ctx.describe('send', () => commandContract(ctx));
    ctx.describe('sendWith', () => sendWithContract(ctx));
    ctx.describe('script', () => scriptContract(ctx));
    ctx.describe('batch', () => batchContract(ctx));
    ctx.describe('streams', () => streamContract(ctx));
    ctx.describe('port', () => {
      ctx.it(
        'capabilities.cluster is a boolean; close() resolves',
        async () => {
          const port = await ctx.createPort();
          ctx.expect(typeof port.capabilities.cluster).toBe('boolean');
          await port.close();
        },
        ctx.timeout,
      );
    });
    ctx.describe('SessionStore on the port', () => storeContract(ctx));
  });
}
