// test/support/fixtures.ts against the reference tool: the GOPROXY tree written from
// all 250 fixtures equals ../shared/tools/txtar-to-proxy.mjs's tree, file for file
// (zips compared by entry names and contents, everything else byte for byte).
import { readdir, readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openZipReader } from '../../src/mod/zip/archive.js';
import { fixture, loadFixtures, writeProxyTree } from './fixtures.js';
import { buildFixtureProxy } from './go.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-fixtures-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else out.push(r);
    }
  };
  await walk(root, '');
  return out.sort();
}

/** zipContent reads a zip's entries (raw names, contents) in order. */
async function zipContent(file: string): Promise<Array<[string, string]>> {
  const z = await openZipReader(file);
  try {
    const out: Array<[string, string]> = [];
    for (const e of z.entries) {
      const chunks: Buffer[] = [];
      for await (const c of z.open(e)) chunks.push(c as Buffer);
      out.push([Buffer.from(e.nameBytes).toString('latin1'), Buffer.concat(chunks).toString('latin1')]);
    }
    return out;
  } finally {
    await z.close();
  }
}

describe('loadFixtures', () => {
  it('reads all 250 fixtures and decodes names at the last "_v"', () => {
    const all = loadFixtures();
    expect(all).toHaveLength(250);
    const q = fixture('rsc.io/QUOTE@v1.5.3-PRE');
    expect(q.file).toBe('rsc.io_!q!u!o!t!e_v1.5.3-!p!r!e.txt');
    expect([q.escapedPath, q.escapedVersion]).toEqual(['rsc.io/!q!u!o!t!e', 'v1.5.3-!p!r!e']);
    expect(fixture('example.com/invalidpath/v1@v1.0.0').path).toBe('example.com/invalidpath/v1');
  });

  it('splits sections into .info, .mod and zip entries (a leading "/" names a raw entry)', () => {
    const f = fixture('rsc.io/quote@v1.5.2');
    expect(Buffer.from(f.mod!).toString()).toContain('module "rsc.io/quote"');
    expect(JSON.parse(Buffer.from(f.info!).toString())).toMatchObject({ Version: 'v1.5.2' });
    expect(f.zipEntries.map((e) => e.name)).toContain('rsc.io/quote@v1.5.2/quote.go');
    expect(f.title).toBe('rsc.io/quote@v1.5.2');
    const bad = fixture('rsc.io/badzip@v1.0.0');
    expect(bad.zipEntries.map((e) => e.name)).toContain('rsc.io/badzip@v1.0.0.txt');
    expect(fixture('example.com/retract/missingmod@v1.9.0').mod).toBeUndefined();
  });
});

describe('writeProxyTree equals txtar-to-proxy.mjs', () => {
  it('for all fixtures: same files, same bytes, same zip entries', async () => {
    const ours = path.join(work, 'ours');
    const theirs = path.join(work, 'theirs');
    await writeProxyTree(ours, 'all');
    await buildFixtureProxy(theirs, 'all');
    const files = await listTree(ours);
    expect(files).toEqual(await listTree(theirs));
    expect(files.filter((f) => f.endsWith('.zip'))).toHaveLength(250);
    const differ: string[] = [];
    for (const f of files) {
      const [a, b] = [path.join(ours, f), path.join(theirs, f)];
      if (f.endsWith('.zip')) {
        if (JSON.stringify(await zipContent(a)) !== JSON.stringify(await zipContent(b))) differ.push(f);
      } else if (!(await readFile(a)).equals(await readFile(b))) {
        differ.push(f);
      }
    }
    expect(differ).toEqual([]);
  });

  it('writes a subset, and reports the zip paths', async () => {
    const dir = path.join(work, 'subset');
    const picked = [fixture('rsc.io/quote@v1.5.2'), fixture('rsc.io/quote@v1.5.1')];
    const tree = await writeProxyTree(dir, picked);
    expect(await readFile(path.join(dir, 'rsc.io/quote/@v/list'), 'utf8')).toBe('v1.5.1\nv1.5.2\n');
    expect(JSON.parse(await readFile(path.join(dir, 'rsc.io/quote/@latest'), 'utf8'))).toMatchObject({
      Version: 'v1.5.2',
    });
    expect(tree.zipPath(picked[0]!)).toBe(path.join(dir, 'rsc.io/quote/@v/v1.5.2.zip'));
    expect([...tree.modules.keys()]).toEqual(['rsc.io/quote']);
  });
});
