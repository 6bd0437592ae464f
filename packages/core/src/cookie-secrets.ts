import { SessError } from './errors.js';

/**
 * The fewest characters a secret of the `secrets` option may have: a shorter one can be found by
 * trying, offline, from a single signed cookie. `CookieSigner` itself takes any secret, so a tool
 * can still check cookies signed before.
 */
export const MIN_SECRET_LENGTH = 32;

/** How to make a secret, for the messages about `secrets`. */
export const SECRET_RECIPE = `make one with node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`;

/**
 * Throws `INVALID_OPTION` unless `secrets` is a non-empty list of strings of at least
 * `MIN_SECRET_LENGTH` characters. The message never shows a secret, only its place and length.
 */
export function checkSecrets(secrets: readonly unknown[]): void {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new SessError(
      'INVALID_OPTION',
      `secrets: expected a secret or a non-empty list of them (${SECRET_RECIPE})`,
    );
  }
  secrets.forEach((secret: unknown, index) => {
    const which = secrets.length === 1 ? 'the secret' : `secret ${index + 1} of ${secrets.length}`;
    if (typeof secret !== 'string') {
      throw new SessError('INVALID_OPTION', `secrets: ${which} is not a string`);
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new SessError(
        'INVALID_OPTION',
        `secrets: ${which} has ${secret.length} character${secret.length === 1 ? '' : 's'}; each needs at least ${MIN_SECRET_LENGTH} random ones, since a shorter secret can be found by trying from a single signed cookie (${SECRET_RECIPE})`,
      );
    }
  });
}
