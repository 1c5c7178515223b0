/**
 * The filesystem storage backend (the default).
 *
 * Objects are plain files at `<root>/<key>`, so the directory is the proxy's URL space
 * and nginx (or any static server) can serve it as is. Writes go to `<root>/.tmp/` first
 * (same file system), are fsynced, renamed into place and the parent directory fsynced:
 * an object is either entirely visible or not at all, also after a crash (SIGKILL, power
 * loss). `.tmp` can never clash with a key (key segments never start with a dot) and is
 * emptied when the store is opened.
 *
 * One process owns a root at a time (the proxy holds it for its lifetime).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink, copyFile, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BigIntStats } from 'node:fs';
import { ProxyError } from '../errors.js';
import {
  validateKey,
  validatePrefix,
  type ByteRange,
  type ObjectInfo,
  type PutBody,
  type Storage,
  type StoredObject,
} from './types.js';

/** FsStorageOptions configures createFsStorage. */
export interface FsStorageOptions {
  /** The directory that holds the objects (created when missing). */
  readonly root: string;
  /** fsync files and directories on every put (default true; turn off only for throwaway stores). */
  readonly fsync?: boolean;
}

const TMP = '.tmp';

function infoFrom(key: string, st: BigIntStats): ObjectInfo {
  return {
    key,
    size: Number(st.size),
    modified: new Date(Number(st.mtimeMs)),
    etag: `"${st.size.toString(16)}-${st.mtimeNs.toString(16)}-${st.ino.toString(16)}"`,
  };
}

function storageError(op: string, key: string, e: unknown): ProxyError {
  const err = e as NodeJS.ErrnoException;
  return new ProxyError(
    'ERR_PROXY_STORAGE',
    `storage ${op} ${key}: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' ').trim(),
    { subject: key, errno: err.code },
    { cause: e },
  );
}

const isMissing = (e: unknown) => {
  const c = (e as NodeJS.ErrnoException).code;
  return c === 'ENOENT' || c === 'ENOTDIR' || c === 'EISDIR';
};

/**
 * createFsStorage opens (creating if needed) a filesystem store at options.root, removing
 * temporary files a previous process left behind. It throws ERR_PROXY_STORAGE when the
 * directory cannot be created.
 */
export async function createFsStorage(options: FsStorageOptions): Promise<Storage> {
  const root = path.resolve(options.root);
  const tmpDir = path.join(root, TMP);
  const doSync = options.fsync ?? true;
  try {
    await mkdir(root, { recursive: true });
    await rm(tmpDir, { recursive: true, force: true });
    await mkdir(tmpDir, { recursive: true });
  } catch (e) {
    throw storageError('open', root, e);
  }

  const fileOf = (key: string) => {
    validateKey(key);
    return path.join(root, ...key.split('/'));
  };

  const tmpName = () => path.join(tmpDir, `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`);

  async function syncDir(dir: string): Promise<void> {
    if (!doSync) return;
    let fh: FileHandle | undefined;
    try {
      fh = await open(dir, 'r');
      await fh.sync();
    } catch {
      // Some file systems refuse fsync on directories; the rename is still atomic.
    } finally {
      await fh?.close();
    }
  }

  async function install(key: string, tmp: string): Promise<ObjectInfo> {
    const dest = fileOf(key);
    try {
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(tmp, dest);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw storageError('put', key, e);
    }
    await syncDir(path.dirname(dest));
    const st = await stat(dest, { bigint: true });
    return infoFrom(key, st);
  }

  /** openRegular opens the object's file for reading, or undefined when there is no such regular file. */
  async function openRegular(key: string): Promise<{ handle: FileHandle; info: ObjectInfo } | undefined> {
    const file = fileOf(key);
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw storageError('get', key, e);
    }
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) {
        await fh.close();
        return undefined;
      }
      return { handle: fh, info: infoFrom(key, st) };
    } catch (e) {
      await fh.close().catch(() => {});
      throw storageError('get', key, e);
    }
  }

  const storage: Storage = {
    kind: 'fs',
    tempDir: tmpDir,

    async stat(key) {
      const file = fileOf(key);
      try {
        const st = await stat(file, { bigint: true });
        return st.isFile() ? infoFrom(key, st) : undefined;
      } catch (e) {
        if (isMissing(e)) return undefined;
        throw storageError('stat', key, e);
      }
    },

    async get(key: string, range?: ByteRange): Promise<StoredObject | undefined> {
      const opened = await openRegular(key);
      if (!opened) return undefined;
      const { handle, info } = opened;
      try {
        const body = createReadStream('', {
          fd: handle,
          start: range?.start,
          end: range ? Math.min(range.end, Math.max(info.size - 1, 0)) : undefined,
          highWaterMark: 256 * 1024,
          autoClose: true,
        });
        return { info, body };
      } catch (e) {
        await handle.close().catch(() => {});
        throw storageError('get', key, e);
      }
    },

    async put(key: string, body: PutBody): Promise<ObjectInfo> {
      validateKey(key);
      const tmp = tmpName();
      let fh: FileHandle | undefined;
      try {
        fh = await open(tmp, 'wx', 0o644);
        if (body instanceof Uint8Array) {
          await fh.write(body);
        } else {
          for await (const chunk of body) await fh.write(chunk);
        }
        if (doSync) await fh.sync();
        await fh.close();
        fh = undefined;
      } catch (e) {
        await fh?.close().catch(() => {});
        await unlink(tmp).catch(() => {});
        if (e instanceof ProxyError) throw e;
        throw storageError('put', key, e);
      }
      return install(key, tmp);
    },

    async putFile(key: string, file: string): Promise<ObjectInfo> {
      validateKey(key);
      const resolved = path.resolve(file);
      let tmp = resolved;
      if (path.dirname(resolved) !== tmpDir) {
        // Not staged in our temp dir: copy it there first (rename across devices fails).
        tmp = tmpName();
        try {
          await copyFile(resolved, tmp);
          await unlink(resolved).catch(() => {});
        } catch (e) {
          await unlink(tmp).catch(() => {});
          throw storageError('put', key, e);
        }
      }
      if (doSync) {
        let fh: FileHandle | undefined;
        try {
          fh = await open(tmp, 'r+');
          await fh.sync();
        } catch (e) {
          await unlink(tmp).catch(() => {});
          throw storageError('put', key, e);
        } finally {
          await fh?.close();
        }
      }
      return install(key, tmp);
    },

    async delete(key) {
      const file = fileOf(key);
      try {
        await unlink(file);
        return true;
      } catch (e) {
        if (isMissing(e)) return false;
        throw storageError('delete', key, e);
      }
    },

    list(prefix = '') {
      validatePrefix(prefix);
      // Start the walk at the deepest directory the prefix names completely.
      const slash = prefix.lastIndexOf('/');
      const startRel = slash >= 0 ? prefix.slice(0, slash) : '';
      return walk(root, startRel, prefix);
    },

    async checkWritable() {
      const key = '-/probe/readyz';
      await storage.put(key, Buffer.from('ok\n'));
      await storage.delete(key);
    },

    localPath(key) {
      return fileOf(key);
    },

    openFile: (key) => openRegular(key),
  };
  return storage;
}

function isValidKey(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}

async function* walk(root: string, rel: string, prefix: string): AsyncGenerator<ObjectInfo> {
  const dir = rel === '' ? root : path.join(root, ...rel.split('/'));
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return;
    throw storageError('list', rel, e);
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const key = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      // Descend only where keys below can still match the prefix.
      if (key.startsWith(prefix) || prefix.startsWith(key + '/')) yield* walk(root, key, prefix);
      continue;
    }
    if (!e.isFile() || !key.startsWith(prefix) || !isValidKey(key)) continue;
    let st: BigIntStats;
    try {
      st = await stat(path.join(dir, e.name), { bigint: true });
    } catch (err) {
      if (isMissing(err)) continue;
      throw storageError('list', key, err);
    }
    yield infoFrom(key, st);
  }
}
