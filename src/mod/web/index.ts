/**
 * Package web: how modrescue reaches the network (cmd/go/internal/web and auth).
 *
 * Library code never opens sockets: it takes a FetchLike (types.ts). The composition root
 * builds one with createHttpClient (timeouts, retries, proxies given as values, extra CA
 * certificates, .netrc credentials under GOAUTH, file:// from disk). Failures are
 * HttpErrors worded as the go command words them, with redacted URLs.
 * See https://go.dev/ref/mod#private-module-proxy-auth for the credential rules.
 *
 * The client's answers are StreamResponses (response.ts): real Responses whose headers
 * and web body are built only when asked for; protocol clients read any Response's
 * headers and body through responseHeader and responseChunks, which take the Node
 * stream underneath when there is one (no web-stream adapter per request).
 *
 * Invariants: credentials are sent only over HTTPS to the host they were configured for
 * (or from the URL's own userinfo to that URL's host) and never follow a redirect to
 * another host; every request ends (connect and total timeouts); no message contains a
 * password.
 */
export type { FetchInit, FetchLike } from './types.js';
export {
  createHttpClient,
  goauthUsesNetrc,
  parseRetryAfter,
  type HttpClient,
  type HttpClientOptions,
} from './client.js';
export { createDeadlineQueue, type Deadline, type DeadlineQueue } from './deadline.js';
export { HttpError, isHttpError, type HttpCauseCode, type HttpErrorFields } from './errors.js';
export { FILE_ERROR_HEADER, fetchFile } from './file.js';
export {
  StreamResponse,
  discardBody,
  responseChunks,
  responseHeader,
  streamResponse,
  type BodyHooks,
  type RawHeaders,
} from './response.js';
export { netrcCredentials, parseNetrc, type Netrc, type NetrcLine } from './netrc.js';
export {
  escapeUrlPath,
  redactAll,
  redactUrl,
  shouldEscapeUrl,
  splitGoUrl,
  type GoUrlParts,
  type UrlEscapeMode,
} from './url.js';
export {
  MAX_ERROR_DETAIL_BYTES,
  MAX_ERROR_DETAIL_LINES,
  describeStatus,
  formatErrorDetail,
  isPlainTextUtf8,
  type StatusDescription,
} from './status.js';
