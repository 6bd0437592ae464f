import { ExitCode } from './exit-codes.js';

/** A failure the command explains itself: its message is shown as is, with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  /** A short machine-readable reason for `--json` output. */
  readonly code: string;

  constructor(exitCode: ExitCode, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
    this.code = code;
  }
}

export function usageError(message: string): CliError {
  return new CliError(ExitCode.usage, 'USAGE', message);
}
