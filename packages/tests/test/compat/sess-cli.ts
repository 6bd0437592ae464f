import { runCli } from '@sess/cli';

/** `sess list --principal <p> --json` against `url`: the ids it lists. */
export async function sessList(url: string, prefix: string, principal: string): Promise<string[]> {
  let stdout = '';
  const code = await runCli(
    ['list', '--principal', principal, '--url', url, '--prefix', prefix, '--json', '--no-progress'],
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true, isTTY: false },
      env: {},
    },
  );
  if (code !== 0) throw new Error(`sess list exited with ${code}: ${stdout}`);
  const { sessions } = JSON.parse(stdout) as { sessions: Array<{ id: string }> };
  return sessions.map((session) => session.id);
}
