// Differential test: src/mod/module and src/mod/semver against the real
// golang.org/x/mod (the copy inside Debian's Go 1.19, built by testdata/xmod-oracle.ts).
// Thousands of deterministic pseudo-random inputs plus every vector input go through
// both; results AND error texts must be identical.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import * as semver from '../semver/index.js';
import * as module from './index.js';
import { pathMatch } from './match.js';
import { goQuote, goQuoteRune, isWellFormed, wtf8 } from './quote.js';
import { askOracle, hexArg, oracleBinary, type OracleCall, type OracleResult } from './testdata/xmod-oracle.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const moduleVectors = JSON.parse(readFileSync(testdata('module.json'), 'utf8')) as Record<string, any>;
const semverVectors = JSON.parse(readFileSync(testdata('semver.json'), 'utf8')) as { cases: { in: string }[] };

/** arg passes a string to the oracle as its exact UTF-8 (WTF-8) bytes. */
const arg = (s: string | Uint8Array): string => hexArg(typeof s === 'string' ? wtf8(s) : s);

/** sample draws n deterministic values from an arbitrary. */
function sample<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}

const chars = (alphabet: string, maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...Array.from(alphabet)), { maxLength }).map((a) => a.join(''));

// Module-path-like strings: mostly legal characters, with every troublesome one mixed in.
const pathChars = 'abcxyzABZ0129./././-_~+!@:;"\'\\ `*?<>|#$%&()[]{}^=,é☺и\t\u00a0\u2028';
const pathArb = fc.oneof(
  chars(pathChars, 24),
  fc
    .tuple(
      fc.constantFrom('x.y', 'rsc.io', 'gopkg.in', 'github.com', 'a', 'example.com', '-x.y', 'x.y.'),
      fc.array(
        fc.oneof(
          chars('abcABC019.-_~+!', 8),
          fc.constantFrom(
            'v0',
            'v1',
            'v2',
            'v02',
            'v2.0',
            'yaml.v1',
            'yaml.v0',
            'yaml.v2-unstable',
            'con',
            'COM1.txt',
            'z~1',
            '..',
            '.',
          ),
        ),
        { maxLength: 4 },
      ),
    )
    .map(([first, rest]) => [first, ...rest].join('/')),
);
const versionChars = 'v0123456789.-+abcXYZ!/é';
const versionArb = fc.oneof(
  chars(versionChars, 20),
  fc
    .tuple(
      fc.constantFrom('v0', 'v1', 'v2', 'v10', 'v01'),
      fc.constantFrom('', '.0', '.1', '.01', '.99999999999999999999'),
      fc.constantFrom('', '.0', '.3', '.9'),
      fc.constantFrom(
        '',
        '-pre',
        '-0',
        '-0.20060102150405-abcdef123456',
        '-pre.0.20060102150405-abc',
        '-20060102150405-hash',
        '-00010101000000-000000000000',
        '-0.20061302150405-x',
        '-rc.01',
        '-a..b',
      ),
      fc.constantFrom('', '+incompatible', '+meta', '+a.b', '+'),
    )
    .map((p) => p.join('')),
);

/** Each check is a TS computation paired with the oracle call that must agree with it. */
interface Check {
  call: OracleCall;
  ours: () => OracleResult;
}

/** run turns a TS call into the oracle's result shape: thrown CodedErrors become err. */
function result(f: () => unknown[]): OracleResult {
  try {
    return { out: f(), err: null };
  } catch (e) {
    if (e instanceof Error && 'code' in e) return { out: null, err: e.message };
    throw e;
  }
}

/** errOnly is the result of a Go function that returns only an error. */
const errOnly = (e: Error | undefined): OracleResult => ({ out: null, err: e ? e.message : null });

/** withOut is the result of a Go function returning (value, error): on error, Go returns the zero value. */
function withOut(f: () => unknown, zero: unknown): OracleResult {
  const r = result(() => [f()]);
  return r.err === null ? r : { out: [zero], err: r.err };
}

const isoToGo = (d: Date): string => d.toISOString().replace(/\.000Z$/, 'Z');

function pathChecks(paths: (string | Uint8Array)[]): Check[] {
  const out: Check[] = [];
  for (const p of paths) {
    const a = arg(p);
    out.push(
      { call: { fn: 'CheckPath', args: [a] }, ours: () => errOnly(module.checkPath(p)) },
      { call: { fn: 'CheckImportPath', args: [a] }, ours: () => errOnly(module.checkImportPath(p)) },
      { call: { fn: 'CheckFilePath', args: [a] }, ours: () => errOnly(module.checkFilePath(p)) },
      { call: { fn: 'EscapePath', args: [a] }, ours: () => withOut(() => module.escapePath(p), '') },
      { call: { fn: 'UnescapePath', args: [a] }, ours: () => withOut(() => module.unescapePath(p), '') },
    );
    // Go's JSON output replaces invalid UTF-8, so SplitPathVersion is compared on text only.
    if (typeof p === 'string' && isWellFormed(p)) {
      out.push({
        call: { fn: 'SplitPathVersion', args: [a] },
        ours: () => {
          const s = module.splitPathVersion(p);
          return { out: [s.prefix, s.pathMajor, s.ok], err: null };
        },
      });
    }
  }
  return out;
}

function versionChecks(versions: string[]): Check[] {
  const out: Check[] = [];
  for (const v of versions) {
    const a = arg(v);
    out.push(
      { call: { fn: 'EscapeVersion', args: [a] }, ours: () => withOut(() => module.escapeVersion(v), '') },
      { call: { fn: 'UnescapeVersion', args: [a] }, ours: () => withOut(() => module.unescapeVersion(v), '') },
      { call: { fn: 'CanonicalVersion', args: [a] }, ours: () => ({ out: [module.canonicalVersion(v)], err: null }) },
      { call: { fn: 'IsPseudoVersion', args: [a] }, ours: () => ({ out: [module.isPseudoVersion(v)], err: null }) },
      {
        call: { fn: 'IsZeroPseudoVersion', args: [a] },
        ours: () => ({ out: [module.isZeroPseudoVersion(v)], err: null }),
      },
      { call: { fn: 'PseudoVersionBase', args: [a] }, ours: () => withOut(() => module.pseudoVersionBase(v), '') },
      { call: { fn: 'PseudoVersionRev', args: [a] }, ours: () => withOut(() => module.pseudoVersionRev(v), '') },
      {
        call: { fn: 'PseudoVersionTime', args: [a] },
        ours: () => {
          const r = result(() => [isoToGo(module.pseudoVersionTime(v))]);
          return r;
        },
      },
      {
        call: { fn: 'semver', args: [a] },
        ours: () => ({
          out: [
            semver.isValid(v),
            semver.canonical(v),
            semver.major(v),
            semver.majorMinor(v),
            semver.prerelease(v),
            semver.build(v),
          ],
          err: null,
        }),
      },
    );
    for (const pm of ['', '/v2', '/v3', '.v0', '.v1', '.v2', '.v1-unstable', 'v2']) {
      out.push({
        call: { fn: 'CheckPathMajor', args: [a, arg(pm)] },
        ours: () => errOnly(module.checkPathMajor(v, pm)),
      });
    }
  }
  return out;
}

/** ask sends the checks' calls to the oracle and returns the disagreements. */
async function disagreements(checks: Check[]): Promise<string[]> {
  const theirs = await askOracle(checks.map((c) => c.call));
  const bad: string[] = [];
  checks.forEach((c, i) => {
    const ours = c.ours();
    const want = theirs[i]!;
    if (JSON.stringify(ours) !== JSON.stringify({ out: want.out, err: want.err })) {
      bad.push(`${c.call.fn}(${c.call.args.join(', ')}): ours ${JSON.stringify(ours)}, x/mod ${JSON.stringify(want)}`);
    }
  });
  return bad;
}

beforeAll(async () => {
  await oracleBinary();
}, 300_000);

describe('differential: module paths', () => {
  it('vector paths, fixture module paths and 3000 generated paths', async () => {
    const vectorPaths = (moduleVectors['checkPath'].cases as { path?: string; pathHex?: string }[]).map((c) =>
      c.pathHex !== undefined ? Uint8Array.from(Buffer.from(c.pathHex, 'hex')) : c.path!,
    );
    const fixturePaths = readdirSync(testdata('goproxy-fixtures'))
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, f.lastIndexOf('_v')).replaceAll('_', '/'));
    const invalidBytes = sample(
      fc.tuple(chars('x.y/z', 6), fc.uint8Array({ minLength: 1, maxLength: 4, min: 0x80, max: 0xff }), chars('abc', 3)),
      300,
      7,
    ).map(([a, b, c]) => Uint8Array.from([...wtf8(a), ...b, ...wtf8(c)]));
    // Every Windows reserved name (and near misses), in each position and case.
    const reserved = ['CON', 'PRN', 'AUX', 'NUL', 'CLOCK$', 'CONIN$', 'COM0', 'LPT0', 'COM10', 'COM\u00b9', 'LPT\u00b3']
      .concat(Array.from({ length: 9 }, (_, i) => [`COM${i + 1}`, `LPT${i + 1}`]).flat())
      .flatMap((n) => [n, n.toLowerCase(), n[0] + n.slice(1).toLowerCase()])
      .flatMap((n) => [`x.y/${n}`, `x.y/${n}.go`, `x.y/${n}x`, `${n.toLowerCase()}.y/z`, n]);
    const paths = [
      ...vectorPaths,
      ...fixturePaths,
      ...reserved,
      ...sample(pathArb, 3000, 1),
      ...invalidBytes,
      'x.y/\uD800z',
    ];
    expect(await disagreements(pathChecks(paths))).toEqual([]);
  });

  it('check(path, version) over generated pairs', async () => {
    const pairs = [
      ...(moduleVectors['check'].cases as { path: string; version: string }[]).map((c) => [c.path, c.version] as const),
      ...sample(fc.tuple(pathArb, versionArb), 2000, 2),
    ];
    const checks = pairs.map(([p, v]) => ({
      call: { fn: 'Check', args: [arg(p), arg(v)] },
      ours: () => errOnly(module.check(p, v)),
    }));
    expect(await disagreements(checks)).toEqual([]);
  });
});

describe('differential: versions and pseudo-versions', () => {
  it('vector versions and 3000 generated versions', async () => {
    const versions = [
      ...semverVectors.cases.map((c) => c.in),
      ...(moduleVectors['pseudoVersion'].cases as { older: string; version: string }[]).flatMap((c) => [
        c.older,
        c.version,
      ]),
      ...(moduleVectors['invalidPseudoVersionBase'].cases as string[]),
      ...(moduleVectors['invalidPseudoVersionTime'].cases as string[]),
      ...sample(versionArb, 3000, 3),
      // Timestamp edges: Go's time.Parse ranges, leap years, the zero year.
      ...[
        '20060102150405',
        '20060102150460',
        '20060102150459',
        '20060102156005',
        '20060102240405',
        '20060102230405',
        '20060100150405',
        '20060132150405',
        '20060002150405',
        '20061302150405',
        '20060229000000',
        '20040229000000',
        '19000229000000',
        '20000229000000',
        '20060431000000',
        '20060430000000',
        '00000101000000',
        '00010101000000',
        '99991231235959',
      ].map((t) => `v0.0.0-${t}-abcdef123456`),
    ];
    expect(await disagreements(versionChecks(versions))).toEqual([]);
  });

  it('pseudoVersion and zeroPseudoVersion over generated inputs', async () => {
    const arb = fc.tuple(
      fc.constantFrom('', 'v0', 'v1', 'v2', 'v17'),
      fc.oneof(versionArb, fc.constantFrom('', 'v1.2.3', 'v1.2.3-pre', 'v2.0.0+incompatible', 'v1.2.9', 'v1.9.99')),
      fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      chars('abcdef0123456789', 12),
    );
    const checks: Check[] = sample(arb, 1500, 4).map(([major, older, t, rev]) => {
      const time = new Date(Math.floor(t.getTime() / 1000) * 1000);
      return {
        call: { fn: 'PseudoVersion', args: [arg(major), arg(older), isoToGo(time), arg(rev)] },
        ours: () => ({ out: [module.pseudoVersion(major, older, time, rev)], err: null }),
      };
    });
    for (const major of ['', 'v0', 'v1', 'v2', 'bad']) {
      checks.push({
        call: { fn: 'ZeroPseudoVersion', args: [arg(major)] },
        ours: () => ({ out: [module.zeroPseudoVersion(major)], err: null }),
      });
    }
    expect(await disagreements(checks)).toEqual([]);
  });

  it('semver.compare and semver.max over generated pairs', async () => {
    const checks = sample(fc.tuple(versionArb, versionArb), 2000, 5).map(([a, b]) => ({
      call: { fn: 'semver.Compare', args: [arg(a), arg(b)] },
      ours: () => ({ out: [semver.compare(a, b), semver.max(a, b)], err: null }),
    }));
    expect(await disagreements(checks)).toEqual([]);
  });
});

describe('differential: patterns, quoting, sorting', () => {
  it('matchPrefixPatterns and path.Match over generated globs', async () => {
    const globArb = chars('ab.*?[]^-\\,/é', 12);
    const targetArb = chars('ab./é€-', 12);
    const checks: Check[] = [];
    const cases = moduleVectors['matchPrefixPatterns'].cases as { globs: string; target: string }[];
    for (const [g, t] of [
      ...cases.map((c) => [c.globs, c.target] as const),
      ...sample(fc.tuple(globArb, targetArb), 3000, 6),
    ]) {
      checks.push({
        call: { fn: 'MatchPrefixPatterns', args: [arg(g), arg(t)] },
        ours: () => ({ out: [module.matchPrefixPatterns(g, t)], err: null }),
      });
      checks.push({
        call: { fn: 'PathMatch', args: [arg(g), arg(t)] },
        ours: () => {
          const m = pathMatch(g, t);
          return { out: [m.matched], err: m.badPattern ? 'syntax error in pattern' : null };
        },
      });
    }
    expect(await disagreements(checks)).toEqual([]);
  });

  it('goQuote and goQuoteRune match %q', async () => {
    // Printability comes from the Unicode tables of each runtime (Go 1.19: Unicode 13,
    // Node: 15 or newer), so characters assigned since then may quote differently.
    // The sample keeps to code points whose category has not changed: U+0000-U+07FF
    // (controls, Latin, IPA, Greek with its unassigned holes…) and a few fixed ones.
    const latin = fc.integer({ min: 0, max: 0x3ff }).map((n) => String.fromCharCode(n));
    const strs: (string | Uint8Array)[] = [
      ...sample(fc.string({ unit: latin, maxLength: 8 }), 1500, 8),
      // Raw bytes: stray continuation bytes, 2-byte sequences (U+0080-U+07FF) and the
      // invalid forms Go rejects (truncated, overlong, surrogate, above U+10FFFF).
      ...sample(fc.uint8Array({ maxLength: 10, max: 0xdf }), 1500, 9),
      Uint8Array.from([0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xff]),
      Uint8Array.from([0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xef, 0xbf, 0xbd]),
      '\x00\x07\x08\x0c\n\r\t\x0b\x7f\x80\u00ad\u00a0\u2028\ufeff\u{e0001}\u{10ffff}"\'\\',
      'é☺и中😀\u{1F600}\uE000\u{F0000}',
    ];
    const checks: Check[] = strs.map((s) => ({
      call: { fn: 'Quote', args: [arg(s)] },
      ours: () => ({ out: [goQuote(s)], err: null }),
    }));
    const runes = [
      ...sample(fc.integer({ min: 0, max: 0x3ff }), 500, 10),
      ...[0, 7, 0x27, 0x22, 0x5c, 0x7f, 0xad, 0xd800, 0xdfff, 0xfffd, 0x4e2d, 0x1f600, 0xe000, 0x10ffff, 0x110000, -1],
    ];
    for (const r of runes) {
      checks.push({ call: { fn: 'QuoteRune', args: [String(r)] }, ours: () => ({ out: [goQuoteRune(r)], err: null }) });
    }
    expect(await disagreements(checks)).toEqual([]);
  });

  it('sort agrees wherever x/mod defines the order', async () => {
    // x/mod's order is only partial (distinct strings that semver calls equal are
    // left in any order), so lists are drawn where the order is total: distinct
    // valid canonical versions, with and without "/go.mod".
    const entry = fc.tuple(
      fc.constantFrom('a.io/x', 'b.io/y', 'a.io/x/v2', 'A.io'),
      fc.constantFrom(
        'v1.0.0',
        'v1.10.0',
        'v1.9.0',
        'v1.9.0-pre',
        'v1.9.0-pre.1',
        'v0.0.0-20060102150405-abc',
        'v2.0.0+incompatible',
      ),
      fc.constantFrom('', '/go.mod'),
    );
    const lists = sample(fc.uniqueArray(entry, { minLength: 1, maxLength: 12, selector: (e) => e.join('') }), 200, 11);
    const checks = lists.map((list) => {
      const mods = list.map(([p, v, f]) => ({ path: p, version: v + f }));
      return {
        call: { fn: 'Sort', args: mods.flatMap((m) => [arg(m.path), arg(m.version)]) },
        ours: () => ({ out: module.sort([...mods]).flatMap((m) => [m.path, m.version]), err: null }),
      };
    });
    expect(await disagreements(checks)).toEqual([]);
  });

  it('ModuleError and InvalidVersionError messages', async () => {
    const cases: string[][] = [
      ['rsc.io/quote', 'v1.5.2', 'not found'],
      ['rsc.io/quote', '', 'not found'],
      ['rsc.io/quote', 'v1.5.2', 'should be v2, not v1', 'v1.5.2'],
      ['rsc.io/quote', '', 'not a semantic version', 'bad'],
      ['rsc.io/quote', 'v1.0.0', 'syntax error', 'v1.0.0-x\t"', 'pseudo'],
    ];
    const checks = cases.map(([p, v, msg, iv, pseudo]) => ({
      call: { fn: 'ModuleError', args: [p!, v!, msg!, ...(iv !== undefined ? [arg(iv), pseudo ?? ''] : [])] },
      ours: () => {
        const inner =
          iv === undefined ? new Error(msg) : new module.InvalidVersionError(iv, pseudo === 'pseudo', new Error(msg));
        return { out: [module.versionError({ path: p!, version: v! }, inner).message], err: null };
      },
    }));
    expect(await disagreements(checks)).toEqual([]);
  });

  it('versionString', async () => {
    const checks = [
      ['rsc.io/quote', 'v1.5.2'],
      ['example.com/m', ''],
    ].map(([p, v]) => ({
      call: { fn: 'VersionString', args: [arg(p!), arg(v!)] },
      ours: () => ({ out: [module.versionString({ path: p!, version: v! })], err: null }),
    }));
    expect(await disagreements(checks)).toEqual([]);
  });
});
