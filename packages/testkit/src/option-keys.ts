/**
 * Throws when `options` has a key outside `known`, naming the key, where it was found, and
 * what is accepted there (a misspelt option would otherwise be ignored without a word).
 */
export function rejectUnknownKeys(
  options: object,
  known: readonly string[],
  where: string,
  hint: string,
): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: expected an object (${hint})`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${where}: unknown option '${key}'; the options are ${known.join(', ')} (${hint})`,
      );
    }
  }
}
