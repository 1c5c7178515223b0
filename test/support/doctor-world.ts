/**
 * A world for doctor tests: a Go project in a temp dir, a loopback GOPROXY serving the go
 * command's fixtures (test/support/proxy-server.ts) and a loopback checksum database that
 * knows them (test/support/sumdb.ts), an isolated HOME/GOPATH/GOMODCACHE, and the
 * environment that points the go command (and modrescue) at all of it.
 *
 * The default project requires rsc.io/quote v1.5.2 (which pulls rsc.io/sampler v1.3.0 and
 * golang.org/x/text), with a complete go.sum from the fixture hashes. fillCache() runs the
 * real go command (Debian's Go 1.19) to download the modules into the module cache, as a
 * developer machine would have them.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestProxy, type Fault, type TestProxy } from './proxy-server.js';
import { fixtureSum, startTestSumdb, type StartTestSumdbOptions, type TestSumdb } from './sumdb.js';
import { makeWritable, runGo, type ExecResult } from './go.js';
import { resolveGoEnv } from '../../src/cli/goenv.js';
import { httpClientOptions } from '../../src/cli/goenv.js';
import { createHttpClient, type HttpClient } from '../../src/mod/web/index.js';
import type { DoctorOptions } from '../../src/doctor/index.js';

/** QUOTE_FIXTURES are the fixture files of the default project's build list. */
export const QUOTE_FIXTURES = [
  'rsc.io_quote_v1.5.2.txt',
  'rsc.io_sampler_v1.3.0.txt',
  'golang.org_x_text_v0.0.0-20170915032832-14c0d48ead0c.txt',
];

/** QUOTE_MODULES are the default project's dependencies (path@version). */
export const QUOTE_MODULES = [
  'rsc.io/quote@v1.5.2',
  'rsc.io/sampler@v1.3.0',
  'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c',
];

/** QUOTE_GO_MOD is the default project's go.mod. */
export const QUOTE_GO_MOD = `module example.com/app

go 1.19

require rsc.io/quote v1.5.2

require (
	golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c // indirect
	rsc.io/sampler v1.3.0 // indirect
)
`;

/** QUOTE_MAIN is a main package that imports rsc.io/quote. */
export const QUOTE_MAIN = `package main

import (
	"fmt"

	"rsc.io/quote"
)

func main() { fmt.Println(quote.Hello()) }
`;

/** goSumFor returns go.sum lines (zip and go.mod) of modules given as path@version, from the fixture hashes. */
export function goSumFor(mods: readonly string[]): string {
  const lines: string[] = [];
  for (const m of mods) {
    const f = fixtureSum(m);
    lines.push(`${f.path} ${f.version} ${f.zipH1}`);
    if (f.goModH1) lines.push(`${f.path} ${f.version}/go.mod ${f.goModH1}`);
  }
  return lines.sort().join('\n') + '\n';
}

export interface DoctorWorldOptions {
  /** Fixture file names the proxy serves (default QUOTE_FIXTURES). */
  readonly fixtures?: string[];
  /** Project files (path → content); default: the quote project. go.sum: null leaves it out. */
  readonly files?: Record<string, string | null>;
  /** Checksum database options (default: records of the fixtures); false for none (GOSUMDB=off). */
  readonly sumdb?: StartTestSumdbOptions | false;
  /** Initial proxy faults. */
  readonly faults?: ReadonlyArray<{ pattern: string | RegExp; fault: Fault; times?: number }>;
  /** Serve the proxy over TLS with this certificate. */
  readonly tls?: { cert: string; key: string };
  /** Extra environment. */
  readonly env?: Record<string, string>;
}

export interface DoctorWorld {
  readonly dir: string;
  readonly project: string;
  readonly home: string;
  readonly gopath: string;
  readonly modcache: string;
  readonly proxy: TestProxy;
  readonly sumdb?: TestSumdb;
  /** The environment (io.env) for modrescue and the go command. */
  env: Record<string, string>;
  /** options builds runDoctor options from env (resolved as the CLI does), with an HTTP client. */
  options(extra?: Partial<DoctorOptions>): Promise<DoctorOptions>;
  /** fillCache downloads the build list into the module cache with the real go command. */
  fillCache(args?: string[]): Promise<ExecResult>;
  write(files: Record<string, string | null>): Promise<void>;
  close(): Promise<void>;
}

/** createDoctorWorld builds the world; close() stops the servers and removes the temp dir. */
export async function createDoctorWorld(options: DoctorWorldOptions = {}): Promise<DoctorWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-doctor-'));
  const project = path.join(dir, 'app');
  const home = path.join(dir, 'home');
  const gopath = path.join(dir, 'gopath');
  const modcache = path.join(gopath, 'pkg', 'mod');
  await mkdir(project, { recursive: true });
  await mkdir(home, { recursive: true });
  const proxy = await startTestProxy({
    fixtures: options.fixtures ?? QUOTE_FIXTURES,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const sumdb =
    options.sumdb === false ? undefined : await startTestSumdb(options.sumdb ?? { fixtures: QUOTE_MODULES });
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    GOENV: 'off',
    GOPATH: gopath,
    GOMODCACHE: modcache,
    GOCACHE: path.join(dir, 'gocache'),
    GO111MODULE: 'on',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    GOPROXY: proxy.url,
    GOSUMDB: sumdb ? sumdb.gosumdb : 'off',
    GOFLAGS: '',
    GONOSUMDB: '',
    GOPRIVATE: '',
    GONOPROXY: '',
    TMPDIR: os.tmpdir(),
    ...options.env,
  };
  const write = async (files: Record<string, string | null>) => {
    for (const [name, content] of Object.entries(files)) {
      const p = path.join(project, name);
      if (content === null) {
        await rm(p, { force: true });
        continue;
      }
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, content);
    }
  };
  await write({
    'go.mod': QUOTE_GO_MOD,
    'go.sum': goSumFor(QUOTE_MODULES),
    'main.go': QUOTE_MAIN,
    ...options.files,
  });
  const clients: HttpClient[] = [];
  const world: DoctorWorld = {
    dir,
    project,
    home,
    gopath,
    modcache,
    proxy,
    ...(sumdb ? { sumdb } : {}),
    env,
    async options(extra = {}) {
      const goEnv = await resolveGoEnv({ env: world.env, cwd: project });
      const probe = extra.probeTimeoutMs ?? 3_000;
      const fetch = createHttpClient(
        await httpClientOptions(goEnv, { retries: 0, timeoutMs: probe, connectTimeoutMs: probe }),
      );
      clients.push(fetch);
      return {
        dir: project,
        env: goEnv,
        fetch,
        processEnv: world.env,
        timeoutMs: 20_000,
        probeTimeoutMs: probe,
        tmpDir: world.env['TMPDIR']!,
        goCache: world.env['GOCACHE']!,
        ...extra,
      };
    },
    fillCache(args = ['mod', 'download']) {
      return runGo(args, { cwd: project, env: { ...world.env, GOFLAGS: '-mod=mod' } });
    },
    write,
    async close() {
      for (const c of clients) await c.close().catch(() => undefined);
      await proxy.close();
      await sumdb?.close();
      await makeWritable(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}
