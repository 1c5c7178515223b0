/**
 * The loopback servers of an example incident, all on 127.0.0.1 in this process: module
 * proxies (GOPROXY protocol) serving the example's module versions with the faults of
 * the incident (a deleted tag answering 410, a mirror serving different bytes, a proxy
 * that is down), and a checksum database (the sumdb protocol of src/mod/sumdb, signed
 * with a key generated for the run) that knows the public modules and answers 404 for
 * private ones, as sum.golang.org does.
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import * as module from '../../mod/module/index.js';
import * as semver from '../../mod/semver/index.js';
import { createMemoryLog, createServerHandler } from '../../mod/sumdb/index.js';
import { generateKey } from '../../mod/sumdb/note/index.js';
import { closedPort } from '../../shared/net.js';
import { key, type BuiltModule } from './modules.js';

/** ProxySpec describes one module proxy of an example. */
export interface ProxySpec {
  /** "path@version" entries it serves, or "all" (default). */
  readonly modules?: 'all' | readonly string[];
  /** Versions whose tag was deleted upstream: 410 with the go command's "unknown revision". */
  readonly gone?: readonly string[];
  /** Versions served with different bytes than the original (a tampered mirror). */
  readonly tampered?: readonly string[];
  /** A proxy that is down: nothing listens on its port (connection refused). */
  readonly down?: boolean;
}

/** SumdbSpec describes the example's checksum database. */
export interface SumdbSpec {
  /** The database name (default sum.golang.example). */
  readonly name?: string;
  /** Module path prefixes the database cannot know (private modules): 404 as sum.golang.org answers. */
  readonly private?: readonly string[];
}

/** RunningServers are the started servers; close() stops them. */
export interface RunningServers {
  /** Proxy name → base URL. */
  readonly proxies: Readonly<Record<string, string>>;
  /** The GOSUMDB value that reaches the database: "<verifier key> <url>". */
  readonly gosumdb?: string;
  readonly sumdbUrl?: string;
  /** Every request path served, "<server> <path> <status>", in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

function text(status: number, body: string): Response {
  return new Response(body.endsWith('\n') ? body : body + '\n', {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/**
 * proxyHandler answers the GOPROXY protocol for the modules of spec: `@v/list`,
 * `@v/<v>.info|.mod|.zip`, `@latest`; `/sumdb/…` answers 404 (the database is reached
 * directly). Unknown modules and versions answer 404 "not found: …" as proxy.golang.org
 * does, deleted versions 410 with the go command's "unknown revision" wording.
 */
export function proxyHandler(
  spec: ProxySpec,
  mods: readonly BuiltModule[],
  tamperedZips: ReadonlyMap<string, string>,
): (req: Request) => Promise<Response> {
  const served = new Set(
    spec.modules === undefined || spec.modules === 'all' ? mods.map(key) : spec.modules.map((s) => s),
  );
  const gone = new Set(spec.gone ?? []);
  const tampered = new Set(spec.tampered ?? []);
  const byKey = new Map(mods.map((m) => [key(m), m]));
  return async (req) => {
    const p = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, '');
    if (p.startsWith('sumdb/')) return text(404, 'not found');
    const at = p.indexOf('/@');
    if (at < 0) return text(404, '404 page not found');
    let modPath: string;
    try {
      modPath = module.unescapePath(p.slice(0, at));
    } catch {
      return text(400, `invalid escaped module path`);
    }
    const rest = p.slice(at + 1);
    const versions = mods
      .filter((m) => m.path === modPath && served.has(key(m)) && !gone.has(key(m)))
      .map((m) => m.version)
      .sort(semver.compare);
    if (rest === '@v/list') return text(200, versions.map((v) => v + '\n').join(''));
    if (rest === '@latest') {
      const v = versions.at(-1);
      const m = v === undefined ? undefined : byKey.get(`${modPath}@${v}`);
      return m ? new Response(Buffer.from(m.info), { status: 200 }) : text(404, `not found: ${modPath}@latest`);
    }
    const file = /^@v\/(.+)\.(info|mod|zip)$/.exec(rest);
    if (!file) return text(404, '404 page not found');
    let version: string;
    try {
      version = module.unescapeVersion(file[1]!);
    } catch {
      return text(400, 'invalid escaped version');
    }
    const k = `${modPath}@${version}`;
    if (gone.has(k)) return text(410, `not found: ${k}: invalid version: unknown revision ${version}`);
    const m = byKey.get(k);
    if (!m || !served.has(k)) return text(404, `not found: ${k}: invalid version: unknown revision ${version}`);
    if (file[2] === 'info') return new Response(Buffer.from(m.info), { status: 200 });
    if (file[2] === 'mod') return new Response(Buffer.from(m.mod), { status: 200 });
    const zip = tampered.has(k) ? tamperedZips.get(k)! : m.zipPath;
    return new Response(new Uint8Array(await readFile(zip)), {
      status: 200,
      headers: { 'content-type': 'application/zip' },
    });
  };
}

async function listen(handler: (req: Request) => Promise<Response>, requests: string[], name: string) {
  const logged = async (req: Request): Promise<Response> => {
    const res = await handler(req);
    requests.push(`${name} ${new URL(req.url).pathname} ${res.status}`);
    return res;
  };
  const server = createAdaptorServer({ fetch: logged, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}` };
}

/**
 * startServers starts the proxies and the checksum database of an example over the
 * built modules. The database's records are the public modules' real hashes (never the
 * tampered ones); lookups under a private prefix answer 404.
 */
export async function startServers(
  proxies: Readonly<Record<string, ProxySpec>>,
  sumdb: SumdbSpec | undefined,
  mods: readonly BuiltModule[],
  tamperedZips: ReadonlyMap<string, string>,
): Promise<RunningServers> {
  const servers: Server[] = [];
  const requests: string[] = [];
  const urls: Record<string, string> = {};
  const stop = async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  };
  try {
    for (const [name, spec] of Object.entries(proxies)) {
      if (spec.down) {
        urls[name] = `http://127.0.0.1:${await closedPort()}`;
        continue;
      }
      const { server, url } = await listen(proxyHandler(spec, mods, tamperedZips), requests, name);
      servers.push(server);
      urls[name] = url;
    }
    let gosumdb: string | undefined;
    let sumdbUrl: string | undefined;
    if (sumdb) {
      const keys = generateKey(sumdb.name ?? 'sum.golang.example');
      const log = createMemoryLog({ signer: keys.signerKey });
      const isPrivate = (p: string) => (sumdb.private ?? []).some((x) => p === x || p.startsWith(x + '/'));
      for (const m of mods) {
        if (isPrivate(m.path)) continue;
        await log.add(
          m.path,
          m.version,
          `${m.path} ${m.version} ${m.h1}\n${m.path} ${m.version}/go.mod ${m.goModH1}\n`,
        );
      }
      const db = createServerHandler(log);
      const handler = async (req: Request): Promise<Response> => {
        const p = decodeURIComponent(new URL(req.url).pathname);
        const lookup = /^\/lookup\/(.+)@([^@]+)$/.exec(p);
        if (lookup) {
          let mp = lookup[1]!;
          try {
            mp = module.unescapePath(mp);
          } catch {
            // The database answers the malformed path itself.
          }
          if (isPrivate(mp)) {
            const host = mp.split('/')[0]!;
            return text(
              404,
              `not found: ${mp}@${lookup[2]}: unrecognized import path "${mp}": https fetch: Get "https://${mp}?go-get=1": dial tcp: lookup ${host} on 8.8.8.8:53: no such host`,
            );
          }
        }
        return db(req);
      };
      const { server, url } = await listen(handler, requests, 'sumdb');
      servers.push(server);
      sumdbUrl = url;
      gosumdb = `${keys.verifierKey} ${url}`;
    }
    return {
      proxies: urls,
      ...(gosumdb ? { gosumdb } : {}),
      ...(sumdbUrl ? { sumdbUrl } : {}),
      requests,
      close: stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
