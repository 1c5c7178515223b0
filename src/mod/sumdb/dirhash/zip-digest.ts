/**
 * SHA-256 of many zip entries, on this thread or spread over worker threads. Hashing
 * a module zip is inflate + CRC-32 + SHA-256 over every byte; on a big zip that is
 * CPU-bound, so above a size threshold the entries are split between workers (each
 * opens the zip itself and reads its share synchronously, which is also the cheapest
 * way per byte). Results come back keyed by entry index; failures are reported for
 * the first failing entry of each worker's list, and lists keep the caller's order,
 * so the caller can report the first failure in its order as Go's sequential loop
 * would.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CodedError } from '../../internal/errors.js';
import { openZipReader, type ZipReader } from '../../zip/archive.js';

/** DigestResult: hex digests by entry index, and the first failure (entry index + error) if any. */
export interface DigestResult {
  digests: Map<number, string>;
  failure: { index: number; error: unknown } | undefined;
}

/** SerializedError carries an error across the worker boundary (structured clone drops code and fields). */
interface SerializedError {
  code?: string;
  message: string;
  fields?: Record<string, unknown>;
  stack?: string;
}

/** WorkerJob is what a hashing worker receives. */
export interface WorkerJob {
  zipPath: string;
  indices: number[];
}

/** WorkerReply is what a hashing worker posts back. */
export interface WorkerReply {
  digests: Array<[number, string]>;
  failure?: { index: number; error: SerializedError };
}

/** Compressed bytes above which hashing is spread over workers (below, a thread start costs more than it saves). */
const WORKER_THRESHOLD = 16 << 20;
/** Entries hashed at the same time on one thread (overlaps the asynchronous reads of large entries). */
const PARALLEL = 4;

/**
 * digestZipEntries hashes the entries at indices (in that order of priority) of the
 * open zip z. It never rejects for an entry failure: the first failing entry in
 * indices order (with everything before it hashed) is returned as failure.
 */
export async function digestZipEntries(z: ZipReader, indices: readonly number[]): Promise<DigestResult> {
  const total = indices.reduce((n, i) => n + z.entries[i]!.compressedSize, 0);
  const workers = Math.min(4, os.availableParallelism(), indices.length);
  if (total < WORKER_THRESHOLD || workers < 2) return digestHere(z, indices);
  return digestInWorkers(z, indices, workers);
}

/** digestHere hashes on this thread, PARALLEL entries at a time, stopping after the first failure. */
export async function digestHere(z: ZipReader, indices: readonly number[]): Promise<DigestResult> {
  const digests = new Map<number, string>();
  let failed = indices.length;
  let failure: DigestResult['failure'];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const k = next++;
      if (k >= indices.length || k > failed) return;
      const index = indices[k]!;
      try {
        digests.set(index, await z.sha256(z.entries[index]!));
      } catch (error) {
        if (k < failed) {
          failed = k;
          failure = { index, error };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, indices.length) }, worker));
  return { digests, failure };
}

/**
 * digestInWorkers splits indices over n workers, balancing compressed bytes while
 * keeping each share in the given order, and merges the replies.
 */
async function digestInWorkers(z: ZipReader, indices: readonly number[], n: number): Promise<DigestResult> {
  const shares: number[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  for (const index of indices) {
    let w = 0;
    for (let j = 1; j < n; j++) if (load[j]! < load[w]!) w = j;
    shares[w]!.push(index);
    // Reading costs the stored bytes; inflating, CRC and SHA-256 the content bytes.
    load[w]! += z.entries[index]!.compressedSize + z.entries[index]!.uncompressedSize + 1;
  }
  const replies = await Promise.all(shares.map((share) => runWorker({ zipPath: z.path, indices: share })));
  const digests = new Map<number, string>();
  const position = new Map(indices.map((index, k) => [index, k]));
  let failure: DigestResult['failure'];
  for (const reply of replies) {
    for (const [index, hex] of reply.digests) digests.set(index, hex);
    const f = reply.failure;
    if (f && (!failure || position.get(f.index)! < position.get(failure.index)!)) {
      failure = { index: f.index, error: deserializeError(f.error) };
    }
  }
  return { digests, failure };
}

/** runWorker starts one hashing worker on job and resolves with its reply. */
function runWorker(job: WorkerJob): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const w = spawnHashWorker(job);
    let replied = false;
    w.once('message', (reply: WorkerReply) => {
      replied = true;
      resolve(reply);
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (!replied) reject(new Error(`dirhash: hashing worker exited with code ${code} before replying`));
    });
  });
}

/**
 * spawnHashWorker starts hash-worker: the compiled .js next to this file, or, when
 * running from the TypeScript sources (vitest, tsx), the .ts file through tsx's loader.
 */
function spawnHashWorker(job: WorkerJob): Worker {
  const js = new URL('./hash-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: job });
  // Resolve tsx from this file when the runtime can (the worker then does not depend on
  // the working directory); otherwise from the working directory, the repository root.
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  const api = typeof resolve === 'function' ? resolve('tsx/esm/api') : 'tsx/esm/api';
  const ts = new URL('./hash-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

/** workerMain is the body of a hashing worker: open the zip, hash its share, reply. */
export async function workerMain(job: WorkerJob): Promise<WorkerReply> {
  let z: ZipReader;
  try {
    z = await openZipReader(job.zipPath, { syncReads: true });
  } catch (e) {
    return { digests: [], failure: { index: job.indices[0] ?? 0, error: serializeError(e) } };
  }
  try {
    const { digests, failure } = await digestHere(z, job.indices);
    return {
      digests: [...digests],
      ...(failure ? { failure: { index: failure.index, error: serializeError(failure.error) } } : {}),
    };
  } finally {
    await z.close();
  }
}

function serializeError(e: unknown): SerializedError {
  if (e instanceof CodedError) return { code: e.code, message: e.message, fields: { ...e.fields } };
  if (e instanceof Error) return { message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { message: String(e) };
}

function deserializeError(e: SerializedError): Error {
  if (e.code !== undefined) return new CodedError(e.code, e.message, e.fields ?? {});
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
