// The server handler (x/mod's Server semantics) over the in-memory log, driven in memory.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import { createMemoryLog, createServerHandler, SERVER_PATHS } from './index.js';
import { newSigner, newVerifier, open, verifierList } from './note/index.js';
import { formatRecord, hashString, parseTree, readTileData, hashReaderFromArray, storedHashes } from './tlog/index.js';
import type { Hash } from './tlog/index.js';

const key = (
  JSON.parse(readFileSync(testdata('note.json'), 'utf8')) as {
    keys: { name: string; signerKey: string; verifierKey: string }[];
  }
).keys.find((k) => k.name === 'localhost.localdev/sumdb')!;
const verifiers = verifierList(newVerifier(key.verifierKey));
const rec = (path: string, version: string, h = 'h1:AAAA'): string =>
  `${path} ${version} ${h}\n${path} ${version}/go.mod ${h}\n`;

async function setup(n = 3) {
  const log = createMemoryLog({ signer: key.signerKey });
  const mods: [string, string][] = [
    ['rsc.io/quote', 'v1.5.2'],
    ['rsc.io/QUOTE', 'v1.5.3-PRE'],
    ['golang.org/x/text', 'v0.3.0'],
    ['example.com/a', 'v1.0.0+incompatible'],
  ];
  for (const [p, v] of mods.slice(0, n)) await log.add(p, v, rec(p, v));
  const handler = createServerHandler(log);
  const get = async (path: string) => {
    const res = await handler(new Request('http://sumdb.test' + path));
    return { status: res.status, type: res.headers.get('content-type'), body: new Uint8Array(await res.arrayBuffer()) };
  };
  return { log, get, handler };
}
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe('server handler', () => {
  it('serves the signed tree head at /latest', async () => {
    const { get, log } = await setup();
    const r = await get('/latest');
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/plain; charset=UTF-8');
    const tree = parseTree(open(r.body, verifiers).text);
    expect(tree.n).toBe(3);
    expect(hashString(tree.hash)).toBe(hashString((await log.tree()).hash));
  });

  it('serves a lookup as the record followed by the signed tree head', async () => {
    const { get } = await setup();
    const latest = text((await get('/latest')).body);
    const r = await get('/lookup/rsc.io/!q!u!o!t!e@v1.5.3-!p!r!e');
    expect(r.status).toBe(200);
    expect(text(r.body)).toBe(`1\n${rec('rsc.io/QUOTE', 'v1.5.3-PRE')}\n${latest}`);
  });

  it('answers bad and unknown lookups as x/mod does', async () => {
    const { get } = await setup(4);
    expect(await get('/lookup/example.com/a@v1.0.0+incompatible').then((r) => r.status)).toBe(200);
    const bad = await get('/lookup/rsc.io/quote@latest');
    expect([bad.status, text(bad.body), bad.type]).toEqual([
      400,
      'invalid module@version syntax\n',
      'text/plain; charset=utf-8',
    ]);
    const unknown = await get('/lookup/rsc.io/quote@v9.9.9');
    expect([unknown.status, text(unknown.body)]).toEqual([404, 'not found: rsc.io/quote@v9.9.9\n']);
    // An escaping error is not "not found": 500, as x/mod's reportError.
    expect((await get('/lookup/rsc.io/Quote@v1.0.0')).status).toBe(500);
    const other = await get('/other');
    expect([other.status, text(other.body)]).toEqual([404, '404 page not found\n']);
    expect(SERVER_PATHS).toEqual(['/lookup/', '/latest', '/tile/']);
  });

  it('serves hash tiles and data tiles', async () => {
    const { get, log } = await setup(3);
    const hashes: Hash[] = [];
    const records = log.records();
    for (let i = 0; i < records.length; i++)
      hashes.push(...(await storedHashes(i, records[i]!, hashReaderFromArray(hashes))));
    const t = await get('/tile/8/0/000.p/3');
    expect(t.status).toBe(200);
    expect(t.type).toBe('application/octet-stream');
    expect(
      Buffer.from(t.body).equals(
        Buffer.from(await readTileData({ h: 8, l: 0, n: 0, w: 3 }, hashReaderFromArray(hashes))),
      ),
    ).toBe(true);
    const d = await get('/tile/8/data/000.p/2');
    expect(text(d.body)).toBe(text(formatRecord(0, records[0]!)) + text(formatRecord(1, records[1]!)));
    const bad = await get('/tile/8/0/00');
    expect([bad.status, text(bad.body)]).toEqual([400, 'invalid tile syntax\n']);
    expect((await get('/tile/8/0/000.p/4')).status).toBe(404);
    expect((await get('/tile/8/data/000.p/4')).status).toBe(404);
  });

  it('serves under a base path (a proxy’s /sumdb/<name>/)', async () => {
    const { log } = await setup(1);
    const handler = createServerHandler(log, { basePath: '/sumdb/localhost.localdev/sumdb/' });
    const ok = await handler(new Request('http://p.test/sumdb/localhost.localdev/sumdb/lookup/rsc.io/quote@v1.5.2'));
    expect(ok.status).toBe(200);
    expect((await handler(new Request('http://p.test/lookup/rsc.io/quote@v1.5.2'))).status).toBe(404);
  });
});

describe('memory log', () => {
  it('grows, signs each size once, and rejects duplicates and bad records', async () => {
    const { log } = await setup(1);
    const s1 = await log.signed();
    expect(await log.signed()).toBe(s1);
    await log.add('rsc.io/sampler', 'v1.3.0', rec('rsc.io/sampler', 'v1.3.0'));
    expect(log.size).toBe(2);
    expect(await log.signed()).not.toBe(s1);
    await expect(log.add('rsc.io/quote', 'v1.5.2', rec('rsc.io/quote', 'v1.5.2'))).rejects.toThrow(
      'duplicate record for rsc.io/quote@v1.5.2',
    );
    await expect(log.add('x.io/y', 'v1.0.0', 'no newline')).rejects.toThrow('malformed record data');
    expect(log.size).toBe(2);
    expect(await log.lookup({ path: 'rsc.io/sampler', version: 'v1.3.0' })).toBe(1);
    await expect(log.readRecords(1, 2)).rejects.toThrow('missing records');
  });

  it('adds records on first lookup through gosum, once', async () => {
    let calls = 0;
    const log = createMemoryLog({
      signer: key.signerKey,
      gosum: async (p, v) => {
        calls++;
        return p === 'rsc.io/quote' ? rec(p, v) : undefined;
      },
    });
    const ids = await Promise.all([
      log.lookup({ path: 'rsc.io/quote', version: 'v1.5.2' }),
      log.lookup({ path: 'rsc.io/quote', version: 'v1.5.2' }),
    ]);
    expect(ids).toEqual([0, 0]);
    expect(log.size).toBe(1);
    expect(calls).toBe(2);
    await expect(log.lookup({ path: 'example.com/x', version: 'v1.0.0' })).rejects.toThrow(
      'not found: example.com/x@v1.0.0',
    );
  });

  it('signs with a Signer object as well as a key', async () => {
    const log = createMemoryLog({ signer: newSigner(key.signerKey) });
    await log.addRecord('anything goes here\n');
    const note = open(await log.signed(), verifiers);
    expect(note.sigs.map((s) => s.name)).toEqual(['localhost.localdev/sumdb']);
  });
});
