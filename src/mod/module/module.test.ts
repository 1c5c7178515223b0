// Conformance of src/mod/module with golang.org/x/mod/module: every section of
// ../shared/testdata/module.json, read in place, plus the error texts x/mod produces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import { isCodedError } from '../internal/errors.js';
import * as module from './index.js';
import { decDecimal, incDecimal } from './decimal.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const vectors = JSON.parse(readFileSync(testdata('module.json'), 'utf8')) as Record<string, any>;

interface PathCase {
  path?: string;
  pathHex?: string;
  ok: boolean;
  importOK: boolean;
  fileOK: boolean;
}

/** pathArg turns a case into the GoString argument: raw bytes for pathHex cases. */
function pathArg(c: PathCase): string | Uint8Array {
  return c.pathHex !== undefined ? Uint8Array.from(Buffer.from(c.pathHex, 'hex')) : c.path!;
}
const pathName = (c: PathCase): string => c.path ?? `hex:${c.pathHex}`;

/** throwsCoded runs f and returns the CodedError it throws (failing if it returns). */
function throwsCoded(f: () => unknown): { code: string; message: string } {
  try {
    const v = f();
    throw new Error(`expected a throw, got ${JSON.stringify(v)}`);
  } catch (e) {
    if (!isCodedError(e)) throw e;
    return { code: e.code, message: e.message };
  }
}

describe('check', () => {
  const cases = vectors['check'].cases as { path: string; version: string; ok: boolean }[];
  it.each(cases.map((c) => [c.path, c.version, c.ok] as const))('check(%s, %s) ok=%s', (path, version, ok) => {
    const err = module.check(path, version);
    expect(err === undefined).toBe(ok);
    if (err) expect(['ERR_MODULE_INVALID_PATH', 'ERR_MODULE_ERROR']).toContain(err.code);
  });

  it('words its errors as x/mod does', () => {
    expect(module.check('rsc.io/quote', '0.1.0')?.message).toBe(
      'rsc.io/quote@0.1.0: invalid version: not a semantic version',
    );
    expect(module.check('rsc io/quote', 'v1.0.0')?.message).toBe(
      `malformed module path "rsc io/quote": invalid char ' '`,
    );
    expect(module.check('github.com/go-yaml/yaml', 'v2.0.0')?.message).toBe(
      'github.com/go-yaml/yaml@v2.0.0: invalid version: should be v0 or v1, not v2',
    );
    expect(module.check('gopkg.in/yaml.v1', 'v2.0.0')?.message).toBe(
      'gopkg.in/yaml.v1@v2.0.0: invalid version: should be v1, not v2',
    );
    const err = module.check('github.com/go-yaml/yaml/v2', 'v3.0.0');
    expect(err).toBeInstanceOf(module.ModuleError);
    const me = err as module.ModuleError;
    expect([me.path, me.version, me.code]).toEqual(['github.com/go-yaml/yaml/v2', '', 'ERR_MODULE_ERROR']);
    expect(me.err).toBeInstanceOf(module.InvalidVersionError);
    expect(me.cause).toBe(me.err);
  });
});

describe('checkPath / checkImportPath / checkFilePath', () => {
  const cases = vectors['checkPath'].cases as PathCase[];
  it('has the upstream table', () => expect(cases.length).toBe(105));

  it.each(cases.map((c) => [pathName(c), c] as const))('%s', (_n, c) => {
    const arg = pathArg(c);
    const mod = module.checkPath(arg);
    const imp = module.checkImportPath(arg);
    const file = module.checkFilePath(arg);
    expect({ ok: !mod, importOK: !imp, fileOK: !file }).toEqual({ ok: c.ok, importOK: c.importOK, fileOK: c.fileOK });
    expect(mod?.kind ?? 'module').toBe('module');
    expect(imp?.kind ?? 'import').toBe('import');
    expect(file?.kind ?? 'file').toBe('file');
    for (const e of [mod, imp, file]) if (e) expect(e.code).toBe('ERR_MODULE_INVALID_PATH');
    // TestEscapePath / TestUnescapePath: invalid module paths neither escape nor unescape.
    if (!c.ok) {
      expect(throwsCoded(() => module.escapePath(arg)).code).toBe('ERR_MODULE_INVALID_PATH');
      expect(throwsCoded(() => module.unescapePath(arg)).code).toBe('ERR_MODULE_INVALID_ESCAPED_PATH');
    }
    // TestSplitPathVersion: prefix + pathMajor always reassembles the path.
    if (c.path !== undefined) {
      const { prefix, pathMajor } = module.splitPathVersion(c.path);
      expect(prefix + pathMajor).toBe(c.path);
    }
  });

  it('reports invalid UTF-8 bytes as Go does, and lone surrogates the same way', () => {
    const bytes = Uint8Array.from(Buffer.from('782e792fff7a', 'hex'));
    expect(module.checkPath(bytes)?.message).toBe('malformed module path "x.y/\\xffz": invalid UTF-8');
    expect(module.checkImportPath(bytes)?.message).toBe('malformed import path "x.y/\\xffz": invalid UTF-8');
    expect(module.checkFilePath(bytes)?.message).toBe('malformed file path "x.y/\\xffz": invalid UTF-8');
    expect(module.checkPath(bytes)?.path).toBe('x.y/\uFFFDz');
    expect(module.checkPath('x.y/\uD800z')?.message).toBe(
      'malformed module path "x.y/\\xed\\xa0\\x80z": invalid UTF-8',
    );
    // Text decoded with replacement characters is still rejected (as an invalid char).
    expect(module.checkPath('x.y/\uFFFDz')?.message).toBe(`malformed module path "x.y/�z": invalid char '�'`);
    expect(module.checkFilePath('x.y/\uFFFDz')?.message).toBe(`malformed file path "x.y/�z": invalid char '�'`);
    // Valid UTF-8 bytes behave exactly like the string.
    expect(module.checkPath(new TextEncoder().encode('rsc.io/quote'))).toBeUndefined();
    expect(module.check(new TextEncoder().encode('rsc.io/quote/v2'), 'v1.0.0')?.message).toBe(
      'rsc.io/quote/v2@v1.0.0: invalid version: should be v2, not v1',
    );
  });

  it.each([
    ['', 'malformed module path "": empty string'],
    ['/x.y/z', 'malformed module path "/x.y/z": empty path element'],
    ['x./z', 'malformed module path "x./z": trailing dot in path element'],
    ['.x/z', 'malformed module path ".x/z": leading dot in path element'],
    ['-x/z', 'malformed module path "-x/z": leading dash'],
    ['x.y/z/../../w', 'malformed module path "x.y/z/../../w": invalid path element ".."'],
    ['x.y//z', 'malformed module path "x.y//z": double slash'],
    ['x.y/z/', 'malformed module path "x.y/z/": trailing slash'],
    ['x.y/z/v0', 'malformed module path "x.y/z/v0": invalid version'],
    ['X.y/z', `malformed module path "X.y/z": invalid char 'X' in first path element`],
    ['x/y', 'malformed module path "x/y": missing dot in first path element'],
    ['x.y"/z', `malformed module path "x.y\\"/z": invalid char '"'`],
    ["x.y'/z", `malformed module path "x.y'/z": invalid char '\\''`],
    ['x.y\\/z', `malformed module path "x.y\\\\/z": invalid char '\\\\'`],
    ['x.y/aux.foo', 'malformed module path "x.y/aux.foo": "aux" disallowed as path element component on Windows'],
    ['x.y/z~09', 'malformed module path "x.y/z~09": trailing tilde and digits in path element'],
    [
      'github.com/user/unicode/испытание',
      `malformed module path "github.com/user/unicode/испытание": invalid char 'и'`,
    ],
    ['x\ty.z', `malformed module path "x\\ty.z": invalid char '\\t'`],
  ])('checkPath(%j) message', (path, want) => {
    expect(module.checkPath(path)?.message).toBe(want);
  });
});

describe('splitPathVersion', () => {
  const cases = vectors['splitPathVersion'].cases as { in: string; pathPrefix: string; version: string; ok: boolean }[];
  it.each(cases.map((c) => [c.in, c] as const))('%s', (_n, c) => {
    expect(module.splitPathVersion(c.in)).toEqual({ prefix: c.pathPrefix, pathMajor: c.version, ok: c.ok });
  });
});

describe('escapePath / unescapePath', () => {
  const cases = [
    ...(vectors['escapePath'].cases as { path: string; escaped: string }[]),
    ...(vectors['escapePathFromFixtureNames'].cases as { path: string; escaped: string }[]),
  ];
  it.each(cases.map((c) => [c.path, c.escaped] as const))('%s <-> %s', (path, escaped) => {
    expect(module.escapePath(path)).toBe(escaped);
    expect(module.unescapePath(escaped)).toBe(path);
  });

  it.each(vectors['badUnescapePath'].cases as string[])('unescapePath(%j) fails', (bad) => {
    expect(throwsCoded(() => module.unescapePath(bad)).code).toBe('ERR_MODULE_INVALID_ESCAPED_PATH');
  });

  it('words its errors as x/mod does', () => {
    expect(throwsCoded(() => module.unescapePath('github.com/!!google')).message).toBe(
      'invalid escaped module path "github.com/!!google"',
    );
    expect(throwsCoded(() => module.unescapePath('')).message).toBe(
      'invalid escaped module path "": malformed module path "": empty string',
    );
    expect(throwsCoded(() => module.escapePath('x/y')).message).toBe(
      'malformed module path "x/y": missing dot in first path element',
    );
  });
});

describe('escapeVersion / unescapeVersion', () => {
  const cases = vectors['escapeVersion'].cases as { version: string; escaped: string }[];
  it.each(cases.map((c) => [c.version, c.escaped] as const))('%s <-> %s', (version, escaped) => {
    expect(module.escapeVersion(version)).toBe(escaped);
    expect(module.unescapeVersion(escaped)).toBe(version);
  });

  it('rejects what x/mod rejects, with its wording', () => {
    const e = throwsCoded(() => module.escapeVersion('v1.0.0!'));
    expect(e).toEqual({
      code: 'ERR_MODULE_INVALID_VERSION',
      message: 'version "v1.0.0!" invalid: disallowed version string',
    });
    expect(throwsCoded(() => module.escapeVersion('')).message).toBe('version "" invalid: disallowed version string');
    expect(throwsCoded(() => module.escapeVersion('v1/2')).message).toBe(
      'version "v1/2" invalid: disallowed version string',
    );
    expect(throwsCoded(() => module.escapeVersion('vé')).code).toBe('ERR_MODULE_ESCAPE_INTERNAL');
    expect(throwsCoded(() => module.unescapeVersion('v1.0.0-P')).message).toBe('invalid escaped version "v1.0.0-P"');
    expect(throwsCoded(() => module.unescapeVersion('v1.0.0.')).message).toBe(
      'invalid escaped version "v1.0.0.": trailing dot in path element',
    );
  });
});

describe('matchPathMajor / checkPathMajor / pathMajorPrefix / canonicalVersion', () => {
  const cases = vectors['matchPathMajor'].cases as { version: string; pathMajor: string; want: boolean }[];
  it.each(cases.map((c) => [c.version, c.pathMajor, c.want] as const))('matchPathMajor(%s, %j) = %s', (v, pm, want) => {
    expect(module.matchPathMajor(v, pm)).toBe(want);
    expect(module.checkPathMajor(v, pm) === undefined).toBe(want);
  });

  it('checkPathMajor explains the mismatch', () => {
    expect(module.checkPathMajor('v1.0.0', '/v2')?.message).toBe('version "v1.0.0" invalid: should be v2, not v1');
    expect(module.checkPathMajor('v2.0.0', '')?.message).toBe('version "v2.0.0" invalid: should be v0 or v1, not v2');
  });

  it('pathMajorPrefix', () => {
    expect(module.pathMajorPrefix('')).toBe('');
    expect(module.pathMajorPrefix('/v2')).toBe('v2');
    expect(module.pathMajorPrefix('.v1-unstable')).toBe('v1');
    expect(throwsCoded(() => module.pathMajorPrefix('v2')).code).toBe('ERR_MODULE_INVALID_PATH_MAJOR');
    expect(throwsCoded(() => module.pathMajorPrefix('/v2.1')).code).toBe('ERR_MODULE_INVALID_PATH_MAJOR');
  });

  it('canonicalVersion keeps +incompatible only', () => {
    expect(module.canonicalVersion('v2.0.0+incompatible')).toBe('v2.0.0+incompatible');
    expect(module.canonicalVersion('v2.0+incompatible')).toBe('');
    expect(module.canonicalVersion('v1.2.3+meta')).toBe('v1.2.3');
    expect(module.canonicalVersion('v1')).toBe('v1.0.0');
    expect(module.canonicalVersion('bad+incompatible')).toBe('');
  });
});

describe('matchPrefixPatterns', () => {
  const cases = vectors['matchPrefixPatterns'].cases as { globs: string; target: string; want: boolean }[];
  it.each(cases.map((c) => [c.globs, c.target, c.want] as const))('(%j, %j) = %s', (globs, target, want) => {
    expect(module.matchPrefixPatterns(globs, target)).toBe(want);
  });

  it('ignores malformed patterns and handles classes and escapes', () => {
    expect(module.matchPrefixPatterns('[,rsc.io', 'rsc.io/quote')).toBe(true);
    expect(module.matchPrefixPatterns('rsc.i[o', 'rsc.io/quote')).toBe(false);
    expect(module.matchPrefixPatterns('rsc.i[a-p]', 'rsc.io/quote')).toBe(true);
    expect(module.matchPrefixPatterns('rsc.i[^o]', 'rsc.io/quote')).toBe(false);
    expect(module.matchPrefixPatterns('rsc\\.io', 'rsc.io/quote')).toBe(true);
  });
});

describe('pseudo-versions', () => {
  const pv = vectors['pseudoVersion'];
  const time = new Date(pv.time as string);
  const cases = pv.cases as { major: string; older: string; version: string }[];
  it.each(cases.map((c) => [c.major, c.older, c.version] as const))(
    'pseudoVersion(%j, %j) = %s',
    (major, older, version) => {
      expect(module.pseudoVersion(major, older, time, pv.rev)).toBe(version);
      expect(module.isPseudoVersion(version)).toBe(true);
      expect(module.isPseudoVersion(older)).toBe(false);
      expect(module.pseudoVersionTime(version).toISOString()).toBe(time.toISOString());
      expect(throwsCoded(() => module.pseudoVersionTime(older)).code).toBe('ERR_MODULE_INVALID_VERSION');
      expect(module.pseudoVersionRev(version)).toBe(pv.rev);
      expect(throwsCoded(() => module.pseudoVersionRev(older)).code).toBe('ERR_MODULE_INVALID_VERSION');
      expect(module.pseudoVersionBase(version)).toBe(older);
    },
  );

  it.each(vectors['invalidPseudoVersionBase'].cases as string[])('pseudoVersionBase(%j) fails', (v) => {
    expect(throwsCoded(() => module.pseudoVersionBase(v)).code).toBe('ERR_MODULE_INVALID_VERSION');
  });

  it.each(vectors['invalidPseudoVersionTime'].cases as string[])('pseudoVersionTime(%j) fails', (v) => {
    expect(throwsCoded(() => module.pseudoVersionTime(v)).code).toBe('ERR_MODULE_INVALID_VERSION');
  });

  it('words its errors as x/mod does', () => {
    expect(throwsCoded(() => module.pseudoVersionBase('v1.0.0')).message).toBe(
      'pseudo-version "v1.0.0" invalid: syntax error',
    );
    expect(throwsCoded(() => module.pseudoVersionBase('v0.0.0-20060102150405-hash+incompatible')).message).toBe(
      'pseudo-version "v0.0.0-20060102150405-hash+incompatible" invalid: lacks base version, but has build metadata "+incompatible"',
    );
    expect(throwsCoded(() => module.pseudoVersionBase('v1.0.0-0.20060102150405-hash')).message).toBe(
      'pseudo-version "v1.0.0-0.20060102150405-hash" invalid: version before v1.0.0 would have negative patch number',
    );
    expect(throwsCoded(() => module.pseudoVersionTime('v1.0.0-20060230150405-hash')).message).toBe(
      'pseudo-version "v1.0.0-20060230150405-hash" invalid: malformed time "20060230150405"',
    );
    const wrapped = new module.ModuleError(
      'rsc.io/x',
      'v1.0.0',
      new module.InvalidVersionError('v1.0.0-x', true, new Error('syntax error')),
    );
    expect(wrapped.message).toBe('rsc.io/x@v1.0.0-x: invalid pseudo-version: syntax error');
  });

  it('reads leap days and the zero time', () => {
    expect(module.pseudoVersionTime('v0.0.0-20240229235959-abc').toISOString()).toBe('2024-02-29T23:59:59.000Z');
    expect(() => module.pseudoVersionTime('v0.0.0-21000229000000-abc')).toThrow(module.InvalidVersionError);
    expect(module.zeroPseudoVersion('')).toBe('v0.0.0-00010101000000-000000000000');
    expect(module.zeroPseudoVersion('v2')).toBe('v2.0.0-00010101000000-000000000000');
    expect(module.isZeroPseudoVersion('v2.0.0-00010101000000-000000000000')).toBe(true);
    expect(module.isZeroPseudoVersion('v2.0.0-00010101000001-000000000000')).toBe(false);
    expect(module.pseudoVersionTime('v0.0.0-00010101000000-000000000000').getUTCFullYear()).toBe(1);
    expect(() => module.pseudoVersion('v1', '', new Date(Number.NaN), 'abc')).toThrow(/not a valid date/);
  });

  it.each(vectors['incDecimal'].cases as { in: string; want: string }[])(
    'incDecimal($in) = $want',
    ({ in: i, want }) => {
      expect(incDecimal(i)).toBe(want);
    },
  );

  it.each(vectors['decDecimal'].cases as { in: string; want: string }[])(
    'decDecimal($in) = $want',
    ({ in: i, want }) => {
      expect(decDecimal(i)).toBe(want);
    },
  );
});

describe('sort, versionString, versionError', () => {
  it('orders by path, then semver, then /file suffix', () => {
    const list = [
      { path: 'b.io/x', version: 'v1.0.0' },
      { path: 'a.io/x', version: 'v1.10.0/go.mod' },
      { path: 'a.io/x', version: 'v1.10.0' },
      { path: 'a.io/x', version: 'v1.9.0' },
      { path: 'a.io/x', version: 'v1.9.0-pre' },
      { path: 'a.io/x', version: 'zzz' },
      { path: 'a.io/x', version: 'aaa' },
    ];
    expect(module.sort(list).map(module.versionString)).toEqual([
      'a.io/x@aaa',
      'a.io/x@zzz',
      'a.io/x@v1.9.0-pre',
      'a.io/x@v1.9.0',
      'a.io/x@v1.10.0',
      'a.io/x@v1.10.0/go.mod',
      'b.io/x@v1.0.0',
    ]);
  });

  it('versionString omits an empty version', () => {
    expect(module.versionString({ path: 'example.com/m', version: '' })).toBe('example.com/m');
  });

  it('versionError wraps once', () => {
    const m = { path: 'rsc.io/quote', version: 'v1.5.2' };
    const e1 = module.versionError(m, new Error('not found'));
    expect(e1.message).toBe('rsc.io/quote@v1.5.2: not found');
    expect(module.versionError(m, e1)).toBe(e1);
    const e2 = module.versionError({ path: 'rsc.io/quote', version: '' }, new Error('boom'));
    expect(e2.message).toBe('module rsc.io/quote: boom');
    expect(module.versionError({ path: 'x.io/y', version: 'v1.0.0' }, e1).message).toBe(
      'x.io/y@v1.0.0: rsc.io/quote@v1.5.2: not found',
    );
  });
});
