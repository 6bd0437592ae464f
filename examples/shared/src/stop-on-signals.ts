/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. A second signal while stopping exits at
 * once. (The testkit kills a throwaway redis-server on these signals too; `stop` closes it
 * properly first.)
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
