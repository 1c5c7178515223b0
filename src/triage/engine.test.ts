import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTriage,
  decompressIfGzip,
  loadRuleSet,
  parseRuleFile,
  readRuleDir,
  triageStream,
  triageText,
} from './index.js';
import { normalizeLine } from './normalize.js';
import { createNoise } from './testdata/noise.js';
import { literalsOf } from './literals.js';

const enc = new TextEncoder();

function chunked(text: string, size: number): Uint8Array[] {
  const bytes = enc.encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const PROXY_THEN_GOSUM = [
  '2024-05-02T10:00:00.1000000Z ##[group]Run go mod download',
  '2024-05-02T10:00:31.2000000Z go: github.com/go-sql-driver/mysql@v1.6.0: Get "https://proxy.golang.org/github.com/go-sql-driver/mysql/@v/v1.6.0.mod": dial tcp 172.217.163.49:443: i/o timeout',
  '2024-05-02T10:00:31.3000000Z ##[endgroup]',
  '2024-05-02T10:00:32.0000000Z ##[group]Run go build ./...',
  '2024-05-02T10:00:33.0000000Z main.go:7:2: missing go.sum entry for module providing package github.com/go-sql-driver/mysql (imported by example.com/app); to add:',
  '2024-05-02T10:00:33.0000000Z \tgo get example.com/app',
  '2024-05-02T10:00:33.1000000Z ##[error]Process completed with exit code 1.',
].join('\n');

describe('triage engine', () => {
  it('ranks the root cause over its consequence and reports the consequence as secondary', () => {
    const r = triageText(PROXY_THEN_GOSUM);
    expect(r.category).toBe('proxy-unreachable');
    expect(r.class).toBe('environment');
    expect(r.secondary.map((s) => s.category)).toContain('missing-gosum');
    expect(r.evidence.find((e) => e.line === 2)?.text).toMatch(/^go: github.com\/go-sql-driver\/mysql@v1.6.0: Get/);
    expect(r.modules).toContainEqual({ path: 'github.com/go-sql-driver/mysql', version: 'v1.6.0' });
    expect(r.hosts).toContain('proxy.golang.org');
    expect(r.firstErrorAt).toBe(2);
    expect(r.firstErrorTime).toBe('2024-05-02T10:00:31.2000000Z');
    expect(r.nextSteps[0]!.command).toContain('https://proxy.golang.org/');
  });

  it('gives the same result whatever the chunking (1 byte to whole)', () => {
    const whole = triageText(PROXY_THEN_GOSUM);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), (size) => {
        const t = createTriage();
        for (const c of chunked(PROXY_THEN_GOSUM, size)) t.write(c);
        expect(t.end()).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('finds a cause buried in 50,000 lines of noise, with its original line number', () => {
    const noise = createNoise(42);
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) lines.push(noise(i));
    const cause =
      'verifying github.com/drone/drone-runtime@v1.0.7-0.20190729202838-87c84080f4a1/go.mod: checksum mismatch';
    lines.splice(
      31_337,
      0,
      cause,
      '\tdownloaded: h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=',
      '\tgo.sum:     h1:+osgwGADc/nyl40J0fdsf8Z09bgcBZXvXXnLOY48zYs=',
    );
    const r = triageText(lines.join('\n') + '\n');
    expect(r.category).toBe('checksum-mismatch');
    expect(r.ruleId).toBe('checksum-empty-gomod-served');
    expect(r.lines).toBe(50_003);
    expect(r.evidence.map((e) => e.line)).toContain(31_338);
    expect(r.modules).toContainEqual({
      path: 'github.com/drone/drone-runtime',
      version: 'v1.0.7-0.20190729202838-87c84080f4a1',
    });
  });

  it('says unknown (never guesses) for 50,000 lines of noise', () => {
    const noise = createNoise(3);
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) lines.push(noise(i));
    const r = triageText(lines.join('\n'));
    expect(r.category).toBe('unknown');
    expect(r.confidence).toBe(0);
    expect(r.evidence).toEqual([]);
    expect(r.notFailure).toBe(false);
  });

  it('reports a log that ends in success as not a failure', () => {
    const r = triageText('Started by user admin\n[Pipeline] sh\n+ go build ./...\nFinished: SUCCESS\n');
    expect(r.category).toBe('unknown');
    expect(r.notFailure).toBe(true);
  });

  it('normalises CRLF, colour codes, GitHub timestamps and markers, GitLab sections and keeps line numbers', () => {
    const log = [
      'section_start:1700000000:step_script\r\x1b[0K\x1b[32;1m$ go build ./...\x1b[0;m\r',
      '\x1b[31mgo: github.com/ecies/go/v2@v2.0.3: verifying module: checksum mismatch\x1b[0m\r',
      '        downloaded: h1:gosZ7+G8LFo0NHPGR7//Lcj7r5gzVRthWl/De3QVay8=\r',
      'section_end:1700000001:step_script\r\x1b[0K\r',
    ].join('\n');
    const r = triageText(log);
    expect(r.category).toBe('checksum-mismatch');
    expect(r.evidence).toContainEqual({
      line: 2,
      text: 'go: github.com/ecies/go/v2@v2.0.3: verifying module: checksum mismatch',
    });
    expect(r.modules).toContainEqual({ path: 'github.com/ecies/go/v2', version: 'v2.0.3' });
    expect(normalizeLine('2022-12-01T17:39:21.5137635Z ##[error]Process completed with exit code 143.')).toEqual({
      text: 'Process completed with exit code 143.',
      timestamp: '2022-12-01T17:39:21.5137635Z',
    });
    expect(normalizeLine('[2024-01-02T10:11:12.123Z] [Pipeline] sh').text).toBe('[Pipeline] sh');
    expect(normalizeLine('#10 7.637 note: module requires Go 1.18').text).toBe('note: module requires Go 1.18');
    expect(normalizeLine('[   47s] go: inconsistent vendoring in /x:').text).toBe('go: inconsistent vendoring in /x:');
  });

  it('caps very long lines: a cause inside a 3 MB line is found, memory stays bounded', () => {
    const filler = 'x'.repeat(1_500_000);
    const log = `first line\n${filler} go: updates to go.mod needed; to update it: ${filler}\nlast line\n`;
    const r = triageText(log);
    expect(r.category).toBe('missing-gosum');
    expect(r.evidence.find((e) => e.line === 2)!.text.length).toBeLessThanOrEqual(501);
    expect(r.lines).toBe(3);
    // The same through small chunks: the line is cut into segments and keeps its number.
    const t = createTriage();
    for (const c of chunked(log, 65_536)) t.write(c);
    const r2 = t.end();
    expect(r2.category).toBe('missing-gosum');
    expect(r2.firstErrorAt).toBe(2);
    expect(r2.lines).toBe(3);
  });

  it('counts lines of a log without a final newline and of an empty log', () => {
    expect(triageText('a\nb\nc').lines).toBe(3);
    expect(triageText('').lines).toBe(0);
    expect(triageText('go: updates to go.mod needed, disabled by -mod=readonly').category).toBe('missing-gosum');
  });

  it('demotes a match inside a quoted server response (the proxy error is the cause)', () => {
    const r = triageText(
      [
        'go: github.com/yurivict/ollama@v0.21.1: reading https://proxy.golang.org/github.com/yurivict/ollama/@v/v0.21.1.info: 404 Not Found',
        '        server response: not found: github.com/yurivict/ollama@v0.21.1: invalid version: unknown revision v0.21.1',
      ].join('\n'),
    );
    expect(r.category).toBe('proxy-http-error');
    expect(r.secondary.map((s) => s.category)).toEqual(['unknown-revision']);
  });

  it('classifies a private module looked up in the checksum DB by the git error it quotes', () => {
    const r = triageText(
      [
        'go: github.com/acme-corp/billing@v1.4.2: verifying module: github.com/acme-corp/billing@v1.4.2: reading https://sum.golang.org/lookup/github.com/acme-corp/billing@v1.4.2: 404 Not Found',
        '\tserver response:',
        '\tnot found: github.com/acme-corp/billing@v1.4.2: invalid version: git ls-remote -q origin in /tmp/gopath/pkg/mod/cache/vcs/0f2a: exit status 128:',
        "\t\tfatal: could not read Username for 'https://github.com': terminal prompts disabled",
      ].join('\n'),
    );
    expect(r.category).toBe('sumdb-private');
    expect(r.nextSteps[0]!.command).toBe('go env -w GOPRIVATE=github.com/acme-corp/*');
  });

  it('decompresses gzip input detected by magic bytes, and rejects a corrupt gzip stream', async () => {
    const gz = gzipSync(Buffer.from(PROXY_THEN_GOSUM));
    const oneByteChunks = [...gz].map((b) => Buffer.of(b));
    const r = await triageStream(decompressIfGzip(Readable.from(oneByteChunks)));
    expect(r.category).toBe('proxy-unreachable');
    const bad = Buffer.concat([gz.subarray(0, 40), Buffer.from('garbage that is not deflate data at all')]);
    await expect(triageStream(decompressIfGzip(Readable.from([bad]), 'ci.log.gz'))).rejects.toMatchObject({
      code: 'ERR_TRIAGE_INPUT_UNREADABLE',
    });
  });
});

describe('rule files', () => {
  it('reports YAML syntax errors with file:line:col', () => {
    const r = parseRuleFile({
      file: 'bad.yaml',
      text: 'category: code\nclass: code\nrules:\n  - id: x\n    summary: [unclosed\n',
    });
    expect(r.rules).toEqual([]);
    expect(r.errors[0]).toMatchObject({
      file: 'bad.yaml',
      line: 6,
      col: 1,
      message: expect.stringContaining('Flow sequence'),
    });
  });

  it('reports schema errors at the offending node', () => {
    const text = [
      'category: not-a-category',
      'class: code',
      'rules:',
      '  - id: my-rule',
      '    summary: s',
      '    patterns: ["(unclosed"]',
      '    example: e',
      '    explanation: x',
      '    causes: [c]',
      '    steps: [{title: t}]',
    ].join('\n');
    const r = parseRuleFile({ file: 'r.yaml', text });
    expect(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([
      expect.stringMatching(/^1:11 Invalid option/),
    ]);
    const r2 = parseRuleFile({ file: 'r.yaml', text: text.replace('not-a-category', 'code') });
    expect(r2.errors).toEqual([
      { file: 'r.yaml', line: 6, col: 16, message: expect.stringContaining('invalid regular expression') },
    ]);
    const r3 = parseRuleFile({
      file: 'r.yaml',
      text: text.replace('not-a-category', 'code').replace('(unclosed', 'a(?=b)c'),
    });
    expect(r3.errors[0]!.message).toContain('lookaround');
    const r4 = parseRuleFile({
      file: 'r.yaml',
      text: text.replace('not-a-category', 'code').replace('    summary: s\n', ''),
    });
    expect(r4.errors[0]).toMatchObject({ line: 4, col: 5 });
    expect(r4.errors[0]!.message).toContain('summary');
  });

  it('loads a user rule directory; a user rule is used, and a duplicate id is an error with its location', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'triage-rules-'));
    try {
      await mkdir(dir, { recursive: true });
      const rule = (id: string) =>
        [
          'category: proxy-http-error',
          'class: environment',
          'rules:',
          `  - id: ${id}`,
          '    summary: Our Artifactory remote for Go is down',
          '    patterns: ["artifactory: remote repository go-remote is offline"]',
          '    example: "artifactory: remote repository go-remote is offline"',
          '    explanation: The corporate Go remote is offline.',
          '    causes: [maintenance]',
          '    steps: [{title: Use the fallback, command: "export GOPROXY=https://proxy.golang.org,direct"}]',
        ].join('\n');
      await writeFile(path.join(dir, 'corp.yaml'), rule('corp-artifactory-offline'));
      await writeFile(path.join(dir, 'dup.yml'), rule('checksum-mismatch'));
      await writeFile(path.join(dir, 'README.txt'), 'ignored');
      const sources = await readRuleDir(dir);
      expect(sources.map((s) => path.basename(s.file))).toEqual(['corp.yaml', 'dup.yml']);
      const { ruleSet, errors } = loadRuleSet(sources);
      expect(errors).toEqual([
        {
          file: path.join(dir, 'dup.yml'),
          line: 4,
          col: 5,
          message: expect.stringContaining('duplicate rule id "checksum-mismatch"'),
        },
      ]);
      const r = triageText('step 3\nartifactory: remote repository go-remote is offline\n', ruleSet);
      expect(r.ruleId).toBe('corp-artifactory-offline');
      expect(r.category).toBe('proxy-http-error');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('derives pre-filter literals from patterns', () => {
    expect(literalsOf('verifying (?<m>\\S+)@(?<v>\\S+?)(?:/go\\.mod)?: checksum mismatch')).toEqual([
      ': checksum mismatch',
    ]);
    expect(literalsOf('remote: Repository not found|fatal: repository')).toEqual([
      'remote: repository not found',
      'fatal: repository',
    ]);
    expect(literalsOf('terminal prompts? disabled')).toEqual(['terminal prompt']);
    expect(literalsOf('a|b(c)')).toEqual([]);
  });
});
