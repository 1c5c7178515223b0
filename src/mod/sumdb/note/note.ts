/**
 * Signed notes: keys, verifiers, signers, open and sign (golang.org/x/mod/sumdb/note).
 * See index.ts for the format and the invariants.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as edSign,
  verify as edVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  decodeBase64Std,
  decodeUtf8,
  encodeBase64Std,
  encodeUtf8,
  GO_SPACE,
  hasNoControl,
  isWellFormed,
} from '../text.js';
import {
  AmbiguousVerifierError,
  hex8,
  InvalidSignatureError,
  invalidSigner,
  keyHashMismatch,
  malformedKey,
  malformedNote,
  mismatchedVerifier,
  UnknownVerifierError,
  UnverifiedNoteError,
  unknownAlgorithm,
} from './errors.js';
import { CodedError } from '../../internal/errors.js';

/** A Verifier verifies messages signed with one specific key. */
export interface Verifier {
  /** name is the server name associated with the key. */
  readonly name: string;
  /** keyHash is the 32-bit key hash (an unsigned integer). */
  readonly keyHash: number;
  /** verify reports whether sig is a valid signature of msg; it never throws. */
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

/** A Signer signs messages with one specific key. */
export interface Signer {
  /** name is the server name associated with the key. */
  readonly name: string;
  /** keyHash is the 32-bit key hash of the corresponding public key. */
  readonly keyHash: number;
  /** sign returns a signature for msg; an error it throws is passed on by {@link sign}. */
  sign(msg: Uint8Array): Uint8Array;
}

/**
 * A Verifiers looks up a Verifier by server name and key hash. For an unknown pair
 * it must throw an {@link UnknownVerifierError}; any other error aborts {@link open}.
 */
export interface Verifiers {
  verifier(name: string, hash: number): Verifier;
}

/** A Signature is one signature line of a note, verified or not. */
export interface Signature {
  /** name and hash identify the key that made the signature. */
  readonly name: string;
  readonly hash: number;
  /** base64 is the signature line's base64 text (key hash and signature bytes). */
  readonly base64: string;
}

/** A Note is a text with its verified and unverified signatures. */
export interface Note {
  /** text ends in a newline; it is what the signatures sign. */
  readonly text: string;
  readonly sigs: readonly Signature[];
  readonly unverifiedSigs: readonly Signature[];
}

/** algEd25519 is the only algorithm identifier (the first key byte). */
const algEd25519 = 1;

/** SPKI and PKCS#8 DER prefixes that wrap a raw 32-byte Ed25519 key for node:crypto. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** keyHash computes the key hash: the first 4 bytes (big-endian) of SHA-256(name + "\n" + key). */
function keyHash(name: string, key: Uint8Array): number {
  const sum = createHash('sha256').update(name).update('\n').update(key).digest();
  return sum.readUInt32BE(0);
}

/**
 * isValidName reports whether name is a valid server name: non-empty, well-formed
 * UTF-8, without Unicode spaces (Go's unicode.IsSpace) and without "+".
 */
export function isValidName(name: string): boolean {
  return name !== '' && isWellFormed(name) && !GO_SPACE.test(name) && !name.includes('+');
}

/** chop splits s at the first sep: the text before and after it (after is "" when sep is absent). */
function chop(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

/** parseKeyHash parses the 8 hex digits of a key hash, or returns undefined. */
function parseKeyHash(hash16: string): number | undefined {
  return /^[0-9a-fA-F]{8}$/.test(hash16) ? parseInt(hash16, 16) : undefined;
}

function ed25519PublicKey(raw: Uint8Array): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

/** rawPublicKey returns the 32 raw bytes of an Ed25519 public key object. */
function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** ed25519Verify is Go's ed25519.Verify: false for any malformed input, never throws. */
function ed25519Verify(pub: KeyObject | undefined, msg: Uint8Array, sig: Uint8Array): boolean {
  if (!pub || sig.length !== 64) return false;
  try {
    return edVerify(null, msg, pub, sig);
  } catch {
    return false;
  }
}

/**
 * newVerifier constructs a Verifier from an encoded verifier key
 * "<name>+<hash>+<keydata>" (keydata = base64 of the algorithm byte 1 and the 32-byte
 * Ed25519 public key). Invalid input throws a CodedError with x/mod's text:
 * `malformed verifier id`, `unknown verifier algorithm` or `invalid verifier hash`.
 */
export function newVerifier(vkey: string): Verifier {
  const [name, rest] = chop(vkey, '+');
  const [hash16, key64] = chop(rest, '+');
  const hash = parseKeyHash(hash16);
  const key = decodeBase64Std(key64);
  if (hash === undefined || key === undefined || !isValidName(name) || key.length === 0) {
    throw malformedKey('verifier', 'syntax');
  }
  if (hash !== keyHash(name, key)) throw keyHashMismatch('verifier', name);
  const alg = key[0]!;
  const raw = key.subarray(1);
  if (alg !== algEd25519) throw unknownAlgorithm('verifier', alg);
  if (raw.length !== 32) throw malformedKey('verifier', 'key length');
  const pub = ed25519PublicKey(raw);
  return {
    name,
    keyHash: hash,
    verify: (msg, sig) => ed25519Verify(pub, msg, sig),
  };
}

/**
 * newSigner constructs a Signer from an encoded signer key
 * "PRIVATE+KEY+<name>+<hash>+<keydata>" (keydata = base64 of the algorithm byte 1 and
 * the 32-byte Ed25519 seed). The hash must be that of the derived public key. Invalid
 * input throws as {@link newVerifier} does; the key text never appears in the error.
 */
export function newSigner(skey: string): Signer {
  const [priv1, r1] = chop(skey, '+');
  const [priv2, r2] = chop(r1, '+');
  const [name, r3] = chop(r2, '+');
  const [hash16, key64] = chop(r3, '+');
  const hash = parseKeyHash(hash16);
  const key = decodeBase64Std(key64);
  if (
    priv1 !== 'PRIVATE' ||
    priv2 !== 'KEY' ||
    hash === undefined ||
    key === undefined ||
    !isValidName(name) ||
    key.length === 0
  ) {
    throw malformedKey('signer', 'syntax');
  }
  const alg = key[0]!;
  const seed = key.subarray(1);
  if (alg !== algEd25519) throw unknownAlgorithm('signer', alg);
  if (seed.length !== 32) throw malformedKey('signer', 'key length');
  const privateKey = ed25519PrivateKey(seed);
  const pubkey = new Uint8Array([algEd25519, ...rawPublicKey(createPublicKey(privateKey))]);
  if (hash !== keyHash(name, pubkey)) throw keyHashMismatch('signer', name);
  return {
    name,
    keyHash: hash,
    sign: (msg) => new Uint8Array(edSign(null, msg, privateKey)),
  };
}

/** A KeyPair is an encoded signer key (secret) and the matching verifier key. */
export interface KeyPair {
  readonly signerKey: string;
  readonly verifierKey: string;
}

/**
 * generateKey generates a signer and verifier key pair for the named server. seed
 * (32 bytes) replaces the random source, as Go's GenerateKey(rand, name) reads 32
 * bytes from rand; a seed of another length throws. The name is not validated here
 * (as in x/mod); newSigner/newVerifier reject an invalid one.
 */
export function generateKey(name: string, seed?: Uint8Array): KeyPair {
  const s = seed ?? new Uint8Array(randomBytes(32));
  if (s.length !== 32) {
    throw new CodedError('ERR_NOTE_SEED_SIZE', `invalid seed size ${s.length}, expected 32`, { size: s.length });
  }
  const pub = rawPublicKey(createPublicKey(ed25519PrivateKey(s)));
  const pubkey = new Uint8Array([algEd25519, ...pub]);
  const privkey = new Uint8Array([algEd25519, ...s]);
  const h = hex8(keyHash(name, pubkey));
  return {
    signerKey: `PRIVATE+KEY+${name}+${h}+${encodeBase64Std(privkey)}`,
    verifierKey: `${name}+${h}+${encodeBase64Std(pubkey)}`,
  };
}

/**
 * newEd25519VerifierKey returns the encoded verifier key for name and a raw 32-byte
 * Ed25519 public key. Another key length throws
 * `invalid public key size N, expected 32` (ERR_NOTE_PUBLIC_KEY_SIZE).
 */
export function newEd25519VerifierKey(name: string, key: Uint8Array): string {
  if (key.length !== 32) {
    throw new CodedError('ERR_NOTE_PUBLIC_KEY_SIZE', `invalid public key size ${key.length}, expected 32`, {
      size: key.length,
    });
  }
  const pubkey = new Uint8Array([algEd25519, ...key]);
  return `${name}+${hex8(keyHash(name, pubkey))}+${encodeBase64Std(pubkey)}`;
}

/**
 * verifierList returns a Verifiers over the given verifiers. Looking up a name+hash it
 * does not hold throws {@link UnknownVerifierError}; one it holds more than once throws
 * `ambiguous key NAME+HASH` (a tampered key list is diagnosed, not guessed at).
 */
export function verifierList(...list: Verifier[]): Verifiers {
  const m = new Map<string, Verifier[]>();
  const k = (name: string, hash: number): string => JSON.stringify([name, hash >>> 0]);
  for (const v of list) {
    const key = k(v.name, v.keyHash);
    const have = m.get(key);
    if (have) have.push(v);
    else m.set(key, [v]);
  }
  return {
    verifier(name: string, hash: number): Verifier {
      const v = m.get(k(name, hash));
      if (!v) throw new UnknownVerifierError(name, hash);
      if (v.length > 1) throw new AmbiguousVerifierError(name, hash);
      return v[0]!;
    },
  };
}

const SIG_PREFIX = '\u2014 ';

/**
 * open parses the signed message msg and checks its signatures against known.
 *
 * A signature whose key known does not hold (it throws UnknownVerifierError) is
 * recorded in unverifiedSigs; a known key that rejects its signature throws
 * {@link InvalidSignatureError}; any other error from known is thrown as is. Repeated
 * signatures are dropped. If no known key signed the note, open throws
 * {@link UnverifiedNoteError} carrying the parsed note. A message that is not valid
 * UTF-8, contains control characters other than newline, lacks the blank line and
 * signature block, has a malformed signature line or more than 100 signatures throws
 * `malformed note`. A missing known is treated as an empty list.
 */
export function open(msg: Uint8Array | string, known?: Verifiers): Note {
  const verifiers = known ?? verifierList();
  const s = typeof msg === 'string' ? (isWellFormed(msg) ? msg : undefined) : decodeUtf8(msg);
  if (s === undefined) throw malformedNote('invalid UTF-8');
  if (!hasNoControl(s)) throw malformedNote('control character');

  // The text ends at the last blank line; the signature block follows it.
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw malformedNote('no signature block');
  const text = s.slice(0, split + 1);
  let sigs = s.slice(split + 2);
  if (sigs.length === 0 || !sigs.endsWith('\n')) throw malformedNote('signature block does not end in newline');

  const textBytes = encodeUtf8(text);
  const verified: Signature[] = [];
  const unverified: Signature[] = [];
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  let numSig = 0;
  while (sigs.length > 0) {
    const i = sigs.indexOf('\n');
    let line = sigs.slice(0, i);
    sigs = sigs.slice(i + 1);
    if (!line.startsWith(SIG_PREFIX)) throw malformedNote('signature line without em dash prefix');
    line = line.slice(SIG_PREFIX.length);
    const [name, b64] = chop(line, ' ');
    const sig = decodeBase64Std(b64);
    if (sig === undefined || !isValidName(name) || b64 === '' || sig.length < 5) {
      throw malformedNote('malformed signature line');
    }
    const hash = Buffer.from(sig.buffer, sig.byteOffset, 4).readUInt32BE(0);
    const raw = sig.subarray(4);
    if (++numSig > 100) throw malformedNote('too many signatures');

    let v: Verifier;
    try {
      v = verifiers.verifier(name, hash);
    } catch (e) {
      if (e instanceof UnknownVerifierError) {
        if (!seenUnverified.has(line)) {
          seenUnverified.add(line);
          unverified.push({ name, hash, base64: b64 });
        }
        continue;
      }
      throw e;
    }
    if (v.name !== name || v.keyHash >>> 0 !== hash) throw mismatchedVerifier(name, hash);
    const id = JSON.stringify([name, hash]);
    if (seen.has(id)) continue;
    seen.add(id);
    if (!v.verify(textBytes, raw)) throw new InvalidSignatureError(name, hash);
    verified.push({ name, hash, base64: b64 });
  }
  const note: Note = { text, sigs: verified, unverifiedSigs: unverified };
  if (verified.length === 0) throw new UnverifiedNoteError(note);
  return note;
}

/** A NoteToSign is the text and any existing signatures that {@link sign} keeps. */
export interface NoteToSign {
  readonly text: string;
  readonly sigs?: readonly Signature[];
  readonly unverifiedSigs?: readonly Signature[];
}

/**
 * sign signs the note with the given signers and returns the encoded message. The new
 * signatures follow the existing ones in note.sigs and note.unverifiedSigs; an existing
 * signature by the same key as a signer is left out. A text not ending in newline or
 * an existing signature with an invalid name or base64 that does not carry its key
 * hash throws `malformed note`; a signer with an invalid name throws `invalid signer`;
 * an error thrown by a signer is passed on unchanged.
 */
export function sign(note: NoteToSign, ...signers: Signer[]): string {
  if (!note.text.endsWith('\n')) throw malformedNote('text does not end in newline');
  const textBytes = encodeUtf8(note.text);
  const have = new Set<string>();
  let newSigs = '';
  for (const s of signers) {
    const name = s.name;
    const hash = s.keyHash >>> 0;
    have.add(JSON.stringify([name, hash]));
    if (!isValidName(name)) throw invalidSigner(name);
    const sig = s.sign(textBytes);
    const buf = Buffer.alloc(4 + sig.length);
    buf.writeUInt32BE(hash, 0);
    buf.set(sig, 4);
    newSigs += `${SIG_PREFIX}${name} ${encodeBase64Std(buf)}\n`;
  }
  let out = note.text + '\n';
  for (const list of [note.sigs ?? [], note.unverifiedSigs ?? []]) {
    for (const sig of list) {
      if (!isValidName(sig.name)) throw malformedNote('existing signature with invalid name');
      if (have.has(JSON.stringify([sig.name, sig.hash >>> 0]))) continue;
      const raw = decodeBase64Std(sig.base64);
      if (raw === undefined || raw.length < 4 || Buffer.from(raw).readUInt32BE(0) !== sig.hash >>> 0) {
        throw malformedNote('existing signature does not match its key hash');
      }
      out += `${SIG_PREFIX}${sig.name} ${sig.base64}\n`;
    }
  }
  return out + newSigs;
}
