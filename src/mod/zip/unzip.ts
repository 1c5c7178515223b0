/**
 * Extracting module zips safely (x/mod's Unzip).
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CodedError } from '../internal/errors.js';
import { ioError } from './archive.js';
import { checkZipOpen, modulePathText, type ZipModule } from './check.js';
import { zipError } from './create.js';

/**
 * unzip extracts the module zip zipPath of m into dir (x/mod's Unzip). dir may be
 * missing (it is created) or empty; anything else fails with ERR_ZIP_TARGET_NOT_EMPTY.
 * Nothing is written before the whole zip passed checkZip, so a zip with an entry
 * outside "path@version/", an unclean or malformed path ("..", absolute, backslash,
 * reserved names), a case-insensitive collision, a go.mod outside the root or a size
 * over the limits extracts nothing. Files are created read-only (0444), exclusively
 * and without following symbolic links, and streamed with their declared sizes and
 * CRC-32 enforced; on such a late failure dir may hold part of the tree. Errors read
 * "unzip <zipPath>: …" as in Go.
 */
export async function unzip(dir: string, m: ZipModule, zipPath: string): Promise<void> {
  try {
    const existing = await readdir(dir).catch(() => [] as string[]);
    if (existing.length > 0) {
      throw new CodedError('ERR_ZIP_TARGET_NOT_EMPTY', `target directory ${dir} exists and is not empty`, { dir });
    }
    const { report, reader } = await checkZipOpen(m, zipPath);
    if (report.error || !reader) throw report.error;
    try {
      const prefix = Buffer.byteLength(`${modulePathText(m)}@${m.version}/`);
      await mkdir(dir, { recursive: true }).catch((e: unknown) => {
        throw ioError('ERR_ZIP_IO', e);
      });
      for (const zf of reader.entries) {
        // checkZip accepted every name: valid UTF-8, clean, relative, under the prefix.
        const name = Buffer.from(zf.nameBytes.subarray(prefix)).toString('utf8');
        if (name === '' || name.endsWith('/')) continue;
        const dst = path.join(dir, name);
        await mkdir(path.dirname(dst), { recursive: true }).catch((e: unknown) => {
          throw ioError('ERR_ZIP_IO', e);
        });
        const fh = await open(
          dst,
          constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
          0o444,
        ).catch((e: unknown) => {
          throw ioError('ERR_ZIP_IO', e);
        });
        try {
          // The write stream closes fh when it finishes or fails.
          await pipeline(reader.open(zf), fh.createWriteStream());
        } catch (e) {
          await fh.close().catch(() => {});
          throw e;
        }
      }
    } finally {
      await reader.close();
    }
  } catch (e) {
    throw zipError('unzip', zipPath, e);
  }
}
