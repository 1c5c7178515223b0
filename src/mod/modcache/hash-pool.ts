/**
 * A pool of worker threads that compute dirhash hashes, so that verifying many modules
 * keeps every core busy (SHA-256 runs on the calling thread in Node). The pool is a
 * Hasher (verify.ts): results and errors are exactly those of package dirhash.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CodedError } from '../internal/errors.js';
import { LOCAL_HASHER, type Hasher } from './verify.js';

/** HashPool is a Hasher backed by worker threads; close() stops them. */
export interface HashPool extends Hasher {
  readonly threads: number;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * createHashPool returns a pool of `threads` workers, started on first use. With
 * threads <= 1, or when a worker cannot start, it hashes in the calling thread.
 * Errors from a worker are rebuilt as CodedErrors with the same code, message and fields.
 */
export function createHashPool(options: { threads?: number } = {}): HashPool {
  const threads = Math.max(1, options.threads ?? 2);
  let slots: Slot[] | undefined;
  let broken = false;
  let nextId = 1;
  const waiting = new Map<number, { resolve(h: string): void; reject(e: Error): void; slot: Slot }>();

  const start = (): Slot[] | undefined => {
    if (slots || broken || threads <= 1) return slots;
    try {
      const here = import.meta.url;
      // Running from TypeScript sources (tests): the worker registers tsx's loader first.
      const ts = here.endsWith('.ts');
      const url = new URL(ts ? './hash-worker.ts' : './hash-worker.js', here);
      const boot = ts
        ? `import(${JSON.stringify(pathToFileURL(path.join(path.dirname(createRequire(here).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href)})` +
          `.then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`
        : undefined;
      slots = Array.from({ length: threads }, () => {
        const worker = boot ? new Worker(boot, { eval: true }) : new Worker(url);
        const slot: Slot = { worker, busy: 0 };
        worker.on(
          'message',
          (msg: {
            id: number;
            hash?: string;
            error?: { code: string; message: string; fields: Record<string, unknown> };
          }) => {
            const w = waiting.get(msg.id);
            if (!w) return;
            waiting.delete(msg.id);
            slot.busy--;
            if (msg.error) w.reject(new CodedError(msg.error.code, msg.error.message, msg.error.fields));
            else w.resolve(msg.hash!);
          },
        );
        worker.on('error', (e) => {
          for (const [id, w] of waiting) {
            if (w.slot !== slot) continue;
            waiting.delete(id);
            w.reject(e);
          }
        });
        worker.unref();
        return slot;
      });
    } catch {
      broken = true;
      slots = undefined;
    }
    return slots;
  };

  const run = (kind: 'zip' | 'dir', file: string, prefix?: string): Promise<string> => {
    const s = start();
    if (!s) return kind === 'zip' ? LOCAL_HASHER.hashZip(file) : LOCAL_HASHER.hashDir(file, prefix ?? '');
    const slot = s.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = nextId++;
    slot.busy++;
    if (slot.busy === 1) slot.worker.ref();
    return new Promise<string>((resolve, reject) => {
      waiting.set(id, {
        resolve: (h) => {
          if (slot.busy === 0) slot.worker.unref();
          resolve(h);
        },
        reject: (e) => {
          if (slot.busy === 0) slot.worker.unref();
          reject(e);
        },
        slot,
      });
      slot.worker.postMessage({ id, kind, file, ...(prefix !== undefined ? { prefix } : {}) });
    });
  };

  return {
    threads,
    hashZip: (file) => run('zip', file),
    hashDir: (dir, prefix) => run('dir', dir, prefix),
    async close() {
      const s = slots;
      slots = undefined;
      if (s) await Promise.all(s.map((x) => x.worker.terminate()));
    },
  };
}
