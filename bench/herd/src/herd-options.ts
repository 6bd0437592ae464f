/** What one herd run simulates. Every time is in real ms unless it says "minutes". */
export interface HerdOptions {
  /** Application instances, each with its own connection(s). */
  readonly instances: number;
  /** Sign-ins (and so expirations) per compressed minute. */
  readonly perMinute: number;
  /**
   * How long a compressed minute lasts (ms): 15_000 runs time 4× faster. Shorter minutes
   * overload a small machine in the replica run, and an overloaded replica does less than the
   * algorithm says (its listeners read hashes that expired meanwhile).
   */
  readonly minuteMs: number;
  /** The idle timeout, in compressed minutes (the article used 2). */
  readonly idleMinutes: number;
  /** How long sign-ins go on, in compressed minutes. */
  readonly signInMinutes: number;
  /** Where to write the JSON and the SVG chart. */
  readonly jsonPath: string;
  readonly svgPath: string;
  /** Which runs: both by default. */
  readonly runs: ReadonlyArray<'sess' | 'replica'>;
}

const USAGE = `npm run herd -w @sess/bench-herd -- [options]

  --instances N        application instances                     (HERD_INSTANCES, default 100)
  --per-minute N       sign-ins = expirations per minute          (HERD_PER_MINUTE, default 2500)
  --minute-ms MS       length of a compressed minute              (HERD_MINUTE_MS, default 15000)
  --idle-minutes N     idle timeout in compressed minutes         (HERD_IDLE_MINUTES, default 2)
  --sign-in-minutes N  how long sign-ins go on                    (HERD_SIGN_IN_MINUTES, default 4)
  --only sess|replica  run one side only
  --json PATH          results                                    (default results/herd.json)
  --svg PATH           chart                                      (default herd.svg)`;

export function parseHerdOptions(argv: readonly string[], env: NodeJS.ProcessEnv): HerdOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n\n${USAGE}`);
    flags.set(name, value);
  }
  const number = (flag: string, variable: string, fallback: number): number => {
    const text = flags.get(flag) ?? env[variable];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag}: a positive number`);
    return value;
  };
  const only = flags.get('only');
  if (only !== undefined && only !== 'sess' && only !== 'replica') {
    throw new Error('--only: sess or replica');
  }
  return {
    instances: Math.round(number('instances', 'HERD_INSTANCES', 100)),
    perMinute: Math.round(number('per-minute', 'HERD_PER_MINUTE', 2_500)),
    minuteMs: Math.round(number('minute-ms', 'HERD_MINUTE_MS', 15_000)),
    idleMinutes: number('idle-minutes', 'HERD_IDLE_MINUTES', 2),
    signInMinutes: number('sign-in-minutes', 'HERD_SIGN_IN_MINUTES', 4),
    jsonPath: flags.get('json') ?? 'results/herd.json',
    svgPath: flags.get('svg') ?? 'herd.svg',
    runs: only ? [only] : ['sess', 'replica'],
  };
}
