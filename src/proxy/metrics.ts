/**
 * Prometheus metrics of the proxy (prom-client), served at `/-/metrics`.
 *
 * Each proxy instance owns its Registry (never the global one), so several servers can run
 * in one process (tests) without clashing. Names and labels are part of the operator
 * interface documented in docs/proxy.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** CacheResult is the `result` label of modrescue_proxy_cache_total. */
export type CacheResult = 'hit' | 'miss' | 'stale';

/** UpstreamResult is the `result` label of modrescue_proxy_upstream_requests_total. */
export type UpstreamResult = 'ok' | 'not_found' | 'error' | 'timeout' | 'circuit_open';

/** CIRCUIT_STATE_VALUES maps circuit states to the gauge value of modrescue_proxy_circuit_state. */
export const CIRCUIT_STATE_VALUES = { closed: 0, open: 1, 'half-open': 2, isolated: 3 } as const;

/** ProxyMetrics holds the instruments the proxy updates. */
export interface ProxyMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'status'>;
  readonly requestDuration: Histogram<'route'>;
  readonly cache: Counter<'result'>;
  readonly upstreamRequests: Counter<'upstream' | 'result'>;
  readonly upstreamDuration: Histogram<'upstream'>;
  readonly circuitState: Gauge<'upstream'>;
  readonly verificationFailures: Counter<'reason'>;
  readonly inFlightDownloads: Gauge;
  readonly evictions: Counter<'kind'>;
}

/** createMetrics registers the proxy's metrics (and Node process metrics) in a new Registry. */
export function createMetrics(options: { processMetrics?: boolean } = {}): ProxyMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'modrescue_proxy_process_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'modrescue_proxy_requests_total',
      help: 'HTTP requests answered, by route (list, latest, info, mod, zip, sumdb, ops, other) and status code.',
      labelNames: ['route', 'status'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'modrescue_proxy_request_duration_seconds',
      help: 'Time to produce the response headers, by route.',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    }),
    cache: new Counter({
      name: 'modrescue_proxy_cache_total',
      help: 'Cache lookups: hit (served from cache), miss (fetched upstream), stale (served from cache after an upstream failure or while refreshing).',
      labelNames: ['result'],
      registers,
    }),
    upstreamRequests: new Counter({
      name: 'modrescue_proxy_upstream_requests_total',
      help: 'Requests sent to upstreams (after retries), by upstream and result.',
      labelNames: ['upstream', 'result'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'modrescue_proxy_upstream_duration_seconds',
      help: 'Duration of upstream requests including the body, by upstream.',
      labelNames: ['upstream'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 30, 60, 120],
      registers,
    }),
    circuitState: new Gauge({
      name: 'modrescue_proxy_circuit_state',
      help: 'Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open, 3 isolated.',
      labelNames: ['upstream'],
      registers,
    }),
    verificationFailures: new Counter({
      name: 'modrescue_proxy_verification_failures_total',
      help: 'Upstream content refused by verification, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    evictions: new Counter({
      name: 'modrescue_proxy_evictions_total',
      help: 'Objects deleted to keep the store under storage.maxBytes, by kind (list, versioned).',
      labelNames: ['kind'],
      registers,
    }),
    inFlightDownloads: new Gauge({
      name: 'modrescue_proxy_in_flight_responses',
      help: 'Responses whose body is still being sent.',
      registers,
    }),
  };
}

/** parseMetricValue reads one sample from Prometheus text (tests and the API use it). */
export function parseMetricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      got[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) {
      total += Number(m[3]);
      found = true;
    }
  }
  return found ? total : 0;
}
