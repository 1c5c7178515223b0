import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isRefreshableKey, withEviction, type EvictingStorage } from './evict.js';
import { createLogger } from './log.js';
import { createFsStorage } from './storage/fs.js';
import { LogCapture } from './testdata/harness.js';

describe('isRefreshableKey', () => {
  it.each([
    ['rsc.io/quote/@v/list', true],
    ['rsc.io/quote/@latest', true],
    ['rsc.io/quote/@v/master.info', true],
    ['rsc.io/quote/@v/v2.0.0.info', true],
    ['rsc.io/quote/@v/v1.5.2.info', false],
    ['rsc.io/quote/@v/v1.5.2.zip', false],
    ['sumdb/sum.golang.org/latest', true],
    ['sumdb/sum.golang.org/tile/8/0/000', false],
    ['-/sumdb/sum.golang.org/latest', false],
  ])('%s', (key, want) => expect(isRefreshableKey(key)).toBe(want));
});

describe('withEviction', () => {
  let dir: string;
  let logs: LogCapture;
  const evicted: string[] = [];
  const access = new Map<string, number>();
  const make = async (maxBytes: number, evictVersioned: boolean): Promise<EvictingStorage> =>
    withEviction(await createFsStorage({ root: dir, fsync: false }), {
      maxBytes,
      evictVersioned,
      lastAccess: (k) => access.get(k),
      logger: createLogger({ level: 'warn', sink: logs }),
      onEvict: (info) => evicted.push(info.key),
    });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-evict-'));
    logs = new LogCapture();
    evicted.length = 0;
    access.clear();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const kb = (n: number) => Buffer.alloc(n * 1024, 7);

  it('evicts least recently used list data only, and says so when versioned files keep it over the cap', async () => {
    const s = await make(10 * 1024, false);
    await s.put('a.example/x/@v/v1.0.0.zip', kb(4));
    await s.put('a.example/x/@v/list', kb(2));
    await s.put('b.example/y/@v/list', kb(2));
    await s.put('c.example/z/@latest', kb(1));
    access.set('a.example/x/@v/list', 1);
    access.set('b.example/y/@v/list', Date.now() + 1000);
    access.set('c.example/z/@latest', Date.now() + 2000);
    await s.evictNow();
    await s.put('d.example/w/@v/v1.0.0.mod', kb(3));
    await s.evictNow();
    expect(evicted).toEqual(['a.example/x/@v/list', 'b.example/y/@v/list']);
    expect(await s.stat('a.example/x/@v/v1.0.0.zip')).toBeDefined();
    expect(await s.stat('c.example/z/@latest')).toBeDefined();

    await s.put('e.example/v/@v/v1.0.0.zip', kb(8));
    await s.evictNow();
    expect(evicted).toContain('c.example/z/@latest');
    expect(await s.stat('e.example/v/@v/v1.0.0.zip')).toBeDefined();
    expect(logs.json().some((l) => String(l['msg']).includes('only versioned files are left'))).toBe(true);
  });

  it('evicts versioned files too when configured', async () => {
    const s = await make(6 * 1024, true);
    await s.put('a.example/x/@v/v1.0.0.zip', kb(4));
    access.set('a.example/x/@v/v1.0.0.zip', 1);
    await s.put('b.example/y/@v/v1.0.0.zip', kb(4));
    await s.evictNow();
    expect(evicted).toEqual(['a.example/x/@v/v1.0.0.zip']);
    expect(await s.stat('b.example/y/@v/v1.0.0.zip')).toBeDefined();
  });
});
