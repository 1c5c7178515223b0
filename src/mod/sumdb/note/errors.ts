/**
 * The errors of package note, one CodedError subclass (or coded instance) per error
 * of golang.org/x/mod/sumdb/note, with x/mod's exact message text.
 */
import { CodedError } from '../../internal/errors.js';

/** hex8 formats a key hash as Go's %08x does. */
export function hex8(hash: number): string {
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * UnknownVerifierError says that a Verifiers has no key for name+hash
 * (`unknown key NAME+HASH`). open records signatures by such keys as unverified.
 */
export class UnknownVerifierError extends CodedError {
  readonly keyName: string;
  readonly keyHash: number;
  constructor(name: string, hash: number) {
    super('ERR_NOTE_UNKNOWN_KEY', `unknown key ${name}+${hex8(hash)}`, { name, keyHash: hex8(hash) });
    this.name = 'UnknownVerifierError';
    this.keyName = name;
    this.keyHash = hash;
  }
}

/**
 * AmbiguousVerifierError says that a verifierList holds several keys with the same
 * name and hash (`ambiguous key NAME+HASH`); x/mod's unexported ambiguousVerifierError.
 */
export class AmbiguousVerifierError extends CodedError {
  constructor(name: string, hash: number) {
    super('ERR_NOTE_AMBIGUOUS_KEY', `ambiguous key ${name}+${hex8(hash)}`, { name, keyHash: hex8(hash) });
    this.name = 'AmbiguousVerifierError';
  }
}

/**
 * InvalidSignatureError says that the key was known and its verifier rejected the
 * signature (`invalid signature for key NAME+HASH`).
 */
export class InvalidSignatureError extends CodedError {
  readonly keyName: string;
  readonly keyHash: number;
  constructor(name: string, hash: number) {
    super('ERR_NOTE_INVALID_SIGNATURE', `invalid signature for key ${name}+${hex8(hash)}`, {
      name,
      keyHash: hex8(hash),
    });
    this.name = 'InvalidSignatureError';
    this.keyName = name;
    this.keyHash = hash;
  }
}

/** UnverifiedNote is the parsed note an UnverifiedNoteError carries (the shape of note.ts's Note, repeated to avoid an import cycle). */
export interface UnverifiedNote {
  readonly text: string;
  readonly sigs: readonly { name: string; hash: number; base64: string }[];
  readonly unverifiedSigs: readonly { name: string; hash: number; base64: string }[];
}

/**
 * UnverifiedNoteError says that the note parsed but no known key signed it
 * (`note has no verifiable signatures`). The parsed note is in `note`.
 */
export class UnverifiedNoteError extends CodedError {
  readonly note: UnverifiedNote;
  constructor(note: UnverifiedNote) {
    super('ERR_NOTE_UNVERIFIED', 'note has no verifiable signatures', {
      unverifiedKeys: note.unverifiedSigs.map((s) => `${s.name}+${hex8(s.hash)}`),
    });
    this.name = 'UnverifiedNoteError';
    this.note = note;
  }
}

/** malformedNote is x/mod's errMalformedNote (`malformed note`). */
export function malformedNote(why: string): CodedError {
  return new CodedError('ERR_NOTE_MALFORMED', 'malformed note', { why });
}

/** invalidSigner is x/mod's errInvalidSigner (`invalid signer`). */
export function invalidSigner(name: string): CodedError {
  return new CodedError('ERR_NOTE_INVALID_SIGNER', 'invalid signer', { name });
}

/** mismatchedVerifier is x/mod's errMismatchedVerifier. */
export function mismatchedVerifier(name: string, hash: number): CodedError {
  return new CodedError('ERR_NOTE_MISMATCHED_VERIFIER', "verifier name or hash doesn't match signature", {
    name,
    keyHash: hex8(hash),
  });
}

/**
 * malformedKey is x/mod's errVerifierID / errSignerID (both read `malformed verifier id`,
 * also for signer keys). The key itself is never put in the error: a signer key is secret.
 */
export function malformedKey(kind: 'verifier' | 'signer', why: string): CodedError {
  return new CodedError('ERR_NOTE_MALFORMED_KEY', 'malformed verifier id', { kind, why });
}

/** unknownAlgorithm is x/mod's errVerifierAlg / errSignerAlg (`unknown verifier algorithm`). */
export function unknownAlgorithm(kind: 'verifier' | 'signer', alg: number): CodedError {
  return new CodedError('ERR_NOTE_UNKNOWN_ALGORITHM', 'unknown verifier algorithm', { kind, algorithm: alg });
}

/** keyHashMismatch is x/mod's errVerifierHash / errSignerHash (`invalid verifier hash`). */
export function keyHashMismatch(kind: 'verifier' | 'signer', name: string): CodedError {
  return new CodedError('ERR_NOTE_KEY_HASH', 'invalid verifier hash', { kind, name });
}
