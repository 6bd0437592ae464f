import type { CommandCall } from '@sess/core/port';

/** A command call as node-redis sends it: the name, then every argument as a string. */
export function commandArgs(call: CommandCall): string[] {
  const args = [call.command];
  for (const arg of call.args) args.push(typeof arg === 'string' ? arg : String(arg));
  return args;
}
