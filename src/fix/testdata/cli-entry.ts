/**
 * Runs `modrescue <args>` from the sources in a child process (node --import tsx), for the
 * crash-safety test that SIGKILLs it in the middle of an action. Mirrors bin/modrescue.js.
 */
import { main } from '../../cli/main.js';

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
