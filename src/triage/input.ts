/**
 * Log input as a stream of byte chunks: gzip'd input is detected by its magic bytes
 * (1f 8b) and decompressed on the fly with node:zlib; nothing is buffered whole.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CodedError } from '../shared/errors.js';

async function* prepend(head: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield head;
  for (;;) {
    const n = await rest.next();
    if (n.done) return;
    yield n.value;
  }
}

/**
 * decompressIfGzip yields the bytes of src, gunzipped when src starts with the gzip magic
 * bytes. A corrupt gzip stream throws ERR_TRIAGE_INPUT_UNREADABLE.
 */
export async function* decompressIfGzip(src: AsyncIterable<Uint8Array>, name = 'input'): AsyncGenerator<Uint8Array> {
  const it = src[Symbol.asyncIterator]();
  let head = new Uint8Array(0);
  while (head.length < 2) {
    const n = await it.next();
    if (n.done) break;
    const b = new Uint8Array(head.length + n.value.length);
    b.set(head, 0);
    b.set(n.value, head.length);
    head = b;
  }
  if (head.length === 0) return;
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* prepend(head, it);
    return;
  }
  const gunzip = createGunzip();
  const source = Readable.from(prepend(head, it));
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (e) {
    if (e instanceof CodedError) throw e;
    throw new CodedError(
      'ERR_TRIAGE_INPUT_UNREADABLE',
      `${name}: not a valid gzip stream: ${(e as Error).message}`,
      { input: name },
      { cause: e },
    );
  } finally {
    source.destroy();
  }
}

/**
 * readLogFile streams the file at path (gunzipped if needed). A missing or unreadable file
 * throws ERR_TRIAGE_INPUT_UNREADABLE when iteration starts.
 */
export async function* readLogFile(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    yield* decompressIfGzip(stream as AsyncIterable<Uint8Array>, path);
  } catch (e) {
    if (e instanceof CodedError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (e as Error).message;
    throw new CodedError('ERR_TRIAGE_INPUT_UNREADABLE', `open ${path}: ${reason}`, { input: path }, { cause: e });
  } finally {
    stream.destroy();
  }
}
