import type { CleanerOptions, SessionStore } from '@sess/core';
import type { CliArguments } from './cli-arguments.js';
import type { Connection } from './connection.js';
import type { ExitCode } from './exit-codes.js';
import type { ProgressBar } from './progress-bar.js';

/** What a command hands back: its exit code, the JSON document and the text for people. */
export interface CommandOutput {
  readonly exitCode: ExitCode;
  readonly json: unknown;
  readonly text: string;
}

export interface CommandContext {
  readonly args: CliArguments;
  readonly connection: Connection;
  /** A store on the connection's port with the given prefix and buckets; closed after the command. */
  openStore(cleaner?: CleanerOptions): SessionStore;
  /** A progress bar on stderr (drawn only on a terminal, never with --json or --no-progress). */
  progress(label: string, total: number): ProgressBar;
}

export type Command = (context: CommandContext) => Promise<CommandOutput>;
