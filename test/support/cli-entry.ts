/**
 * Runs `modrescue <args>` from the sources in a child process (node --import tsx), for
 * tests that need a real process to signal or SIGKILL (fix's crash-safety test, the
 * proxy's crash test). Mirrors bin/modrescue.js.
 */
import { main } from '../../src/cli/main.js';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
