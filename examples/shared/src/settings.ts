/** What `main` reads from the environment. */
export interface Settings {
  /** `PORT`; 0 lets the system pick a free one. @default 3000 */
  readonly port: number;
  /** `HOST`. @default '127.0.0.1' (this demo has no passwords: keep it off the network) */
  readonly host: string;
  /** `SESSION_SECRETS`, comma-separated, the first signs. @default undefined (unsigned cookies) */
  readonly secrets: string[] | undefined;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new Error(
      `PORT: expected a port number from 0 to 65535, got ${JSON.stringify(env.PORT)}`,
    );
  }
  const secrets = env.SESSION_SECRETS?.split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  return {
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    secrets: secrets && secrets.length > 0 ? secrets : undefined,
  };
}

/** The address to open in a browser for a server listening on `host`:`port`. */
export function browserUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/`;
}
