/**
 * The network seam of src/mod. Library code never opens sockets itself: it receives a
 * FetchLike (a subset of the web-standard fetch) and the composition root decides what
 * stands behind it (the undici client with timeouts, retries, proxies and credentials,
 * an in-memory handler in tests, or a file:// reader).
 */

/** FetchInit is the part of RequestInit that module-protocol clients use. */
export interface FetchInit {
  readonly method?: 'GET' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** FetchLike fetches url and resolves with a web-standard Response (any status); it rejects only on transport errors. */
export type FetchLike = (url: string, init?: FetchInit) => Promise<Response>;
