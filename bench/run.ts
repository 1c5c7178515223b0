/**
 * `npm run bench [-- filter...]`: runs every bench/*.bench.ts (each default-exports a
 * Benchmark or an array of them) and prints `name  ours  peer  ratio`.
 * Benchmarks use the built CLI (dist/), so run `npm run build` first (done here).
 */
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatRow, runBenchmark, type Benchmark } from './harness.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);

execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.resolve(dir, '..'), stdio: 'inherit' });

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
console.log(`${'name'.padEnd(44)}  ${'ours'.padStart(12)}  ${'peer'.padStart(12)}  ${'ratio'.padStart(6)}`);
let failures = 0;
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default: Benchmark | Benchmark[] };
  const list = Array.isArray(mod.default) ? mod.default : [mod.default];
  for (const b of list) {
    if (filters.length > 0 && !filters.some((x) => b.name.includes(x) || f.includes(x))) continue;
    try {
      const row = await runBenchmark(b);
      console.log(formatRow(row));
      for (const n of row.notes) console.log(`    ${n}`);
    } catch (e) {
      failures++;
      console.log(`${b.name.padEnd(44)}  FAILED: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}
process.exitCode = failures > 0 ? 1 : 0;
