#!/usr/bin/env node
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// Everything is closed by now; should a socket linger, it must not keep the command running.
setTimeout(() => process.exit(), 2_000).unref();
