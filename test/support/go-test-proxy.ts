/**
 * The URL space of the go command's own test proxy (cmd/go/proxy_test.go proxyHandler),
 * on 127.0.0.1, for running the cmd/go script tests about proxies and the checksum
 * database (../shared/testdata/go-scripts: mod_proxy_list, mod_sumdb, mod_sumdb_cache,
 * mod_gonoproxy, …) as the scripts expect:
 *
 *   <url>/<module path>/@v/…            module data (test/support/proxy-server.ts over the fixtures)
 *   <url>/NNN/…                          answers status NNN (NNN ≥ 200), no body
 *   <url>/sumdb-NNN/sumdb/…              answers status NNN; <url>/sumdb-NNN/<module data> as <url>/…
 *   <url>/sumdb-direct/…                 the test checksum database itself
 *   <url>/sumdb-wrong/…                  a database with the same key whose every hash is "h1:wrong"
 *   <url>/sumdb/<name>/supported         200: this proxy proxies the database
 *   <url>/sumdb/<name>/…                 the test checksum database, proxied
 *   <url>/redirect/N/…                   N redirects, then <url>/…
 *   <url>/invalid/…                      200 "invalid"
 *
 * <url> ends in /mod, as GOPROXY in the scripts. GOSUMDB is the bare verifier key (the
 * database is then reached through the proxy, as in cmd/go's script environment).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestProxy, type TestProxy } from './proxy-server.js';
import { startTestSumdb, type TestSumdb } from './sumdb.js';

export interface GoTestProxy {
  /** GOPROXY value (…/mod). */
  readonly url: string;
  /** GOSUMDB value: the test database's verifier key (no URL). */
  readonly gosumdb: string;
  /** The database name (localhost.localdev/sumdb). */
  readonly dbName: string;
  /** The module-data backend (its request log). */
  readonly modules: TestProxy;
  readonly sumdb: TestSumdb;
  readonly wrongSumdb: TestSumdb;
  close(): Promise<void>;
}

/** forward relays req to target (an absolute http URL) and pipes the answer back. */
function forward(req: IncomingMessage, res: ServerResponse, target: string): void {
  const out = request(target, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`forwarding failed: ${e.message}\n`);
  });
  req.pipe(out);
}

/**
 * startGoTestProxy starts the module data server, the test checksum database (records
 * added at first lookup, as x/mod's TestServer, with the cmd/go test database's hash
 * rule) and its "wrong" twin, and the front server that routes as proxyHandler.
 */
export async function startGoTestProxy(): Promise<GoTestProxy> {
  const modules = await startTestProxy({ fixtures: 'all' });
  const sumdb = await startTestSumdb({ fixtures: 'all', lazy: true, hash: 'testdb' });
  const wrongSumdb = await startTestSumdb({ fixtures: 'all', lazy: true, hash: 'testdb', wrong: ['*'] });
  const dbName = sumdb.name;
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (!u.pathname.startsWith('/mod/')) {
      res.writeHead(404).end();
      return;
    }
    let p = u.pathname.slice('/mod/'.length);
    const query = u.search;
    if (p.startsWith('invalid/')) {
      res.writeHead(200).end('invalid');
      return;
    }
    const j = p.indexOf('/');
    if (j >= 0) {
      const first = p.slice(0, j);
      if (/^\d+$/.test(first) && Number(first) >= 200) {
        res.writeHead(Number(first)).end();
        return;
      }
      const m = /^sumdb-(\d+)$/.exec(first);
      if (m && Number(m[1]) >= 200) {
        if (p.slice(j).startsWith('/sumdb/')) {
          res.writeHead(Number(m[1])).end();
          return;
        }
        p = p.slice(j + 1);
      }
    }
    if (p.startsWith('sumdb-direct/')) return forward(req, res, sumdb.url + p.slice('sumdb-direct'.length) + query);
    if (p.startsWith('sumdb-wrong/')) return forward(req, res, wrongSumdb.url + p.slice('sumdb-wrong'.length) + query);
    const r = /^redirect\/(\d+)\/(.*)$/s.exec(p);
    if (r) {
      const n = Number(r[1]);
      const location = n <= 1 ? `/mod/${r[2]}` : `/mod/redirect/${n - 1}/${r[2]}`;
      res.writeHead(302, { location }).end();
      return;
    }
    if (p === `sumdb/${dbName}/supported`) {
      res.writeHead(200).end();
      return;
    }
    if (p.startsWith(`sumdb/${dbName}/`))
      return forward(req, res, sumdb.url + p.slice(`sumdb/${dbName}`.length) + query);
    forward(req, res, `${modules.url}/${p}${query}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mod`,
    gosumdb: sumdb.verifierKey,
    dbName,
    modules,
    sumdb,
    wrongSumdb,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([modules.close(), sumdb.close(), wrongSumdb.close()]);
    },
  };
}
