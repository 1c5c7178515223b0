/**
 * Transcript tests of `modrescue triage`, run in-process, and the log sources against
 * servers on 127.0.0.1 that answer with the real API shapes of GitHub (job logs and a
 * run's zip of per-step files, both behind a 302 to a signed URL on another host),
 * GitLab (jobs/:id/trace with PRIVATE-TOKEN) and Jenkins (consoleText, basic auth).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';

const SECRET = 'ghp_S3cretTokenValue0123456789abcdefXYZ';
const PLAIN_SECRET = 'plain-secret-4711-do-not-print';

const CHECKSUM_LOG = [
  '2024-06-11T08:14:02.1234567Z ##[group]Run go build ./...',
  '2024-06-11T08:14:02.2000000Z go: downloading github.com/ecies/go/v2 v2.0.3',
  '2024-06-11T08:14:03.0000000Z go: github.com/ecies/go/v2@v2.0.3: verifying module: checksum mismatch',
  '2024-06-11T08:14:03.0000000Z         downloaded: h1:gosZ7+G8LFo0NHPGR7//Lcj7r5gzVRthWl/De3QVay8=',
  '2024-06-11T08:14:03.0000000Z         sum.golang.org: h1:rtz3x6uw+if+lt4a39JnCi7M/B35l1JShCXTOBe3LPw=',
  '2024-06-11T08:14:03.0000000Z ',
  '2024-06-11T08:14:03.0000000Z SECURITY ERROR',
  '2024-06-11T08:14:03.0000000Z This download does NOT match the one reported by the checksum server.',
  '2024-06-11T08:14:03.1000000Z ##[error]Process completed with exit code 1.',
].join('\n');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'triage-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('modrescue triage (files and stdin)', () => {
  it('names the cause with evidence, modules and numbered steps; exit 1', async () => {
    const r = await run(['triage', await file('checksum.log', CHECKSUM_LOG)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out[0]).toBe("triage: checksum-mismatch — A module's download does not match the checksum database");
    expect(out[1]).toBe(
      'class: dependency · confidence: high (0.93) · rule: checksum-mismatch-sumdb · first error: line 3 at 2024-06-11T08:14:03.0000000Z',
    );
    expect(r.stdout).toContain('> 3 │ go: github.com/ecies/go/v2@v2.0.3: verifying module: checksum mismatch');
    expect(r.stdout).toContain('Modules: github.com/ecies/go/v2@v2.0.3');
    expect(r.stdout).toContain(
      'Next steps:\n  1. Download through the public proxy (which serves what the checksum DB recorded)\n     $ GOPROXY=https://proxy.golang.org go mod download github.com/ecies/go/v2@v2.0.3',
    );
  });

  it('prints the --json document (schemaVersion 1) with the documented fields', async () => {
    const r = await run(['triage', '--json', await file('checksum2.log', CHECKSUM_LOG)]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc).slice(0, 1)).toEqual(['schemaVersion']);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      category: 'checksum-mismatch',
      class: 'dependency',
      secondary: [],
      modules: [{ path: 'github.com/ecies/go/v2', version: 'v2.0.3' }],
      hosts: [],
      goVersion: null,
      firstErrorAt: 3,
    });
    for (const k of ['confidence', 'evidence', 'urls', 'summary', 'causes', 'nextSteps']) expect(doc).toHaveProperty(k);
    expect((doc['evidence'] as Array<{ line: number }>).map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((doc['nextSteps'] as Array<{ title: string; command: string | null }>)[0]!.command).toBe(
      'GOPROXY=https://proxy.golang.org go mod download github.com/ecies/go/v2@v2.0.3',
    );
  });

  it('reads standard input and gzip files', async () => {
    const r = await run(['triage', '--json', '-'], { stdin: CHECKSUM_LOG });
    expect(JSON.parse(r.stdout)).toMatchObject({ category: 'checksum-mismatch' });
    const gz = await file('checksum.log.gz', gzipSync(CHECKSUM_LOG));
    const r2 = await run(['triage', '--json', gz]);
    expect(JSON.parse(r2.stdout)).toMatchObject({ category: 'checksum-mismatch', firstErrorAt: 3 });
    const r3 = await run(['triage', '--json', '-'], { stdin: gzipSync(CHECKSUM_LOG) });
    expect(JSON.parse(r3.stdout)).toMatchObject({ category: 'checksum-mismatch' });
  });

  it('exits 0 with unknown when nothing matches, and when the log reports success', async () => {
    const r = await run(['triage', await file('noise.log', 'Run make lint\nall good\n')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      'triage: unknown — Unknown: no rule matched this log\nread 2 lines; No known failure signature was found. Read the log from the first error; if it is a go mod failure, add a rule (--rules <dir>).\n',
    );
    const ok = await run(['triage', '--json', await file('ok.log', '+ go build ./...\nFinished: SUCCESS\n')]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ category: 'unknown', class: 'unknown', confidence: 0 });
  });

  it('exits 3 with a clear message when the input cannot be read, never a stack', async () => {
    const r = await run(['triage', path.join(dir, 'missing.log')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`modrescue: open ${path.join(dir, 'missing.log')}: no such file or directory\n`);
    const bad = await file(
      'bad.gz',
      Buffer.concat([gzipSync('x'.repeat(1000)).subarray(0, 20), Buffer.from('not deflate')]),
    );
    const r2 = await run(['triage', bad]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/^modrescue: .*bad\.gz: not a valid gzip stream/);
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await run(['triage'])).code).toBe(2);
    expect((await run(['triage', '--format', 'xml', 'x.log'])).stderr).toContain('invalid --format "xml"');
    expect((await run(['triage', '--lang', 'fr', 'x.log'])).code).toBe(2);
    expect((await run(['triage', '--github', 'not-a-run'])).stderr).toContain('invalid --github value');
    expect((await run(['triage', 'a.log', 'b.log'])).code).toBe(2);
  });

  it('prints Markdown and GitHub annotations (at most 10, then "N more")', async () => {
    const md = await run(['triage', '--format', 'markdown', await file('md.log', CHECKSUM_LOG)]);
    expect(md.stdout).toContain('### Triage: `checksum-mismatch`');
    expect(md.stdout).toContain('| modules | `github.com/ecies/go/v2@v2.0.3` |');
    const many = ['go: inconsistent vendoring in /src/app:'];
    for (let i = 0; i < 14; i++)
      many.push(
        `\tgithub.com/acme/m${i}@v1.0.${i}: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt`,
      );
    const gh = await run(['triage', '--format', 'github', await file('vendor.log', many.join('\n'))]);
    expect(gh.code).toBe(1);
    const lines = gh.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error ')).length).toBe(10);
    expect(lines).toContain('::notice title=triage::5 more');
    const src = await run([
      'triage',
      '--format',
      'github',
      await file(
        'gomod.log',
        'go: errors parsing go.mod:\n/src/app/go.mod:5: usage: replace module/path [v1.2.3] => other/module v1.4\n',
      ),
    ]);
    expect(src.stdout.split('\n')[1]).toMatch(
      /^::error file=\/src\/app\/go\.mod,line=5,title=triage%3A gomod-syntax::/,
    );
  });

  it('writes the incident notice in English and Chinese from the log timestamps and the scope flags', async () => {
    const log = await file('notice.log', CHECKSUM_LOG);
    const en = await run([
      'triage',
      '--notice',
      '--job',
      'build',
      '--branch',
      'main',
      '--pipeline',
      '1234',
      '--now',
      '2024-06-11T08:30:00Z',
      log,
    ]);
    expect(en.code).toBe(1);
    expect(en.stdout).toContain('# Incident notice: CI builds failing: checksum-mismatch');
    expect(en.stdout).toContain(
      '**Status:** Investigating · **Posted:** 2024-06-11 08:30 UTC · **Next update:** by 2024-06-11 09:00 UTC',
    );
    expect(en.stdout).toContain(
      '**Interruption started:** 2024-06-11 08:14:03 UTC (from the timestamps in the failed log)',
    );
    expect(en.stdout).toContain('**Impact:** job `build`, pipeline `1234`, branch `main`.');
    expect(en.stdout).toContain('**Preliminary diagnosis:** a downloaded module does not match its recorded checksum');
    const zh = await run([
      'triage',
      '--notice',
      '--lang',
      'zh',
      '--phase',
      'identified',
      '--next-update',
      '1h',
      '--job',
      'build',
      '--now',
      '2024-06-11T08:30:00Z',
      log,
    ]);
    expect(zh.stdout).toContain('# 事件通告：CI 构建失败：checksum-mismatch');
    expect(zh.stdout).toContain(
      '**状态：** 已定位 · **发布时间：** 2024-06-11 08:30 UTC · **下次更新：** 2024-06-11 09:30 UTC 前',
    );
    expect(zh.stdout).toContain('**中断开始时间：** 2024-06-11 08:14:03 UTC（取自失败日志中的时间戳）');
    expect(zh.stdout).toContain('**初步诊断：** 下载的模块与记录的校验和');
    expect(zh.stdout).toContain('**处理进展：** 已定位原因，正在实施修复。');
    const resolved = await run([
      'triage',
      '--notice',
      '--phase',
      'resolved',
      '--now',
      '2024-06-11T10:00:00Z',
      await file('plain.log', 'go: updates to go.mod needed; to update it:\n\tgo mod tidy\n'),
    ]);
    expect(resolved.stdout).toContain(
      '**Interruption started:** 2024-06-11 10:00:00 UTC (the log has no timestamps; this is the time of this notice)',
    );
    expect(resolved.stdout).toContain('**This is the final update for this incident.**');
    const json = await run(['triage', '--json', '--notice', '--now', '2024-06-11T08:30:00Z', log]);
    expect((JSON.parse(json.stdout) as { notice: string }).notice).toContain('# Incident notice');
  });

  it('adds user rules with --rules and reports a broken rule file with file:line:col (exit 3)', async () => {
    const good = path.join(dir, 'rules-good');
    await mkdir(good, { recursive: true });
    await writeFile(
      path.join(good, 'corp.yaml'),
      [
        'category: proxy-http-error',
        'class: environment',
        'rules:',
        '  - id: corp-nexus-blocked',
        '    summary: The corporate Nexus blocked a module by policy',
        '    patterns: ["nexus: component blocked by policy"]',
        '    example: "nexus: component blocked by policy"',
        '    explanation: Nexus firewall quarantined the component.',
        '    causes: [a policy violation]',
        '    steps: [{title: Ask for a waiver}]',
      ].join('\n'),
    );
    const log = await file('nexus.log', 'go mod download\nnexus: component blocked by policy\n');
    const r = await run(['triage', '--json', '--rules', good, log]);
    expect(JSON.parse(r.stdout)).toMatchObject({ category: 'proxy-http-error', ruleId: 'corp-nexus-blocked' });
    const bad = path.join(dir, 'rules-bad');
    await mkdir(bad, { recursive: true });
    await writeFile(
      path.join(bad, 'broken.yaml'),
      'category: proxy-http-error\nclass: environment\nrules:\n  - id: Bad_Id\n    summary: s\n',
    );
    const r2 = await run(['triage', '--rules', bad, log]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toContain(`modrescue: ${path.join(bad, 'broken.yaml')}:4:9: rule id must be kebab-case`);
    expect(r2.stderr).toContain('error(s) in rule files');
    const r3 = await run(['triage', '--rules', path.join(dir, 'nope'), log]);
    expect(r3.code).toBe(3);
    expect(r3.stderr).toContain('cannot read rules directory');
  });

  it('adds the rule directories of the config file (MODRESCUE_CONFIG or ~/.config/modrescue/config.yaml)', async () => {
    const home = path.join(dir, 'home-config');
    const rules = path.join(home, '.config', 'modrescue', 'team-rules');
    await mkdir(rules, { recursive: true });
    await writeFile(
      path.join(rules, 'artifactory.yaml'),
      [
        'category: proxy-http-error',
        'class: environment',
        'rules:',
        '  - id: corp-artifactory-quarantine',
        '    summary: Artifactory quarantined a module',
        '    patterns: ["artifactory: artifact quarantined"]',
        '    example: "artifactory: artifact quarantined"',
        '    explanation: The repository manager holds the module for review.',
        '    causes: [a security scan flagged it]',
        '    steps: [{title: Ask the repository admins}]',
      ].join('\n'),
    );
    await writeFile(path.join(home, '.config', 'modrescue', 'config.yaml'), 'triage:\n  rules:\n    - team-rules\n');
    const log = await file('artifactory.log', 'go mod download\nartifactory: artifact quarantined\n');
    // Found in the user config directory, relative paths taken from the file.
    const r = await run(['triage', '--json', log], { env: { HOME: home } });
    expect(JSON.parse(r.stdout)).toMatchObject({ ruleId: 'corp-artifactory-quarantine' });
    // Without it, the bundled rules do not know this line.
    const none = await run(['triage', '--json', log], { env: { HOME: home, MODRESCUE_CONFIG: 'off' } });
    expect(JSON.parse(none.stdout)).toMatchObject({ category: 'unknown' });
    // Named explicitly (relative to the working directory).
    const named = await run(['triage', '--json', log], {
      env: { MODRESCUE_CONFIG: path.relative(process.cwd(), path.join(home, '.config', 'modrescue', 'config.yaml')) },
    });
    expect(JSON.parse(named.stdout)).toMatchObject({ ruleId: 'corp-artifactory-quarantine' });

    // A named file that is missing, and a file with an unknown key: where, what to do, exit 2.
    const missing = await run(['triage', log], { env: { MODRESCUE_CONFIG: path.join(home, 'nope.yaml') } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `modrescue: cannot read config file ${path.join(home, 'nope.yaml')} (named by MODRESCUE_CONFIG): ENOENT; fix the path, or set MODRESCUE_CONFIG=off\n`,
    );
    const badFile = path.join(home, 'bad.yaml');
    await writeFile(badFile, 'triage:\n  rule:\n    - team-rules\nproxy: {}\n');
    const bad = await run(['triage', log], { env: { MODRESCUE_CONFIG: badFile } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`modrescue: ${badFile}:2:3: `);
    expect(bad.stderr).toContain(`${badFile}:4:1: `);
    expect(bad.stderr).toContain(`invalid config file ${badFile}`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const yamlErr = path.join(home, 'broken.yaml');
    await writeFile(yamlErr, 'triage:\n  rules: [a\n');
    const broken = await run(['triage', log], { env: { MODRESCUE_CONFIG: yamlErr } });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      new RegExp(`modrescue: ${yamlErr.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `),
    );
  });
});

// ---- sources against 127.0.0.1 -------------------------------------------------------

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; base: string; seen: Recorded[] }> {
  const seen: Recorded[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function zipOf(files: Record<string, string>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files))
    z.addBuffer(Buffer.from(text), name, { mtime: new Date('2024-06-11T08:00:00Z') });
  z.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

const GITHUB_JOB_LOG = [
  '2024-06-11T08:13:58.0000000Z ##[group]Run actions/checkout@v4',
  `2024-06-11T08:13:58.1000000Z /usr/bin/git checkout --progress --force -B main refs/remotes/origin/main`,
  '2024-06-11T08:13:59.0000000Z ##[endgroup]',
  `2024-06-11T08:14:00.0000000Z   GITHUB_TOKEN: ${SECRET}`,
  CHECKSUM_LOG,
].join('\n');

describe('modrescue triage (network sources on 127.0.0.1)', () => {
  let signed: Awaited<ReturnType<typeof listen>>;
  let api: Awaited<ReturnType<typeof listen>>;
  let runZip: Buffer;

  beforeAll(async () => {
    runZip = await zipOf({
      '0_build.txt': GITHUB_JOB_LOG,
      'build/1_Set up job.txt': '2024-06-11T08:13:50.0000000Z Current runner version: 2.317.0\n',
      'build/2_Run actions checkout@v4.txt': GITHUB_JOB_LOG.split('\n').slice(0, 4).join('\n'),
      'build/10_Post Run actions checkout@v4.txt': '2024-06-11T08:14:10.0000000Z Post job cleanup.\n',
      'build/3_Run go build.txt': CHECKSUM_LOG,
    });
    // The signed-URL host (blob storage in reality): must never see the token.
    signed = await listen((req, res) => {
      if (req.headers['authorization']) {
        res
          .writeHead(400, { 'content-type': 'text/plain' })
          .end('Authorization header must not be sent to the signed URL');
        return;
      }
      if (req.url?.startsWith('/job-logs/')) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(GITHUB_JOB_LOG);
      } else if (req.url?.startsWith('/run-logs/')) {
        res.writeHead(200, { 'content-type': 'application/zip' }).end(runZip);
      } else res.writeHead(404).end();
    });
    api = await listen((req, res) => {
      const url = req.url ?? '';
      // GitHub REST API.
      if (url.startsWith('/repos/')) {
        if (req.headers['authorization'] !== `Bearer ${SECRET}`) {
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }));
          return;
        }
        const job = /^\/repos\/acme\/svc\/actions\/jobs\/(\d+)\/logs$/.exec(url);
        const runLogs = /^\/repos\/acme\/svc\/actions\/runs\/(\d+)\/logs$/.exec(url);
        const sig = `?sv=2021-08-06&se=2024-06-11T09%3A00%3A00Z&sr=b&sp=r&sig=${encodeURIComponent('AbCdEf+/=')}`;
        if (job) res.writeHead(302, { location: `${signed.base}/job-logs/${job[1]}${sig}` }).end();
        else if (runLogs) res.writeHead(302, { location: `${signed.base}/run-logs/${runLogs[1]}.zip${sig}` }).end();
        else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      // GitLab API.
      const gl = /^\/api\/v4\/projects\/([^/]+)\/jobs\/(\d+)\/trace$/.exec(url);
      if (gl) {
        if (req.headers['private-token'] !== PLAIN_SECRET) {
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ message: '401 Unauthorized' }));
          return;
        }
        if (decodeURIComponent(gl[1]!) !== 'platform/billing') {
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end(JSON.stringify({ message: '404 Project Not Found' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(
          [
            '\x1b[0KRunning with gitlab-runner 16.11.0 (91a27b2a)\x1b[0;m',
            'section_start:1718093640:get_sources\r\x1b[0K\x1b[0K\x1b[36;1mGetting source from Git repository\x1b[0;m',
            '\x1b[32;1mChecking out 1a2b3c4d as detached HEAD (ref is release-2.4)...\x1b[0;m',
            'section_end:1718093641:get_sources\r\x1b[0K',
            'section_start:1718093641:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m',
            `$ echo "token ${PLAIN_SECRET}"`,
            'go: gitlab.private.com/group/eframe@v0.0.0-20220313171137-8002bdaf0155: reading gitlab.private.com/group/eframe/go.mod at revision v0.0.0-20220313171137-8002bdaf0155: git ls-remote -q origin in /go/pkg/mod/cache/vcs/8c18: exit status 128:',
            "\tfatal: could not read Username for 'https://gitlab.private.com': terminal prompts disabled",
            'section_end:1718093650:step_script\r\x1b[0K',
            '\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m',
          ].join('\n'),
        );
        return;
      }
      // Jenkins.
      if (url === '/job/app/job/main/17/consoleText') {
        const want = 'Basic ' + Buffer.from(`ci-bot:${PLAIN_SECRET}`).toString('base64');
        if (req.headers['authorization'] !== want) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="Jenkins"' }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8' });
        res.end(
          [
            'Started by user admin',
            '[Pipeline] Start of Pipeline',
            '[Pipeline] sh',
            '+ go build ./...',
            'go: go.mod requires go >= 1.24.0 (running go 1.22.12; GOTOOLCHAIN=local)',
            '[Pipeline] }',
            'Finished: FAILURE',
          ].join('\n'),
        );
        return;
      }
      if (url === '/logs/ci.log.gz') {
        if (req.headers['authorization'] !== `Bearer ${PLAIN_SECRET}`) {
          res.writeHead(403).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(CHECKSUM_LOG));
        return;
      }
      if (url === '/hang') return; // never answers
      res.writeHead(404).end();
    });
  });
  afterAll(async () => {
    api.server.closeAllConnections();
    signed.server.closeAllConnections();
    await new Promise((r) => api.server.close(r));
    await new Promise((r) => signed.server.close(r));
  });

  const all = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

  it('GitHub job: follows the redirect to the signed URL without the token; never prints the token', async () => {
    const r = await run(
      ['triage', '--json', '--github', 'acme/svc/actions/runs/9001/job/42', '--github-api', api.base],
      { env: { GITHUB_TOKEN: SECRET } },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { category: string; firstErrorAt: number };
    expect(doc).toMatchObject({ category: 'checksum-mismatch', firstErrorAt: 7 });
    expect(
      api.seen.some(
        (s) => s.url === '/repos/acme/svc/actions/jobs/42/logs' && s.headers['x-github-api-version'] === '2022-11-28',
      ),
    ).toBe(true);
    expect(signed.seen.find((s) => s.url.startsWith('/job-logs/42'))?.headers['authorization']).toBeUndefined();
    const human = await run(
      ['triage', '--github', `${'acme/svc/actions/runs/9001/job/42'}`, '--github-api', api.base],
      { env: { GITHUB_TOKEN: SECRET } },
    );
    expect(all(human)).not.toContain(SECRET);
    const notice = await run(
      [
        'triage',
        '--notice',
        '--github',
        'acme/svc/actions/runs/9001/job/42',
        '--github-api',
        api.base,
        '--now',
        '2024-06-11T09:00:00Z',
      ],
      { env: { GITHUB_TOKEN: SECRET } },
    );
    expect(notice.stdout).toContain('job `job 42`, pipeline `run 9001`, branch `main`');
    expect(all(notice)).not.toContain(SECRET);
  });

  it('GitHub run: reads the zip of per-step files in step order and reports file:line', async () => {
    const r = await run(['triage', '--json', '--github', 'acme/svc/actions/runs/9001', '--github-api', api.base], {
      env: { GITHUB_TOKEN: SECRET },
    });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      category: string;
      evidence: Array<{ line: number; file?: string; fileLine?: number; text: string }>;
    };
    expect(doc.category).toBe('checksum-mismatch');
    const hit = doc.evidence.find((e) => e.text.includes('verifying module: checksum mismatch'))!;
    // Step 1 has one line, step 2 four; step 3's third line is the failure (the top-level whole-job file is skipped).
    expect(hit).toMatchObject({ line: 8, file: 'build/3_Run go build.txt', fileLine: 3 });
    expect(signed.seen.find((s) => s.url.startsWith('/run-logs/9001'))?.headers['authorization']).toBeUndefined();
    const human = await run(['triage', '--github', 'acme/svc/actions/runs/9001', '--github-api', api.base], {
      env: { GITHUB_TOKEN: SECRET },
    });
    expect(human.stdout).toContain('first error: build/3_Run go build.txt:3');
    expect(all(human)).not.toContain(SECRET);
  });

  it('GitHub: a bad token is exit 3 with the API status, and the token is not echoed', async () => {
    const r = await run(['triage', '--github', 'acme/svc/actions/runs/9001/job/42', '--github-api', api.base], {
      env: { GITHUB_TOKEN: 'ghp_wrongwrongwrongwrongwrong0123' },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^modrescue: github: reading http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/svc\/actions\/jobs\/42\/logs: 401 Unauthorized: Bad credentials \(check the token/,
    );
    expect(all(r)).not.toContain('ghp_wrongwrongwrongwrongwrong0123');
  });

  it('GitLab job trace with PRIVATE-TOKEN: strips sections and colours, finds the branch, hides the token', async () => {
    const r = await run(['triage', '--gitlab', 'platform/billing/-/jobs/77', '--gitlab-url', api.base], {
      env: { GITLAB_TOKEN: PLAIN_SECRET },
    });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(
      'triage: private-auth — git needs credentials for a module repository and cannot prompt in CI',
    );
    expect(r.stdout).toContain('$ echo "token ***"');
    expect(all(r)).not.toContain(PLAIN_SECRET);
    expect(api.seen.some((s) => s.url === '/api/v4/projects/platform%2Fbilling/jobs/77/trace')).toBe(true);
    const n = await run(
      [
        'triage',
        '--notice',
        '--gitlab',
        'platform/billing/-/jobs/77',
        '--gitlab-url',
        api.base,
        '--now',
        '2024-06-11T09:00:00Z',
      ],
      { env: { GITLAB_TOKEN: PLAIN_SECRET } },
    );
    expect(n.stdout).toContain('job `job 77`, branch `release-2.4`');
    expect(all(n)).not.toContain(PLAIN_SECRET);
    const denied = await run(['triage', '--gitlab', `${api.base}/platform/billing/-/jobs/77`]);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('401 Unauthorized');
  });

  it('Jenkins consoleText with basic auth', async () => {
    const r = await run(['triage', '--json', '--jenkins', `${api.base}/job/app/job/main/17/`], {
      env: { JENKINS_USER: 'ci-bot', JENKINS_TOKEN: PLAIN_SECRET },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ category: 'go-version', goVersion: '1.24.0', firstErrorAt: 5 });
    expect(all(r)).not.toContain(PLAIN_SECRET);
    const n = await run(
      ['triage', '--notice', '--jenkins', `${api.base}/job/app/job/main/17/`, '--now', '2024-06-11T09:00:00Z'],
      { env: { JENKINS_USER: 'ci-bot', JENKINS_TOKEN: PLAIN_SECRET } },
    );
    expect(n.stdout).toContain('job `app/main`, pipeline `build 17`');
  });

  it("a gzip'd log from a URL with --header or --token-env; secrets never printed", async () => {
    const r = await run([
      'triage',
      '--json',
      '--header',
      `Authorization: Bearer ${PLAIN_SECRET}`,
      `${api.base}/logs/ci.log.gz`,
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ category: 'checksum-mismatch' });
    const r2 = await run(['triage', '--token-env', 'LOG_TOKEN', `${api.base}/logs/ci.log.gz`], {
      env: { LOG_TOKEN: PLAIN_SECRET },
    });
    expect(r2.code).toBe(1);
    expect(all(r) + all(r2)).not.toContain(PLAIN_SECRET);
    const r3 = await run(['triage', '-H', 'Authorization: Bearer wrong-token-123', `${api.base}/logs/ci.log.gz`]);
    expect(r3.code).toBe(3);
    expect(r3.stderr).toContain('403 Forbidden');
    expect(r3.stderr).not.toContain('wrong-token-123');
  });

  it('times out on a server that never answers (exit 3, no hang)', async () => {
    const r = await run(['triage', '--timeout', '1s', `${api.base}/hang`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^modrescue: /);
  });
});
