/**
 * Last-resort cleanup of what the testkit started (server processes, temp dirs), for a test
 * run that crashes or is interrupted before its `stop()` calls: no server may outlive it.
 * Tasks run synchronously, since `exit` listeners cannot wait.
 */
const tasks = new Set<() => void>();
let installed = false;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function runAll(): void {
  for (const task of [...tasks]) {
    try {
      task();
    } catch {
      // Best effort: one failed task must not keep the others from running.
    }
  }
  tasks.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', runAll);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      runAll();
      process.removeListener(signal, onSignal);
      // Listening to a signal disables its default action: restore it when nobody else
      // handles the signal, so an interrupted run still ends.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Runs `task` if the process exits before the returned function is called. */
export function registerExitCleanup(task: () => void): () => void {
  install();
  tasks.add(task);
  return () => {
    tasks.delete(task);
  };
}
