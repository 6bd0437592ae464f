import { readFileSync } from 'node:fs';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_RULES,
  APP_USER,
  CLI_COMMANDS,
  CLI_USER,
  REFUSED_COMMANDS,
  SESS_COMMANDS,
} from './least-privilege.js';

// The ACL rules the least-privilege page gives, asked about with ACL DRYRUN (nothing is run,
// so the audit sees none of the refused commands): every command sess sends is allowed on
// its keys, what it never needs is refused, and no rule can go. The stores of the adapter
// suite, the repository, cleaner and event tests and the Sentinel and Cluster tests run as
// this user for real.

const PAGE = new URL('../../../docs/production/least-privilege.md', import.meta.url);

let server: RedisServer;
let admin: NodeRedisPort;

beforeAll(async () => {
  server = await startRedis({ audit: true, users: [APP_USER, CLI_USER] });
  admin = await createNodeRedisPort({ url: server.url });
});

afterAll(async () => {
  await admin?.close();
  await server?.stop();
});

/** `allowed`, or why the user may not run `args`. */
async function dryRun(user: string, args: readonly string[]): Promise<string> {
  const answer = await admin
    .send({ command: 'ACL', keys: [], args: ['DRYRUN', user, ...args] })
    .then(String, (error: Error) => error.message);
  return answer === 'OK' ? 'allowed' : answer;
}

async function refusedOf(user: string, commands: ReadonlyArray<readonly string[]>) {
  const refused: string[] = [];
  for (const args of commands) {
    if ((await dryRun(user, args)) !== 'allowed') refused.push(args.join(' '));
  }
  return refused;
}

const everyCommand = Object.values(SESS_COMMANDS).flat();

describe('least-privilege ACL rules', () => {
  it('are the ones the docs page shows, with every command sess sends', () => {
    const page = readFileSync(PAGE, 'utf8');
    expect(page).toContain(`ACL SETUSER sess-app reset on >app-password ${APP_RULES}`);
    expect(page).toContain(`user sess-app on >app-password ${APP_RULES}`);
    expect(page).toContain(`ACL SETUSER sess-cli reset on >cli-password ${CLI_USER.rules}`);
    for (const args of [...everyCommand, ...CLI_COMMANDS]) {
      const name = args[0] === 'CLUSTER' || args[0] === 'CLIENT' ? args.slice(0, 2) : args[0];
      expect(page, String(name)).toContain(`\`${[name].flat().join(' ')}`);
    }
  });

  it('allow every command sess sends, on keys under sess:', async () => {
    expect(await refusedOf(APP_USER.name, everyCommand)).toEqual([]);
  });

  it('refuse keys outside the prefix, channels, and commands sess never sends', async () => {
    const allowed: string[] = [];
    for (const args of REFUSED_COMMANDS) {
      if ((await dryRun(APP_USER.name, args)) === 'allowed') allowed.push(args.join(' '));
    }
    expect(allowed).toEqual([]);
  });

  it('need every rule: without any one, sess loses a command or gains one it must not have', async () => {
    const tokens = APP_RULES.split(' ');
    const needless: string[] = [];
    for (const [i, token] of tokens.entries()) {
      if (['resetkeys', 'resetchannels', '-@all'].includes(token) || token.startsWith('~')) {
        continue;
      }
      const rules = tokens.filter((_, j) => j !== i);
      await admin.send({
        command: 'ACL',
        keys: [],
        args: ['SETUSER', 'sess-probe', 'reset', 'on', '>probe', ...rules],
      });
      const lost = await refusedOf('sess-probe', everyCommand);
      const gained = (await refusedOf('sess-probe', REFUSED_COMMANDS)).length;
      if (lost.length === 0 && gained === REFUSED_COMMANDS.length) needless.push(token);
    }
    await admin.send({ command: 'ACL', keys: [], args: ['DELUSER', 'sess-probe'] });
    expect(needless).toEqual([]);
  });

  it("give the CLI's user INFO, TIME and CLUSTER INFO besides", async () => {
    expect(await refusedOf(CLI_USER.name, [...everyCommand, ...CLI_COMMANDS])).toEqual([]);
    const allowed: string[] = [];
    for (const args of REFUSED_COMMANDS) {
      if ((await dryRun(CLI_USER.name, args)) === 'allowed') allowed.push(args.join(' '));
    }
    expect(allowed).toEqual(['INFO']);
    expect(await refusedOf(APP_USER.name, CLI_COMMANDS)).toEqual(['INFO', 'TIME', 'CLUSTER INFO']);
  });
});
