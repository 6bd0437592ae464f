import { SessError } from './errors.js';

/** The names one options object takes, and what to say about names it does not. */
export interface OptionKeys {
  /** Where the object sits, for messages: `'cookie'`, `'cleaner'`; `''` (default) at the top. */
  readonly path?: string;
  /** Every option the object takes. */
  readonly known: readonly string[];
  /**
   * Names that are not options here but mean something elsewhere: another library's option, or
   * an option of another sess object. The text says what to do instead.
   */
  readonly instead?: Readonly<Record<string, string>>;
}

/**
 * The names of every option of `T`, from an object with each of them as a key: a name missing
 * from it or not in `T` does not compile, so the list cannot drift from the interface.
 */
export function optionNames<T extends object>(names: Record<keyof T & string, true>): string[] {
  return Object.keys(names);
}

/**
 * Throws `SessError('INVALID_OPTION')` when `options` has an own key that `keys.known` does not
 * list: a silently ignored option is a setting the user believes in and does not have. Each
 * unknown key gets a line naming it with its path: what to do instead for a name listed in
 * `keys.instead`, else the closest known name ("did you mean"), else the names there are.
 */
export function checkOptionKeys(options: object, keys: OptionKeys): void {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (keys.known.includes(key)) continue;
    const name = keys.path ? `${keys.path}.${key}` : key;
    const instead = keys.instead !== undefined && Object.hasOwn(keys.instead, key);
    problems.push(`${name}: ${instead ? keys.instead?.[key] : unknownOption(key, keys)}`);
  }
  if (problems.length > 0) throw new SessError('INVALID_OPTION', problems.join('\n'));
}

function unknownOption(key: string, keys: OptionKeys): string {
  const closest = closestName(key, keys.known);
  if (closest !== undefined) return `unknown option; did you mean \`${closest}\`?`;
  const where = keys.path ? `of \`${keys.path}\`` : 'here';
  return `unknown option; the options ${where} are ${keys.known.map((k) => `\`${k}\``).join(', ')}`;
}

/**
 * The known name a typo most likely meant: the same letters in another case, or a few edits
 * away (fewer for short names, where every name is a few edits from every other).
 */
function closestName(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = known.find((name) => name.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Insertions, deletions, substitutions and swaps of neighbours that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      }
      row.push(value);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
