/**
 * file:// URLs answered from disk, as cmd/go/internal/web.getFile does: a missing file is
 * a 404, an unreadable one a 403, anything else an error. The body is streamed.
 */
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HttpError } from './errors.js';
import { redactUrl } from './url.js';
import { streamResponse } from './response.js';

/** FILE_ERROR_HEADER carries the file system error text of a 404/403 file:// answer ("no such file or directory"), URI-component encoded. */
export const FILE_ERROR_HEADER = 'x-modrescue-file-error';

/**
 * fetchFile answers a file:// URL. It resolves with a 200 (streamed body), 404 or 403
 * Response; it rejects with HttpError ERR_WEB_TRANSPORT when the URL has no absolute
 * path or the file cannot be opened for another reason.
 */
export async function fetchFile(url: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Response> {
  const start = Date.now();
  let filePath: string;
  try {
    filePath = fileURLToPath(url);
  } catch (e) {
    throw new HttpError('ERR_WEB_TRANSPORT', `${(e as Error).message}: ${redactUrl(url)}`, {
      url: redactUrl(url),
      elapsedMs: Date.now() - start,
      causeCode: 'FILE',
    });
  }
  let handle;
  try {
    handle = await open(filePath, 'r');
    const st = await handle.stat();
    if (st.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Go prints the bare reason when the URL ends with the file path, else `open PATH: reason`.
    const why = (reason: string) =>
      decodeURI(url).endsWith(filePath) && url.endsWith(filePath) ? reason : `open ${filePath}: ${reason}`;
    if (code === 'ENOENT') return notFound(404, 'Not Found', why('no such file or directory'));
    if (code === 'EACCES' || code === 'EPERM') return notFound(403, 'Forbidden', why('permission denied'));
    const text = code === 'EISDIR' ? `read ${filePath}: is a directory` : `open ${filePath}: ${(e as Error).message}`;
    throw new HttpError('ERR_WEB_TRANSPORT', text, {
      url: redactUrl(url),
      elapsedMs: Date.now() - start,
      causeCode: 'FILE',
    });
  }
  if (method === 'HEAD') {
    await handle.close();
    return streamResponse(200, 'OK', {}, null);
  }
  // The body stays a Node stream until a reader asks for a web one (see StreamResponse).
  return streamResponse(200, 'OK', {}, handle.createReadStream());
}

function notFound(status: number, statusText: string, fileError: string): Response {
  return streamResponse(status, statusText, { [FILE_ERROR_HEADER]: encodeURIComponent(fileError) }, null);
}
