/** What closing needs of a client: any node-redis client kind fits. */
export interface Closable {
  readonly isOpen: boolean;
  close(): Promise<unknown>;
  destroy(): unknown;
}

/** Closes gracefully (pending replies arrive) for at most `graceMs`, then cuts the connection. */
export async function closeClient(client: Closable, graceMs: number): Promise<void> {
  if (!client.isOpen) return;
  if (graceMs === 0) {
    await Promise.resolve(client.destroy()).catch(() => {});
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const graceful = client.close().then(
    () => true,
    () => false,
  );
  const closedInTime = await Promise.race([
    graceful,
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (!closedInTime) await Promise.resolve(client.destroy()).catch(() => {});
}
