// One smoke test spawns the built binary (docs/architecture.md §7); `npm test` builds first.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { exec } from './support/go.js';
import { repoRoot } from './support/shared.js';

const bin = path.join(repoRoot, 'bin', 'modrescue.js');

describe('built binary', () => {
  it('exists (npm test builds it first)', () => {
    expect(existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js')), 'run `npm run build`').toBe(true);
  });
  it('answers --version and --help', async () => {
    const v = await exec(process.execPath, [bin, '--version'], { env: { PATH: process.env['PATH'] ?? '' } });
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^modrescue \d+\.\d+\.\d+\n$/);
    const h = await exec(process.execPath, [bin, '--help'], { env: { PATH: process.env['PATH'] ?? '' } });
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: modrescue <command>');
  });
  it('exits 2 on an unknown flag or command, without a stack trace', async () => {
    const r = await exec(process.execPath, [bin, 'no-such-command'], { env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
