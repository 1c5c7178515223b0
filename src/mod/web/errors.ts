/**
 * HttpError: the one error type of the web layer, with the go command's wording.
 *
 * Transport failures read as Go's net/http client errors (`Get "https://…": dial tcp:
 * lookup host: no such host`); status failures as cmd/go/internal/web.HTTPError
 * (`reading https://…: 404 Not Found` + `\n\tserver response: …`). URLs are always
 * redacted before they reach a message or a field.
 */
import { CodedError } from '../internal/errors.js';

/** HttpCauseCode classifies the underlying failure of a transport error. */
export type HttpCauseCode =
  | 'ETIMEDOUT'
  | 'ENOTFOUND'
  | 'EAI_AGAIN'
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'EOF'
  | 'CERT_UNKNOWN_AUTHORITY'
  | 'CERT_EXPIRED'
  | 'CERT_HOSTNAME'
  | 'CERT_OTHER'
  | 'PROXY'
  | 'REDIRECT'
  | 'TOO_LARGE'
  | 'FILE'
  | 'OTHER';

/** HttpErrorFields are the structured facts every HttpError carries. */
export interface HttpErrorFields {
  /** The request URL, redacted. */
  url: string;
  status?: number;
  statusText?: string;
  /** Up to 8 lines of a text/plain error body, as the go command shows it. */
  bodyExcerpt?: string;
  /** Milliseconds from the start of the request to the failure. */
  elapsedMs: number;
  causeCode?: HttpCauseCode;
  [key: string]: unknown;
}

/**
 * HttpError is a CodedError for a failed HTTP (or file://) fetch: ERR_WEB_TRANSPORT (no
 * usable response: DNS, connect, TLS, timeout, reset, redirect policy, broken body).
 * Status answers are not errors here: protocol clients (goproxy, sumdb) decide.
 */
export class HttpError extends CodedError {
  declare readonly fields: Readonly<HttpErrorFields>;
  constructor(code: 'ERR_WEB_TRANSPORT', message: string, fields: HttpErrorFields, cause?: unknown) {
    super(code, message, fields, cause === undefined ? undefined : { cause });
    this.name = 'HttpError';
  }
}

/** isHttpError reports whether e is an HttpError. */
export function isHttpError(e: unknown): e is HttpError {
  return e instanceof HttpError;
}
