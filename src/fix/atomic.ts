/**
 * File primitives of fix and undo: hashing, atomic writes and backups.
 *
 * An atomic write puts the bytes in a temporary file beside the target
 * (`.<name>.modrescue-<random>.tmp`), fsyncs it, renames it over the target and fsyncs the
 * directory, so a crash at any moment leaves either the old file or the new one, never a
 * mix. Backups are plain copies, fsync'd, mode 0600 (they may hold credentials).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** sha256 returns the hex sha256 of data. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** readMaybe returns a file's bytes, or undefined when it does not exist. Other errors throw. */
export async function readMaybe(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** hashFile returns the sha256 of a file, or null when it does not exist. */
export async function hashFile(file: string): Promise<string | null> {
  const data = await readMaybe(file);
  return data === undefined ? null : sha256(data);
}

/** fileMode returns a file's permission bits, or undefined when it does not exist. */
export async function fileMode(file: string): Promise<number | undefined> {
  const st = await stat(file).catch(() => undefined);
  return st ? st.mode & 0o7777 : undefined;
}

/** fsyncDir flushes a directory entry change (rename, create) to disk; best effort. */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some file systems do not support fsync on directories.
  }
}

/**
 * writeAtomic replaces file with data: temporary file in the same directory, fsync,
 * rename, fsync of the directory. The mode is the existing file's, else `mode` (default
 * 0644); with `force` it is `mode` in any case (credentials files, restored modes). Parent
 * directories are created (0755). On failure the temporary file is removed and the target
 * is untouched.
 */
export async function writeAtomic(
  file: string,
  data: Uint8Array | string,
  mode?: number,
  force = false,
): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const keep = await fileMode(file);
  const tmp = path.join(dir, `.${path.basename(file)}.modrescue-${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, (force ? mode : undefined) ?? keep ?? mode ?? 0o644);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

/** removeFile deletes a file (absent is fine) and flushes the directory. */
export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
  await fsyncDir(path.dirname(file));
}

/** backupFile copies file to dest (mode 0600, fsync'd). */
export async function backupFile(file: string, dest: string): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true, mode: 0o700 });
  await copyFile(file, dest);
  await chmod(dest, 0o600);
  const fh = await open(dest, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsyncDir(path.dirname(dest));
}
