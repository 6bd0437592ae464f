/**
 * The commands the CLI sends whose first argument is a subcommand that ACL rules name
 * (`+cluster|info`): only these, as the CLI sends no other such command.
 */
const CONTAINERS = new Set(['CLUSTER', 'SENTINEL']);

/**
 * The server refused a command to this user (an ACL `NOPERM`), or does not know it (renamed
 * or disabled, as managed services do): the check or figure that needs it is not run, and
 * the report says which command was refused and why.
 */
export class CommandRefusedError extends Error {
  override readonly name = 'CommandRefusedError';
  /** The command as ACL rules name it: `INFO`, `CLUSTER INFO`, `TIME`. */
  readonly command: string;
  /** What the server answered. */
  readonly reply: string;

  constructor(command: string, reply: string, options?: { cause?: unknown }) {
    super(`${command} refused: ${reply}`, options);
    this.command = command;
    this.reply = reply;
  }
}

/** `INFO`, `CLUSTER SLOTS`, `SENTINEL MASTER` from the arguments of a call. */
export function commandName(args: readonly (string | number)[]): string {
  const [first, second] = args.map((arg) => String(arg).toUpperCase());
  if (first === undefined) return '';
  return second !== undefined && CONTAINERS.has(first) ? `${first} ${second}` : first;
}

/** True for the replies that mean "not for you": NOPERM, or a command the server does not have. */
export function isRefusal(message: string): boolean {
  return /^NOPERM\b/.test(message) || /^ERR unknown (sub)?command\b/i.test(message);
}

/** `error` as a `CommandRefusedError` naming the command of `args` when it is a refusal; else as is. */
export function refusalOf(error: unknown, args: readonly (string | number)[]): unknown {
  if (error instanceof CommandRefusedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return isRefusal(message)
    ? new CommandRefusedError(commandName(args), message, { cause: error })
    : error;
}
