/**
 * Io is the port through which the CLI reaches the outside world. `bin/` binds it to
 * the real process; tests bind it to buffers, so every command runs in-process.
 */
export interface Writer {
  write(chunk: string | Uint8Array): unknown;
  /** True when the stream is an interactive terminal (progress views, colour, prompts). */
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Standard input; undefined when there is none (tests that do not provide it). */
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The process environment, read only by src/cli. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory commands resolve relative paths against. */
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop promptly and exit 130. */
  readonly signal?: AbortSignal;
}
