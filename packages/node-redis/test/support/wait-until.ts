/** Polls `check` until it answers true, failing after `ms`. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  ms: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${message} within ${ms} ms`);
}
