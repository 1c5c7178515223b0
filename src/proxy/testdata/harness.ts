/**
 * Test harness of the proxy tests (not shipped: testdata/ is excluded from the build).
 * Real parts only: upstreams are loopback GOPROXY servers (test/support/proxy-server.ts),
 * storage is a real directory, the proxy runs in memory (handler) or on a loopback socket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveProxyConfig, type ConfigInput, type ProxyConfig } from '../config.js';
import { createProxy, type Proxy, type ProxyOptions } from '../proxy.js';
import { startServer, type RunningServer } from '../server.js';
import { createMemoryStorage } from '../storage/memory.js';
import { parseMetricValue } from '../metrics.js';

/** Captured log lines. */
export class LogCapture {
  readonly lines: string[] = [];
  write(s: string): boolean {
    this.lines.push(...s.split('\n').filter((l) => l !== ''));
    return true;
  }
  json(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface TestProxyHandle {
  readonly proxy: Proxy;
  readonly config: ProxyConfig;
  readonly dir: string;
  readonly logs: LogCapture;
  /** get sends a request to the in-memory handler. */
  get(p: string, init?: RequestInit): Promise<Response>;
  /** metric reads one value from /-/metrics. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface MakeProxyOptions {
  /** Settings as environment variables (MODRESCUE_PROXY_*), e.g. { MODRESCUE_PROXY_UPSTREAMS: url }. */
  readonly env?: Record<string, string>;
  /** A config file text (YAML). */
  readonly file?: string;
  readonly storage?: 'fs' | 'memory';
  readonly proxyOptions?: Partial<ProxyOptions>;
}

/** makeProxy builds a proxy over a fresh storage directory with fast test timeouts. */
export async function makeProxy(options: MakeProxyOptions = {}): Promise<TestProxyHandle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-proxytest-'));
  const input: ConfigInput = {
    defaults: { 'storage.root': path.join(dir, 'store') },
    env: {
      MODRESCUE_PROXY_SUMDB: 'off',
      MODRESCUE_PROXY_RETRIES: '0',
      MODRESCUE_PROXY_RETRY_BASE_DELAY: '10ms',
      MODRESCUE_PROXY_UPSTREAM_TIMEOUT: '10s',
      MODRESCUE_PROXY_LOG_LEVEL: 'debug',
      ...options.env,
    },
    ...(options.file ? { file: { path: 'test.yaml', text: options.file } } : {}),
  };
  const { config } = resolveProxyConfig(input);
  const logs = new LogCapture();
  const proxy = await createProxy({
    config,
    logSink: logs,
    ...(options.storage === 'memory' ? { storage: createMemoryStorage() } : {}),
    ...options.proxyOptions,
  });
  const get = (p: string, init?: RequestInit) => proxy.handler(new Request('http://proxy.test' + p, init));
  return {
    proxy,
    config,
    dir,
    logs,
    get,
    async metric(name, labels = {}) {
      const text = await (await get('/-/metrics')).text();
      return parseMetricValue(text, name, labels);
    },
    async close() {
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** serve binds a proxy to 127.0.0.1 on a free port. */
export function serve(p: TestProxyHandle, fastPath = true): Promise<RunningServer> {
  return startServer(p.proxy, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 5000, fastPath });
}

/** rawRequest sends a request line exactly as given (no URL normalisation) and returns status and body. */
export async function rawRequest(base: string, target: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const net = await import('node:net');
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => {
      sock.write(`${method} ${target} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`, 'latin1');
    });
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      resolve({ status: m ? Number(m[1]) : 0, body });
    });
  });
}
