/**
 * The checksum databases the proxy verifies against and proxies.
 *
 * For each configured database (GOSUMDB syntax, parsed by src/mod/sumdb's parseGOSUMDB):
 * - a verifying client (src/mod/sumdb Client) whose lookups and tiles are cached in the
 *   proxy's storage under `sumdb/<name>/lookup/…` and `sumdb/<name>/tile/…` — the same
 *   keys as the proxy's `/sumdb/<name>/…` URLs, so what was verified is served to
 *   clients, also while the database is down — and whose latest signed tree head is kept
 *   under `-/sumdb/<name>/latest` (compare-and-swap within the one owning process);
 * - the database is reached at the GOSUMDB URL when one is given, else, as the go command
 *   does, through the first upstream answering `/sumdb/<name>/supported` with 200, else at
 *   `https://<name>`; a failed discovery is retried on the next request.
 *
 * The first configured database is the one module hashes are checked against.
 */
import {
  Client,
  getBytes,
  isNotExist,
  joinURL,
  parseGOSUMDB,
  tryProxies,
  writeConflict,
  type ClientOps,
  type SumdbConfig,
} from '../mod/sumdb/index.js';
import { newVerifier, open as openNote, verifierList } from '../mod/sumdb/note/index.js';
import { createHttpClient, redactUrl, type HttpClient } from '../mod/web/index.js';
import type { FetchInit, FetchLike } from '../mod/web/types.js';
import { ProxyError } from './errors.js';
import type { Logger } from './log.js';
import type { ProxyMetrics, UpstreamResult } from './metrics.js';
import { readStored, type Storage } from './storage/types.js';
import type { UpstreamChain } from './upstream.js';

/** SumdbHandle is one configured checksum database. */
export interface SumdbHandle {
  readonly name: string;
  readonly config: SumdbConfig;
  /** lookup returns the verified go.sum lines of path@version (or version/go.mod), caching the record and tiles. */
  lookup(path: string, version: string): Promise<string[]>;
  /** remote fetches a path below the database URL (`/latest`, `/tile/…`). */
  remote(path: string): Promise<Uint8Array>;
  /** checkLatest throws unless data is a tree head signed by the database's key. */
  checkLatest(data: Uint8Array): void;
  /** The database URL in use (redacted), once discovered. */
  readonly baseUrl: string | undefined;
}

/** SumdbSet is every configured database. */
export interface SumdbSet {
  readonly all: readonly SumdbHandle[];
  /** The database module hashes are checked against (the first configured). */
  readonly primary: SumdbHandle | undefined;
  get(name: string): SumdbHandle | undefined;
  close(): Promise<void>;
}

/** SumdbSetOptions configures createSumdbSet. */
export interface SumdbSetOptions {
  /** GOSUMDB-syntax entries (config.sumdb). */
  readonly entries: readonly string[];
  readonly chain: UpstreamChain;
  readonly storage: Storage;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  /** Time limit of one database request, ms. */
  readonly timeoutMs: number;
  /** HTTP client for databases not reached through an upstream (tests may inject one). */
  readonly createFetch?: () => HttpClient;
  /** Lookups after which a client is replaced (bounds its in-memory caches). */
  readonly recycleAfter?: number;
}

/**
 * createSumdbSet parses the entries and sets up one client per database. It throws
 * ERR_PROXY_CONFIG (with the go command's GOSUMDB wording) for a malformed entry.
 */
export function createSumdbSet(options: SumdbSetOptions): SumdbSet {
  const { chain, storage, metrics, logger } = options;
  let direct: HttpClient | undefined;
  const directFetch: FetchLike = (url, init) => {
    direct ??= options.createFetch?.() ?? createHttpClient({ timeoutMs: options.timeoutMs, goauth: 'off', retries: 1 });
    return direct(url, init);
  };
  // Requests to an upstream's /sumdb/ URL go through that upstream's client.
  const routedFetch: FetchLike = (url: string, init?: FetchInit) => {
    const u = chain.upstreams.find((x) => !x.off && url.startsWith(x.config.url.replace(/\/+$/, '') + '/'));
    return (u ? u.fetch : directFetch)(url, init);
  };

  const all = options.entries.map((entry): SumdbHandle => {
    let config: SumdbConfig;
    try {
      config = parseGOSUMDB(entry);
    } catch (e) {
      throw new ProxyError('ERR_PROXY_CONFIG', `sumdb ${JSON.stringify(redactUrl(entry))}: ${(e as Error).message}`, {
        exitCode: 2,
      });
    }
    const name = config.name;
    const verifiers = verifierList(newVerifier(config.key));
    let baseUrl: string | undefined;
    let base: Promise<string> | undefined;

    const get = async (url: string): Promise<Uint8Array> => {
      const start = performance.now();
      const label = redactUrl(baseUrl ?? url);
      let result: UpstreamResult = 'ok';
      try {
        return await getBytes(routedFetch, url, { timeoutMs: options.timeoutMs });
      } catch (e) {
        const f = (e as { fields?: Record<string, unknown> }).fields ?? {};
        result = isNotExist(e) ? 'not_found' : f['causeCode'] === 'ETIMEDOUT' ? 'timeout' : 'error';
        throw e;
      } finally {
        metrics.upstreamRequests.inc({ upstream: label, result });
        metrics.upstreamDuration.observe({ upstream: label }, (performance.now() - start) / 1000);
      }
    };

    const discover = async (): Promise<string> => {
      if (config.url !== undefined) return config.url;
      let found: string | undefined;
      const proxies = chain.upstreams.map((u) => ({
        url: u.off ? 'off' : u.config.url,
        fallBackOnError: u.config.fallBackOnError,
      }));
      const err = await tryProxies(proxies, async (proxy) => {
        if (proxy === 'off') {
          throw Object.assign(new Error('off'), { code: 'ENOENT' });
        }
        await get(joinURL(proxy, `sumdb/${name}/supported`));
        found = joinURL(proxy, `sumdb/${name}`);
      });
      if (found !== undefined) return found;
      if (err === undefined || isNotExist(err)) return config.directURL;
      throw err;
    };
    const resolveBase = (): Promise<string> => {
      base ??= discover().then(
        (b) => {
          baseUrl = b;
          logger.info({ sumdb: name, url: redactUrl(b) }, 'checksum database reached');
          return b;
        },
        (e: unknown) => {
          base = undefined;
          throw e;
        },
      );
      return base;
    };

    const remote = async (p: string): Promise<Uint8Array> => get(joinURL(await resolveBase(), p));

    const latestKey = `-/sumdb/${name}/latest`;
    let configLock: Promise<unknown> = Promise.resolve();
    const readKey = async (key: string): Promise<Uint8Array | undefined> => {
      const data = await readStored(storage, key);
      return data && new Uint8Array(data);
    };

    const ops: ClientOps = {
      readRemote: remote,
      async readConfig(file) {
        if (file === 'key') return new TextEncoder().encode(config.key);
        if (file !== `${name}/latest`) throw new Error(`unknown sumdb config file ${file}`);
        return (await readKey(latestKey)) ?? new Uint8Array();
      },
      writeConfig(file, old, next) {
        const run = configLock.then(async () => {
          if (file !== `${name}/latest`) throw new Error(`unknown sumdb config file ${file}`);
          const current = (await readKey(latestKey)) ?? new Uint8Array();
          if (current.length > 0 && !Buffer.from(current).equals(Buffer.from(old))) throw writeConflict(file);
          await storage.put(latestKey, next);
        });
        configLock = run.catch(() => {});
        return run;
      },
      async readCache(file) {
        const data = await readKey(`sumdb/${file}`);
        if (!data || data.length === 0) throw Object.assign(new Error(`${file}: not cached`), { code: 'ENOENT' });
        return data;
      },
      async writeCache(file, data) {
        await storage.put(`sumdb/${file}`, data).catch((e: unknown) => {
          logger.warn({ sumdb: name, file, err: (e as Error).message }, 'cannot cache checksum database file');
        });
      },
      log(msg) {
        logger.info({ sumdb: name }, msg);
      },
      securityError(msg) {
        metrics.verificationFailures.inc({ reason: 'sumdb-security' });
        logger.error({ sumdb: name }, msg);
      },
    };

    // The client memoises lookups (errors included) for its lifetime; a long-running
    // server replaces it after a failure and every `recycleAfter` lookups.
    const recycleAfter = options.recycleAfter ?? 10_000;
    let client = new Client(ops);
    let uses = 0;
    return {
      name,
      config,
      get baseUrl() {
        return baseUrl === undefined ? undefined : redactUrl(baseUrl);
      },
      async lookup(path, version) {
        const c = client;
        if (++uses >= recycleAfter) {
          client = new Client(ops);
          uses = 0;
        }
        try {
          return await c.lookup(path, version);
        } catch (e) {
          if (client === c) client = new Client(ops);
          throw e;
        }
      },
      remote,
      checkLatest(data) {
        openNote(data, verifiers);
      },
    };
  });

  const byName = new Map(all.map((d) => [d.name, d]));
  return {
    all,
    primary: all[0],
    get: (name) => byName.get(name),
    async close() {
      await direct?.close().catch(() => {});
    },
  };
}
