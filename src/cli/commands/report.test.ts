// Transcript tests of `modrescue report` on an incident written by a real `respond --yes`
// (the missing-gosum example): formats, languages, listing, errors, an action undone
// afterwards, and the HTML page of the real flow in headless Chromium.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/support/chromium.js';
import { run } from '../../../test/support/cli.js';
import { createExampleWorld, type ExampleWorld } from '../../respond/index.js';
import type { IncidentDoc, ReportModel } from '../../report/index.js';

let w: ExampleWorld;
let env: Record<string, string>;
let doc: IncidentDoc;

beforeAll(async () => {
  w = await createExampleWorld('missing-gosum');
  env = { ...w.env };
  const r = await run(['respond', w.log, '--project', w.project, '--yes', '--json', '--verify-cmd', w.spec.ciCommand], {
    env,
  });
  expect(r.code).toBe(0);
  doc = (JSON.parse(r.stdout) as { incident: IncidentDoc }).incident;
}, 120_000);
afterAll(async () => {
  await w?.close();
});

describe('modrescue report', () => {
  it('writes the notice and the post-incident record as Markdown (the newest incident by default)', async () => {
    const r = await run(['report'], { env, cwd: w.project });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.split('\n')[0]).toBe(`# Post-incident record: missing-gosum (${doc.id})`);
    expect(md).toContain('### Incident notice: CI builds failing: missing-gosum');
    expect(md).toContain('**Status:** Resolved');
    expect(md).toContain('| time | event | evidence |');
    expect(md).toContain('| CI job failed (first error in the log) |');
    const applied = doc.plan.find((a) => a.status === 'applied')!;
    expect(md).toContain(`  - undo: \`modrescue undo ${applied.journalId}\``);
    expect(md).toMatch(
      /- Builds were broken for 4 min \d\d s \(from the first error in the log to the verified fix\)\./,
    );
    expect(md).toContain('**Trigger:** A change to go.mod');
    expect(md).toContain('"checkout: greet customers by name (#482)" by Dana Developer <dana@checkout.example>');
    expect(md).toContain('- [ ] **go.mod lint** (addresses this incident)');
    // The same from another directory with --project, and by a part of the id.
    const again = await run(['report', doc.id.slice(-4), '--project', w.project], { env, cwd: os.tmpdir() });
    expect(again.stdout).toBe(md);
  });

  it('--format json: the record and the incident (schemaVersion 1)', async () => {
    const r = await run(['report', '--format', 'json', '--project', w.project], { env });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { schemaVersion: number; id: string; record: ReportModel; incident: IncidentDoc };
    expect(j.schemaVersion).toBe(1);
    expect(j.id).toBe(doc.id);
    expect(j.incident).toEqual(doc);
    expect(j.record.actions.map((a) => [a.action, a.status])).toEqual([['sum', 'applied']]);
    expect(j.record.timeline.length).toBeGreaterThanOrEqual(doc.timeline.length);
  });

  it('--lang zh writes Chinese', async () => {
    const r = await run(['report', '--lang', 'zh', '--project', w.project], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`# 事后复盘记录：missing-gosum（${doc.id}）`);
    for (const s of [
      '## 事件通告',
      '## 时间线（UTC）',
      '## 触发因素与根本原因',
      '## 发现过程',
      '## 影响',
      '## 已采取的措施',
      '## 做得好的地方',
      '## 做得不好的地方',
      '## 预防措施',
      '**状态：** 已解决',
    ]) {
      expect(r.stdout).toContain(s);
    }
  });

  it('--list, and the errors: unknown incident (exit 3), bad flags (exit 2)', async () => {
    expect(await run(['report', '--list', '--project', w.project], { env })).toEqual({
      code: 0,
      stdout: doc.id + '\n',
      stderr: '',
    });
    const none = await run(['report', 'no-such-incident', '--project', w.project], { env });
    expect(none.code).toBe(3);
    expect(none.stderr).toBe(
      `modrescue: no incident "no-such-incident" in ${path.join(w.project, '.modrescue', 'incidents')} (incidents: ${doc.id})\n`,
    );
    const empty = await mkdtemp(path.join(os.tmpdir(), 'modrescue-report-'));
    try {
      const r = await run(['report'], { cwd: empty });
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `modrescue: no incident in ${path.join(empty, '.modrescue', 'incidents')}: run modrescue respond first (or pass --project)\n`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    const bad = await run(['report', '--format', 'pdf'], { env, cwd: w.project });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `modrescue: report: invalid --format "pdf": want markdown, html or json\nRun 'modrescue --help' for usage.\n`,
    );
  });

  it('the HTML page of the real flow renders in headless Chromium without any request', async () => {
    const r = await run(['report', '--format', 'html', '--project', w.project], { env });
    expect(r.code).toBe(0);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-report-html-'));

    const browser = await launchChromium(dir);
    try {
      const file = path.join(dir, 'report.html');
      await writeFile(file, r.stdout);
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      await page.goto('file://' + file);
      const rows = page.locator('#timeline tr.timeline-row');
      expect(await rows.count()).toBe(doc.timeline.length);
      expect(await rows.first().isVisible()).toBe(true);
      expect(await page.locator('#timeline').textContent()).toContain('CI job failed (first error in the log)');
      const failing = page.locator('svg#dependency-path g.node.failing');
      expect(await failing.getAttribute('data-module')).toBe('example.com/greeter');
      expect(await failing.isVisible()).toBe(true);
      expect(await page.locator('svg#dependency-path g.node.main text').textContent()).toBe('example.com/checkout');
      expect(requests).toEqual(['file://' + file]);
      await page.close();
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('shows an action undone after the incident as undone', async () => {
    const applied = doc.plan.find((a) => a.status === 'applied')!;
    const u = await run(['undo', applied.journalId!, '--project', w.project], { env });
    expect(u.code, u.stderr).toBe(0);
    const r = await run(['report', '--project', w.project], { env });
    expect(r.stdout).toContain('- **sum** (undone) — `modrescue fix sum --apply`');
    expect(r.stdout).toMatch(new RegExp(`\\| action ${applied.journalId} undone \\| journal undo-`));
    // The actions section offers no undo for it any more (the notice keeps what it said then).
    expect(r.stdout).not.toContain(`  - undo: \`modrescue undo ${applied.journalId}\``);
  });
});
