/**
 * Module proxy benchmarks: `modrescue proxy serve` against nginx serving the SAME storage
 * directory as static files (the proxy's store is the GOPROXY URL space, so nginx can).
 * Load comes from Debian's `wrk` on 127.0.0.1; both servers get one worker (Node is one
 * thread, nginx runs `worker_processes 1`), wrk one thread.
 *
 *   proxy .mod requests/s       wrk -t1 -c50 on a cached .mod   (goal: ours >= 0.7 x nginx)
 *   proxy .info requests/s      wrk -t1 -c50 on a cached .info  (goal: ours >= 0.7 x nginx)
 *   proxy zip throughput        wrk -t1 -c4 on a cached 100 MB zip, MB/s (goal: >= 0.9 x nginx)
 *   proxy peak RSS, 200 x 100MB wrk -t2 -c200 on the 100 MB zip for 8 s: 200 downloads in
 *                               flight at once; peak RSS of the server process, MB
 *                               (goal: ours < 300 MB)
 * p99 latencies are printed as notes. The proxy logs at `warn` (no per-request lines).
 *
 * Measured on the 2-core development machine (shared, load average 6-8), Node 20.20,
 * nginx 1.22.1 (median of 3 runs each; noisy, rerun before drawing conclusions):
 *   .mod req/s 37,329 vs 42,156 (0.89) · .info req/s 32,269 vs 36,032 (0.90) ·
 *   100 MB zip 2,094 vs 1,353 MB/s (1.55) · peak RSS under 200 x 100 MB: 202 MB (nginx
 *   worker 7 MB). Before the fast path (every request through @hono/node-server and web
 *   Response objects) the same .mod benchmark gave 0.16 and the zip one 0.61.
 *
 * Set-up (once, in bench/.work/proxy/): a GOPROXY tree with a few fixture modules and a
 * generated module whose zip is 100 MB of incompressible data; the proxy fetches them
 * from that tree (file:// upstream) into its store, then both servers serve the store.
 * The CLI comes from MODRESCUE_DIST (default <repo>/dist) through a small driver, so a
 * private build can be measured:
 *
 *   npx tsc -p tsconfig.build.json --outDir /tmp/x/dist && cp package.json /tmp/x/ &&
 *   ln -s $PWD/node_modules /tmp/x/node_modules && MODRESCUE_DIST=/tmp/x/dist npm run bench -- proxy
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { writeZip } from '../src/mod/zip/archive.js';
import { fixture, writeProxyTree } from '../test/support/fixtures.js';
import { DIST, type Benchmark, type Measured } from './harness.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(repo, 'bench', '.work', 'proxy');
const tree = path.join(work, 'upstream');
const store = path.join(work, 'store');
const driver = path.join(work, 'driver.mjs');

const BIG = 'bench.example.com/big';
const BIG_SIZE = 100 * 1024 * 1024;
const MOD_PATH = '/rsc.io/quote/@v/v1.5.2.mod';
const INFO_PATH = '/rsc.io/quote/@v/v1.5.2.info';
const ZIP_PATH = `/${BIG}/@v/v1.0.0.zip`;

function incompressible(seed: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i + 4 <= n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x | 0, i);
  }
  return out;
}

async function ensureTree(): Promise<void> {
  const bigZip = path.join(tree, BIG, '@v', 'v1.0.0.zip');
  if (existsSync(bigZip)) return;
  await rm(work, { recursive: true, force: true });
  await writeProxyTree(tree, [fixture('rsc.io/quote@v1.5.2'), fixture('rsc.io/sampler@v1.3.0')]);
  const dir = path.join(tree, BIG, '@v');
  await mkdir(dir, { recursive: true });
  const goMod = `module ${BIG}\n\ngo 1.19\n`;
  await writeFile(path.join(dir, 'list'), 'v1.0.0\n');
  await writeFile(path.join(dir, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}\n');
  await writeFile(path.join(dir, 'v1.0.0.mod'), goMod);
  const prefix = `${BIG}@v1.0.0/`;
  const chunks = 25;
  const tmp = bigZip + '.tmp';
  await writeZip(createWriteStream(tmp), [
    { name: prefix + 'go.mod', data: () => Readable.from([Buffer.from(goMod)]) },
    { name: prefix + 'big.go', data: () => Readable.from([Buffer.from('package big\n')]) },
    ...Array.from({ length: chunks }, (_, i) => ({
      name: `${prefix}data/part${i}.bin`,
      data: () => Readable.from([incompressible(i + 1, BIG_SIZE / chunks)]),
    })),
  ]);
  await rename(tmp, bigZip);
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Servers {
  ours: { child: ChildProcess; url: string };
  nginx: { child: ChildProcess; url: string; workerPid: () => Promise<number> };
}

let servers: Servers | undefined;

async function startOurs(): Promise<Servers['ours']> {
  await writeFile(
    driver,
    `import { pathToFileURL } from 'node:url';
const { main } = await import(pathToFileURL(process.env.MODRESCUE_DIST + '/cli/main.js').href);
const c = new AbortController();
for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => c.abort());
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: c.signal });
`,
  );
  const child = spawn(
    process.execPath,
    [
      driver,
      'proxy',
      'serve',
      '-listen',
      '127.0.0.1:0',
      '-storage',
      store,
      '-upstream',
      'file://' + tree,
      '-sumdb',
      'off',
      '-log-level',
      'warn',
    ],
    { env: { ...process.env, MODRESCUE_DIST: DIST }, stdio: ['ignore', 'inherit', 'pipe'] },
  );
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`modrescue proxy serve exited: ${err}`)));
  });
  return { child, url };
}

async function startNginx(): Promise<Servers['nginx']> {
  const port = await freePort();
  const prefix = path.join(work, 'nginx');
  await mkdir(prefix, { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  const runAsRoot = process.getuid?.() === 0 ? 'user root;\n' : '';
  await writeFile(
    conf,
    `${runAsRoot}worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  types { application/zip zip; application/json info; text/plain mod; }
  default_type text/plain;
  server {
    listen 127.0.0.1:${port};
    root ${store};
    location / { try_files $uri =404; }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', prefix, '-e', path.join(prefix, 'error.log'), '-c', conf], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(url + MOD_PATH).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const workerPid = async () => {
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      if (new RegExp(`^PPid:\\s+${child.pid}$`, 'm').test(status)) return Number(pid);
    }
    return child.pid!;
  };
  return { child, url, workerPid };
}

async function setup(): Promise<void> {
  await ensureTree();
  const ours = await startOurs();
  // Warm the store through the proxy (verification included), then serve it with nginx too.
  for (const p of [MOD_PATH, INFO_PATH, `/${BIG}/@v/v1.0.0.mod`, ZIP_PATH]) {
    const r = await fetch(ours.url + p);
    if (r.status !== 200) throw new Error(`warming ${p}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  }
  servers = { ours, nginx: await startNginx() };
}

async function teardown(): Promise<void> {
  if (!servers) return;
  const { ours, nginx } = servers;
  servers = undefined;
  ours.child.kill('SIGTERM');
  nginx.child.kill('SIGQUIT');
  await Promise.all([once(ours.child, 'exit'), once(nginx.child, 'exit')]);
}

interface WrkResult {
  requestsPerSec: number;
  transferMBps: number;
  p99ms: number;
}

async function wrk(url: string, args: string[]): Promise<WrkResult> {
  const child = spawn('wrk', [...args, '--latency', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`wrk exited ${code}: ${out}`);
  const num = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`cannot parse wrk output: ${out}`);
    return m;
  };
  const rps = Number(num(/Requests\/sec:\s+([\d.]+)/)[1]);
  const t = num(/Transfer\/sec:\s+([\d.]+)([KMG]?B)/);
  const unit = { B: 1 / 1e6, KB: 1024 / 1e6, MB: (1024 * 1024) / 1e6, GB: (1024 * 1024 * 1024) / 1e6 }[t[2]!]!;
  const l = num(/99%\s+([\d.]+)(us|ms|s)\b/);
  const ms = Number(l[1]) * { us: 0.001, ms: 1, s: 1000 }[l[2] as 'us' | 'ms' | 's'];
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`wrk saw ${errors[1]} error responses from ${url}`);
  return { requestsPerSec: rps, transferMBps: Number(t[1]) * unit, p99ms: ms };
}

function requestRate(name: string, p: string): Benchmark {
  const p99 = { ours: [] as number[], peer: [] as number[] };
  return {
    name,
    target: 'ratio >= 0.7',
    runs: 3,
    higherIsBetter: true,
    unit: 'req/s',
    setup,
    teardown,
    async ours(): Promise<Measured | number> {
      const r = await wrk(servers!.ours.url + p, ['-t1', '-c50', '-d3s']);
      p99.ours.push(r.p99ms);
      return r.requestsPerSec;
    },
    async peer() {
      const r = await wrk(servers!.nginx.url + p, ['-t1', '-c50', '-d3s']);
      p99.peer.push(r.p99ms);
      return r.requestsPerSec;
    },
    notes: () => [
      `p99 latency: ours ${Math.max(...p99.ours).toFixed(2)} ms, nginx ${Math.max(...p99.peer).toFixed(2)} ms (worst of the runs)`,
    ],
  };
}

async function sampleRss(pid: number, during: Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb);
    await new Promise((r) => setTimeout(r, 50));
  }
  return peak / 1024;
}

const benchmarks: Benchmark[] = [
  requestRate('proxy .mod requests/s (wrk -c50)', MOD_PATH),
  requestRate('proxy .info requests/s (wrk -c50)', INFO_PATH),
  (() => {
    const p99 = { ours: 0, peer: 0 };
    return {
      name: 'proxy 100 MB zip throughput (wrk -c4)',
      target: 'ratio >= 0.9',
      runs: 3,
      higherIsBetter: true,
      unit: 'MB/s',
      setup,
      teardown,
      async ours() {
        const r = await wrk(servers!.ours.url + ZIP_PATH, ['-t1', '-c4', '-d4s', '--timeout', '30s']);
        p99.ours = r.p99ms;
        return r.transferMBps;
      },
      async peer() {
        const r = await wrk(servers!.nginx.url + ZIP_PATH, ['-t1', '-c4', '-d4s', '--timeout', '30s']);
        p99.peer = r.p99ms;
        return r.transferMBps;
      },
      notes: () => [`p99 of one 100 MB download: ours ${p99.ours.toFixed(0)} ms, nginx ${p99.peer.toFixed(0)} ms`],
    } satisfies Benchmark;
  })(),
  {
    name: 'proxy peak RSS, 200 concurrent 100 MB zips',
    target: 'ours < 300 MB',
    runs: 1,
    unit: 'MB',
    setup,
    teardown,
    async ours() {
      const load = wrk(servers!.ours.url + ZIP_PATH, ['-t2', '-c200', '-d8s', '--timeout', '60s']);
      return sampleRss(servers!.ours.child.pid!, load);
    },
    async peer() {
      const load = wrk(servers!.nginx.url + ZIP_PATH, ['-t2', '-c200', '-d8s', '--timeout', '60s']);
      return sampleRss(await servers!.nginx.workerPid(), load);
    },
  },
];

export default benchmarks;
