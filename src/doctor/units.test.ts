// Table tests of the doctor's small decision functions: pattern breadth, GOTOOLCHAIN,
// modules.txt parsing and consistency, the go.sum side judge, NO_PROXY, /proc/locks,
// repository roots and private addresses.
import { describe, expect, it } from 'vitest';
import {
  broadness,
  hostOf,
  isPrivateAddress,
  isSsh,
  judge,
  parseGoImport,
  parseGotoolchain,
  readVendorList,
  staticRepoRoot,
  vendorInconsistencies,
} from './index.js';
import { viaForwardProxy } from './net-probe.js';
import { parseProcLocks } from './locks.js';
import { Findings } from './check.js';

describe('broadness', () => {
  it.each([
    ['*', /matches every module/],
    ['*.*', /matches every module/],
    ['github.com', /covers every module on github\.com/],
    ['github.com/*', /covers every module on github\.com/],
    ['gitlab.com,corp.example.com', /covers every module on gitlab\.com/],
  ])('%s is too broad', (list, want) => {
    expect(broadness(list)).toMatch(want);
  });
  it.each(['corp.example.com', 'github.com/corp', 'github.com/corp/*', '*.corp.example.com', ''])(
    '%s is specific',
    (list) => {
      expect(broadness(list)).toBeUndefined();
    },
  );
});

describe('parseGotoolchain', () => {
  it.each([
    ['', { min: 'local', upgrade: 'auto' }],
    ['auto', { min: 'local', upgrade: 'auto' }],
    ['local', { min: 'local', upgrade: 'none' }],
    ['path', { min: 'local', upgrade: 'path' }],
    ['go1.22.1', { min: 'go1.22.1', upgrade: 'none' }],
    ['go1.22.1+auto', { min: 'go1.22.1', upgrade: 'auto' }],
    ['local+path', { min: 'local', upgrade: 'path' }],
    ['asdf', undefined],
    ['go1.22+bogus', undefined],
  ])('%j', (v, want) => {
    expect(parseGotoolchain(v)).toEqual(want);
  });
});

describe('vendor/modules.txt', () => {
  const txt = [
    '# rsc.io/quote v1.5.2',
    '## explicit',
    'rsc.io/quote',
    '# rsc.io/sampler v1.3.0 => rsc.io/sampler v1.99.99',
    '## explicit; go 1.17',
    'rsc.io/sampler',
    '# golang.org/x/text => ../text',
    '# not a module line',
    'ignored/package',
  ].join('\n');
  it('reads modules, packages, explicit marks and replacements as the go command does', () => {
    const v = readVendorList(txt);
    expect(v.list).toEqual([
      { path: 'rsc.io/quote', version: 'v1.5.2' },
      { path: 'rsc.io/sampler', version: 'v1.3.0' },
    ]);
    expect(v.meta.get('rsc.io/sampler@v1.3.0')).toEqual({
      explicit: true,
      replacement: { path: 'rsc.io/sampler', version: 'v1.99.99' },
    });
    expect(v.meta.get('golang.org/x/text@')).toEqual({
      explicit: false,
      replacement: { path: '../text', version: '' },
    });
    expect([...v.packages.keys()]).toEqual(['rsc.io/quote', 'rsc.io/sampler']);
  });
  it('finds every inconsistency with go.mod', () => {
    const v = readVendorList(txt);
    const problems = vendorInconsistencies(
      {
        go: '1.19',
        require: [
          { path: 'rsc.io/quote', version: 'v1.5.1' },
          { path: 'rsc.io/sampler', version: 'v1.3.0' },
        ],
        replace: [
          { old: { path: 'rsc.io/sampler', version: 'v1.3.0' }, new: { path: 'rsc.io/sampler', version: 'v1.3.1' } },
        ],
      },
      v,
    );
    expect(problems).toEqual([
      'rsc.io/quote@v1.5.1: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt',
      'rsc.io/sampler@v1.3.0: is replaced by rsc.io/sampler@v1.3.1 in go.mod, but marked as replaced by rsc.io/sampler@v1.99.99 in vendor/modules.txt',
      'rsc.io/quote@v1.5.2: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod',
      'rsc.io/sampler@v1.3.0: is marked as replaced by rsc.io/sampler@v1.99.99 in vendor/modules.txt, but replaced by rsc.io/sampler@v1.3.1 in go.mod',
      'golang.org/x/text: is marked as replaced in vendor/modules.txt, but not replaced in go.mod',
    ]);
  });
  it('is lenient before go 1.14', () => {
    const v = readVendorList('# rsc.io/quote v1.5.2\nrsc.io/quote\n');
    expect(
      vendorInconsistencies({ go: '1.13', require: [{ path: 'rsc.io/quote', version: 'v1.5.2' }], replace: [] }, v),
    ).toEqual([]);
    expect(
      vendorInconsistencies({ go: '1.13', require: [{ path: 'rsc.io/quote', version: 'v1.5.1' }], replace: [] }, v),
    ).toEqual([
      'rsc.io/quote@v1.5.1: is explicitly required in go.mod, but vendor/modules.txt indicates rsc.io/quote@v1.5.2',
    ]);
  });
});

describe('judge (which side of a go.sum line disagrees)', () => {
  const G = 'h1:go.sum';
  const X = 'h1:other';
  it.each([
    [{ gosum: G, proxy: G, db: G, cache: G }, false, undefined],
    [{ gosum: G, proxy: X, db: X }, false, 'go.sum'],
    [{ gosum: G, proxy: X, db: G }, false, 'proxy'],
    [{ gosum: G, proxy: G, db: G, cache: X }, false, 'cache'],
    [{ gosum: G, proxy: G, db: X }, false, 'checksum DB'],
    [{ gosum: G, proxy: X }, true, 'proxy'],
    [{ gosum: G, proxy: X, cache: X }, true, 'go.sum'],
    [{ gosum: G, proxy: X, db: 'h1:third' }, false, 'all'],
  ])('%o (private %s) → %s', (sides, priv, side) => {
    expect(judge('m v1.0.0', sides, priv)?.side).toBe(side);
  });
});

describe('viaForwardProxy (Go httpproxy rules)', () => {
  it.each([
    ['https://proxy.golang.org', '', 'http://fwd:3128', '', 'http://fwd:3128'],
    ['https://proxy.golang.org', '', 'http://fwd:3128', 'golang.org', undefined],
    ['https://proxy.golang.org', '', 'http://fwd:3128', '.golang.org', undefined],
    ['https://golang.org', '', 'http://fwd:3128', '.golang.org', 'http://fwd:3128'],
    ['https://proxy.golang.org', '', 'http://fwd:3128', '*', undefined],
    ['https://proxy.golang.org:8443', '', 'http://fwd:3128', 'proxy.golang.org:443', 'http://fwd:3128'],
    ['http://proxy.corp', 'http://fwd:3128', '', '', 'http://fwd:3128'],
    ['http://127.0.0.1:8080', 'http://fwd:3128', '', '', undefined],
  ])('%s', (url, http, https, no, want) => {
    expect(viaForwardProxy(url, http, https, no)).toBe(want);
  });
});

describe('parseProcLocks', () => {
  it('maps inodes to holders and skips waiters', () => {
    const m = parseProcLocks(
      '1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF\n1: -> FLOCK  ADVISORY  WRITE 4343 08:01:1234567 0 EOF\n2: POSIX  ADVISORY  READ 77 00:2e:99 0 EOF\n',
    );
    expect(m.get(1234567)).toEqual([{ pid: 4242, kind: 'FLOCK WRITE' }]);
    expect(m.get(99)).toEqual([{ pid: 77, kind: 'POSIX READ' }]);
  });
});

describe('repository roots', () => {
  it.each([
    ['github.com/corp/private/sub/pkg', 'https://github.com/corp/private'],
    ['bitbucket.org/team/repo', 'https://bitbucket.org/team/repo'],
    ['git.corp.example.com/team/lib.git/v2', 'https://git.corp.example.com/team/lib.git'],
    ['corp.example.com/lib', undefined],
  ])('%s', (p, url) => {
    expect(staticRepoRoot(p, false)?.url).toBe(url);
  });
  it('reads go-import meta tags', () => {
    const html =
      '<html><head><meta name="go-import" content="corp.example.com/lib git https://git.corp.example.com/lib.git"></head></html>';
    expect(parseGoImport(html, 'corp.example.com/lib/sub')).toEqual({
      prefix: 'corp.example.com/lib',
      vcs: 'git',
      url: 'https://git.corp.example.com/lib.git',
    });
    expect(parseGoImport(html, 'corp.example.com/other')).toBeUndefined();
  });
  it.each([
    ['https://github.com/corp/x', 'github.com', false],
    ['git@github.com:corp/x.git', 'github.com', true],
    ['ssh://git@git.corp:2222/x.git', 'git.corp', true],
  ])('%s', (url, host, ssh) => {
    expect(hostOf(url)).toBe(host);
    expect(isSsh(url)).toBe(ssh);
  });
});

describe('isPrivateAddress', () => {
  it.each([
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['127.0.0.1', true],
    ['8.8.8.8', false],
    ['fd00::1', true],
    ['2001:4860::8888', false],
  ])('%s', (ip, want) => {
    expect(isPrivateAddress(ip)).toBe(want);
  });
});

describe('Findings', () => {
  it('summarises the worst finding first, counts the others, and picks its fix', () => {
    const f = new Findings();
    f.warn('a warning', { command: 'w', explanation: 'w' });
    f.fail('first failure\nwith a second line', { command: 'f', explanation: 'f' });
    f.fail('second failure');
    f.info('a note');
    const o = f.outcome('nothing');
    expect(o.status).toBe('fail');
    expect(o.summary).toBe('first failure (and 2 more)');
    expect(o.details).toEqual(['with a second line', 'fail: second failure', 'warn: a warning', 'a note']);
    expect(o.fix?.command).toBe('f');
    expect(new Findings().outcome('all good')).toMatchObject({ status: 'pass', summary: 'all good', fix: null });
  });
});
