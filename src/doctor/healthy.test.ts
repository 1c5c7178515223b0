// A healthy project passes every check (issue 6 §3), through runDoctor and through the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDoctorWorld, type DoctorWorld } from '../../test/support/doctor-world.js';
import { run } from '../../test/support/cli.js';
import { runDoctor, CHECK_IDS } from './index.js';

describe('doctor on a healthy project', () => {
  let w: DoctorWorld;
  beforeAll(async () => {
    w = await createDoctorWorld();
    const r = await w.fillCache();
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => w?.close());

  it('passes every check (runDoctor)', async () => {
    const report = await runDoctor(await w.options());
    const bad = report.checks.filter((c) => c.status !== 'pass');
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(report.counts).toEqual({ pass: CHECK_IDS.length, warn: 0, fail: 0, skip: 0 });
    expect(report.project).toMatchObject({ root: w.project, module: 'example.com/app', go: '1.19' });
  });

  it('exits 0 and prints every check as PASS (CLI, text)', async () => {
    const r = await run(['doctor'], { cwd: w.project, env: w.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const id of CHECK_IDS) expect(r.stdout).toMatch(new RegExp(`PASS  ${id} `));
    expect(r.stdout).toContain(`${CHECK_IDS.length} checks: ${CHECK_IDS.length} pass, 0 warn, 0 fail, 0 skip`);
    // Plain progress lines on a non-terminal stderr, one per check, without colour.
    expect(r.stderr.split('\n').filter((l) => l.startsWith('doctor ['))).toHaveLength(CHECK_IDS.length);
    expect(r.stdout + r.stderr).not.toMatch(/\x1b\[/);
  });

  it('prints a schemaVersion 1 document with --json (and [dir] as an argument)', async () => {
    const r = await run(['doctor', '--json', w.project], { cwd: w.dir, env: w.env });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & {
      checks: Array<{
        id: string;
        status: string;
        summary: string;
        details: unknown[];
        evidence: unknown[];
        fix: unknown;
      }>;
      env: Record<string, { value: string; source: string }>;
    };
    expect(Object.keys(doc)[0]).toBe('schemaVersion');
    expect(doc['schemaVersion']).toBe(1);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['project', 'env', 'checks', 'durationMs']));
    expect(doc.checks.map((c) => Object.keys(c).slice(0, 6))).toEqual(
      CHECK_IDS.map(() => ['id', 'status', 'summary', 'details', 'evidence', 'fix']),
    );
    expect(doc.env['GOPROXY']).toEqual({ value: w.proxy.url, source: 'environment' });
  });
});
