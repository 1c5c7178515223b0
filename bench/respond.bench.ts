/**
 * `respond --yes` on each example incident (examples/), wall time from the start of the
 * process to the verified fix (the failed checks pass again and the example's CI command
 * — `go mod download && go build …` — exits 0 under respond's --verify-cmd). Target:
 * under 5 s each; the seed's target for the whole human response is 7 minutes.
 *
 * Peer: the equivalent manual command sequence an engineer types, run as one script with
 * the real go command (Debian's Go 1.19): reproduce the failure with the CI command, apply
 * the known fix by hand (edit go.sum and re-download, `go env -w GOPROXY=…`,
 * `go env -w GONOSUMDB=…`, `git checkout <tag> -- go.mod go.sum`), and run the CI command
 * again. It has no reading, thinking or typing in it, so it is a lower bound of the manual
 * response, not the manual response itself.
 *
 * Every run, of either side, gets a fresh copy of the example (its set-up is not timed).
 * The CLI is MODRESCUE_DIST (default <repo>/dist), run through a driver like
 * bin/modrescue.js.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createExampleWorld, type ExampleWorld } from '../src/respond/index.js';
import { writeCliDriver, type Benchmark, type Measured } from './harness.js';

/** The manual fix of each example, between the two runs of its CI command. */
const MANUAL: Readonly<Record<string, (w: ExampleWorld) => string>> = {
  'checksum-mismatch': () =>
    "sed -i '/^example.com\\/strutil v0.3.0 h1:/d' go.sum && GOFLAGS=-mod=mod go mod download example.com/strutil",
  'proxy-unreachable': (w) => `go env -w GOPROXY=${w.aliases['https://proxy.golang.org']}`,
  'missing-gosum': () => 'go mod download example.com/greeter',
  // go mod download without arguments does not record the private module's sum (Go 1.17+):
  // the hand fix downloads it by name, as respond's `sum` action records it.
  'sumdb-private': () => 'go env -w GONOSUMDB=git.corp.example && go mod download git.corp.example/platform/auth',
  'deleted-tag': () => 'git checkout -q v1.4.0 -- go.mod go.sum',
};

interface Proc {
  code: number;
  ms: number;
  stdout: string;
  stderr: string;
}

function time(file: string, args: string[], cwd: string, env: Record<string, string>): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        ms: Number(process.hrtime.bigint() - start) / 1e6,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
  });
}

function bench(name: string): Benchmark {
  let work: string;
  let driver: string;
  const respondMs: number[] = [];
  return {
    name: `respond --yes: ${name}`,
    target: 'ours < 5000 ms',
    runs: 3,
    async setup() {
      work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-bench-respond-'));
      driver = path.join(work, 'modrescue.mjs');
      await writeCliDriver(driver);
    },
    async ours(): Promise<Measured> {
      const w = await createExampleWorld(name, { tmpDir: work });
      try {
        const r = await time(
          process.execPath,
          [driver, 'respond', w.log, '--project', w.project, '--yes', '--json', '--verify-cmd', w.spec.ciCommand],
          w.project,
          { ...w.env },
        );
        const doc = JSON.parse(r.stdout || '{}') as { incident?: { outcome: string; elapsedMs: number } };
        if (r.code !== 0 || doc.incident?.outcome !== 'fixed') {
          throw new Error(
            `respond did not reach a verified fix (exit ${r.code}): ${r.stderr.split('\n').slice(-3).join(' ')}`,
          );
        }
        respondMs.push(doc.incident.elapsedMs);
        return { ms: r.ms };
      } finally {
        await w.close();
      }
    },
    async peer(): Promise<Measured> {
      const w = await createExampleWorld(name, { tmpDir: work });
      try {
        const ci = w.spec.ciCommand;
        // Reproduce (it fails), fix by hand, verify.
        const script = `(${ci}) >/dev/null 2>&1 && exit 90; ${MANUAL[name]!(w)} && ${ci}`;
        const r = await time('sh', ['-c', script], w.project, { ...w.env });
        if (r.code !== 0)
          throw new Error(`the manual sequence failed (exit ${r.code}): ${r.stderr.split('\n').slice(-3).join(' ')}`);
        return { ms: r.ms };
      } finally {
        await w.close();
      }
    },
    async teardown() {
      await rm(work, { recursive: true, force: true });
    },
    notes() {
      // The last `runs` values (the first one is the harness's warm-up).
      const sorted = respondMs.slice(-3).sort((a, b) => a - b);
      const med = sorted[sorted.length >> 1];
      return [
        `respond's own elapsed time (start → verified fix, without node start-up): median ${med ?? '?'} ms`,
        'peer: the manual command sequence with Go 1.19 (CI command fails, hand fix, CI command passes), no human time',
      ];
    },
  };
}

export default ['checksum-mismatch', 'proxy-unreachable', 'missing-gosum', 'sumdb-private', 'deleted-tag'].map(bench);
