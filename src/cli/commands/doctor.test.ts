// `modrescue doctor` transcripts: the deadline, --offline, --only/--skip, usage errors,
// exit codes, secrets in every output, the progress view on a terminal and NO_COLOR,
// and Ctrl-C.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { run } from '../../../test/support/cli.js';
import { createDoctorWorld, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { CHECK_IDS } from '../../doctor/index.js';

let worlds: DoctorWorld[] = [];
afterEach(async () => {
  for (const w of worlds) await w.close();
  worlds = [];
});

async function world(options: Parameters<typeof createDoctorWorld>[0] = {}): Promise<DoctorWorld> {
  const w = await createDoctorWorld(options);
  worlds.push(w);
  return w;
}

interface Doc {
  schemaVersion: number;
  checks: Array<{ id: string; status: string; summary: string; details: string[] }>;
  counts: Record<string, number>;
  offline: boolean;
}

const NETWORK = [
  'goproxy-reachable',
  'sumdb-reachable',
  'private-modules',
  'credentials',
  'gosum-verified',
  'retracted-deprecated',
];

describe('modrescue doctor', () => {
  it('reports checks still running at the deadline as skip with what they wait for, instead of hanging', async () => {
    const w = await world({ faults: [{ pattern: '*', fault: { kind: 'hang' } }] });
    const r = await run(['doctor', '--json', '--timeout', '3s', '--probe-timeout', '30s'], {
      cwd: w.project,
      env: w.env,
    });
    const doc = JSON.parse(r.stdout) as Doc;
    const proxy = doc.checks.find((c) => c.id === 'goproxy-reachable')!;
    expect(proxy.status).toBe('skip');
    expect(proxy.summary).toMatch(
      /^did not finish within the 3\.0 s deadline \(still GET http:\/\/127\.0\.0\.1:\d+\/mod\/rsc\.io\/quote\/@v\/list\)$/,
    );
    // Local checks finished.
    expect(doc.checks.find((c) => c.id === 'gomod-syntax')!.status).toBe('pass');
    expect(doc.checks.find((c) => c.id === 'disk-space')!.status).toBe('pass');
  });

  it('--offline runs the local checks only and says which were skipped', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    const before = w.proxy.requests.length;
    const r = await run(['doctor', '--offline'], { cwd: w.project, env: w.env });
    expect(r.code, r.stdout).toBe(0);
    for (const id of NETWORK)
      expect(r.stdout).toMatch(new RegExp(`SKIP  ${id} +offline: needs the network \\(--offline\\)`));
    for (const id of CHECK_IDS.filter((i) => !NETWORK.includes(i)))
      expect(r.stdout).toMatch(new RegExp(`PASS  ${id} `));
    expect(r.stdout).toContain(`offline: skipped the network checks ${NETWORK.join(', ')}`);
    expect(w.proxy.requests.slice(before)).toEqual([]);
  });

  it('--only and --skip select checks (comma-separated or repeated)', async () => {
    const w = await world();
    const only = JSON.parse(
      (
        await run(['doctor', '--json', '--only', 'go-env,disk-space', '--only', 'gomod-syntax'], {
          cwd: w.project,
          env: w.env,
        })
      ).stdout,
    ) as Doc;
    expect(only.checks.map((c) => c.id)).toEqual(['gomod-syntax', 'go-env', 'disk-space']);
    const skip = JSON.parse(
      (await run(['doctor', '--json', '--offline', '--skip', 'disk-space,go-env'], { cwd: w.project, env: w.env }))
        .stdout,
    ) as Doc;
    expect(skip.checks.map((c) => c.id)).toEqual(CHECK_IDS.filter((i) => i !== 'disk-space' && i !== 'go-env'));
  });

  it.each([
    [['--only', 'no-such-check'], /unknown check "no-such-check" for --only/],
    [['--timeout', 'soon'], /invalid duration "soon" for --timeout/],
    [['a', 'b'], /at most one directory argument/],
    [['--bogus'], /flag provided but not defined: -bogus/],
  ])('usage error %j exits 2', async (args, want) => {
    const r = await run(['doctor', ...args], { cwd: os.tmpdir(), env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(want);
  });

  it('exits 3 when the project cannot be read', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-noproject-'));
    try {
      const r = await run(['doctor', dir], { cwd: dir, env: { GOENV: 'off' } });
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `modrescue: doctor: cannot read the project in ${dir}: go.mod file not found in current directory or any parent directory; see 'go help modules'\n`,
      );
      const missing = await run(['doctor', path.join(dir, 'nope')], { cwd: dir, env: { GOENV: 'off' } });
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain('no such directory');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 when a check fails', async () => {
    const w = await world();
    w.env = { ...w.env, GOPROXY: 'off' };
    const r = await run(['doctor', '--offline', '--only', 'go-env'], { cwd: w.project, env: w.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}go-env +GOPROXY=off \(environment\): module lookup is disabled/);
    expect(r.stdout).toContain('fix: modrescue fix proxy');
  });

  it('never prints a secret planted in GOPROXY, HTTPS_PROXY and .netrc', async () => {
    const w = await world({
      files: { 'go.mod': 'module example.com/app\n\ngo 1.19\n\nrequire git.corp.example.com/lib v1.0.0\n' },
    });
    const secrets = ['pr0xy-Secret-Pass', 'fwd-Secret-Pass', 'netrc-Secret-Pass'];
    await writeFile(
      path.join(w.home, '.netrc'),
      `machine 127.0.0.1 login bob password ${secrets[2]}\nmachine git.corp.example.com login bob password ${secrets[2]}\n`,
    );
    w.env = {
      ...w.env,
      GOPROXY: w.proxy.url.replace('http://', `http://alice:${secrets[0]}@`) + ',direct',
      HTTPS_PROXY: `http://carol:${secrets[1]}@127.0.0.1:9`,
      NO_PROXY: '127.0.0.1',
      GOPRIVATE: 'git.corp.example.com',
    };
    const outs: string[] = [];
    for (const args of [['doctor'], ['doctor', '--json'], ['doctor', '--offline']]) {
      const r = await run(args, { cwd: w.project, env: w.env });
      outs.push(r.stdout, r.stderr);
    }
    const all = outs.join('\n');
    expect(all).toContain('credentials in the URL');
    for (const s of secrets) expect(all).not.toContain(s);
    // The password reached the proxy, as Basic auth, never the output.
    expect(w.proxy.requests.some((q) => q.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('draws a live progress view on a terminal, erased at the end; NO_COLOR keeps it colourless', async () => {
    const w = await world();
    const capture = () => {
      const chunks: string[] = [];
      return { chunks, isTTY: true, columns: 100, write: (c: string | Uint8Array) => chunks.push(String(c)) };
    };
    for (const noColor of [false, true]) {
      const stdout = capture();
      const stderr = capture();
      const code = await main(['doctor', '--offline', '--only', 'gomod-syntax,go-env,disk-space'], {
        stdout,
        stderr,
        env: { ...w.env, ...(noColor ? { NO_COLOR: '1' } : {}) },
        cwd: w.project,
      });
      expect(code).toBe(0);
      const err = stderr.chunks.join('');
      expect(err).toContain('\x1b[2K'); // lines redrawn in place
      expect(err).toMatch(/gomod-syntax/);
      expect(err.endsWith('\x1b[3A')).toBe(true); // erased: the cursor is back at the top of the block
      const colour = /\x1b\[(3\d|1|2)m/;
      expect(colour.test(err + stdout.chunks.join(''))).toBe(!noColor);
    }
  });

  it('stops promptly on Ctrl-C (exit 130)', async () => {
    const w = await world({ faults: [{ pattern: '*', fault: { kind: 'hang' } }] });
    const ac = new AbortController();
    const waitForRequest = (async () => {
      while (w.proxy.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      ac.abort();
    })();
    const r = await run(['doctor', '--timeout', '60s', '--probe-timeout', '60s'], {
      cwd: w.project,
      env: w.env,
      signal: ac.signal,
    });
    await waitForRequest;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('modrescue: interrupted');
  });
});
