import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { formatMoment, truncate } from '../format.js';
import { renderTable } from '../text-table.js';

/** `sess list --principal <p>`: the principal's live sessions, soonest-expiring first (two round trips). */
export const listCommand: Command = async ({ args, openStore }) => {
  const principal = args.principal as string;
  const store = openStore();
  const now = store.options.now();
  const records = await store.findByPrincipal(principal);
  const sessions = records.map((record) => ({
    id: record.id,
    createdAt: record.createdAt,
    lastAccessAt: record.lastAccessAt,
    expiresAt: record.expiresAt,
    attributes: record.names().sort(),
  }));
  const text =
    sessions.length === 0
      ? `No live sessions for principal "${principal}".`
      : `${sessions.length} live session${sessions.length === 1 ? '' : 's'} for principal "${principal}":\n\n${renderTable(
          [
            { header: 'Session' },
            { header: 'Created' },
            { header: 'Last access' },
            { header: 'Expires' },
            { header: 'Attributes' },
          ],
          sessions.map((session) => [
            session.id,
            formatMoment(session.createdAt, now),
            formatMoment(session.lastAccessAt, now),
            formatMoment(session.expiresAt, now),
            truncate(session.attributes.join(', ') || '-', 40),
          ]),
        )}`;
  return { exitCode: ExitCode.ok, json: { principal, sessions }, text };
};
