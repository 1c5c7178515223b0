/**
 * The errors of package sumdb, with the texts of x/mod's sumdb.Client and of the go
 * command's checksum-database glue (cmd/go/internal/modfetch).
 */
import { CodedError, isCodedError } from '../internal/errors.js';

/** writeConflict is x/mod's ErrWriteConflict (`write conflict`), thrown by ClientOps.writeConfig. */
export function writeConflict(file: string): CodedError {
  return new CodedError('ERR_SUMDB_WRITE_CONFLICT', 'write conflict', { file });
}

/** securityError is x/mod's ErrSecurity, returned by any operation that called ClientOps.securityError. */
export function securityError(): CodedError {
  return new CodedError('ERR_SUMDB_SECURITY', 'security error: misbehaving server', {});
}

/** gonosumdbError is x/mod's ErrGONOSUMDB: the path matches a GONOSUMDB pattern, no lookup was made. */
export function gonosumdbError(path: string): CodedError {
  return new CodedError('ERR_SUMDB_GONOSUMDB', 'skipped (listed in GONOSUMDB)', { path });
}

/** notFoundError makes the error a ServerOps method throws for a missing module or record (served as 404). */
export function notFoundError(message: string, fields: Record<string, unknown> = {}): CodedError {
  return new CodedError('ERR_SUMDB_NOT_FOUND', message, fields);
}

/**
 * wrapError returns a CodedError with message `${prefix}${cause.message}` that keeps
 * cause (x/mod's fmt.Errorf("…: %v", err)). The inner code is copied to fields.reasonCode.
 */
export function wrapError(
  code: string,
  prefix: string,
  cause: unknown,
  fields: Record<string, unknown> = {},
  suffix = '',
): CodedError {
  const inner = cause instanceof Error ? cause.message : String(cause);
  const reasonCode = isCodedError(cause) ? (cause.fields['reasonCode'] ?? cause.code) : undefined;
  return new CodedError(
    code,
    `${prefix}${inner}${suffix}`,
    { ...fields, ...(reasonCode ? { reasonCode } : {}) },
    {
      cause,
    },
  );
}

/**
 * findCode returns the first CodedError with the given code in e's cause chain (e
 * included), or undefined. Use it to ask "was this, at bottom, a security error?".
 */
export function findCode(e: unknown, code: string): CodedError | undefined {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 32; x = x.cause, depth++) {
    if (isCodedError(x, code)) return x;
  }
  return undefined;
}

/** isNotExist reports whether e means "not found" (Go's errors.Is(err, fs.ErrNotExist)) through its cause chain. */
export function isNotExist(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 32; x = x.cause, depth++) {
    if (isCodedError(x)) {
      if (x.code === 'ERR_SUMDB_NOT_FOUND' || x.fields['notExist'] === true) return true;
    } else if ((x as NodeJS.ErrnoException).code === 'ENOENT') {
      return true;
    }
  }
  return false;
}
