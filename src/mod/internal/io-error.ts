/**
 * File-system errors in the go command's wording, shared by every package that touches
 * the disk (zip, dirhash, modcache, modfetch).
 *
 * Node reports `ENOENT: no such file or directory, open '/x/go.mod'`; the go command
 * prints Go's *fs.PathError, `open /x/go.mod: no such file or directory`. ioError wraps
 * the one as a CodedError carrying the other, with the errno, syscall and path as fields.
 *
 * This module is deliberately light (it imports only CodedError): packages that need
 * nothing but the wording do not load the zip container libraries (package zip
 * re-exports these functions for its callers).
 */
import { CodedError } from './errors.js';

/** Go's texts for the errno values file operations report (syscall.Errno.Error). */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EXDEV: 'invalid cross-device link',
};

/** isErrno reports whether e is a Node system error carrying an errno code. */
export function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'errno' in e;
}

/**
 * goPathError formats a Node file-system error as Go's *fs.PathError does:
 * "op path: text" (e.g. "open /x/go.mod: no such file or directory"). Other errors
 * yield their message.
 */
export function goPathError(e: unknown): string {
  if (!isErrno(e)) return errorText(e);
  const code = e.code ?? '';
  const text = ERRNO_TEXT[code] ?? e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  const op = e.syscall === 'scandir' ? 'open' : (e.syscall ?? 'open');
  return e.path !== undefined ? `${op} ${e.path}: ${text}` : text;
}

/**
 * ioError wraps a file-system error in a CodedError with Go's wording (goPathError),
 * the given code and fields, and errno/syscall/path when e is a system error. A
 * CodedError is returned unchanged.
 */
export function ioError(code: string, e: unknown, fields: Record<string, unknown> = {}): CodedError {
  if (e instanceof CodedError) return e;
  const errno = isErrno(e) ? { errno: e.code, syscall: e.syscall, path: e.path } : {};
  return new CodedError(code, goPathError(e), { ...fields, ...errno }, { cause: e });
}

/** errorText returns the message of an error-like value. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
