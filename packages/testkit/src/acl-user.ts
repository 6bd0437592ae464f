import { checkOptionKeys, optionNames } from '@sess/core/internal';

/** An ACL user of a test server (`startRedis({ users })`). */
export interface RedisAclUser {
  /** The user name. Not `default`: that one stays the unrestricted user the testkit and its audit use. */
  readonly name: string;
  /** The user's password (no whitespace). */
  readonly password: string;
  /**
   * ACL rules as `ACL SETUSER` takes them after the user name, e.g.
   * `'resetkeys ~sess:* resetchannels -@all +@hash +@sortedset'`. The testkit puts
   * `on >password` before them.
   */
  readonly rules: string;
}

const USER_KEYS = optionNames<RedisAclUser>({ name: true, password: true, rules: true });

/** Checks `users` and turns them into `redis-server --user ...` arguments (one per user). */
export function aclUserArgs(users: readonly RedisAclUser[]): string[] {
  const seen = new Set<string>();
  return users.flatMap((user, i) => {
    const where = `users[${i}]`;
    checkOptionKeys(user, { path: where, known: USER_KEYS });
    const { name, password, rules } = user;
    if (typeof name !== 'string' || !/^\S+$/.test(name)) {
      throw new TypeError(`${where}.name: a non-empty name without whitespace, got ${show(name)}`);
    }
    if (name === 'default') {
      throw new TypeError(
        `${where}.name: 'default' is the testkit's own unrestricted user; give yours another name`,
      );
    }
    if (seen.has(name)) throw new TypeError(`${where}.name: '${name}' is given twice`);
    seen.add(name);
    if (typeof password !== 'string' || password === '' || /\s/.test(password)) {
      throw new TypeError(`${where}.password: a non-empty string without whitespace`);
    }
    if (typeof rules !== 'string') {
      throw new TypeError(`${where}.rules: a string of ACL rules, e.g. '~sess:* +@hash'`);
    }
    const words = rules.split(/\s+/).filter((word) => word !== '');
    return ['--user', name, 'on', `>${password}`, ...words];
  });
}

/** `redis[s]://user:password@host:port` for one of `users`. */
export function userUrl(
  scheme: 'redis' | 'rediss',
  host: string,
  port: number,
  users: readonly RedisAclUser[],
  name: string,
): string {
  const user = users.find((candidate) => candidate.name === name);
  if (!user) {
    const known = users.map((candidate) => candidate.name).join(', ') || 'none';
    throw new Error(
      `urlAs('${name}'): no such user; the server was started with these users: ${known}`,
    );
  }
  const credentials = `${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}`;
  return `${scheme}://${credentials}@${host}:${port}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
