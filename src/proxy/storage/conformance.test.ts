import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { storageConformanceCases } from './conformance.js';
import { createFsStorage } from './fs.js';
import { createMemoryStorage } from './memory.js';
import type { Storage } from './types.js';

// Every backend runs the same suite. A new backend adds one entry here.
const backends: Array<[string, (dir: string) => Promise<Storage>]> = [
  ['fs', (dir) => createFsStorage({ root: path.join(dir, 'store') })],
  ['memory', async () => createMemoryStorage()],
];

describe.each(backends)('storage conformance: %s', (_name, factory) => {
  let dir: string;
  let storage: Storage;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-storage-'));
    await mkdir(path.join(dir, 'scratch'));
    storage = await factory(dir);
  });
  afterEach(async () => {
    await storage.close?.();
    await rm(dir, { recursive: true, force: true });
  });
  it.each(storageConformanceCases().map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await c.run(storage, { scratch: path.join(dir, 'scratch') });
  });
});

describe('fs storage specifics', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-fsstore-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps objects at <root>/<key> so a static server can serve the tree', async () => {
    const s = await createFsStorage({ root: dir });
    await s.put('rsc.io/quote/@v/v1.5.2.mod', Buffer.from('module rsc.io/quote\n'));
    expect(await readdir(path.join(dir, 'rsc.io', 'quote', '@v'))).toEqual(['v1.5.2.mod']);
    expect(s.localPath?.('rsc.io/quote/@v/v1.5.2.mod')).toBe(path.join(dir, 'rsc.io/quote/@v/v1.5.2.mod'));
  });

  it('removes leftovers of a crashed writer when reopened, and never lists them', async () => {
    const s = await createFsStorage({ root: dir });
    await s.put('example.com/a/@v/list', Buffer.from('v1.0.0\n'));
    // What a SIGKILL during a put leaves: a temp file that was never renamed.
    await writeFile(path.join(dir, '.tmp', 'half-written'), Buffer.alloc(1000));
    const seen: string[] = [];
    for await (const i of s.list()) seen.push(i.key);
    expect(seen).toEqual(['example.com/a/@v/list']);
    await createFsStorage({ root: dir });
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
  });

  it('ignores files in the tree whose names are not valid keys', async () => {
    const s = await createFsStorage({ root: dir });
    await mkdir(path.join(dir, 'Example.com'), { recursive: true });
    await writeFile(path.join(dir, 'Example.com', 'x'), 'x');
    const seen: string[] = [];
    for await (const i of s.list()) seen.push(i.key);
    expect(seen).toEqual([]);
  });
});
