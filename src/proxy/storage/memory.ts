/**
 * An in-memory storage backend: for tests, and the reference the conformance suite is
 * written against. Not for production (everything is lost on exit, memory grows with
 * the cache). Objects are immutable buffers; put swaps the map entry once the whole
 * body has arrived, so readers never see a partial object.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { validateKey, validatePrefix, type ObjectInfo, type PutBody, type Storage } from './types.js';

interface Entry {
  readonly data: Buffer;
  readonly info: ObjectInfo;
}

/** createMemoryStorage returns an empty in-memory store. */
export function createMemoryStorage(): Storage {
  const objects = new Map<string, Entry>();
  let generation = 0;

  const store = (key: string, data: Buffer): ObjectInfo => {
    generation++;
    const digest = createHash('sha256').update(data).digest('hex').slice(0, 16);
    const info: ObjectInfo = {
      key,
      size: data.length,
      modified: new Date(),
      etag: `"${data.length.toString(16)}-${digest}-${generation.toString(16)}"`,
    };
    objects.set(key, { data, info });
    return info;
  };

  return {
    kind: 'memory',
    async stat(key) {
      validateKey(key);
      return objects.get(key)?.info;
    },
    async get(key, range) {
      validateKey(key);
      const e = objects.get(key);
      if (!e) return undefined;
      const data = range ? e.data.subarray(range.start, Math.min(range.end, e.data.length - 1) + 1) : e.data;
      return { info: e.info, body: Readable.from(data.length > 0 ? [data] : [], { objectMode: false }) };
    },
    async put(key: string, body: PutBody) {
      validateKey(key);
      return store(key, body instanceof Uint8Array ? Buffer.from(body) : await buffer(body));
    },
    async putFile(key, file) {
      validateKey(key);
      const data = await readFile(file);
      await unlink(file).catch(() => {});
      return store(key, data);
    },
    async delete(key) {
      validateKey(key);
      return objects.delete(key);
    },
    async *list(prefix = '') {
      validatePrefix(prefix);
      for (const [key, e] of [...objects]) if (key.startsWith(prefix)) yield e.info;
    },
    async checkWritable() {},
  };
}
