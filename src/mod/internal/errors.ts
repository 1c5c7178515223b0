/**
 * The one error base of modrescue (docs/architecture.md §4).
 *
 * Every error that modrescue raises on purpose is a CodedError: `code` is a stable
 * `ERR_<AREA>_<WHAT>` identifier (listed with "how to fix" in docs/errors.md, never
 * reused), `fields` carries structured data (paths, URLs, module@version, status…)
 * that callers and `--json` output read, and `cause` chains the underlying error.
 * Messages copy the go command's wording wherever one exists.
 */
export class CodedError extends Error {
  /** Stable identifier, `ERR_<AREA>_<WHAT>`. Callers match on this, never on the message. */
  readonly code: string;
  /** Structured facts about the failure (JSON-serialisable). */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, fields: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.fields = fields;
  }
}

/** isCodedError reports whether e is a CodedError (optionally with the given code). */
export function isCodedError(e: unknown, code?: string): e is CodedError {
  return e instanceof CodedError && (code === undefined || e.code === code);
}
