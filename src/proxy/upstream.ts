/**
 * The upstream chain: the proxies this proxy fetches from, with the go command's GOPROXY
 * semantics, one circuit breaker per upstream, bounded concurrency and per-upstream
 * metrics and status.
 *
 * Protocol requests go through the GOPROXY client of src/mod/goproxy over one HTTP client
 * per upstream (src/mod/web: connect and total timeouts, bounded retries with backoff and
 * jitter on network errors, 429 and 5xx, file:// support). This layer adds:
 * - the chain walk of cmd/go's TryProxies: after a `,` entry only "not found" (404/410)
 *   falls through, after a `|` entry any error does, `off` answers "not found"; the error
 *   returned is the first real failure, else the last "not found";
 * - a circuit breaker per upstream (cockatiel): after `breaker.failures` consecutive
 *   availability failures (transport errors, timeouts, 429, 5xx, truncated bodies) the
 *   circuit opens and calls fail fast with ERR_PROXY_CIRCUIT_OPEN; after
 *   `breaker.halfOpenAfter` one probe is let through, whose outcome closes or re-opens it.
 *   "Not found" and content problems are not availability failures;
 * - a global bound on concurrent upstream calls (`limits.maxUpstreamFetches`);
 * - metrics (modrescue_proxy_upstream_*, modrescue_proxy_circuit_state) and a status
 *   record (latency, recent errors) for `/-/api/upstreams` and readiness.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { GoproxyError, createProxyRepo, tryProxies, type ProxyRepo } from '../mod/goproxy/index.js';
import { createHttpClient, isHttpError, redactUrl, type HttpClient } from '../mod/web/index.js';
import type { FetchInit, FetchLike } from '../mod/web/types.js';
import type { ProxyConfig, UpstreamConfig } from './config.js';
import { isProxyError, ProxyError } from './errors.js';
import type { Logger } from './log.js';
import { CIRCUIT_STATE_VALUES, type ProxyMetrics, type UpstreamResult } from './metrics.js';

/** CircuitStateName is the readable circuit state. */
export type CircuitStateName = keyof typeof CIRCUIT_STATE_VALUES;

/** UpstreamError is one recent failure of an upstream. */
export interface UpstreamErrorRecord {
  readonly at: string;
  readonly code: string;
  readonly message: string;
}

/** UpstreamStatus is what `/-/api/upstreams` and readiness report for one upstream. */
export interface UpstreamStatus {
  /** The upstream URL with credentials redacted. */
  readonly url: string;
  readonly fallBackOnError: boolean;
  readonly state: CircuitStateName;
  readonly requests: number;
  readonly failures: number;
  /** Exponentially weighted mean latency of successful calls, ms (null before the first). */
  readonly latencyMs: number | null;
  readonly lastSuccess: string | null;
  readonly recentErrors: readonly UpstreamErrorRecord[];
}

/** Upstream is one entry of the chain. */
export interface Upstream {
  /** The redacted URL: the upstream's name in metrics, logs and error bodies. */
  readonly id: string;
  readonly config: UpstreamConfig;
  /** Whether this entry is the `off` keyword (nothing is ever fetched). */
  readonly off: boolean;
  /** The HTTP client of this upstream (timeouts, retries, extra headers). */
  readonly fetch: FetchLike;
  /** repo returns the GOPROXY protocol client for one module on this upstream. */
  repo(path: string, signal?: AbortSignal): ProxyRepo;
  /** call runs one upstream request through the breaker, the concurrency bound and the metrics. */
  call<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly state: CircuitStateName;
  status(): UpstreamStatus;
}

/** UpstreamChain is the ordered list of upstreams. */
export interface UpstreamChain {
  readonly upstreams: readonly Upstream[];
  /**
   * tryEach calls fn for each upstream in order until one succeeds, with the go command's
   * fall-through rules; it resolves with the value and the upstream that produced it, or
   * rejects with a ProxyError naming the upstream (ERR_PROXY_NOT_FOUND when every upstream
   * tried said "not found").
   */
  tryEach<T>(subject: string, fn: (u: Upstream) => Promise<T>): Promise<{ value: T; upstream: Upstream }>;
  /** close releases the HTTP clients. */
  close(): Promise<void>;
}

/** UpstreamChainOptions configures createUpstreamChain. */
export interface UpstreamChainOptions {
  readonly config: Pick<ProxyConfig, 'upstreams' | 'breaker' | 'retry' | 'limits'>;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  /** Builds the HTTP client of one upstream (tests may inject one); default createHttpClient. */
  readonly createFetch?: (u: UpstreamConfig) => HttpClient;
  /** User-Agent sent upstream. */
  readonly userAgent?: string;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * isNotAZip reports whether e is a zip download that arrived whole but is not a zip (no
 * end-of-central-directory record: Go's `zip: not a valid zip file`). That is content the
 * upstream served, refused as ERR_PROXY_INVALID_ZIP, not a transfer cut short.
 */
export function isNotAZip(e: unknown): boolean {
  return (
    e instanceof GoproxyError &&
    e.code === 'ERR_GOPROXY_ZIP_TRUNCATED' &&
    e.fields['contentLength'] === undefined &&
    e.message.endsWith('zip: not a valid zip file')
  );
}

/** isAvailabilityFailure says whether an upstream error should count against its circuit. */
export function isAvailabilityFailure(e: unknown): boolean {
  if (e instanceof GoproxyError) {
    if (e.notFound || isNotAZip(e)) return false;
    switch (e.code) {
      case 'ERR_GOPROXY_FETCH':
      case 'ERR_GOPROXY_ZIP_TRUNCATED':
        return true;
      case 'ERR_GOPROXY_STATUS': {
        const s = e.fields['status'];
        return typeof s === 'number' && (s >= 500 || s === 429);
      }
      default:
        return false;
    }
  }
  return isHttpError(e) && e.code === 'ERR_WEB_TRANSPORT';
}

/** isTimeout reports whether e is a client-side time limit of an upstream request. */
export function isTimeout(e: unknown): boolean {
  const f = (e as { fields?: Record<string, unknown> }).fields;
  return f?.['causeCode'] === 'ETIMEDOUT';
}

/** A counting semaphore for the global bound on upstream calls. */
function createSemaphore(limit: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    async acquire(signal?: AbortSignal): Promise<() => void> {
      if (active >= limit) {
        await new Promise<void>((resolve, reject) => {
          const go = () => {
            signal?.removeEventListener('abort', abort);
            resolve();
          };
          const abort = () => {
            const i = waiting.indexOf(go);
            if (i >= 0) waiting.splice(i, 1);
            reject(signal!.reason);
          };
          waiting.push(go);
          signal?.addEventListener('abort', abort, { once: true });
        });
      }
      active++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        active--;
        waiting.shift()?.();
      };
    },
  };
}

/**
 * toProxyError turns an upstream failure into the ProxyError the client sees, naming the
 * upstream. ProxyErrors (verification refusals) pass through with the upstream added.
 */
export function toProxyError(e: unknown, subject: string, upstream: string): ProxyError {
  if (isProxyError(e)) {
    if (e.fields.upstream !== undefined) return e;
    return new ProxyError(
      e.code,
      e.message,
      { ...e.fields, subject: e.fields.subject ?? subject, upstream },
      { cause: e },
    );
  }
  const fields = { subject, upstream };
  if (e instanceof BrokenCircuitError) {
    return new ProxyError('ERR_PROXY_CIRCUIT_OPEN', 'circuit open after repeated upstream failures', fields, {
      cause: e,
    });
  }
  if (e instanceof GoproxyError) {
    const status = typeof e.fields['status'] === 'number' ? e.fields['status'] : undefined;
    if (e.notFound) {
      return new ProxyError(
        'ERR_PROXY_NOT_FOUND',
        e.message,
        { ...fields, upstreamStatus: status, status: status === 410 ? 410 : 404 },
        { cause: e },
      );
    }
    if (isTimeout(e)) return new ProxyError('ERR_PROXY_UPSTREAM_TIMEOUT', e.message, fields, { cause: e });
    switch (e.code) {
      case 'ERR_GOPROXY_ZIP_TOO_LARGE':
        return new ProxyError('ERR_PROXY_TOO_LARGE', e.message, { ...fields, reason: 'too-large' }, { cause: e });
      case 'ERR_GOPROXY_INFO_MISMATCH':
        return new ProxyError('ERR_PROXY_INVALID_INFO', e.message, { ...fields, reason: 'info-version' }, { cause: e });
      default:
        return new ProxyError(
          'ERR_PROXY_UPSTREAM',
          e.message,
          { ...fields, ...(status !== undefined ? { upstreamStatus: status } : {}) },
          { cause: e },
        );
    }
  }
  if (isHttpError(e)) {
    if (isTimeout(e)) return new ProxyError('ERR_PROXY_UPSTREAM_TIMEOUT', e.message, fields, { cause: e });
    return new ProxyError('ERR_PROXY_UPSTREAM', e.message, fields, { cause: e });
  }
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new ProxyError('ERR_PROXY_UPSTREAM_TIMEOUT', 'request time limit exceeded', fields, { cause: e });
  }
  throw e;
}

/** chainOff is the "not found" of the `off` entry that ends a chain. */
function chainOff(subject?: string): ProxyError {
  return new ProxyError('ERR_PROXY_NOT_FOUND', 'module lookup disabled: the upstream chain ends with off', {
    ...(subject === undefined ? {} : { subject }),
    upstream: 'off',
  });
}

/** createUpstreamChain builds the chain described by config.upstreams. */
export function createUpstreamChain(options: UpstreamChainOptions): UpstreamChain {
  const { config, metrics, logger } = options;
  const semaphore = createSemaphore(config.limits.maxUpstreamFetches);
  const clients: HttpClient[] = [];

  const upstreams = config.upstreams.map((u): Upstream => {
    const id = u.url === 'off' ? 'off' : redactUrl(u.url);
    const client =
      u.url === 'off'
        ? undefined
        : (options.createFetch?.(u) ??
          createHttpClient({
            connectTimeoutMs: u.connectTimeoutMs,
            timeoutMs: u.timeoutMs,
            retries: u.retries,
            retryBaseDelayMs: config.retry.baseDelayMs,
            retryMaxDelayMs: config.retry.maxDelayMs,
            goauth: 'off',
            userAgent: options.userAgent ?? 'modrescue-proxy',
          }));
    if (client) clients.push(client);
    const extra = u.headers;
    const fetch: FetchLike = client
      ? Object.keys(extra).length === 0
        ? client
        : (url: string, init?: FetchInit) => client(url, { ...init, headers: { ...(init?.headers ?? {}), ...extra } })
      : async () => {
          throw chainOff();
        };

    const breaker: CircuitBreakerPolicy = circuitBreaker(handleWhen(isAvailabilityFailure), {
      halfOpenAfter: config.breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(config.breaker.failures),
    });
    metrics.circuitState.set({ upstream: id }, 0);
    breaker.onStateChange((s) => {
      const name = STATE_NAMES[s];
      metrics.circuitState.set({ upstream: id }, CIRCUIT_STATE_VALUES[name]);
      logger.warn({ upstream: id, state: name }, `upstream circuit ${name}`);
    });

    let requests = 0;
    let failures = 0;
    let latency: number | null = null;
    let lastSuccess: string | null = null;
    const recent: UpstreamErrorRecord[] = [];
    const record = (e: unknown) => {
      failures++;
      const err = e as { code?: string; message?: string };
      recent.unshift({
        at: new Date().toISOString(),
        code: err.code ?? (e instanceof BrokenCircuitError ? 'CIRCUIT_OPEN' : 'ERROR'),
        message: redactUrl(String(err.message ?? e)).split('\n')[0]!,
      });
      if (recent.length > 10) recent.pop();
    };

    return {
      id,
      config: u,
      off: u.url === 'off',
      fetch,
      repo(path, signal) {
        return createProxyRepo(u.url, path, {
          fetch,
          ...(signal ? { signal } : {}),
          maxZipBytes: config.limits.maxZipBytes,
        });
      },
      async call<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
        const release = await semaphore.acquire(signal);
        const start = performance.now();
        let result: UpstreamResult = 'ok';
        requests++;
        try {
          const value = await breaker.execute(() => fn());
          const ms = performance.now() - start;
          latency = latency === null ? ms : latency * 0.8 + ms * 0.2;
          lastSuccess = new Date().toISOString();
          return value;
        } catch (e) {
          if (e instanceof BrokenCircuitError) result = 'circuit_open';
          else if (e instanceof GoproxyError && e.notFound) result = 'not_found';
          else if (isTimeout(e)) result = 'timeout';
          else result = 'error';
          if (result !== 'not_found') record(e);
          throw e;
        } finally {
          release();
          metrics.upstreamRequests.inc({ upstream: id, result });
          if (result !== 'circuit_open')
            metrics.upstreamDuration.observe({ upstream: id }, (performance.now() - start) / 1000);
        }
      },
      get state() {
        return STATE_NAMES[breaker.state];
      },
      status() {
        return {
          url: id,
          fallBackOnError: u.fallBackOnError,
          state: STATE_NAMES[breaker.state],
          requests,
          failures,
          latencyMs: latency === null ? null : Math.round(latency * 10) / 10,
          lastSuccess,
          recentErrors: [...recent],
        };
      },
    };
  });

  return {
    upstreams,
    async tryEach<T>(subject: string, fn: (u: Upstream) => Promise<T>) {
      // The fall-through rules and the choice of the error to report are cmd/go's
      // TryProxies (src/mod/goproxy). Entries are named by index; failures of this layer
      // (verification, open circuits, `off`) travel through it wrapped in a GoproxyError.
      const specs = upstreams.map((u, i) => ({ url: String(i), fallBackOnError: u.config.fallBackOnError }));
      try {
        return await tryProxies(specs, async (index) => {
          const u = upstreams[Number(index)]!;
          try {
            if (u.off) throw chainOff(subject);
            return { value: await fn(u), upstream: u };
          } catch (e) {
            const err = toProxyError(e, subject, u.id);
            const notFound = err.code === 'ERR_PROXY_NOT_FOUND';
            logger.debug({ upstream: u.id, subject, code: err.code }, err.message.split('\n')[0]);
            throw new GoproxyError(notFound ? 'ERR_GOPROXY_NOT_FOUND' : 'ERR_GOPROXY_FETCH', err.message, {
              notFound,
              proxyError: err,
            });
          }
        });
      } catch (e) {
        const inner = e instanceof GoproxyError ? e.fields['proxyError'] : undefined;
        if (inner instanceof ProxyError) throw inner;
        if (e === undefined) throw new ProxyError('ERR_PROXY_NOT_FOUND', 'no upstream configured', { subject });
        throw e;
      }
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
    },
  };
}
