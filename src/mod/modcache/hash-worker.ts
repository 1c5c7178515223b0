/**
 * The worker side of createHashPool: answers `{ id, kind, file, prefix }` requests with
 * `{ id, hash }` or `{ id, error: { code, message, fields } }`, hashing with package
 * dirhash in this thread.
 */
import { parentPort } from 'node:worker_threads';
import { CodedError } from '../internal/errors.js';
import { hashDir, hashZip } from '../sumdb/dirhash/index.js';

/** HashRequest is one job: the h1 hash of a zip file, or of a directory under a name prefix. */
export interface HashRequest {
  readonly id: number;
  readonly kind: 'zip' | 'dir';
  readonly file: string;
  readonly prefix?: string;
}

parentPort?.on('message', (req: HashRequest) => {
  const job = req.kind === 'zip' ? hashZip(req.file) : hashDir(req.file, req.prefix ?? '');
  job.then(
    (hash) => parentPort!.postMessage({ id: req.id, hash }),
    (e: unknown) =>
      parentPort!.postMessage({
        id: req.id,
        error: {
          code: e instanceof CodedError ? e.code : 'ERR_MODCACHE_IO',
          message: e instanceof Error ? e.message : String(e),
          fields: e instanceof CodedError ? JSON.parse(JSON.stringify(e.fields)) : {},
        },
      }),
  );
});
