import type { RedisAclUser } from '@sess/testkit';

/**
 * The ACL rules docs/production/least-privilege.md gives an application, for the prefix
 * `sess` (and prefixes under it, `sess:shop`, ...). The tests that run sess as this user
 * check that the page still shows them word for word.
 */
export const APP_RULES =
  'resetkeys ~sess:* resetchannels -@all +@connection +@hash +@sortedset +@stream +@string +@keyspace +eval +evalsha +cluster|slots -@dangerous -scan -randomkey -dbsize';

/** What the CLI adds to the application's rules: INFO and TIME for `doctor` and `stats`, CLUSTER INFO for `doctor`. */
export const CLI_EXTRA_RULES = '+info +time +cluster|info';

/** The application's user, as the tests create it. */
export const APP_USER: RedisAclUser = {
  name: 'sess-app',
  password: 'app-secret',
  rules: APP_RULES,
};

/** The CLI's user. */
export const CLI_USER: RedisAclUser = {
  name: 'sess-cli',
  password: 'cli-secret',
  rules: `${APP_RULES} ${CLI_EXTRA_RULES}`,
};

/** `redis-server` arguments that create `APP_USER`, for the data servers of a Sentinel set or Cluster. */
export function appUserArgs(): string[] {
  return ['--user', APP_USER.name, 'on', `>${APP_USER.password}`, ...APP_RULES.split(' ')];
}

/** The credentials of `APP_USER`, as `@sess/node-redis` takes them for Sentinel and Cluster. */
export const APP_CREDENTIALS = { username: APP_USER.name, password: APP_USER.password } as const;

const K = 'sess:s:{id}';

/**
 * Every command sess sends to a data server (the core, its Lua scripts, @sess/node-redis, the
 * CLI's store operations), grouped as the docs list them, each with arguments ACL DRYRUN takes.
 */
export const SESS_COMMANDS: Record<string, ReadonlyArray<readonly string[]>> = {
  connection: [
    ['AUTH', 'sess-app', 'x'],
    ['HELLO', '2'],
    ['PING'],
    ['WAIT', '1', '100'],
    ['CLIENT', 'SETNAME', 'app'],
    ['SELECT', '0'],
    ['ASKING'],
  ],
  hash: [
    ['HGETALL', K],
    ['HGET', K, 'f'],
    ['HMGET', K, 'f'],
    ['HSET', K, 'f', 'v'],
    ['HDEL', K, 'f'],
    ['HINCRBY', K, 'f', '1'],
  ],
  'sorted set': [
    ['ZADD', 'sess:x:{0}', '1', 'm'],
    ['ZREM', 'sess:x:{0}', 'm'],
    ['ZCOUNT', 'sess:x:{0}', '-inf', '+inf'],
    ['ZCARD', 'sess:p:{h}'],
    ['ZRANGE', 'sess:x:{0}', '0', '1'],
    ['ZRANGEBYSCORE', 'sess:x:{0}', '-inf', '+inf'],
    ['ZREMRANGEBYSCORE', 'sess:p:{h}', '-inf', '1'],
    ['ZPOPMIN', 'sess:p:{h}'],
    ['ZSCORE', 'sess:x:{0}', 'm'],
  ],
  stream: [
    ['XADD', 'sess:{events}', 'MAXLEN', '~', '10', '*', 'f', 'v'],
    ['XLEN', 'sess:{events}'],
    ['XRANGE', 'sess:{events}', '-', '+'],
    ['XREVRANGE', 'sess:{events}', '+', '-'],
    ['XREAD', 'BLOCK', '1', 'STREAMS', 'sess:{events}', '$'],
    ['XGROUP', 'CREATE', 'sess:{events}', 'g', '$', 'MKSTREAM'],
    ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'sess:{events}', '>'],
    ['XACK', 'sess:{events}', 'g', '0-1'],
    ['XPENDING', 'sess:{events}', 'g'],
    ['XAUTOCLAIM', 'sess:{events}', 'g', 'c', '1000', '0'],
    ['XINFO', 'GROUPS', 'sess:{events}'],
  ],
  string: [
    ['GET', 'sess:{cleaner}'],
    ['SET', 'sess:{cleaner}', 'me', 'NX', 'PX', '1000'],
  ],
  keyspace: [
    ['DEL', K],
    ['EXISTS', K],
    ['PEXPIRE', 'sess:{cleaner}', '1000'],
    ['PEXPIREAT', K, '1'],
    ['PEXPIRETIME', K],
    ['PTTL', K],
  ],
  scripting: [
    ['EVAL', 'return 1', '1', K],
    ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '1', K],
  ],
  cluster: [['CLUSTER', 'SLOTS']],
};

/** What the CLI sends besides the application's commands (doctor, stats). */
export const CLI_COMMANDS: ReadonlyArray<readonly string[]> = [
  ['INFO'],
  ['TIME'],
  ['CLUSTER', 'INFO'],
];

/** Commands an application of sess never needs, which the rules must refuse. */
export const REFUSED_COMMANDS: ReadonlyArray<readonly string[]> = [
  ['HSET', 'other:key', 'f', 'v'],
  ['GET', 'other:key'],
  ['SCAN', '0'],
  ['KEYS', 'sess:*'],
  ['RANDOMKEY'],
  ['DBSIZE'],
  ['FLUSHALL'],
  ['FLUSHDB'],
  ['CONFIG', 'GET', 'maxmemory'],
  ['INFO'],
  ['DEBUG', 'SLEEP', '0'],
  ['SORT', 'sess:x:{0}'],
  ['SUBSCRIBE', 'sess:channel'],
  ['PUBLISH', 'sess:channel', 'x'],
  ['CLIENT', 'KILL', 'TYPE', 'normal'],
  ['CLIENT', 'LIST'],
  ['SCRIPT', 'FLUSH'],
  ['FUNCTION', 'FLUSH'],
  ['MONITOR'],
  ['ACL', 'SETUSER', 'x'],
  ['SHUTDOWN'],
  ['MIGRATE', '127.0.0.1', '1', 'sess:x', '0', '1'],
];
