/**
 * Which arguments of a command are keys, for the commands whose keys can span hash slots:
 * scripts and multi-key commands. `args` is the whole command, name first. Returns undefined
 * for a command that is not listed (one key or none: nothing to cross). The forbidden commands
 * are not listed here or below: the audit reports them as forbidden and reads no keys of theirs.
 */
export function multiKeysOf(args: readonly string[]): string[] | undefined {
  const name = (args[0] ?? '').toUpperCase();
  const rest = args.slice(1);
  switch (name) {
    case 'EVAL':
    case 'EVALSHA':
    case 'EVAL_RO':
    case 'EVALSHA_RO':
    case 'FCALL':
    case 'FCALL_RO':
      // script numkeys key... arg...
      return counted(rest, 1);
    case 'DEL':
    case 'UNLINK':
    case 'EXISTS':
    case 'TOUCH':
    case 'MGET':
    case 'WATCH':
    case 'SINTER':
    case 'SUNION':
    case 'SDIFF':
    case 'SINTERSTORE':
    case 'SUNIONSTORE':
    case 'SDIFFSTORE':
    case 'PFCOUNT':
    case 'PFMERGE':
      return rest;
    case 'MSET':
    case 'MSETNX':
      return rest.filter((_, i) => i % 2 === 0);
    case 'COPY':
    case 'SMOVE':
    case 'RPOPLPUSH':
    case 'LMOVE':
    case 'BLMOVE':
    case 'BRPOPLPUSH':
    case 'ZRANGESTORE':
    case 'GEOSEARCHSTORE':
      return rest.slice(0, 2);
    case 'BLPOP':
    case 'BRPOP':
    case 'BZPOPMIN':
    case 'BZPOPMAX':
      // key... timeout
      return rest.slice(0, -1);
    case 'ZUNIONSTORE':
    case 'ZINTERSTORE':
    case 'ZDIFFSTORE':
      // destination numkeys key...
      return [...rest.slice(0, 1), ...counted(rest, 1)];
    case 'ZUNION':
    case 'ZINTER':
    case 'ZDIFF':
    case 'ZINTERCARD':
    case 'SINTERCARD':
    case 'LMPOP':
    case 'ZMPOP':
      // numkeys key...
      return counted(rest, 0);
    case 'BLMPOP':
    case 'BZMPOP':
      // timeout numkeys key...
      return counted(rest, 1);
    case 'XREAD':
    case 'XREADGROUP': {
      // ... STREAMS key... id...
      const streams = rest.findIndex((arg) => arg.toUpperCase() === 'STREAMS');
      if (streams < 0) return [];
      const tail = rest.slice(streams + 1);
      return tail.slice(0, Math.floor(tail.length / 2));
    }
    default:
      return undefined;
  }
}

/**
 * The keys of any command, for checking what a script runs: multi-key commands as above,
 * otherwise the first argument, unless the command takes no key.
 */
export function keysOf(args: readonly string[]): string[] {
  const multi = multiKeysOf(args);
  if (multi) return multi;
  const name = (args[0] ?? '').toUpperCase();
  if (KEYLESS.has(name) || args.length < 2) return [];
  return [args[1] as string];
}

const KEYLESS = new Set([
  'PING',
  'ECHO',
  'TIME',
  'INFO',
  'SELECT',
  'CLIENT',
  'CLUSTER',
  'COMMAND',
  'DBSIZE',
  'FUNCTION',
  'HELLO',
  'AUTH',
  'LASTSAVE',
  'MEMORY',
  'MULTI',
  'EXEC',
  'DISCARD',
  'UNWATCH',
  'PUBLISH',
  'SPUBLISH',
  'PUBSUB',
  'RANDOMKEY',
  'READONLY',
  'READWRITE',
  'ROLE',
  'SCRIPT',
  'SLOWLOG',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SWAPDB',
  'WAIT',
]);

/** The keys that follow the `numkeys` argument at `index`. */
function counted(rest: readonly string[], index: number): string[] {
  const count = Number(rest[index]);
  if (!Number.isInteger(count) || count < 0) return [];
  return rest.slice(index + 1, index + 1 + count);
}
