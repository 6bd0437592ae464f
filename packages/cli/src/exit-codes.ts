/** What the `sess` command exits with. */
export const ExitCode = {
  /** Done; for `doctor`, no check failed (warnings allowed). */
  ok: 0,
  /** A check failed, or the operation could not be done (no such session, lease held elsewhere). */
  failed: 1,
  /** The command line is wrong: unknown option, missing argument, malformed session id. */
  usage: 2,
  /** Redis could not be reached. */
  unreachable: 3,
  /**
   * Done in part: the server refused commands some checks (`doctor`) or figures (`stats`)
   * need to this user (ACL `NOPERM`, or a command it does not have); the output names each.
   * Nothing that did run failed.
   */
  partial: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
