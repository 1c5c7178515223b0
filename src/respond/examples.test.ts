// The five offline example incidents: `modrescue respond --yes` on a copy of each reaches
// a verified fix (the doctor checks that failed pass again, and the real go command —
// Debian's Go 1.19 — builds the project), and `modrescue undo` of every applied action
// restores the original bytes. The checkout under examples/ is never written.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../test/support/cli.js';
import { exec, goBinary, runGo } from '../../test/support/go.js';
import { readJournal } from '../shared/journal.js';
import { createExampleWorld, examplesDir, listExamples, type ExampleWorld } from './index.js';
import type { IncidentDoc } from '../report/index.js';

/** tree returns every file under dir (relative path → sha256), skipping the named directories. */
async function tree(dir: string, skip: readonly string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (skip.includes(rel)) continue;
      if (e.isDirectory()) await walk(p);
      else
        out[rel] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

/** snapshot is what undo must restore: the project's files and the go env file. */
async function snapshot(w: ExampleWorld): Promise<Record<string, string>> {
  const files = await tree(w.project, ['.git', '.modrescue']);
  const envFile = await readFile(w.envFile).catch(() => undefined);
  return { ...files, 'go env file': envFile ? createHash('sha256').update(envFile).digest('hex') : 'absent' };
}

const git = async (w: ExampleWorld, ...args: string[]) =>
  (await exec('git', args, { cwd: w.project, env: w.env as Record<string, string> })).stdout.trim();

describe('example incidents', () => {
  let checkout: Record<string, string>;
  beforeAll(async () => {
    checkout = await tree(examplesDir());
  });
  afterAll(async () => {
    // Respond ran on copies: the checkout is byte for byte what it was.
    expect(await tree(examplesDir())).toEqual(checkout);
  });

  it('lists at least the five incidents of the issue', async () => {
    expect(await listExamples()).toEqual(
      expect.arrayContaining([
        'checksum-mismatch',
        'deleted-tag',
        'missing-gosum',
        'proxy-unreachable',
        'sumdb-private',
      ]),
    );
  });

  it('without git, an example with no history is a plain directory; one with history says git is needed', async () => {
    const w = await createExampleWorld('missing-gosum', { path: '/nonexistent-bin' });
    try {
      expect((await readdir(w.project)).sort()).toEqual(['go.mod', 'go.sum', 'main.go']);
      expect(w.env['PATH']).toBe('/nonexistent-bin');
    } finally {
      await w.close();
    }
    await expect(createExampleWorld('deleted-tag', { path: '/nonexistent-bin' })).rejects.toMatchObject({
      code: 'ERR_RESPOND_EXAMPLE_INVALID',
      message: expect.stringContaining('example deleted-tag: git is needed to build its history'),
    });
  });

  it.each(['checksum-mismatch', 'proxy-unreachable', 'missing-gosum', 'sumdb-private', 'deleted-tag'])(
    '%s: the go command fails as the log says, respond --yes fixes and verifies it, undo restores every byte',
    async (name) => {
      const w = await createExampleWorld(name);
      try {
        const env = w.env as Record<string, string>;
        // The incident is real: the go command fails in the copy as the CI log says.
        const broken = await exec('sh', ['-c', w.spec.ciCommand], { cwd: w.project, env });
        expect(broken.code).not.toBe(0);
        const before = await snapshot(w);
        const head = await git(w, 'rev-parse', 'HEAD');

        const r = await run(
          // A generous deadline: this test is about what respond does, not how fast (the full
          // suite runs Go builds beside it on two cores; the benchmark measures the speed).
          [
            'respond',
            w.log,
            '--project',
            w.project,
            '--yes',
            '--json',
            '--timeout',
            '60s',
            '--verify-cmd',
            w.spec.ciCommand,
          ],
          { env, cwd: w.project },
        );
        expect(r.stderr).toBe('');
        const out = JSON.parse(r.stdout) as { schemaVersion: number; dir: string; incident: IncidentDoc };
        const doc = out.incident;
        expect(out.schemaVersion).toBe(1);
        // Diagnosis.
        expect(doc.diagnosis.actedOn).toBe(w.spec.expect.category);
        expect(doc.verification.checks.map((c) => c.id)).toEqual(expect.arrayContaining([...w.spec.expect.failing]));
        // Actions applied, in order, each journalled.
        const applied = doc.plan.filter((a) => a.status === 'applied');
        // On failure, say what respond saw and decided.
        const story = JSON.stringify({
          plan: doc.plan.map((a) => [a.action, a.status]),
          checks: doc.verification.checks.map((c) => [c.id, c.before, c.after]),
          timeline: doc.timeline.map((t) => `${t.kind}: ${t.event}${t.evidence ? ` (${t.evidence})` : ''}`),
        });
        expect(
          applied.map((a) => a.action),
          story,
        ).toEqual(w.spec.expect.actions);
        const journal = await readJournal(path.join(w.project, '.modrescue', 'journal.jsonl'));
        for (const a of applied) expect(journal.entries.find((e) => e.id === a.journalId)?.status).toBe('done');
        // Verified: the failed checks pass, the build command passed, exit 0.
        expect(doc.verification.checks.every((c) => c.after === 'pass' || c.after === 'warn')).toBe(true);
        expect(doc.verification.command?.exitCode).toBe(0);
        expect(doc.outcome).toBe('fixed');
        expect(r.code).toBe(0);
        // Independently of respond: the go command now builds the project.
        const fixed = await exec('sh', ['-c', w.spec.ciCommand], { cwd: w.project, env });
        expect(fixed.stderr).toBe('');
        expect(fixed.code).toBe(0);
        expect((await runGo(['run', '.'], { cwd: w.project, env })).stdout).toMatch(/^Hello, Checkout Service!/);
        // The incident directory.
        expect((await stat(path.join(out.dir, 'incident.json'))).isFile()).toBe(true);
        expect(await readFile(path.join(out.dir, 'notice.md'), 'utf8')).toContain(`\`${doc.diagnosis.category}\``);

        // Undo everything, newest first: the original bytes come back.
        for (const a of [...applied].reverse()) {
          const u = await run(['undo', a.journalId!, '--project', w.project], { env, cwd: w.project });
          expect(u.code, u.stderr).toBe(0);
        }
        expect(await snapshot(w)).toEqual(before);
        // The work tree equals the original HEAD's tree (a rollback commit is reverted, not erased).
        expect((await exec('git', ['diff', '--stat', head, '--', '.'], { cwd: w.project, env })).stdout).toBe('');
        const branches = await git(w, 'branch', '--list', 'hotfix/*');
        expect(branches).toBe('');
        expect(goBinary()).toBeTruthy();
      } finally {
        await w.close();
      }
    },
  );
});
