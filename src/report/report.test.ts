// The post-incident record: built from an incident document and the journal (an action
// undone after the incident shows as undone), in English and Chinese, as Markdown, JSON
// and one self-contained HTML page checked in headless Chromium (Debian's chromium).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/support/chromium.js';
import { parseJournal, type JournalEntry } from '../shared/journal.js';
import {
  buildReport,
  formatDuration,
  incidentsDir,
  listIncidents,
  newIncidentId,
  readIncident,
  renderMarkdown,
  renderReportHtml,
  writeIncident,
  type IncidentDoc,
} from './index.js';

const JOURNAL = '/p/.modrescue/journal.jsonl';

/** An incident as respond writes it: a missing go.sum entry fixed by `fix sum`. */
function incident(over: Partial<IncidentDoc> = {}): IncidentDoc {
  return {
    schemaVersion: 1,
    id: '20250314T092500Z-missing-gosum-ab12',
    project: '/p',
    module: 'example.com/checkout',
    startedAt: '2025-03-14T09:25:00.000Z',
    finishedAt: '2025-03-14T09:25:02.400Z',
    elapsedMs: 2400,
    interruptionStart: '2025-03-14T09:21:11.645Z',
    interruptionFromLog: true,
    fixedAt: '2025-03-14T09:25:02.400Z',
    detection: {
      source: 'ci.log',
      line: 47,
      text: 'main.go:6:2: missing go.sum entry for module providing package example.com/greeter (imported by example.com/checkout); to add:',
      time: '2025-03-14T09:21:11.645Z',
    },
    diagnosis: {
      category: 'missing-gosum',
      class: 'dependency',
      confidence: 0.93,
      title: 'missing go.sum entry',
      summary: 'go.sum lacks an entry',
      ruleId: 'missing-gosum-entry',
      secondary: [],
      evidence: [
        { line: 47, text: 'main.go:6:2: missing go.sum entry for module providing package example.com/greeter' },
      ],
      modules: [{ path: 'example.com/greeter' }],
      hosts: [],
      actedOn: 'missing-gosum',
    },
    trigger: {
      commit: 'c63feff',
      subject: 'checkout: greet customers by name (#482)',
      time: '2025-03-14T09:20:00.000Z',
      author: 'Dana <dana@checkout.example>',
    },
    scope: { branch: 'main', service: 'example.com/checkout' },
    checks: {
      before: [
        { id: 'gosum-complete', status: 'fail', summary: '1 go.sum entry missing', fix: 'sum' },
        { id: 'credentials', status: 'skip', summary: 'did not finish within the 10 s deadline' },
      ],
      after: [{ id: 'gosum-complete', status: 'pass', summary: 'go.sum has every line' }],
    },
    plan: [
      {
        rank: 1,
        action: 'sum',
        args: {},
        command: 'modrescue fix sum --apply',
        why: 'go.sum: add 2 missing lines',
        risk: { level: 'low', note: 'only go.sum changes' },
        undo: 'modrescue undo sum-20250314T092501Z-0001 restores go.sum byte for byte',
        status: 'applied',
        journalId: 'sum-20250314T092501Z-0001',
        files: [{ path: '/p/go.sum', kind: 'modify' }],
        notes: [],
      },
      {
        rank: 2,
        action: 'proxy',
        args: {},
        command: 'modrescue fix proxy --apply',
        why: 'switch GOPROXY',
        risk: { level: 'medium', note: 'changes the go env file' },
        undo: 'modrescue undo <id>',
        status: 'refused',
        files: [],
        notes: [],
        reason: 'no reachable mirror',
      },
    ],
    verification: {
      verified: true,
      checks: [{ id: 'gosum-complete', before: 'fail', after: 'pass', summary: 'go.sum has every line' }],
      command: { command: 'go build ./...', exitCode: 0, timedOut: false, durationMs: 812, output: '' },
    },
    mode: 'yes',
    phase: 'resolved',
    outcome: 'fixed',
    timeline: [
      {
        time: '2025-03-14T09:21:11.645Z',
        kind: 'ci-failed',
        event: 'CI job failed (first error in the log)',
        eventZh: 'CI 任务失败（日志中的首个错误）',
        evidence: 'ci.log:47: missing go.sum entry | for example.com/greeter',
      },
      {
        time: '2025-03-14T09:25:00.000Z',
        kind: 'respond-start',
        event: 'modrescue respond started',
        eventZh: 'modrescue respond 开始响应',
      },
      {
        time: '2025-03-14T09:25:01.100Z',
        kind: 'apply',
        event: 'applied sum: go.sum: add 2 missing lines',
        eventZh: '已执行 sum：go.sum: add 2 missing lines',
        evidence: 'journal sum-20250314T092501Z-0001; go.sum',
      },
      { time: '2025-03-14T09:25:02.400Z', kind: 'verified', event: 'fix verified', eventZh: '修复已验证' },
    ],
    dependencyPath: {
      module: 'example.com/strutil',
      version: 'v0.3.0',
      paths: [
        [
          { path: 'example.com/checkout', version: '' },
          { path: 'example.com/greeter', version: 'v1.1.0' },
          { path: 'example.com/strutil', version: 'v0.3.0' },
        ],
      ],
      from: 'graph',
    },
    notices: {
      en: '# Incident notice: CI builds failing: missing-gosum\n\n**Status:** Resolved\n\n- Applied `modrescue fix sum --apply`\n',
      zh: '# 事件通告：CI 构建失败：missing-gosum\n\n**状态：** 已解决\n',
    },
    journal: JOURNAL,
    ...over,
  };
}

const entry = (over: Partial<JournalEntry>): JournalEntry => ({
  schemaVersion: 1,
  id: 'sum-20250314T092501Z-0001',
  status: 'done',
  time: '2025-03-14T09:25:01.000Z',
  finished: '2025-03-14T09:25:01.100Z',
  actor: { kind: 'git', name: 'Dana <dana@checkout.example>' },
  action: 'sum',
  args: {},
  project: '/p',
  summary: 'go.sum: add 2 missing lines',
  files: [{ path: '/p/go.sum', role: 'go.sum', before: 'a'.repeat(64), after: 'b'.repeat(64) }],
  env: [],
  git: [],
  cache: [],
  ...over,
});

const journalOf = (...entries: JournalEntry[]) =>
  parseJournal(JOURNAL, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');

describe('buildReport', () => {
  it('takes the actions from the journal, with their undo ids', () => {
    const m = buildReport(incident(), journalOf(entry({})), 'en');
    expect(m.actions).toHaveLength(1);
    expect(m.actions[0]).toMatchObject({
      id: 'sum-20250314T092501Z-0001',
      status: 'applied',
      undo: 'modrescue undo sum-20250314T092501Z-0001',
      actor: 'Dana <dana@checkout.example>',
      time: '2025-03-14 09:25:01.000',
    });
    expect(m.actions[0]!.files).toEqual([`/p/go.sum (${'a'.repeat(12)} → ${'b'.repeat(12)})`]);
    expect(m.notApplied.map((a) => [a.action, a.status])).toEqual([['proxy', 'refused']]);
    expect(m.wentBadly.join('\n')).toContain('no reachable mirror');
    expect(m.wentBadly.join('\n')).toContain('`credentials`');
  });

  it('shows an action undone after the incident as undone, with the undo on the timeline', () => {
    const undo = entry({
      id: 'undo-20250314T100000Z-0002',
      action: 'undo',
      undoOf: 'sum-20250314T092501Z-0001',
      time: '2025-03-14T10:00:00.000Z',
      finished: '2025-03-14T10:00:00.200Z',
      summary: 'undo sum',
    });
    const m = buildReport(incident(), journalOf(entry({}), undo), 'en');
    expect(m.actions[0]).toMatchObject({
      status: 'undone',
      undoneBy: 'undo-20250314T100000Z-0002 (2025-03-14 10:00:00.200)',
    });
    expect(m.actions[0]!.undo).toBeUndefined();
    const last = m.timeline.at(-1)!;
    expect(last).toMatchObject({ time: '2025-03-14 10:00:00.200', event: 'action sum-20250314T092501Z-0001 undone' });
  });

  it('states trigger vs root cause, detection, impact and duration from the facts', () => {
    const m = buildReport(incident(), journalOf(entry({})), 'en');
    expect(m.trigger.join(' ')).toContain('commit `c63feff` "checkout: greet customers by name (#482)"');
    expect(m.rootCause[0]).toContain('Nothing checks that go.mod and go.sum are tidy');
    expect(m.detection[0]).toBe(
      'Detected by CI: `ci.log` line 47 at 2025-03-14 09:21:11.645 UTC: `main.go:6:2: missing go.sum entry for module providing package example.com/greeter (imported by example.com/checkout); to add:`.',
    );
    expect(m.detection).toContain('3 min 48 s passed between the first error and the start of the response.');
    expect(m.impact).toContain('Duration of the interruption: 3 min 51 s.');
    expect(m.prevention.map((p) => [p.id, p.relevant])).toEqual([
      ['review-gate', true],
      ['gomod-lint', true],
      ['proxy-cache', false],
      ['goprivate-policy', false],
    ]);
  });

  it('says the fix is not verified and that the incident goes on', () => {
    const doc = incident({
      outcome: 'not-fixed',
      phase: 'identified',
      verification: {
        verified: false,
        checks: [{ id: 'gosum-complete', before: 'fail', after: 'fail', summary: 'still missing' }],
      },
    });
    const { fixedAt: _f, ...rest } = doc;
    const m = buildReport(rest as IncidentDoc, journalOf(), 'en');
    expect(m.summary[0]).toContain('outcome: not fixed (phase: identified)');
    expect(m.verification.at(-1)).toBe('Result: the fix is not verified.');
    expect(m.wentBadly).toContain('The fix could not be verified; the incident is not over.');
    expect(m.impact.join('\n')).not.toContain('Duration');
  });

  it('reports unreadable journal lines with file:line:col', () => {
    const j = parseJournal(JOURNAL, JSON.stringify(entry({})) + '\n{"torn":');
    expect(buildReport(incident(), j, 'en').journalErrors).toEqual([
      `${JOURNAL}:2:1: incomplete last line (torn write?)`,
    ]);
  });

  it('writes Chinese prose in zh', () => {
    const m = buildReport(incident(), journalOf(entry({})), 'zh');
    const md = renderMarkdown(m);
    expect(md).toContain('## 时间线（UTC）');
    expect(md).toContain('| 时间 | 事件 | 证据 |');
    expect(md).toContain('CI 任务失败（日志中的首个错误）');
    expect(md).toContain('合并前没有检查 go.mod 与 go.sum 是否整洁一致');
    expect(md).toContain('构建中断时长 3 分 51 秒');
    expect(md).toContain('### 事件通告：CI 构建失败：missing-gosum');
    expect(md).toContain('**依赖变更评审关卡**（与本次事件直接相关）');
    expect(formatDuration(2 * 3600_000 + 14 * 60_000, 'zh')).toBe('2 小时 14 分');
  });
});

describe('renderMarkdown', () => {
  it('has the notice, a time | event | evidence table (pipes escaped) and every section', () => {
    const md = renderMarkdown(buildReport(incident(), journalOf(entry({})), 'en'));
    expect(md.split('\n')[0]).toBe('# Post-incident record: missing-gosum (20250314T092500Z-missing-gosum-ab12)');
    expect(md).toContain('### Incident notice: CI builds failing: missing-gosum');
    expect(md).toContain('| time | event | evidence |');
    expect(md).toContain(
      '| 2025-03-14 09:21:11.645 | CI job failed (first error in the log) | ci.log:47: missing go.sum entry \\| for example.com/greeter |',
    );
    for (const h of [
      'Trigger and root cause',
      'Detection',
      'Impact',
      'Actions taken',
      'Planned but not applied',
      'Verification',
      'What went well',
      'What went badly',
      'Prevention items',
    ]) {
      expect(md).toContain(`## ${h}`);
    }
    expect(md).toContain('  - undo: `modrescue undo sum-20250314T092501Z-0001`');
    expect(md).toContain('example.com/checkout → example.com/greeter v1.1.0 → example.com/strutil v0.3.0');
  });
});

describe('incident directory', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'modrescue-report-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('has no incident at first, then reads the newest or one by unique part of its id', async () => {
    await expect(readIncident(root)).rejects.toMatchObject({ code: 'ERR_REPORT_NO_INCIDENT' });
    const a = incident({ id: newIncidentId(new Date('2025-03-14T09:25:00Z'), 'missing-gosum', () => 'aaaa') });
    const b = incident({ id: newIncidentId(new Date('2025-03-15T10:00:00Z'), 'proxy-unreachable', () => 'bbbb') });
    expect(a.id).toBe('20250314T092500Z-missing-gosum-aaaa');
    const dir = await writeIncident(root, a, { 'notice.md': a.notices.en });
    expect(dir).toBe(path.join(incidentsDir(root), a.id));
    await writeIncident(root, b, {});
    expect(await listIncidents(root)).toEqual([a.id, b.id]);
    expect((await readIncident(root)).id).toBe(b.id);
    expect((await readIncident(root, 'missing-gosum')).id).toBe(a.id);
    expect((await readIncident(root, 'bbbb')).id).toBe(b.id);
    await expect(readIncident(root, '2025031')).rejects.toMatchObject({
      code: 'ERR_REPORT_NO_INCIDENT',
      message: expect.stringContaining('several incidents'),
    });
  });

  it('says where an incident.json is broken', async () => {
    const id = '20250316T000000Z-x-cccc';
    await mkdir(path.join(incidentsDir(root), id), { recursive: true });
    const file = path.join(incidentsDir(root), id, 'incident.json');
    await writeFile(file, '{"schemaVersion": 1, "id": "x"}');
    await expect(readIncident(root, id)).rejects.toMatchObject({
      code: 'ERR_REPORT_INVALID',
      message: `${file}: not an incident document: project: Invalid input: expected string, received undefined`,
    });
    await writeFile(file, '{');
    await expect(readIncident(root, id)).rejects.toMatchObject({
      code: 'ERR_REPORT_INVALID',
      message: expect.stringContaining(file),
    });
  });
});

describe('HTML page in headless Chromium', () => {
  let browser: BrowserContext;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-report-html-'));
    browser = await launchChromium(dir);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['en', 'zh'] as const)(
    'renders (%s): timeline rows, the dependency path, no network request',
    async (lang) => {
      const doc = incident({
        // Markup in facts must stay text.
        scope: { branch: 'main</td><script>alert(1)</script>' },
      });
      const m = buildReport(doc, journalOf(entry({})), lang);
      const file = path.join(dir, `report-${lang}.html`);
      await writeFile(file, renderReportHtml(m));
      const page = await browser.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto('file://' + file);
      expect(await page.title()).toBe(m.title);
      const rows = page.locator('#timeline tr.timeline-row');
      expect(await rows.count()).toBe(doc.timeline.length);
      await expect(rows.first().isVisible()).resolves.toBe(true);
      expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
        '2025-03-14 09:21:11.645',
        lang === 'zh' ? 'CI 任务失败（日志中的首个错误）' : 'CI job failed (first error in the log)',
        'ci.log:47: missing go.sum entry | for example.com/greeter',
      ]);
      const svg = page.locator('svg#dependency-path');
      expect(await svg.isVisible()).toBe(true);
      expect(await svg.locator('g.node text').allTextContents()).toEqual([
        'example.com/checkout',
        'example.com/greeter v1.1.0',
        'example.com/strutil v0.3.0',
      ]);
      const failing = svg.locator('g.node.failing');
      expect(await failing.getAttribute('data-module')).toBe('example.com/strutil');
      const box = await failing.boundingBox();
      expect(box!.width).toBeGreaterThan(50);
      expect(await svg.locator('path.edge').count()).toBe(2);
      expect(await page.locator('#actions tr.action').count()).toBe(1);
      expect(await page.locator('#prevention li').count()).toBe(4);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('body').textContent()).toContain('main</td><script>alert(1)</script>');
      expect(requests).toEqual(['file://' + file]);
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );
});
