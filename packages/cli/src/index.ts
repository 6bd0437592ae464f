// `@sess/cli`: the `sess` command, and the same commands from code (`runCli`). How each command
// parses and prints is the command's own, not an API.
export { ExitCode } from './exit-codes.js';
export type { ProgressStream } from './progress-bar.js';
export { type CliIo, runCli } from './run-cli.js';
