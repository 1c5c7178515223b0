// Transcript tests of `modrescue respond`, in-process, on copies of the example incidents
// (their loopback proxies and checksum database) and on small projects in temp dirs.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { run } from '../../../test/support/cli.js';
import { createExampleWorld, type ExampleWorld } from '../../respond/index.js';
import type { IncidentDoc } from '../../report/index.js';

const worlds: ExampleWorld[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});
async function world(name: string): Promise<ExampleWorld> {
  const w = await createExampleWorld(name);
  worlds.push(w);
  return w;
}

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isFile())
      out[e.name] = createHash('sha256')
        .update(await readFile(path.join(dir, e.name)))
        .digest('hex');
  }
  return out;
}

const incidentOf = (stdout: string) => (JSON.parse(stdout) as { incident: IncidentDoc }).incident;

describe('modrescue respond: usage', () => {
  it.each([
    [['--yes', '--dry-run'], 'respond: --yes and --dry-run exclude each other'],
    [['--lang', 'fr'], 'respond: invalid --lang "fr": want en or zh'],
    [['--scope', 'global'], 'respond: invalid --scope "global": want go-env, ci or shell'],
    [['--max-actions', '0'], 'respond: invalid --max-actions "0"'],
    [['a.log', 'b.log'], 'respond: give one log: a file, -, a URL, or one of --github/--gitlab/--jenkins'],
    [['--timeout', 'soon'], 'invalid duration "soon" for --timeout (examples: 10s, 1m30s, 500ms)'],
  ])('%j → exit 2', async (args, message) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-respond-'));
    try {
      await writeFile(path.join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.19\n');
      const r = await run(['respond', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`modrescue: ${message}\nRun 'modrescue --help' for usage.\n`);
      expect(r.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists the examples, and names them for an unknown one', async () => {
    const list = await run(['respond', '--list-examples']);
    expect(list).toEqual({
      code: 0,
      stdout: 'checksum-mismatch\ndeleted-tag\nmissing-gosum\nproxy-unreachable\nsumdb-private\n',
      stderr: '',
    });
    const bad = await run(['respond', '--example', 'nope', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'modrescue: unknown example "nope" (examples: checksum-mismatch, deleted-tag, missing-gosum, proxy-unreachable, sumdb-private)\n',
    );
  });

  it('without go.mod: exit 3, nothing written', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-respond-'));
    try {
      const r = await run(['respond', '--yes', '--offline'], { cwd: dir });
      expect(r.code).toBe(3);
      expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^modrescue: .*go\.mod/);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unreadable log: exit 3 with the file named', async () => {
    const w = await world('missing-gosum');
    const r = await run(['respond', path.join(w.dir, 'no-such.log'), '--project', w.project, '--yes'], {
      env: { ...w.env },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no-such.log');
  });

  it('loads the triage rules of the config file and --rules: a broken rule file stops it before any change (exit 3)', async () => {
    const w = await world('checksum-mismatch');
    const before = await hashes(w.project);
    const rules = path.join(w.dir, 'team-rules');
    await mkdir(rules, { recursive: true });
    await writeFile(
      path.join(rules, 'broken.yaml'),
      'category: proxy-http-error\nclass: environment\nrules:\n  - id: Bad_Id\n',
    );
    const config = path.join(w.dir, 'modrescue.yaml');
    await writeFile(config, 'triage:\n  rules: [team-rules]\n');
    for (const [args, env] of [
      [[], { MODRESCUE_CONFIG: config }],
      [['--rules', rules], {}],
    ] as const) {
      const r = await run(['respond', w.log, '--project', w.project, '--yes', ...args], { env: { ...w.env, ...env } });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`modrescue: ${path.join(rules, 'broken.yaml')}:4:9: rule id must be kebab-case`);
      expect(r.stderr).toContain('error(s) in rule files');
    }
    expect(await hashes(w.project)).toEqual(before);
  });
});

describe('modrescue respond: the flow', () => {
  it('--dry-run plans with diffs and changes nothing (exit 1: a fix is needed)', async () => {
    const w = await world('checksum-mismatch');
    const before = await hashes(w.project);
    const env = { ...w.env };
    const r = await run(['respond', w.log, '--project', w.project, '--dry-run'], { env });
    expect(r.code).toBe(1);
    expect(await hashes(w.project)).toEqual(before);
    expect(await stat(path.join(w.project, '.modrescue', 'journal.jsonl')).catch(() => undefined)).toBeUndefined();
    // The plan, with why, risk, undo and the unified diff, on stderr as it is made.
    expect(r.stderr).toContain('1. sum  low risk  modrescue fix sum --apply');
    expect(r.stderr).toContain('-example.com/strutil v0.3.0 h1:7Rk0cJ1bEJmT3yP5Vn2QxH8wQ6zXJk9LwZ4sVbD2oNs=');
    expect(r.stderr).toContain('+example.com/strutil v0.3.0 h1:XqAZlI/fl/HfALDvnGmhjinzekoPigYunr+pN6Rhplw=');
    expect(r.stdout).toContain('Plan (dry run: nothing was changed)');
    expect(r.stdout).toContain('**Status:** Identified');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^Planned in \d+(\.\d)? m?s \(dry run, nothing changed; incident \d{8}T\d{6}Z-checksum-mismatch-[0-9a-f]{4}\)\.$/,
    );
    const ids = await readdir(path.join(w.project, '.modrescue', 'incidents'));
    expect(ids).toHaveLength(1);
    const doc = JSON.parse(
      await readFile(path.join(w.project, '.modrescue', 'incidents', ids[0]!, 'incident.json'), 'utf8'),
    ) as IncidentDoc;
    expect(doc).toMatchObject({ mode: 'dry-run', outcome: 'planned', phase: 'identified' });
    expect(doc.plan.map((a) => [a.action, a.status])).toEqual([['sum', 'planned']]);
  });

  it('checks cut short by the deadline are not "nothing fails": it says so, applies nothing, exit 1', async () => {
    const w = await world('checksum-mismatch');
    const before = await hashes(w.project);
    const r = await run(['respond', w.log, '--project', w.project, '--yes', '--timeout', '1ms'], { env: { ...w.env } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^Problem {5}the checks that matter did not finish within the deadline \([^)]*gosum-verified[^)]*\): nothing can be verified; re-run with a longer --timeout$/m,
    );
    expect(r.stdout).not.toContain('no doctor check fails');
    expect(await hashes(w.project)).toEqual(before);
  });

  it('without a terminal and without --yes it only plans, and says so', async () => {
    const w = await world('missing-gosum');
    const before = await hashes(w.project);
    const r = await run(['respond', w.log, '--project', w.project], { env: { ...w.env } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      'no terminal and no --yes: planning only (as --dry-run); nothing will be changed',
    );
    expect(await hashes(w.project)).toEqual(before);
  });

  it('--yes fixes, prints the notice and timeline, and closes with the elapsed time; a second run finds nothing', async () => {
    const w = await world('missing-gosum');
    const env = { ...w.env };
    const r = await run(['respond', w.log, '--project', w.project, '--yes', '--verify-cmd', w.spec.ciCommand], { env });
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain('Diagnosis   missing-gosum · 93% confidence');
    expect(out).toMatch(/✓ modrescue fix sum --apply\n {6}undo: modrescue undo sum-\d{8}T\d{6}Z-[0-9a-f]{4}/);
    expect(out).toContain('✓ gosum-complete: fail → pass');
    expect(out).toMatch(/✓ go build -o \/dev\/null \.\/\.\.\.: exit 0/);
    expect(out).toContain('# Incident notice: CI builds failing: missing-gosum');
    expect(out).toContain('**Status:** Resolved');
    expect(out).toContain('| time (UTC) | event | evidence |');
    expect(out.trimEnd().split('\n').at(-1)).toMatch(
      /^Fixed and verified in \d+(\.\d)? m?s \(incident \d{8}T\d{6}Z-missing-gosum-[0-9a-f]{4}\)\.$/,
    );

    const again = await run(['respond', '--project', w.project, '--yes', '--json'], { env });
    expect(again.code).toBe(0);
    const doc = incidentOf(again.stdout);
    expect(doc.outcome).toBe('fixed');
    expect(doc.plan).toEqual([]);
    expect(doc.verification.checks).toEqual([]);
  });

  it('--lang zh writes the notice in Chinese', async () => {
    const w = await world('missing-gosum');
    const r = await run(['respond', w.log, '--project', w.project, '--yes', '--lang', 'zh'], { env: { ...w.env } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# 事件通告：CI 构建失败：missing-gosum');
    expect(r.stdout).toContain('**状态：** 观察中');
    expect(r.stdout).toContain('时间线（UTC）');
    expect(r.stdout).toContain('| 时间（UTC） | 事件 | 证据 |');
  });

  it('reads the log from standard input', async () => {
    const w = await world('missing-gosum');
    const r = await run(['respond', '-', '--project', w.project, '--dry-run', '--json'], {
      env: { ...w.env },
      stdin: await readFile(w.log),
    });
    expect(r.code).toBe(1);
    const doc = incidentOf(r.stdout);
    expect(doc.detection.source).toBe('standard input');
    expect(doc.diagnosis.category).toBe('missing-gosum');
  });

  it('never prints a token from the log, nor writes it to the incident', async () => {
    const w = await world('missing-gosum');
    const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const text = (await readFile(w.log, 'utf8')).replace(
      'main.go:6:2: missing go.sum entry',
      `main.go:6:2: missing go.sum entry (GITHUB_TOKEN=${token})`,
    );
    await writeFile(w.log, text);
    const r = await run(['respond', w.log, '--project', w.project, '--yes', '--json'], { env: { ...w.env } });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(token);
    const doc = incidentOf(r.stdout);
    for (const f of await readdir(path.join(w.project, '.modrescue', 'incidents', doc.id))) {
      expect(await readFile(path.join(w.project, '.modrescue', 'incidents', doc.id, f), 'utf8')).not.toContain(token);
    }
  });

  it('--example runs on a copy, --clean removes it afterwards', async () => {
    const r = await run(['respond', '--example', 'missing-gosum', '--yes', '--clean', '--json'], {
      env: { PATH: process.env['PATH'], TMPDIR: os.tmpdir() },
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { workspace: string; incident: IncidentDoc };
    expect(out.incident.outcome).toBe('fixed');
    expect(out.incident.verification.command?.exitCode).toBe(0);
    expect(out.incident.aliases?.['https://proxy.golang.org']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out.workspace.startsWith(path.join(os.tmpdir(), 'modrescue-example-missing-gosum-'))).toBe(true);
    expect(await stat(out.workspace).catch(() => undefined)).toBeUndefined();
  });
});

describe('modrescue respond: on a terminal', () => {
  /** A terminal in memory: keys are written to stdin once the prompt is on stdout. */
  class Term extends PassThrough {
    isTTY = true;
    setRawMode() {
      return this;
    }
  }
  async function interactive(w: ExampleWorld, keys: string) {
    const stdin = new Term();
    const chunks: string[] = [];
    const stdout = {
      isTTY: true,
      write(c: string | Uint8Array) {
        chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString());
        if (chunks.join('').includes('Apply step 1 (sum)?') && keys !== '') {
          const k = keys;
          keys = '';
          setImmediate(() => stdin.write(k));
        }
        return true;
      },
    };
    const stderr = { isTTY: false, write: () => true };
    const code = await main(['respond', w.log, '--project', w.project], {
      stdout,
      stderr,
      stdin,
      env: { ...w.env, NO_COLOR: '1', TERM: 'xterm' },
      cwd: w.project,
    });
    return { code, stdout: chunks.join('') };
  }

  it('asks before each step: Enter applies', async () => {
    const w = await world('missing-gosum');
    const r = await interactive(w, '\r');
    expect(r.stdout).toContain('Apply step 1 (sum)?');
    expect(r.stdout).toContain('why:   go.sum');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Fixed and verified in');
  });

  it('asks before each step: "skip" leaves the project as it was (exit 1)', async () => {
    const w = await world('missing-gosum');
    const before = await hashes(w.project);
    const r = await interactive(w, '\x1b[B\r');
    expect(r.stdout).toContain('Apply step 1 (sum)?');
    expect(r.code).toBe(1);
    expect(await hashes(w.project)).toEqual(before);
    expect(r.stdout).toContain('[declined]');
  });
});
