/** CliContext is what every command receives: the Io port plus small output helpers. */
import type { Io } from '../shared/io.js';
import { redact } from '../shared/redact.js';

export interface CliContext {
  readonly io: Io;
  /** Writes one line (a newline is added) to stdout. */
  out(line: string): void;
  /** Writes one line to stderr, redacting secrets. */
  err(line: string): void;
  /** Prints a modrescue JSON document: `schemaVersion: 1` first, two-space indent, trailing newline. */
  json(doc: Record<string, unknown>): void;
  /** Resolves a path argument against the working directory. */
  resolve(p: string): string;
}

/** SCHEMA_VERSION is carried by every modrescue `--json` document (not by go-compatible `-json`). */
export const SCHEMA_VERSION = 1;

export async function createContext(io: Io): Promise<CliContext> {
  const path = await import('node:path');
  return {
    io,
    out: (line) => void io.stdout.write(line + '\n'),
    err: (line) => void io.stderr.write(redact(line) + '\n'),
    json: (doc) => void io.stdout.write(JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...doc }, null, 2) + '\n'),
    resolve: (p) => path.resolve(io.cwd, p),
  };
}
