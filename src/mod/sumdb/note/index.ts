/**
 * Package note defines the notes signed by a Go checksum database server
 * (golang.org/x/mod/sumdb/note).
 *
 * A note is a text signed by one or more server keys. Its text must be ignored unless
 * a trusted key signed it and the signature verified with that key's public half.
 *
 * Keys. A server key is named by a server name (typically "host[/path]" of the log):
 * non-empty, well-formed UTF-8, no Unicode spaces, no "+". A key is identified by the
 * name and a 32-bit key hash: the first four bytes (big-endian) of
 * SHA-256(name + "\n" + keydata). The one algorithm is Ed25519 (algorithm byte 1).
 *
 *   - a verifier key is the text   `<name>+<hash>+<base64(0x01 || 32-byte public key)>`
 *   - a signer key is the secret   `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || 32-byte seed)>`
 *
 * with hash as eight lower-case hex digits. Signer keys are secrets: no error message
 * of this package contains one.
 *
 * Signed note format. The text (ending in a newline), a blank line, then one or more
 * signature lines `— <name> <base64(4-byte key hash || 64-byte signature)>\n` (the dash
 * is U+2014 followed by a space). The whole message is valid UTF-8 without ASCII
 * control characters other than newline. A signature signs the text including its
 * final newline, not the blank line. A note with more than 100 signatures is rejected.
 *
 * Invariants: open never accepts a note unless at least one known key verified it;
 * a known key with a bad signature is an error, never an unverified signature; every
 * error is a CodedError whose message is x/mod's text.
 *
 * See https://go.dev/ref/mod#checksum-database and
 * https://pkg.go.dev/golang.org/x/mod/sumdb/note.
 */
export {
  generateKey,
  isValidName,
  newEd25519VerifierKey,
  newSigner,
  newVerifier,
  open,
  sign,
  verifierList,
} from './note.js';
export type { KeyPair, Note, NoteToSign, Signature, Signer, Verifier, Verifiers } from './note.js';
export { AmbiguousVerifierError, InvalidSignatureError, UnknownVerifierError, UnverifiedNoteError } from './errors.js';
export type { UnverifiedNote } from './errors.js';
