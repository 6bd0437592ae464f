export type { CliArguments, CommandName, HostPort, NodeAccess, Target } from './cli-arguments.js';
export { COMMANDS, parseCliArguments, USAGE } from './cli-arguments.js';
export type { CheckResult, CheckStatus } from './doctor/check-result.js';
export { ExitCode } from './exit-codes.js';
export { type CliIo, runCli } from './run-cli.js';
