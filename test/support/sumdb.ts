/**
 * A real checksum database on 127.0.0.1 for tests: the protocol handler and the
 * in-memory log of src/mod/sumdb over node:http (via @hono/node-server), with its
 * records built from the go command's proxy fixtures, and fault modes that reproduce
 * what on-call engineers meet: a 404/410 for a private path, a wrong hash, a forked
 * log, tampered tiles/records/notes, a hanging server.
 *
 * URL space of one server (the database name is `name`, by default the go command's
 * test database `localhost.localdev/sumdb`, signed with its key from note.json):
 *
 *   <url>/latest, /lookup/…, /tile/…                the database itself (GOSUMDB="<key> <url>")
 *   <url>/proxy/sumdb/<name>/supported → 200        a GOPROXY that proxies the database
 *   <url>/proxy/sumdb/<name>/…                      … and serves it
 *   <url>/noproxy/sumdb/<name>/supported → 404      a GOPROXY that does not
 *   <url>/status/<code>/sumdb/<name>/… → <code>     a GOPROXY that fails with that status
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { generateKey, newVerifier } from '../../src/mod/sumdb/note/index.js';
import { createMemoryLog, createServerHandler } from '../../src/mod/sumdb/index.js';
import type { MemoryLog } from '../../src/mod/sumdb/index.js';
import { testdata } from './shared.js';

/** TEST_SUMDB is the go command's test checksum database key pair (note.json). */
export const TEST_SUMDB = (() => {
  const keys = (
    JSON.parse(readFileSync(testdata('note.json'), 'utf8')) as {
      keys: { name: string; verifierKey: string; signerKey: string }[];
    }
  ).keys;
  const k = keys.find((x) => x.name === 'localhost.localdev/sumdb')!;
  return { name: k.name, verifierKey: k.verifierKey, signerKey: k.signerKey };
})();

/** A FixtureSum is one record of goproxy-fixtures-sums.json. */
export interface FixtureSum {
  fixture: string;
  path: string;
  version: string;
  /** h1 of the fixture files not starting with "." (the go command's test DB rule). */
  h1: string;
  /** h1 of the zip the fixture proxy serves (what the go command writes to go.sum). */
  zipH1: string;
  goModH1?: string;
}

let sumsCache: FixtureSum[] | undefined;

/** fixtureSums returns the fixture hashes (read once). */
export function fixtureSums(): FixtureSum[] {
  sumsCache ??= (JSON.parse(readFileSync(testdata('goproxy-fixtures-sums.json'), 'utf8')) as { fixtures: FixtureSum[] })
    .fixtures;
  return sumsCache;
}

/** fixtureSum returns the hashes of module path@version, or throws. */
export function fixtureSum(pathAtVersion: string): FixtureSum {
  const f = fixtureSums().find((x) => `${x.path}@${x.version}` === pathAtVersion || x.fixture === pathAtVersion);
  if (!f) throw new Error(`no fixture ${pathAtVersion} in goproxy-fixtures-sums.json`);
  return f;
}

/** A TestRecord is one module version's go.sum hashes. */
export interface TestRecord {
  path: string;
  version: string;
  h1: string;
  goModH1?: string;
}

/** recordText formats a record as the go.sum lines a checksum database serves. */
export function recordText(r: TestRecord): string {
  let t = `${r.path} ${r.version} ${r.h1}\n`;
  if (r.goModH1) t += `${r.path} ${r.version}/go.mod ${r.goModH1}\n`;
  return t;
}

export interface StartTestSumdbOptions {
  /** records to put in the log, in order. */
  records?: TestRecord[];
  /** fixtures ("path@version" or fixture file names, or 'all') whose hashes become records, in order. */
  fixtures?: string[] | 'all';
  /**
   * hash picks the fixture hash: 'zip' (default) = the hash of the zip a fixture proxy
   * serves, which the go command checks; 'testdb' = the cmd/go test DB's rule
   * (dot-files excluded). They differ only for fixtures with dot-files.
   */
  hash?: 'zip' | 'testdb';
  /** lazy: fixture records are appended at their first lookup (as x/mod's TestServer), not up front. */
  lazy?: boolean;
  /** signerKey: an encoded signer key, or 'generate' for a fresh key named `name`. Default: the test DB key. */
  signerKey?: string | 'generate';
  /** name of a generated key (default localhost.localdev/sumdb). */
  name?: string;
  /** wrong: modules ("path@version", or "*") whose records carry the hash "h1:wrong" (as cmd/go's sumdb-wrong). */
  wrong?: string[];
}

/** A Fault answers a lookup with a status and a plain-text body. */
export interface Fault {
  status: number;
  body: string;
}

export interface TestSumdb {
  /** url of the database (GOSUMDB's URL field). */
  readonly url: string;
  readonly name: string;
  readonly verifierKey: string;
  readonly signerKey: string;
  /** gosumdb is the GOSUMDB value that reaches this server directly: "<verifierKey> <url>". */
  readonly gosumdb: string;
  /** proxyURL is a GOPROXY entry that supports (proxies) this database. */
  readonly proxyURL: string;
  /** noProxyURL is a GOPROXY entry that answers 404 for `supported`. */
  readonly noProxyURL: string;
  /** statusProxyURL is a GOPROXY entry whose sumdb paths all answer status. */
  statusProxyURL(status: number): string;
  /** requests lists the paths requested, in order (for cache-reuse assertions). */
  readonly requests: string[];
  /** log is the database being served (the fork after setFork()). */
  readonly log: MemoryLog;
  /** add appends records (or fixtures by "path@version"). */
  add(...records: (TestRecord | string)[]): Promise<void>;
  /** fail makes lookups of "path@version" (or every lookup, "*") answer fault. */
  fail(pathAtVersion: string, fault: Fault): void;
  /**
   * setFork switches to a forked log: the same records except that the last one is
   * altered, plus one more record, signed with the same key. A client that saw the
   * original tree head must report a SECURITY ERROR.
   */
  setFork(): Promise<void>;
  /** tamper corrupts what is served: hash tiles, lookup records, or the tree note's signature. */
  tamper(kind: 'tile' | 'record' | 'note' | undefined): void;
  /** hang makes every request wait (never answered) until hang(false) or close(). */
  hang(on: boolean): void;
  close(): Promise<void>;
}

const FIXTURE_KEY = (f: FixtureSum, hash: 'zip' | 'testdb'): TestRecord => ({
  path: f.path,
  version: f.version,
  h1: hash === 'zip' ? f.zipH1 : f.h1,
  ...(f.goModH1 ? { goModH1: f.goModH1 } : {}),
});

/** startTestSumdb starts a checksum database on 127.0.0.1 (ephemeral port). Close it after the test. */
export async function startTestSumdb(options: StartTestSumdbOptions = {}): Promise<TestSumdb> {
  const hashRule = options.hash ?? 'zip';
  let signerKey: string;
  let verifierKey: string;
  if (options.signerKey === 'generate') {
    ({ signerKey, verifierKey } = generateKey(options.name ?? TEST_SUMDB.name));
  } else {
    signerKey = options.signerKey ?? TEST_SUMDB.signerKey;
    verifierKey = verifierKeyOf(signerKey);
  }
  const name = newVerifier(verifierKey).name;
  const wrong = new Set(options.wrong ?? []);
  const isWrong = (r: TestRecord): boolean => wrong.has('*') || wrong.has(`${r.path}@${r.version}`);
  const textOf = (r: TestRecord): string =>
    recordText(isWrong(r) ? { ...r, h1: 'h1:wrong', ...(r.goModH1 ? { goModH1: 'h1:wrong' } : {}) } : r);

  const fixtureList = (): FixtureSum[] =>
    options.fixtures === 'all' ? fixtureSums() : (options.fixtures ?? []).map((f) => fixtureSum(f));
  const lazyFixtures = new Map<string, TestRecord>();
  const gosum = async (path: string, version: string): Promise<string | undefined> => {
    const r = lazyFixtures.get(`${path}@${version}`);
    return r ? textOf(r) : undefined;
  };
  const makeLog = (): MemoryLog => createMemoryLog({ signer: signerKey, gosum });
  let log = makeLog();

  const add = async (...records: (TestRecord | string)[]): Promise<void> => {
    for (const r of records) {
      const rec = typeof r === 'string' ? FIXTURE_KEY(fixtureSum(r), hashRule) : r;
      await log.add(rec.path, rec.version, textOf(rec));
    }
  };
  for (const f of fixtureList()) {
    const rec = FIXTURE_KEY(f, hashRule);
    if (options.lazy) lazyFixtures.set(`${rec.path}@${rec.version}`, rec);
    else await add(rec);
  }
  await add(...(options.records ?? []));

  const faults = new Map<string, Fault>();
  let tampering: 'tile' | 'record' | 'note' | undefined;
  let hanging = false;
  const waiters = new Set<() => void>();
  const requests: string[] = [];

  // Alter a character of the signature bytes (after the 4-byte key hash, base64 chars 0-5).
  const corruptNote = (body: string): string =>
    body.replace(/(\u2014 \S+ \S{8})(\S)/, (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'));

  const dbHandler = async (req: Request, path: string): Promise<Response> => {
    if (path.startsWith('/lookup/')) {
      const key = decodeURIComponent(path.slice('/lookup/'.length));
      const fault = faults.get(key) ?? faults.get('*');
      if (fault) {
        return new Response(fault.body, {
          status: fault.status,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
      }
    }
    const handler = createServerHandler(log);
    const res = await handler(new Request(new URL(path, req.url)));
    if (res.status !== 200 || tampering === undefined) return res;
    if (tampering === 'tile' && path.startsWith('/tile/') && !path.includes('/data/')) {
      const data = new Uint8Array(await res.arrayBuffer());
      if (data.length > 0) data[data.length - 1] = data[data.length - 1]! ^ 0x55;
      return new Response(data, { status: 200, headers: res.headers });
    }
    if (tampering === 'record' && path.startsWith('/lookup/')) {
      const body = await res.text();
      // Alter one character of the first hash in the record text.
      const altered = body.replace(/ h1:(.)/, (_m, c: string) => ` h1:${c === 'A' ? 'B' : 'A'}`);
      return new Response(altered, { status: 200, headers: res.headers });
    }
    if (tampering === 'note' && (path === '/latest' || path.startsWith('/lookup/'))) {
      return new Response(corruptNote(await res.text()), { status: 200, headers: res.headers });
    }
    return res;
  };

  const fetchHandler = async (req: Request): Promise<Response> => {
    const path = decodeURI(new URL(req.url).pathname);
    requests.push(path);
    if (hanging) {
      await new Promise<void>((resolve) => waiters.add(resolve));
    }
    const prefix = `/sumdb/${name}`;
    let m: RegExpExecArray | null;
    if ((m = /^\/status\/([0-9]{3})(\/.*)$/.exec(path))) {
      return new Response(`status ${m[1]}\n`, {
        status: Number(m[1]),
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    if (path.startsWith('/noproxy/')) {
      return new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    if (path.startsWith('/proxy/')) {
      const rest = path.slice('/proxy'.length);
      if (rest === `${prefix}/supported`) return new Response('', { status: 200 });
      if (rest.startsWith(prefix + '/')) return dbHandler(req, rest.slice(prefix.length));
      return new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    return dbHandler(req, path);
  };

  const server = createAdaptorServer({ fetch: fetchHandler, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const release = (): void => {
    for (const w of waiters) w();
    waiters.clear();
  };

  return {
    url,
    name,
    verifierKey,
    signerKey,
    gosumdb: `${verifierKey} ${url}`,
    proxyURL: `${url}/proxy`,
    noProxyURL: `${url}/noproxy`,
    statusProxyURL: (status) => `${url}/status/${status}`,
    requests,
    get log() {
      return log;
    },
    add,
    fail(pathAtVersion, fault) {
      faults.set(pathAtVersion, fault);
    },
    async setFork() {
      const records = log.records();
      const fork = makeLog();
      for (let i = 0; i < records.length; i++) {
        const key = log.keyOf(i);
        let text = Buffer.from(records[i]!).toString('utf8');
        if (i === records.length - 1) text = text.replace(/ h1:(.)/, (_m, c: string) => ` h1:${c === 'A' ? 'B' : 'A'}`);
        if (key !== undefined) {
          const at = key.lastIndexOf('@');
          await fork.add(key.slice(0, at), key.slice(at + 1), text);
        } else {
          await fork.addRecord(text);
        }
      }
      await fork.addRecord('fork.example/extra v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n');
      log = fork;
    },
    tamper(kind) {
      tampering = kind;
    },
    hang(on) {
      hanging = on;
      if (!on) release();
    },
    async close() {
      hanging = false;
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** verifierKeyOf derives the verifier key of an encoded signer key (for custom signer keys). */
function verifierKeyOf(signerKey: string): string {
  // PRIVATE+KEY+<name>+<hash>+<base64(1 || seed)> (the base64 may itself contain "+").
  const m = /^PRIVATE\+KEY\+([^+]+)\+[0-9a-f]{8}\+(.+)$/.exec(signerKey);
  if (!m) throw new Error('startTestSumdb: signerKey is not an encoded signer key');
  const seed = Buffer.from(m[2]!, 'base64').subarray(1);
  return generateKey(m[1]!, new Uint8Array(seed)).verifierKey;
}
