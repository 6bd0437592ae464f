import { jsonSerializer } from '@sess/core';
import { parseStoredTimes, SESSION_META_FIELDS } from '@sess/core/internal';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { formatDuration, formatMoment, truncate } from '../format.js';
import { checkSignature, type SignatureState } from '../session-argument.js';
import { renderPairs, renderTable } from '../text-table.js';
import { withTimeout } from '../with-timeout.js';

type SessionState = 'live' | 'expired';

const SIGNATURE_TEXT: Record<SignatureState, string | undefined> = {
  none: undefined,
  unchecked: 'signed; the signature was NOT checked (give --secret to check it)',
  valid: 'signed; the signature is valid',
  stale: 'signed with an older secret; valid (the application signs it again with the first)',
};

/**
 * `sess inspect <id | cookie>`: the session hash as stored (HGETALL), its key's TTL and its
 * expiry index entry, in one round trip. Shows sessions the store would no longer load, too
 * (expired but not cleaned up yet, or marked by the cleaner), and says so. Given the cookie
 * value, it checks the signature when it has the secrets, before asking Redis anything.
 */
export const inspectCommand: Command = async ({ args, connection, openStore }) => {
  if (args.session === undefined) throw new Error('inspect: no session argument');
  const { id } = args.session;
  const signature = checkSignature(args.session, args.secrets);
  if (signature === undefined) {
    throw new CliError(
      ExitCode.failed,
      'BAD_SIGNATURE',
      "the cookie's signature matches none of the secrets given (--secret, $SESS_SECRET): the " +
        'application refuses this cookie (another secret signed it, or the value was altered); ' +
        'leave out --secret to inspect the session anyway',
    );
  }
  const signatureText = SIGNATURE_TEXT[signature];
  const store = openStore();
  const key = store.keys.session(id);
  const bucket = store.keys.bucketOf(id);
  const now = store.options.now();
  const [fields, pttl, score] = await withTimeout(
    connection.port.batch(
      [
        { command: 'HGETALL', keys: [key], args: [key] },
        { command: 'PTTL', keys: [key], args: [key] },
        { command: 'ZSCORE', keys: [bucket], args: [bucket, id] },
      ],
      { signal: AbortSignal.timeout(connection.timeout) },
    ),
    connection.timeout,
    'inspect',
  );
  for (const reply of [fields, pttl, score]) {
    if (reply instanceof Error) throw reply;
  }
  const stored = new Map<string, string>();
  if (Array.isArray(fields)) {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      stored.set(String(fields[i]), String(fields[i + 1]));
    }
  }
  if (stored.size === 0) {
    const indexed = score !== null && score !== undefined;
    const missing = indexed
      ? `No session ${id}, but its expiry index entry is still there (the cleaner removes it).`
      : `No session ${id}.`;
    return {
      exitCode: ExitCode.failed,
      json: { id, signature, found: false, indexedUntil: indexed ? Number(score) : null },
      text: signatureText === undefined ? missing : `${missing}\nCookie: ${signatureText}`,
    };
  }

  const M = SESSION_META_FIELDS;
  const timesText = stored.get(M.times);
  const times = timesText === undefined ? undefined : parseStoredTimes(timesText);
  const expiresAt = times?.expiresAt ?? null;
  const state: SessionState = expiresAt !== null && expiresAt > now ? 'live' : 'expired';
  const meta = {
    createdAt: times?.createdAt ?? null,
    lastAccessAt: times?.lastAccessAt ?? null,
    expiresAt,
    principal: stored.get(M.principal) ?? null,
  };
  const attributes: Record<string, unknown> = {};
  const undecodable: string[] = [];
  for (const [name, text] of stored) {
    if (name.startsWith('#')) continue;
    try {
      attributes[name] = jsonSerializer.parse(text);
    } catch {
      // Written with another serializer, or refused by the JSON one: shown as stored.
      attributes[name] = text;
      undecodable.push(name);
    }
  }
  const keyTtl = Number(pttl);
  const indexScore = score === null || score === undefined ? null : Number(score);
  const json = {
    id,
    signature,
    found: true,
    state,
    key,
    keyTtlMs: keyTtl >= 0 ? keyTtl : null,
    bucket,
    indexedUntil: indexScore,
    meta,
    attributes,
    undecodable,
  };

  const moment = (at: number | null) => (at === null ? '-' : formatMoment(at, now));
  const stateText = {
    live: 'live',
    expired: 'expired: past its expiry, waiting for the cleaner (the store no longer loads it)',
  }[state];
  const indexText =
    indexScore === null
      ? 'no entry (the cleaner will not see it; the key TTL still removes it)'
      : indexScore === expiresAt
        ? `${bucket}, matches the expiry`
        : `${bucket}, until ${moment(indexScore)}: differs from the expiry`;
  const pairs: Array<[string, string]> = [
    ['Session', id],
    ...(signatureText === undefined ? [] : [['Cookie', signatureText] as [string, string]]),
    ['State', stateText],
    ['Principal', meta.principal ?? '(anonymous)'],
    ['Created', moment(meta.createdAt)],
    ['Last access', moment(meta.lastAccessAt)],
    ['Expires', moment(expiresAt)],
    ['Key', `${key}, TTL ${keyTtl >= 0 ? formatDuration(keyTtl) : 'none'} (expiry + grace)`],
    ['Expiry index', indexText],
  ];
  const names = Object.keys(attributes).sort();
  const attributeText =
    names.length === 0
      ? 'No attributes.'
      : renderTable(
          [{ header: 'Attribute' }, { header: 'Value' }],
          names.map((name) => [
            name,
            undecodable.includes(name)
              ? `${truncate(String(attributes[name]), 100)} (raw: not JSON)`
              : truncate(JSON.stringify(attributes[name]) ?? 'undefined', 100),
          ]),
        );
  return {
    exitCode: ExitCode.ok,
    json,
    text: `${renderPairs(pairs)}\n\n${attributeText}`,
  };
};
