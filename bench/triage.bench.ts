/**
 * Triage benchmarks (built CLI; `MODRESCUE_DIST` points at another build, default dist/):
 *  - a 200 MB CI log (realistic noise, one buried failure) against `grep -E -c` with one
 *    alternation of all rule patterns over the same file (target: ratio <= 2);
 *  - peak RSS while triaging a 1 GB log (target: < 256 MB), printed as a note.
 * The logs are generated once into bench/.work/.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, mustSucceed, timeProcess, type Benchmark } from './harness.js';
import { bundledRuleSet } from '../src/triage/index.js';
import { createNoise } from '../src/triage/testdata/noise.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, 'bench', '.work');
const MB = 1024 * 1024;

const BURIED = [
  'go: github.com/acme/billing@v1.4.2 requires',
  '\tgithub.com/go-sql-driver/mysql@v1.6.0: Get "https://proxy.golang.org/github.com/go-sql-driver/mysql/@v/v1.6.0.mod": dial tcp 142.250.74.81:443: i/o timeout',
];

/** generateLog writes `bytes` of noise with the failure at 60 %, atomically (temp + rename). */
async function generateLog(file: string, bytes: number): Promise<void> {
  if (existsSync(file) && statSync(file).size >= bytes) return;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = file + '.tmp';
  const out = createWriteStream(tmp);
  const noise = createNoise(2025);
  let written = 0;
  let i = 0;
  let buried = false;
  while (written < bytes) {
    const lines: string[] = [];
    for (let k = 0; k < 4096; k++) lines.push(noise(i++));
    if (!buried && written >= bytes * 0.6) {
      lines.push(...BURIED);
      buried = true;
    }
    const chunk = lines.join('\n') + '\n';
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  await rename(tmp, file);
}

/** toEre turns a rule pattern (JavaScript syntax) into a POSIX ERE for grep -E. */
export function toEre(src: string): string {
  return src
    .replace(/\(\?<[A-Za-z]\w*>/g, '(')
    .replace(/\(\?:/g, '(')
    .replace(/([+*?}])\?/g, '$1')
    .replace(/\\d/g, '[0-9]')
    .replace(/\\([/:'"@<>,=!%&~`;_ -])/g, '$1');
}

const LAUNCH = `const { main } = await import(process.env.MODRESCUE_MAIN);
process.exitCode = await main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });`;

function runTriage(file: string) {
  return timeProcess(process.execPath, ['--input-type=module', '-e', LAUNCH, 'triage', '--json', file], {
    env: { ...process.env, MODRESCUE_MAIN: path.join(DIST, 'cli', 'main.js') },
  });
}

const log200 = path.join(work, 'triage-200mb.log');
const log1g = path.join(work, 'triage-1gb.log');
let alternation = '';
let rss1g = NaN;
let lastVerdict = '';

const benchmarks: Benchmark[] = [
  {
    name: 'triage 200 MB log vs grep -E -c (all rule patterns)',
    target: 'ratio <= 2',
    runs: 3,
    async setup() {
      await generateLog(log200, 200 * MB);
      const rs = bundledRuleSet();
      alternation = rs.rules
        .flatMap((r) => [...r.patterns, ...r.with])
        .map((p) => toEre(p.source))
        .join('|');
    },
    async ours() {
      const p = mustSucceedTriage(await runTriage(log200));
      lastVerdict = (JSON.parse(p.stdout) as { category: string; firstErrorAt: number }).category;
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    async peer() {
      const p = await timeProcess('grep', ['-E', '-c', alternation, log200]);
      if (p.code !== 0 && p.code !== 1) throw new Error(`grep exited ${p.code}: ${p.stderr.slice(0, 500)}`);
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    notes: () => [`verdict on the 200 MB log: ${lastVerdict} (want proxy-unreachable)`],
  },
  {
    name: 'triage 1 GB log: wall time vs grep -E -c',
    target: 'peak RSS < 256 MB',
    runs: 1,
    async setup() {
      await generateLog(log1g, 1024 * MB);
      if (alternation === '')
        alternation = bundledRuleSet()
          .rules.flatMap((r) => r.patterns)
          .map((p) => toEre(p.source))
          .join('|');
    },
    async ours() {
      const p = mustSucceedTriage(await runTriage(log1g));
      rss1g = p.maxRssKiB;
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    async peer() {
      const p = await timeProcess('grep', ['-E', '-c', alternation, log1g]);
      if (p.code !== 0 && p.code !== 1) throw new Error(`grep exited ${p.code}: ${p.stderr.slice(0, 500)}`);
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    notes: () => [`peak RSS triaging 1 GB: ${(rss1g / 1024).toFixed(1)} MiB (target < 256 MiB)`],
  },
];

/** triage exits 1 when it identifies a cause: that is success here. */
function mustSucceedTriage(p: Awaited<ReturnType<typeof timeProcess>>) {
  if (p.code === 1) return p;
  return mustSucceed(p, 'modrescue triage');
}

export default benchmarks;
