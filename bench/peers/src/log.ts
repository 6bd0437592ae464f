/** A progress line of a bench run, with the time of day it was written. */
export function log(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}
