import { parseArgs } from 'node:util';
import { CliError, usageError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import {
  parseSessionArgument,
  SESSION_ARGUMENT_HELP,
  type SessionArgument,
} from './session-argument.js';

export const COMMANDS = ['stats', 'inspect', 'list', 'revoke', 'cleanup', 'doctor'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Files for TLS: a CA to trust, and a client certificate with its key (paths, read on connect). */
export interface TlsFiles {
  /** PEM CA certificate(s) that signed the server's certificate (`--tls-ca`). */
  readonly ca: string | undefined;
  /** PEM client certificate (`--tls-cert`), always with `key`. */
  readonly cert: string | undefined;
  /** PEM private key of the client certificate (`--tls-key`). */
  readonly key: string | undefined;
}

/** Credentials and TLS for the nodes a Sentinel or Cluster target names (a URL carries its own). */
export interface NodeAccess {
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: boolean;
  /** With `tls`: the CA and client certificate files, when given. */
  readonly tlsFiles?: TlsFiles | undefined;
}

/** Where Redis is, in the three shapes `@sess/node-redis` takes. */
export type Target =
  | {
      readonly kind: 'standalone';
      readonly url: string;
      /** For a `rediss://` URL: the CA and client certificate files, when given. */
      readonly tlsFiles?: TlsFiles | undefined;
    }
  | {
      readonly kind: 'sentinel';
      readonly master: string;
      readonly sentinels: readonly HostPort[];
      readonly access: NodeAccess;
      /** Sentinels may have a password of their own. */
      readonly sentinelPassword: string | undefined;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly HostPort[]; readonly access: NodeAccess };

export interface CliArguments {
  readonly command: CommandName;
  readonly positionals: readonly string[];
  /** The session `inspect` names: an id, or a cookie value and the id in it. */
  readonly session: SessionArgument | undefined;
  /** The application's cookie secrets, to check a signed cookie value (`inspect`). */
  readonly secrets: readonly string[];
  readonly target: Target;
  /** Deadline of each Redis call and of connecting (ms). */
  readonly timeout: number;
  readonly prefix: string;
  readonly buckets: number;
  readonly json: boolean;
  readonly progress: boolean;
  readonly principal: string | undefined;
  readonly id: string | undefined;
  readonly once: boolean;
  readonly batchSize: number | undefined;
  readonly pings: number;
}

const OPTIONS = {
  url: { type: 'string' },
  sentinel: { type: 'string' },
  master: { type: 'string' },
  cluster: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'sentinel-password': { type: 'string' },
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  timeout: { type: 'string' },
  prefix: { type: 'string' },
  buckets: { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  principal: { type: 'string' },
  id: { type: 'string' },
  secret: { type: 'string', multiple: true },
  once: { type: 'boolean' },
  'batch-size': { type: 'string' },
  pings: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Options that belong to one command or a few; the rest apply to all. */
const COMMAND_OPTIONS: Partial<Record<OptionName, readonly CommandName[]>> = {
  principal: ['list', 'revoke'],
  id: ['revoke'],
  secret: ['inspect'],
  once: ['cleanup'],
  'batch-size': ['cleanup'],
  pings: ['doctor'],
};

export const USAGE = `Usage: sess <command> [options]

Commands:
  stats                     active sessions, per-bucket spread, cleaner lease and lag,
                            event stream and consumer groups, Redis figures
  inspect <id | cookie>     one session: meta data and attributes (decoded); takes the id or
                            the session cookie as copied from a browser (sess=<id>.<signature>)
  list --principal <p>      the live sessions of a principal
  revoke --principal <p>    end every session of a principal
  revoke --id <id>          end one session
  cleanup [--once]          expire due sessions now, as the cleaner would (takes the cleaner
                            lease if it is free); --once runs one tick, else until none is due
  doctor                    check the Redis deployment for what matters to sessions

Connection (as @sess/node-redis takes it; one of):
  --url <url>               redis[s]://[[user][:password]@]host[:port][/db]
                            (default: $SESS_REDIS_URL, else redis://127.0.0.1:6379)
  --sentinel <h:p,...>      Sentinel addresses, with --master <name> (default: mymaster)
  --cluster <h:p,...>       Cluster nodes to start from
  --username <name>         for Sentinel and Cluster nodes
  --password <secret>       for Sentinel and Cluster nodes (default: $SESS_REDIS_PASSWORD)
  --sentinel-password <s>   for the sentinels themselves (default: $SESS_SENTINEL_PASSWORD)
  --tls                     TLS to Sentinel and Cluster nodes
  --tls-ca <file>           PEM CA certificate(s) to trust instead of the system's, for a
                            rediss:// URL or with --tls
  --tls-cert <file>         PEM client certificate, for servers that ask for one
  --tls-key <file>          its PEM private key (with --tls-cert)
  --timeout <ms>            deadline of connecting and of each call (default: 5000)

Store (must match the application's store options):
  --prefix <prefix>         key prefix (default: sess)
  --buckets <n>             expiry index buckets (default: 16)

Command options:
  --secret <s>              inspect: the application's cookie secret, to check a signed cookie
                            (repeat for several; default: $SESS_SECRET). Without it, the
                            signature is not checked and the output says so
  --batch-size <n>          cleanup: due sessions read per bucket per round (default: 500)
  --pings <n>               doctor: PINGs for the latency check (default: 50)

Output:
  --json                    one JSON document on stdout (errors too)
  --no-progress             never draw a progress bar (it only shows on a terminal anyway)
  -h, --help                this text

Exit codes: 0 done, 1 a check or operation failed, 2 usage error, 3 Redis unreachable,
4 done in part: doctor or stats could not run some checks or figures because the server
refused their commands to this user (each is named in the output).
Never sends KEYS, SCAN, SMEMBERS, CONFIG, FLUSHALL, FLUSHDB, DEBUG or RENAME.`;

/** Reads the command line; `undefined` means help was asked for. Throws a usage `CliError`. */
export function parseCliArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliArguments | undefined {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args: sessionIdsAsValues(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return undefined;
  const [name, ...rest] = positionals;
  if (!COMMANDS.includes(name as CommandName)) {
    throw usageError(`unknown command "${name}": expected one of ${COMMANDS.join(', ')}`);
  }
  const command = name as CommandName;
  for (const [option, commands] of Object.entries(COMMAND_OPTIONS)) {
    if (values[option as OptionName] !== undefined && !commands.includes(command)) {
      throw usageError(`--${option}: not an option of "${command}"`);
    }
  }
  const expected = command === 'inspect' ? 1 : 0;
  if (rest.length !== expected) {
    throw usageError(
      command === 'inspect'
        ? 'inspect: expects one session id or cookie (sess inspect <id | cookie>)'
        : `${command}: unexpected argument "${rest[0]}"`,
    );
  }
  let session: SessionArgument | undefined;
  if (command === 'inspect') {
    session = parseSessionArgument(rest[0] ?? '');
    if (session === undefined) {
      throw new CliError(ExitCode.usage, 'INVALID_ID', `inspect: ${SESSION_ARGUMENT_HELP}`);
    }
  }
  const secrets =
    values.secret ?? (command === 'inspect' && env.SESS_SECRET ? [env.SESS_SECRET] : []);
  if (secrets.includes('')) throw usageError('--secret: must not be empty');
  if (command === 'list' && values.principal === undefined) {
    throw usageError('list: --principal <p> is required');
  }
  if (command === 'revoke' && (values.principal === undefined) === (values.id === undefined)) {
    throw usageError('revoke: give exactly one of --principal <p> or --id <id>');
  }
  if (values.principal === '') throw usageError('--principal: must not be empty');

  return {
    command,
    positionals: rest,
    session,
    secrets,
    target: parseTarget(values, env),
    timeout: integerOption('timeout', values.timeout, 5_000, 1, 600_000),
    prefix: values.prefix ?? 'sess',
    buckets: integerOption('buckets', values.buckets, 16, 1, 1_024),
    json: values.json === true,
    progress: values['no-progress'] !== true,
    principal: values.principal,
    id: values.id,
    once: values.once === true,
    batchSize:
      values['batch-size'] === undefined
        ? undefined
        : integerOption('batch-size', values['batch-size'], 500, 1, 10_000),
    pings: integerOption('pings', values.pings, 50, 1, 10_000),
  };
}

/**
 * A session id, and so a cookie value, may start with `-` (base64url), which parseArgs would
 * take for an option: `--id -x…` becomes `--id=-x…`, and a bare one moves behind `--`. No
 * option has that shape.
 */
function sessionIdsAsValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  const positionals: string[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('-') || parseSessionArgument(arg) === undefined) args.push(arg);
    else if (args.at(-1) === '--id') args[args.length - 1] = `--id=${arg}`;
    else positionals.push(arg);
  }
  if (positionals.length === 0) return args;
  return args.includes('--') ? [...args, ...positionals] : [...args, '--', ...positionals];
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function parseTarget(values: Values, env: Readonly<Record<string, string | undefined>>): Target {
  const given = (['url', 'sentinel', 'cluster'] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1) {
    throw usageError(`give one of --url, --sentinel or --cluster, not ${given.join(' and ')}`);
  }
  const tlsFiles = parseTlsFiles(values);
  const access: NodeAccess = {
    username: values.username,
    password: values.password ?? env.SESS_REDIS_PASSWORD,
    tls: values.tls === true,
    tlsFiles,
  };
  if (tlsFiles && !access.tls && (values.sentinel !== undefined || values.cluster !== undefined)) {
    throw usageError(`--${firstTlsFlag(values)}: only with TLS: add --tls`);
  }
  if (values.sentinel !== undefined) {
    return {
      kind: 'sentinel',
      master: values.master ?? 'mymaster',
      sentinels: parseAddresses('sentinel', values.sentinel, 26_379),
      access,
      sentinelPassword: values['sentinel-password'] ?? env.SESS_SENTINEL_PASSWORD,
    };
  }
  if (values.master !== undefined) throw usageError('--master: only with --sentinel');
  if (values['sentinel-password'] !== undefined) {
    throw usageError('--sentinel-password: only with --sentinel');
  }
  if (values.cluster !== undefined) {
    return { kind: 'cluster', nodes: parseAddresses('cluster', values.cluster, 6_379), access };
  }
  for (const name of ['username', 'password', 'tls'] as const) {
    if (values[name] !== undefined) {
      throw usageError(`--${name}: only with --sentinel or --cluster (put it in the URL)`);
    }
  }
  const url = values.url ?? env.SESS_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw usageError(`--url: not a URL: ${url}`);
  }
  if (!['redis:', 'rediss:', 'unix:'].includes(protocol)) {
    throw usageError(`--url: expected redis://, rediss:// or unix://, got ${protocol}`);
  }
  if (tlsFiles && protocol !== 'rediss:') {
    throw usageError(
      `--${firstTlsFlag(values)}: only with TLS: use a rediss:// URL (got ${protocol}//)`,
    );
  }
  return { kind: 'standalone', url, tlsFiles };
}

/** `--tls-ca`, `--tls-cert`, `--tls-key`, or undefined when none is given. */
function parseTlsFiles(values: Values): TlsFiles | undefined {
  const files: TlsFiles = {
    ca: values['tls-ca'],
    cert: values['tls-cert'],
    key: values['tls-key'],
  };
  for (const name of ['tls-ca', 'tls-cert', 'tls-key'] as const) {
    if (values[name] === '') throw usageError(`--${name}: expected a file name`);
  }
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw usageError(
      files.cert === undefined
        ? '--tls-key: only with --tls-cert (the client certificate it belongs to)'
        : '--tls-cert: needs --tls-key (the private key of the certificate)',
    );
  }
  return files.ca === undefined && files.cert === undefined ? undefined : files;
}

function firstTlsFlag(values: Values): string {
  return values['tls-ca'] !== undefined ? 'tls-ca' : 'tls-cert';
}

/** `host:port,[::1]:port,redis://host:port` into addresses; a missing port is `defaultPort`. */
export function parseAddresses(option: string, text: string, defaultPort: number): HostPort[] {
  const addresses = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const url = /^[a-z]+:\/\//i.test(part) ? part : `redis://${part}`;
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw usageError(`--${option}: not host:port: ${part}`);
      }
      const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
      const port = parsed.port === '' ? defaultPort : Number(parsed.port);
      if (host === '') throw usageError(`--${option}: not host:port: ${part}`);
      return { host, port };
    });
  if (addresses.length === 0) throw usageError(`--${option}: expected host:port[,host:port...]`);
  return addresses;
}

function integerOption(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw usageError(`--${name}: expected an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
