import { isValidSessionId } from '@sess/core/internal';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/**
 * `sess revoke --principal <p>`: ends every session of the principal (`revoked` events).
 * `sess revoke --id <id>`: ends one session (a `destroyed` event, reason `sess revoke`).
 */
export const revokeCommand: Command = async ({ args, openStore }) => {
  if (args.id !== undefined) {
    const id = args.id;
    if (!isValidSessionId(id)) {
      throw new CliError(
        ExitCode.usage,
        'INVALID_ID',
        '--id: not a session id: expected 43 base64url characters (256 random bits)',
      );
    }
    const ended = await openStore().destroy(id, 'sess revoke');
    return {
      exitCode: ended ? ExitCode.ok : ExitCode.failed,
      json: { id, revoked: ended ? 1 : 0 },
      text: ended ? `Revoked session ${id}.` : `No session ${id}: nothing revoked.`,
    };
  }
  const principal = args.principal as string;
  const revoked = await openStore().revokePrincipal(principal);
  return {
    exitCode: ExitCode.ok,
    json: { principal, revoked },
    text: `Revoked ${revoked} session${revoked === 1 ? '' : 's'} of principal "${principal}".`,
  };
};
