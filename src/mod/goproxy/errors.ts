/**
 * GoproxyError: every failure of the GOPROXY client, with the go command's message and the
 * structured fields of the HTTP failure behind it (url, status, bodyExcerpt, causeCode…).
 */
import { CodedError } from '../internal/errors.js';

/** GoproxyErrorCode lists the codes of this package (docs/errors.md has how to fix each). */
export type GoproxyErrorCode =
  | 'ERR_GOPROXY_LIST'
  | 'ERR_GOPROXY_BAD_PATH'
  | 'ERR_GOPROXY_BAD_VERSION'
  | 'ERR_GOPROXY_NOT_FOUND'
  | 'ERR_GOPROXY_STATUS'
  | 'ERR_GOPROXY_FETCH'
  | 'ERR_GOPROXY_BAD_RESPONSE'
  | 'ERR_GOPROXY_INFO_MISMATCH'
  | 'ERR_GOPROXY_ZIP_TOO_LARGE'
  | 'ERR_GOPROXY_ZIP_TRUNCATED'
  | 'ERR_GOPROXY_OFF'
  | 'ERR_GOPROXY_NOPROXY'
  | 'ERR_GOPROXY_DIRECT_UNSUPPORTED'
  | 'ERR_GOPROXY_REVISION_UNSUPPORTED'
  | 'ERR_GOPROXY_QUERY'
  | 'ERR_GOPROXY_NO_MATCH';

/**
 * GoproxyError is a CodedError whose `fields` always hold `path` and `version` ('' when
 * not version-specific) and, for HTTP failures, the HttpError fields.
 * `notFound` mirrors Go's errors.Is(err, fs.ErrNotExist): true for 404/410 answers and
 * the "disabled" errors, which let a ',' GOPROXY list fall through.
 */
export class GoproxyError extends CodedError {
  constructor(code: GoproxyErrorCode, message: string, fields: Record<string, unknown>, cause?: unknown) {
    super(code, message, fields, cause === undefined ? undefined : { cause });
    this.name = 'GoproxyError';
  }

  /** notFound reports whether the error means "this proxy does not have it" (404/410 and the like). */
  get notFound(): boolean {
    return this.fields['notFound'] === true;
  }
}
