// Conformance of package note against ../shared/testdata/note.json (x/mod's note tests).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../../test/support/shared.js';
import {
  AmbiguousVerifierError,
  generateKey,
  InvalidSignatureError,
  newEd25519VerifierKey,
  newSigner,
  newVerifier,
  open,
  sign,
  UnknownVerifierError,
  UnverifiedNoteError,
  verifierList,
} from './index.js';
import type { Signature, Signer, Verifier, Verifiers } from './index.js';
import { isCodedError } from '../../internal/errors.js';

interface JsonSig {
  name: string;
  hash: string;
  base64: string;
}
interface Key {
  name: string;
  hash: string;
  verifierKey: string;
  signerKey: string;
}
interface Vectors {
  keys: Key[];
  newVerifier: { bad: { key: string; why: string }[] };
  sign: {
    name: string;
    signers: string[];
    text: string;
    existingSigs: JsonSig[];
    want?: string;
    error?: string;
    signerNameOverride?: string;
    signerSignError?: string;
  }[];
  verifierList: {
    list: string[];
    lookups: { name: string; hash: string; want?: string; error?: string; errorType?: string }[];
  };
  open: {
    name: string;
    msg?: string;
    msgHex?: string;
    verifiers: string[];
    text?: string;
    sigs?: JsonSig[];
    unverifiedSigs?: JsonSig[];
    error?: string;
    errorType?: string;
    errorNote?: { text: string; sigs: JsonSig[]; unverifiedSigs: JsonSig[] };
  }[];
}

const V = JSON.parse(readFileSync(testdata('note.json'), 'utf8')) as Vectors;
const key = (name: string): Key => V.keys.find((k) => k.name === name)!;
const toSig = (s: JsonSig): Signature => ({ name: s.name, hash: parseInt(s.hash, 16), base64: s.base64 });
const peter = key('PeterNeumann');

/** mangled yields every proper substring and every one-byte (+1) mangling of k. */
function* mangled(k: string): Generator<string> {
  const b = Buffer.from(k, 'utf8');
  for (let i = 0; i <= b.length; i++) {
    for (let j = i; j <= b.length; j++) {
      if (i === 0 && j === b.length) continue;
      yield b.subarray(i, j).toString('latin1');
    }
  }
  for (let i = 0; i < b.length; i++) {
    const c = Buffer.from(b);
    c[i] = (c[i]! + 1) & 0xff;
    yield c.toString('latin1');
  }
}

describe('keys', () => {
  it.each(V.keys)('newVerifier and newSigner accept $name and agree on name and hash', (k) => {
    const v = newVerifier(k.verifierKey);
    const s = newSigner(k.signerKey);
    expect(v.name).toBe(k.name);
    expect(s.name).toBe(k.name);
    expect(v.keyHash).toBe(parseInt(k.hash, 16));
    expect(s.keyHash).toBe(v.keyHash);
    const msg = Buffer.from('hello\n');
    expect(v.verify(msg, s.sign(msg))).toBe(true);
  });

  it('newVerifier rejects every substring and one-byte mangling of a verifier key', () => {
    let n = 0;
    for (const k of mangled(peter.verifierKey)) {
      expect(() => newVerifier(k), k).toThrow();
      n++;
    }
    expect(n).toBeGreaterThan(2000);
  });

  it('newSigner rejects every substring and one-byte mangling of a signer key', () => {
    for (const k of mangled(peter.signerKey)) expect(() => newSigner(k), k).toThrow();
  });

  it.each(V.newVerifier.bad)('newVerifier rejects $why', ({ key: k }) => {
    expect(() => newVerifier(k)).toThrow();
  });

  it('errors carry x/mod texts and never the signer key', () => {
    const errOf = (f: () => unknown): Error => {
      try {
        f();
      } catch (e) {
        return e as Error;
      }
      throw new Error('did not throw');
    };
    expect(errOf(() => newVerifier('PeterNeumann+c74f20a3')).message).toBe('malformed verifier id');
    expect(errOf(() => newVerifier(V.newVerifier.bad[1]!.key)).message).toBe('unknown verifier algorithm');
    expect(errOf(() => newVerifier(peter.verifierKey.replace('c74f20a3', 'c74f20a4'))).message).toBe(
      'invalid verifier hash',
    );
    const e = errOf(() => newSigner(peter.signerKey.replace('c74f20a3', 'c74f20a4')));
    expect(e.message).toBe('invalid verifier hash');
    expect(JSON.stringify(e) + e.message).not.toContain(peter.signerKey.split('+').pop()!);
  });
});

describe('generateKey', () => {
  it('an all-zero seed yields EnochRoot test keys', () => {
    const enoch = key('EnochRoot');
    expect(generateKey('EnochRoot', new Uint8Array(32))).toEqual({
      signerKey: enoch.signerKey,
      verifierKey: enoch.verifierKey,
    });
  });

  it('a generated pair signs and verifies; flipping a byte fails', () => {
    const { signerKey, verifierKey } = generateKey('EnochRoot');
    const s = newSigner(signerKey);
    const v = newVerifier(verifierKey);
    expect(s.name).toBe('EnochRoot');
    expect(v.name).toBe('EnochRoot');
    expect(s.keyHash).toBe(v.keyHash);
    const msg = Buffer.from('hi\n');
    const sig = s.sign(msg);
    expect(v.verify(msg, sig)).toBe(true);
    const badSig = Buffer.from(sig);
    badSig[0] = badSig[0]! ^ 1;
    expect(v.verify(msg, badSig)).toBe(false);
    const badMsg = Buffer.from(msg);
    badMsg[0] = badMsg[0]! ^ 1;
    expect(v.verify(badMsg, sig)).toBe(false);
  });

  it('two generated keys differ', () => {
    expect(generateKey('a').signerKey).not.toBe(generateKey('a').signerKey);
  });

  it('newEd25519VerifierKey rebuilds a verifier key and rejects a wrong length', () => {
    const raw = Buffer.from(peter.verifierKey.split('+')[2]!, 'base64').subarray(1);
    expect(newEd25519VerifierKey('PeterNeumann', raw)).toBe(peter.verifierKey);
    expect(() => newEd25519VerifierKey('PeterNeumann', raw.subarray(1))).toThrow(
      'invalid public key size 31, expected 32',
    );
  });
});

describe('sign', () => {
  it.each(V.sign)('$name', (c) => {
    const signers: Signer[] = c.signers.map((n) => {
      const s = newSigner(key(n).signerKey);
      if (c.signerNameOverride !== undefined) return { name: c.signerNameOverride, keyHash: s.keyHash, sign: s.sign };
      if (c.signerSignError !== undefined) {
        const msg = c.signerSignError;
        return {
          name: s.name,
          keyHash: s.keyHash,
          sign: () => {
            throw new Error(msg);
          },
        };
      }
      return s;
    });
    const note = { text: c.text, sigs: c.existingSigs.map(toSig) };
    if (c.error !== undefined) {
      expect(() => sign(note, ...signers)).toThrow(new RegExp(`^${c.error}$`));
    } else {
      expect(sign(note, ...signers)).toBe(c.want);
    }
  });
});

describe('verifierList', () => {
  const list = verifierList(...V.verifierList.list.map((n) => newVerifier(key(n).verifierKey)));
  it.each(V.verifierList.lookups)('$name+$hash', (c) => {
    const hash = parseInt(c.hash, 16);
    if (c.want !== undefined) {
      expect(list.verifier(c.name, hash).name).toBe(c.want);
      return;
    }
    let err: unknown;
    try {
      list.verifier(c.name, hash);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe(c.error);
    if (c.errorType === 'UnknownVerifierError') {
      expect(err).toBeInstanceOf(UnknownVerifierError);
      expect((err as UnknownVerifierError).keyName).toBe(c.name);
      expect((err as UnknownVerifierError).keyHash).toBe(hash);
    } else {
      expect(err).toBeInstanceOf(AmbiguousVerifierError);
    }
  });
});

describe('open', () => {
  const verifiersFor = (names: string[]): Verifiers => {
    if (names.length === 1 && names[0]!.startsWith('fixed:')) {
      const v: Verifier = newVerifier(key(names[0]!.slice('fixed:'.length)).verifierKey);
      return { verifier: () => v };
    }
    return verifierList(...names.map((n) => newVerifier(key(n).verifierKey)));
  };

  it.each(V.open)('$name', (c) => {
    const msg = c.msgHex !== undefined ? Buffer.from(c.msgHex, 'hex') : Buffer.from(c.msg!, 'utf8');
    const known = verifiersFor(c.verifiers);
    if (c.error === undefined) {
      const n = open(msg, known);
      expect(n.text).toBe(c.text);
      expect(n.sigs).toEqual((c.sigs ?? []).map(toSig));
      expect(n.unverifiedSigs).toEqual((c.unverifiedSigs ?? []).map(toSig));
      // The string form gives the same result as the bytes.
      if (c.msg !== undefined) expect(open(c.msg, known)).toEqual(n);
      return;
    }
    let err: unknown;
    try {
      open(msg, known);
    } catch (e) {
      err = e;
    }
    expect(err, 'open must fail').toBeDefined();
    expect((err as Error).message).toBe(c.error);
    expect(isCodedError(err)).toBe(true);
    if (c.errorType === 'UnverifiedNoteError') {
      expect(err).toBeInstanceOf(UnverifiedNoteError);
      const note = (err as UnverifiedNoteError).note;
      expect(note.text).toBe(c.errorNote!.text);
      expect(note.sigs).toEqual(c.errorNote!.sigs.map(toSig));
      expect(note.unverifiedSigs).toEqual(c.errorNote!.unverifiedSigs.map(toSig));
    }
    if (c.error.startsWith('invalid signature')) expect(err).toBeInstanceOf(InvalidSignatureError);
  });

  it('treats a missing verifier list as empty', () => {
    const c = V.open[0]!;
    expect(() => open(c.msg!)).toThrow(UnverifiedNoteError);
  });

  it('open(sign(x)) round-trips a note with a generated key', () => {
    const { signerKey, verifierKey } = generateKey('example.com/log');
    const text = 'go.sum database tree\n3\nabc\n';
    const msg = sign({ text }, newSigner(signerKey));
    const n = open(msg, verifierList(newVerifier(verifierKey)));
    expect(n.text).toBe(text);
    expect(n.sigs.map((s) => s.name)).toEqual(['example.com/log']);
  });
});
