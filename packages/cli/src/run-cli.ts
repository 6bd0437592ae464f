import {
  type CleanerOptions,
  createMemoryPort,
  createSessionStore,
  isSessError,
  type SessionStore,
} from '@sess/core';
import { type CliArguments, type CommandName, parseCliArguments, USAGE } from './cli-arguments.js';
import { CliError } from './cli-error.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { cleanupCommand } from './commands/cleanup-command.js';
import { doctorCommand } from './commands/doctor-command.js';
import { inspectCommand } from './commands/inspect-command.js';
import { listCommand } from './commands/list-command.js';
import { revokeCommand } from './commands/revoke-command.js';
import { statsCommand } from './commands/stats-command.js';
import type { Connection } from './connection.js';
import { ExitCode } from './exit-codes.js';
import { ProgressBar, type ProgressStream } from './progress-bar.js';

/** Where the CLI reads its environment and writes its output (a process, or a test). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const HANDLERS: Record<CommandName, Command> = {
  stats: statsCommand,
  inspect: inspectCommand,
  list: listCommand,
  revoke: revokeCommand,
  cleanup: cleanupCommand,
  doctor: doctorCommand,
};

/**
 * Runs `sess` with `argv` (the arguments after the program name) and returns the exit code:
 * 0 done, 1 a check or operation failed, 2 usage error, 3 Redis unreachable, 4 done in part
 * (`doctor`, `stats`: commands refused to this user, each named in the output). With `--json`,
 * stdout carries exactly one JSON document, an `{ error }` one on failure.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const json = argv.includes('--json');
  let args: CliArguments | undefined;
  try {
    args = parseCliArguments(argv, io.env);
  } catch (error) {
    return report(io, json, error, true);
  }
  if (!args) {
    io.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  let connection: Connection | undefined;
  const stores: SessionStore[] = [];
  try {
    // Checks the store options before any connection: a bad --prefix is a usage error.
    stores.push(storeOn(args, createMemoryPort()));
    // Loaded only now: the Redis client takes a while to load, and help or a usage error needs none.
    const { connect } = await import('./connection.js');
    connection = await connect(args.target, args.timeout);
    const open = connection;
    const parsed = args;
    const context: CommandContext = {
      args,
      connection,
      openStore: (cleaner) => {
        const store = storeOn(parsed, open.port, cleaner);
        stores.push(store);
        return store;
      },
      progress: (label, total) =>
        new ProgressBar(io.stderr, label, total, parsed.progress && !json),
    };
    const output: CommandOutput = await HANDLERS[args.command](context);
    io.stdout.write(json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
    return output.exitCode;
  } catch (error) {
    return report(io, json, error, false);
  } finally {
    await Promise.allSettled(stores.map((store) => store.close()));
    await connection?.close();
  }
}

function storeOn(
  args: CliArguments,
  port: CommandContext['connection']['port'],
  cleaner?: CleanerOptions,
): SessionStore {
  return createSessionStore({
    port,
    prefix: args.prefix,
    buckets: args.buckets,
    operationTimeout: args.timeout,
    cleaner: cleaner ?? false,
  });
}

/** Writes an error the way the output mode wants it and picks its exit code. */
function report(io: CliIo, json: boolean, error: unknown, usage: boolean): ExitCode {
  const { exitCode, code, message } = describe(error, usage);
  if (json) io.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  else {
    io.stderr.write(`sess: ${message}\n`);
    if (exitCode === ExitCode.usage) io.stderr.write('Run `sess --help` for usage.\n');
  }
  return exitCode;
}

function describe(
  error: unknown,
  usage: boolean,
): { exitCode: ExitCode; code: string; message: string } {
  if (error instanceof CliError) {
    return { exitCode: error.exitCode, code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isSessError(error)) {
    const exitCode =
      error.code === 'INVALID_OPTION' || error.code === 'INVALID_ID'
        ? ExitCode.usage
        : ExitCode.failed;
    return { exitCode, code: error.code, message };
  }
  return { exitCode: usage ? ExitCode.usage : ExitCode.failed, code: 'ERROR', message };
}
