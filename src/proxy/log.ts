/**
 * Structured JSON logs (pino) with request ids.
 *
 * One line per event; every request-scoped line carries `reqId` (taken from a valid
 * `X-Request-Id` header, else generated) so an operator can follow one download across
 * upstream fetches and verification. URLs with credentials are redacted before logging.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { randomBytes } from 'node:crypto';
import { redact } from '../shared/redact.js';

export type { Logger } from 'pino';

/** LogSink is where log lines go (a Writer with write(string)). */
export interface LogSink {
  write(chunk: string): unknown;
}

/** createLogger returns a pino logger writing JSON lines to sink at level. */
export function createLogger(options: { level: string; sink?: LogSink; base?: Record<string, unknown> }): Logger {
  const sink: LogSink = options.sink ?? { write: () => true };
  const destination: DestinationStream = { write: (s: string) => void sink.write(redact(s)) };
  return pino(
    {
      level: options.level,
      base: { name: 'modrescue-proxy', ...(options.base ?? {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
let counter = 0;
const prefix = randomBytes(4).toString('hex');

/** requestId returns the client's X-Request-Id when it is safe to echo, else a new id. */
export function requestId(header: string | null | undefined): string {
  if (header && REQUEST_ID.test(header)) return header;
  counter = (counter + 1) % 0x7fffffff;
  return `${prefix}-${counter.toString(36)}`;
}
