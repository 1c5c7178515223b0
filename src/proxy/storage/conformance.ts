/**
 * The storage conformance suite: one list of cases that every Storage backend must pass.
 * It is framework-neutral (node:assert), so each backend's test file runs it with its own
 * factory; conformance.test.ts runs it for the filesystem and memory backends, and a later
 * S3/Redis backend adds one line there.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer as readAll } from 'node:stream/consumers';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isProxyError } from '../errors.js';
import type { Storage } from './types.js';

/** ConformanceContext is what a case receives besides the store. */
export interface ConformanceContext {
  /** A scratch directory for files handed to putFile. */
  readonly scratch: string;
}

/** ConformanceCase is one behaviour every backend must show. */
export interface ConformanceCase {
  readonly name: string;
  run(storage: Storage, ctx: ConformanceContext): Promise<void>;
}

async function collect(it: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const i of it) keys.push(i.key);
  return keys.sort();
}

/** bytes returns n deterministic pseudo-random bytes (seeded), for content checks. */
function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const ZIP = 'example.com/mod/@v/v1.0.0.zip';
const MOD = 'example.com/mod/@v/v1.0.0.mod';
const LIST = 'example.com/mod/@v/list';

/** storageConformanceCases returns the suite. */
export function storageConformanceCases(): ConformanceCase[] {
  return [
    {
      name: 'a missing key has no stat and no object',
      async run(s) {
        assert.equal(await s.stat(ZIP), undefined);
        assert.equal(await s.get(ZIP), undefined);
        assert.equal(await s.delete(ZIP), false);
      },
    },
    {
      name: 'put bytes then get returns the same bytes and info',
      async run(s) {
        const data = Buffer.from('module example.com/mod\n');
        const info = await s.put(MOD, data);
        assert.equal(info.key, MOD);
        assert.equal(info.size, data.length);
        assert.match(info.etag, /^"[^"]+"$/);
        assert.ok(info.modified instanceof Date && !Number.isNaN(info.modified.getTime()));
        const st = await s.stat(MOD);
        assert.deepEqual(st, info);
        const got = await s.get(MOD);
        assert.ok(got);
        assert.deepEqual(got.info, info);
        assert.deepEqual(await readAll(got.body), data);
      },
    },
    {
      name: 'put streams a large body from an async iterable',
      async run(s) {
        const size = 8 * 1024 * 1024 + 17;
        const data = bytes(size, 7);
        async function* chunks() {
          for (let i = 0; i < size; i += 65536) yield data.subarray(i, Math.min(size, i + 65536));
        }
        const info = await s.put(ZIP, chunks());
        assert.equal(info.size, size);
        const got = await s.get(ZIP);
        assert.ok(got);
        assert.ok((await readAll(got.body)).equals(data));
      },
    },
    {
      name: 'put accepts a Node Readable',
      async run(s) {
        const data = bytes(300_000, 3);
        await s.put(ZIP, Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
        const got = await s.get(ZIP);
        assert.ok(got && (await readAll(got.body)).equals(data));
      },
    },
    {
      name: 'an empty object round-trips',
      async run(s) {
        const info = await s.put(LIST, Buffer.alloc(0));
        assert.equal(info.size, 0);
        const got = await s.get(LIST);
        assert.ok(got);
        assert.equal((await readAll(got.body)).length, 0);
      },
    },
    {
      name: 'overwrite replaces the whole object and changes the etag',
      async run(s) {
        const a = await s.put(LIST, Buffer.from('v1.0.0\n'));
        const b = await s.put(LIST, Buffer.from('v1.0.0\nv1.1.0\n'));
        assert.notEqual(a.etag, b.etag);
        const got = await s.get(LIST);
        assert.ok(got);
        assert.equal((await readAll(got.body)).toString(), 'v1.0.0\nv1.1.0\n');
        // Same size, different content: the etag still changes.
        const c = await s.put(LIST, Buffer.from('v1.0.0\nv1.2.0\n'));
        assert.notEqual(c.etag, b.etag);
      },
    },
    {
      name: 'a body that fails mid-way leaves the previous object intact and nothing partial',
      async run(s) {
        await s.put(MOD, Buffer.from('module old\n'));
        async function* failing() {
          yield Buffer.from('module new');
          throw new Error('upstream connection reset');
        }
        await assert.rejects(s.put(MOD, failing()), /reset/);
        const got = await s.get(MOD);
        assert.ok(got);
        assert.equal((await readAll(got.body)).toString(), 'module old\n');
        await assert.rejects(s.put(ZIP, failing()), /reset/);
        assert.equal(await s.stat(ZIP), undefined);
        assert.deepEqual(await collect(s.list('')), [MOD]);
      },
    },
    {
      name: 'readers never see a half-written object while a put is streaming',
      async run(s) {
        const old = bytes(100_000, 11);
        const next = bytes(200_000, 12);
        await s.put(ZIP, old);
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        async function* slow() {
          yield next.subarray(0, 50_000);
          await gate;
          yield next.subarray(50_000);
        }
        const pending = s.put(ZIP, slow());
        await new Promise((r) => setTimeout(r, 20));
        const mid = await s.get(ZIP);
        assert.ok(mid && (await readAll(mid.body)).equals(old));
        assert.deepEqual(await collect(s.list('')), [ZIP]);
        release();
        await pending;
        const after = await s.get(ZIP);
        assert.ok(after && (await readAll(after.body)).equals(next));
      },
    },
    {
      name: 'concurrent puts to one key leave exactly one complete value',
      async run(s) {
        const values = [1, 2, 3, 4, 5].map((i) => bytes(50_000 + i, i));
        await Promise.all(values.map((v) => s.put(ZIP, v)));
        const got = await s.get(ZIP);
        assert.ok(got);
        const body = await readAll(got.body);
        assert.ok(
          values.some((v) => v.equals(body)),
          'the stored value is one of the written values',
        );
        assert.equal(got.info.size, body.length);
      },
    },
    {
      name: 'range reads return the requested inclusive slice',
      async run(s) {
        const data = bytes(10_000, 5);
        await s.put(ZIP, data);
        for (const [start, end] of [
          [0, 0],
          [0, 9999],
          [100, 199],
          [9990, 9999],
          [9990, 20_000],
        ] as const) {
          const got = await s.get(ZIP, { start, end });
          assert.ok(got);
          assert.equal(got.info.size, data.length, 'info describes the whole object');
          assert.ok((await readAll(got.body)).equals(data.subarray(start, Math.min(end, 9999) + 1)), `${start}-${end}`);
        }
      },
    },
    {
      name: 'delete removes the object',
      async run(s) {
        await s.put(MOD, Buffer.from('x'));
        assert.equal(await s.delete(MOD), true);
        assert.equal(await s.stat(MOD), undefined);
        assert.equal(await s.delete(MOD), false);
      },
    },
    {
      name: 'list yields exactly the keys under a prefix',
      async run(s) {
        const keys = [
          'example.com/a/@v/list',
          'example.com/a/@v/v1.0.0.info',
          'example.com/ab/@v/list',
          'example.com/a/b/@v/list',
          'sumdb/sum.golang.org/tile/8/0/001',
          '-/state/x',
        ];
        for (const k of keys) await s.put(k, Buffer.from(k));
        assert.deepEqual(await collect(s.list('')), [...keys].sort());
        assert.deepEqual(await collect(s.list('example.com/a/')), [
          'example.com/a/@v/list',
          'example.com/a/@v/v1.0.0.info',
          'example.com/a/b/@v/list',
        ]);
        assert.deepEqual(await collect(s.list('example.com/a')), [
          'example.com/a/@v/list',
          'example.com/a/@v/v1.0.0.info',
          'example.com/a/b/@v/list',
          'example.com/ab/@v/list',
        ]);
        assert.deepEqual(await collect(s.list('sumdb/')), ['sumdb/sum.golang.org/tile/8/0/001']);
        assert.deepEqual(await collect(s.list('nothing.here/')), []);
      },
    },
    {
      name: 'putFile installs a local file and consumes it',
      async run(s, ctx) {
        const data = bytes(70_000, 9);
        const file = path.join(s.tempDir ?? ctx.scratch, 'staged-upload');
        await writeFile(file, data);
        const info = await s.putFile(ZIP, file);
        assert.equal(info.size, data.length);
        const got = await s.get(ZIP);
        assert.ok(got && (await readAll(got.body)).equals(data));
        // A file from elsewhere (another directory) works too.
        const other = path.join(ctx.scratch, 'elsewhere.zip');
        await writeFile(other, data.subarray(0, 10));
        await s.putFile(MOD, other);
        const got2 = await s.get(MOD);
        assert.ok(got2 && (await readAll(got2.body)).equals(data.subarray(0, 10)));
      },
    },
    {
      name: 'keys that could escape the store or are not protocol paths are rejected',
      async run(s) {
        const badKeys = [
          '',
          '/abs/path',
          '../etc/passwd',
          'a/../../etc/passwd',
          'a/./b',
          'a//b',
          'a/b/',
          '.tmp/x',
          'a/.hidden',
          'A/Upper',
          'a\\b',
          'a/b\u0000c',
          'a/%2e%2e/b',
          'a b',
          'x'.repeat(5000),
        ];
        for (const k of badKeys) {
          for (const op of [() => s.put(k, Buffer.from('x')), () => s.get(k), () => s.stat(k), () => s.delete(k)]) {
            await assert.rejects(op(), (e) => isProxyError(e, 'ERR_PROXY_STORAGE_KEY'), JSON.stringify(k));
          }
        }
        assert.deepEqual(await collect(s.list('')), []);
      },
    },
    {
      name: 'openFile, when the backend offers it, opens the same object as get',
      async run(s) {
        if (!s.openFile) return;
        assert.equal(await s.openFile(ZIP), undefined);
        const data = bytes(5000, 21);
        const info = await s.put(ZIP, data);
        const opened = await s.openFile(ZIP);
        assert.ok(opened);
        try {
          assert.deepEqual(opened.info, info);
          const buf = Buffer.alloc(data.length);
          const { bytesRead } = await opened.handle.read(buf, 0, buf.length, 0);
          assert.equal(bytesRead, data.length);
          assert.ok(buf.equals(data));
        } finally {
          await opened.handle.close();
        }
        await assert.rejects(s.openFile('../x'), (e) => isProxyError(e, 'ERR_PROXY_STORAGE_KEY'));
      },
    },
    {
      name: 'checkWritable succeeds on a writable store and leaves no object behind',
      async run(s) {
        await s.checkWritable();
        assert.deepEqual(await collect(s.list('')), []);
      },
    },
  ];
}
