/** The longest name the sign-in form accepts (it becomes the session's principal). */
export const MAX_NAME_LENGTH = 64;

/**
 * The name from the sign-in form, trimmed, or undefined when it is empty, too long or holds
 * control characters. There is no password: the examples show sessions, not authentication.
 */
export function parseSignInName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return undefined;
  return name;
}
