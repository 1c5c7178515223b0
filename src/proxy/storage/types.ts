/**
 * The storage seam of the module proxy.
 *
 * A Storage holds objects under keys that are the escaped GOPROXY protocol paths without
 * the leading slash (`rsc.io/quote/@v/v1.5.2.zip`, `sumdb/sum.golang.org/tile/8/0/001`),
 * so a store's layout is the proxy's URL space and any static file server can serve it.
 * Internal state lives under `-/` (never a module path: module paths need a dot in their
 * first element).
 *
 * Contract every backend honours (checked by storageConformanceCases in conformance.ts):
 * - put is atomic: until it resolves, readers see the previous object or nothing; a body
 *   that fails mid-way leaves the previous object (or nothing) in place; after a crash a
 *   half-written object is never visible.
 * - get/put stream: memory does not grow with the object size.
 * - keys are validated (validateKey): a bad key is rejected with ERR_PROXY_STORAGE_KEY and
 *   never reaches the backend, so no key can name anything outside the store.
 * - list never reports temporary or partial objects.
 *
 * A later issue adds S3 and Redis-coordinated backends behind the same interface.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ProxyError } from '../errors.js';

/** ObjectInfo describes a stored object. */
export interface ObjectInfo {
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** When the object was last written. */
  readonly modified: Date;
  /** A strong entity tag (quoted, as sent in the ETag header); changes when the content changes. */
  readonly etag: string;
}

/** ByteRange is an inclusive byte range within an object. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** StoredObject is an object being read: its info and a stream of (a range of) its bytes. */
export interface StoredObject {
  readonly info: ObjectInfo;
  readonly body: Readable;
}

/** PutBody is what put accepts: bytes, or a stream of chunks (a Node Readable is one). */
export type PutBody = Uint8Array | AsyncIterable<Uint8Array>;

/** Storage is the interface every backend implements. */
export interface Storage {
  /** A short name for logs and metrics (`fs`, `memory`, …). */
  readonly kind: string;
  /** stat returns the object's info, or undefined when there is none. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /**
   * get opens the object (or the given range of it) for reading, or returns undefined when
   * there is none. A range beyond the end is clipped; callers validate ranges first.
   */
  get(key: string, range?: ByteRange): Promise<StoredObject | undefined>;
  /** put stores body under key atomically and returns the new object's info. */
  put(key: string, body: PutBody): Promise<ObjectInfo>;
  /**
   * putFile moves (or copies) a finished local file into the store under key, atomically.
   * The file is consumed. Backends on a local disk rename it when they can.
   */
  putFile(key: string, file: string): Promise<ObjectInfo>;
  /** delete removes the object; resolves to whether there was one. */
  delete(key: string): Promise<boolean>;
  /** list yields the info of every object whose key starts with prefix (no order promised). */
  list(prefix?: string): AsyncIterable<ObjectInfo>;
  /** checkWritable proves the store accepts writes (readiness); it throws ERR_PROXY_STORAGE otherwise. */
  checkWritable(): Promise<void>;
  /**
   * tempDir is a directory on the same file system as the store where callers may stage
   * downloads before putFile (so putFile can rename). Undefined: use the OS temp dir.
   */
  readonly tempDir?: string;
  /**
   * localPath returns the file that holds key, for backends that keep objects as plain
   * files. Undefined otherwise.
   */
  localPath?(key: string): string | undefined;
  /**
   * openFile opens the object's file for reading, for backends that keep objects as plain
   * files (the socket adapter's fast path then sends it with reused buffers instead of a
   * stream). Resolves undefined when there is no such object. The caller closes the handle.
   */
  openFile?(key: string): Promise<{ handle: FileHandle; info: ObjectInfo } | undefined>;
  /** close releases resources. */
  close?(): Promise<void>;
}

const KEY_CHARS = /^[a-z0-9._~!@+:-]+$/;

/** MAX_KEY_LENGTH bounds keys (file systems limit paths to 4096 bytes). */
export const MAX_KEY_LENGTH = 2048;

/**
 * validateKey throws ERR_PROXY_STORAGE_KEY unless key is a relative slash-separated path of
 * non-empty segments made of lower-case letters, digits and `._~!@+:-`, no segment starting
 * with a dot, at most MAX_KEY_LENGTH bytes. Escaped protocol paths always pass.
 */
export function validateKey(key: string): void {
  const fail = (why: string) => {
    throw new ProxyError('ERR_PROXY_STORAGE_KEY', `invalid storage key: ${why}`, { subject: JSON.stringify(key) });
  };
  if (typeof key !== 'string' || key === '') fail('empty');
  if (key.length > MAX_KEY_LENGTH) fail(`longer than ${MAX_KEY_LENGTH} bytes`);
  for (const seg of key.split('/')) {
    if (seg === '') fail('empty segment');
    if (seg.startsWith('.')) fail('segment starts with a dot');
    if (!KEY_CHARS.test(seg)) fail('character outside [a-z0-9._~!@+:-]');
  }
}

/**
 * readStored returns the whole content of a (small) stored object, or undefined when there
 * is none. It throws what storage.get throws (ERR_PROXY_STORAGE, ERR_PROXY_STORAGE_KEY).
 */
export async function readStored(storage: Pick<Storage, 'get'>, key: string): Promise<Buffer | undefined> {
  const obj = await storage.get(key);
  return obj ? buffer(obj.body) : undefined;
}

/** validatePrefix is validateKey for list prefixes: empty is allowed, a trailing slash too. */
export function validatePrefix(prefix: string): void {
  if (prefix === '') return;
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
