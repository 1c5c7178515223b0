#!/usr/bin/env node
// The only place that touches the real process: binds Io to stdio and sets the exit code.
import { main } from '../dist/cli/main.js';

const controller = new AbortController();
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    interrupted = true;
    controller.abort();
    // A second signal ends the process at once.
    process.once(sig, () => process.exit(130));
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // A getter: touching process.stdin creates a handle, so only commands that read it do.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = interrupted ? 130 : code;
