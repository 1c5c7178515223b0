/**
 * Runs the CLI in-process through main(argv, io) and captures what it prints, for
 * transcript tests. The environment is exactly what the test passes (nothing leaks in
 * from the developer's shell), plus HOME pointing at an empty directory.
 */
import { main } from '../../src/cli/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  signal?: AbortSignal;
}

class Capture {
  chunks: Buffer[] = [];
  isTTY = false;
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return true;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** run executes `modrescue ...argv` in-process. */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  let stdin: NodeJS.ReadableStream | undefined;
  if (options.stdin !== undefined) {
    const { Readable } = await import('node:stream');
    stdin = Readable.from([Buffer.from(options.stdin)]);
  }
  const code = await main(argv, {
    stdout,
    stderr,
    stdin,
    env: { PATH: process.env['PATH'], HOME: '/nonexistent-home', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
