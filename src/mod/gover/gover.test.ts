// Go version arithmetic: the documented examples of https://go.dev/doc/toolchain
// (#version, #name), the cmd/go gover test tables, the gover-level part of the go/toolchain
// line validity table in ../shared/testdata/modfile-edits.json, and order properties.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import * as gover from './index.js';

/** sign normalises a comparison result. */
const sign = (n: number): number => (n > 0 ? 1 : n < 0 ? -1 : 0);

describe('go.dev/doc/toolchain#version examples', () => {
  const chains = [
    // "1.21 < 1.21rc1 < 1.21rc2 < 1.21.0 < 1.21.1 < 1.21.2"
    ['1.21', '1.21rc1', '1.21rc2', '1.21.0', '1.21.1', '1.21.2'],
    // "If the language versions are different, that decides the comparison: 1.21.9 < 1.22."
    ['1.21.9', '1.22'],
    // "1.20rc1 < 1.20rc2 < 1.20rc3 < 1.20 < 1.20.1"
    ['1.20rc1', '1.20rc2', '1.20rc3', '1.20', '1.20.1'],
    // "1.18beta1 < 1.18beta2 < 1.18rc1 < 1.18 < 1.18.1"
    ['1.18beta1', '1.18beta2', '1.18rc1', '1.18', '1.18.1'],
    // "Go 1.21.2 will refuse to load a module … with a go 1.21.3 or go 1.22 line."
    ['1.21.2', '1.21.3', '1.22'],
  ];
  it.each(chains.map((c) => [c.join(' < '), c] as const))('%s', (_name, chain) => {
    for (let i = 0; i < chain.length; i++) {
      for (let j = 0; j < chain.length; j++) {
        expect(sign(gover.compare(chain[i]!, chain[j]!)), `${chain[i]} vs ${chain[j]}`).toBe(sign(i - j));
      }
    }
  });

  it('"1.21, 1.21rc2, and 1.21.3 all implement language version 1.21"', () => {
    for (const v of ['1.21', '1.21rc2', '1.21.3']) expect(gover.lang(v)).toBe('1.21');
  });

  it('"go1.21.0 and go1.21.0-custom compare equal"', () => {
    expect(gover.fromToolchain('go1.21.0-custom')).toBe('1.21.0');
    expect(gover.compare(gover.fromToolchain('go1.21.0'), gover.fromToolchain('go1.21.0-custom'))).toBe(0);
    expect(gover.modCompare('toolchain', 'go1.21.0', 'go1.21.0-custom')).toBe(0);
  });

  it('"go1.21rc1 and go1.21.0 are toolchain names; go1.21 and go1.22 are not, but go1.20 and go1.19 are"', () => {
    const isReleaseName = (name: string): boolean => {
      const v = gover.fromToolchain(name);
      return v !== '' && !gover.isLang(v);
    };
    expect(['go1.21rc1', 'go1.21.0', 'go1.20', 'go1.19'].map(isReleaseName)).toEqual([true, true, true, true]);
    expect(['go1.21', 'go1.22'].map(isReleaseName)).toEqual([false, false]);
  });

  it('the unpublished 1.9.2rc2 does not follow the syntax (no prerelease of a patch release)', () => {
    expect(gover.isValid('1.9.2rc2')).toBe(false);
    expect(gover.isValid('1.21.3rc1')).toBe(false);
  });
});

describe('cmd/go/internal/gover tables', () => {
  it.each([
    ['', '', 0],
    ['x', 'x', 0],
    ['', 'x', 0],
    ['1', '1.1', -1],
    ['1.5', '1.6', -1],
    ['1.5', '1.10', -1],
    ['1.6', '1.6.1', -1],
    ['1.19', '1.19.0', 0],
    ['1.19rc1', '1.19', -1],
    ['1.20', '1.20.0', 0],
    ['1.20rc1', '1.20', -1],
    ['1.21', '1.21.0', -1],
    ['1.21', '1.21rc1', -1],
    ['1.21rc1', '1.21.0', -1],
    ['1.6', '1.19', -1],
    ['1.19', '1.19.1', -1],
    ['1.19rc1', '1.19.1', -1],
    ['1.19rc1', '1.19rc2', -1],
    ['1.19.0', '1.19.1', -1],
    ['1.19rc1', '1.19.0', -1],
    ['1.19alpha3', '1.19beta2', -1],
    ['1.19beta2', '1.19rc1', -1],
    ['1.1', '1.99999999999999998', -1],
    ['1.99999999999999998', '1.99999999999999999', -1],
    ['bad', '1.0', -1],
  ])('compare(%j, %j) = %d', (x, y, want) => {
    expect(gover.compare(x, y)).toBe(want);
    expect(gover.compare(y, x)).toBe(-want || 0);
  });

  it.each([
    ['1.2rc3', '1.2'],
    ['1.2.3', '1.2'],
    ['1.2', '1.2'],
    ['1', '1'],
    ['1.0', '1'],
    ['1.0.5', '1'],
    ['1.999testmod', '1.999'],
    ['bad', ''],
  ])('lang(%j) = %j', (x, want) => {
    expect(gover.lang(x)).toBe(want);
  });

  it.each([
    ['1.2rc3', false],
    ['1.2.3', false],
    ['1.999testmod', false],
    ['1.22', true],
    ['1.21', true],
    ['1.20', false],
    ['1.19', false],
    ['1.3', false],
    ['1.2', false],
    ['1', false],
    ['', false],
  ])('isLang(%j) = %s', (x, want) => {
    expect(gover.isLang(x)).toBe(want);
  });

  it.each([
    ['1.2rc3', true],
    ['1.2.3', true],
    ['1.999testmod', true],
    ['1.600+auto', false],
    ['1.22', true],
    ['1.21.0', true],
    ['1.21rc2', true],
    ['1.21', true],
    ['1.20.0', true],
    ['1.20', true],
    ['1.19', true],
    ['1.3', true],
    ['1.2', true],
    ['1', true],
    ['', false],
    ['go1.21', false],
    ['v1.21.0', false],
    ['01.21', false],
    ['1.021', false],
    ['1.21.00', false],
    ['1.21rc01', false],
    ['1.21RC1', false],
    ['1.21-rc1', false],
    ['1.21rc1x', false],
    ['1.', false],
    ['1.21.', false],
  ])('isValid(%j) = %s', (x, want) => {
    expect(gover.isValid(x)).toBe(want);
  });

  it.each([
    ['', ''],
    ['0', '0'],
    ['1.3rc4', '1.2'],
    ['1.3.5', '1.2'],
    ['1.3', '1.2'],
    ['1', '1'],
    ['1.99999999999999999', '1.99999999999999998'],
    ['1.40000000000000000', '1.39999999999999999'],
  ])('prev(%j) = %j', (x, want) => {
    expect(gover.prev(x)).toBe(want);
  });

  it.each([
    ['go1.2.3', '1.2.3'],
    ['1.2.3', ''],
    ['go1.2.3+bigcorp', ''],
    ['go1.2.3-bigcorp', '1.2.3'],
    ['go1.2.3-bigcorp more text', '1.2.3'],
    ['go1.2.3 extra', '1.2.3'],
    ['go1.2.3\tx', '1.2.3'],
    ['gccgo-go1.23rc4', ''],
    ['gccgo-go1.23rc4-bigdwarf', ''],
    ['go', ''],
    ['default', ''],
  ])('fromToolchain(%j) = %j', (x, want) => {
    expect(gover.fromToolchain(x)).toBe(want);
  });

  it('isPrerelease and max', () => {
    expect(gover.isPrerelease('1.21rc1')).toBe(true);
    expect(gover.isPrerelease('1.21.0')).toBe(false);
    expect(gover.max('1.21', '1.21rc1')).toBe('1.21rc1');
    expect(gover.max('1.19', '1.19.0')).toBe('1.19');
    expect(gover.max('1.19.0', '1.19')).toBe('1.19.0');
    expect(gover.max('bad', 'worse')).toBe('bad');
  });
});

describe('"go" and "toolchain" pseudo-modules', () => {
  it.each([
    ['go', true],
    ['toolchain', true],
    ['anything', false],
    ['golang.org/toolchain', false],
  ])('isToolchain(%j) = %s', (p, want) => {
    expect(gover.isToolchain(p)).toBe(want);
  });

  it.each([
    ['go', '1.2', '1.3', -1],
    ['go', 'v1.2', 'v1.3', 0],
    ['go', '1.2', '1.2', 0],
    ['toolchain', '1.2', '1.3', -1],
    ['toolchain', '1.2', '1.2', 0],
    ['toolchain', 'v1.2', 'v1.3', 0],
    ['toolchain', 'go1.21rc1', 'go1.21.0', -1],
    ['rsc.io/quote', 'v1.2', 'v1.3', -1],
    ['rsc.io/quote', '1.2', '1.3', 0],
  ])('modCompare(%j, %j, %j) = %d', (p, x, y, want) => {
    expect(gover.modCompare(p, x, y)).toBe(want);
  });

  it.each([
    ['go', '1.2', true],
    ['go', 'v1.2', false],
    ['toolchain', 'go1.2', true],
    ['toolchain', 'v1.2', false],
    ['rsc.io/quote', 'v1.2', true],
    ['rsc.io/quote', '1.2', false],
  ])('modIsValid(%j, %j) = %s', (p, v, want) => {
    expect(gover.modIsValid(p, v)).toBe(want);
  });

  it('modSort orders go and toolchain versions by Go version', () => {
    const mvl = (s: string): { path: string; version: string }[] =>
      s.split(';').map((f) => {
        const [path, version] = f.trim().split(' ');
        return { path: path!, version: version! };
      });
    expect(gover.modSort(mvl('z v1.1; a v1.2; a v1.1; go 1.3; toolchain 1.3; toolchain 1.2; go 1.2'))).toEqual(
      mvl('a v1.1; a v1.2; go 1.2; go 1.3; toolchain 1.2; toolchain 1.3; z v1.1'),
    );
    expect(gover.modSort(mvl('go 1.21.0; go 1.21rc1; go 1.21; go 1.21.0/go.mod; go 1.9'))).toEqual(
      mvl('go 1.9; go 1.21; go 1.21rc1; go 1.21.0; go 1.21.0/go.mod'),
    );
  });

  it('modIsPrefix, modIsPrerelease, modMajorMinor', () => {
    expect(gover.modIsPrefix('go', '1.21')).toBe(true);
    expect(gover.modIsPrefix('go', '1.21.0')).toBe(false);
    expect(gover.modIsPrefix('toolchain', 'go1.22')).toBe(true);
    expect(gover.modIsPrefix('rsc.io/quote', 'v1.2')).toBe(true);
    expect(gover.modIsPrefix('rsc.io/quote', 'v1.2.3')).toBe(false);
    expect(gover.modIsPrefix('rsc.io/quote', 'v1-pre')).toBe(false);
    expect(gover.modIsPrerelease('go', '1.21rc1')).toBe(true);
    expect(gover.modIsPrerelease('rsc.io/quote', 'v1.0.0-pre')).toBe(true);
    expect(gover.modIsPrerelease('rsc.io/quote', 'v1.0.0')).toBe(false);
    expect(gover.modMajorMinor('go', '1.21.3')).toBe('1.21');
    expect(gover.modMajorMinor('toolchain', 'go1.21.3')).toBe('go1.21');
    expect(gover.modMajorMinor('rsc.io/quote', 'v1.5.2')).toBe('v1.5');
  });
});

describe('go and toolchain line syntax (modfile-edits.json TestParseVersions, gover level)', () => {
  const table = (
    JSON.parse(readFileSync(testdata('modfile-edits.json'), 'utf8')) as {
      tables: Record<string, { cases: { desc: string; input: string; ok: boolean; laxOK?: boolean }[] }>;
    }
  ).tables['TestParseVersions']!;
  // Each input is "module m\n<verb> <args>\n"; only single-argument lines are about
  // version syntax (the others are modfile's arity errors).
  const lines = table.cases.map((c) => {
    const m = /^module m\n(go|toolchain) ?(.*?)\n?$/.exec(c.input);
    if (!m) throw new Error(`unexpected input ${JSON.stringify(c.input)}`);
    return { ...c, verb: m[1]!, arg: m[2]! };
  });

  it('covers all 22 cases', () => expect(lines).toHaveLength(22));

  it.each(lines.filter((l) => l.verb === 'go' && l.arg !== '' && !l.arg.includes(' ')).map((l) => [l.arg, l] as const))(
    'go %s',
    (_n, l) => {
      expect(gover.isGoLine(l.arg)).toBe(l.ok);
      // Every strictly valid go line here is also a valid Go version.
      if (l.ok) expect(gover.isValid(l.arg)).toBe(true);
      // A line that is neither strict nor lax-tolerated is not even lax syntax.
      if (!l.ok && !l.laxOK) expect(gover.laxGoLine(l.arg)).toBeUndefined();
    },
  );

  it.each(lines.filter((l) => l.verb === 'toolchain').map((l) => [l.arg, l] as const))('toolchain %s', (_n, l) => {
    expect(gover.isToolchainLine(l.arg)).toBe(l.ok);
    if (l.ok && l.arg !== 'default') expect(gover.fromToolchain(l.arg)).not.toBe('');
  });

  it('rejects the empty and the two-argument go lines at the syntax level too', () => {
    expect(gover.isGoLine('')).toBe(false);
    expect(gover.isGoLine('1.2 3.4')).toBe(false);
  });

  it('reads lax go lines as their language version', () => {
    expect(gover.laxGoLine('1.2.beta1')).toBe('1.2');
    expect(gover.laxGoLine('v1.2.3')).toBe('1.2');
    expect(gover.laxGoLine('v1.2rc1')).toBe('1.2');
    expect(gover.laxGoLine('1')).toBeUndefined();
  });
});

describe('order properties', () => {
  const part = fc.constantFrom('0', '1', '2', '9', '10', '19', '20', '21', '22', '99999999999999999999');
  const versionArb = fc.oneof(
    fc
      .tuple(part, part, fc.option(part), fc.constantFrom('', 'alpha', 'beta', 'rc'), fc.option(part))
      .map(
        ([a, b, c, kind, pre]) =>
          `${a}.${b}${c !== null && kind === '' ? '.' + c : ''}${kind}${kind && pre !== null ? pre : ''}`,
      ),
    fc.string({ maxLength: 6 }),
  );

  it('compare is a total preorder, invalid versions first', () => {
    fc.assert(
      fc.property(versionArb, versionArb, versionArb, (a, b, c) => {
        expect(sign(gover.compare(a, b))).toBe(-sign(gover.compare(b, a)) || 0);
        if (gover.compare(a, b) <= 0 && gover.compare(b, c) <= 0) expect(gover.compare(a, c)).toBeLessThanOrEqual(0);
        if (!gover.isValid(a) && gover.isValid(b)) expect(gover.compare(a, b)).toBe(-1);
        expect([a, b]).toContain(gover.max(a, b));
        expect(gover.compare(gover.max(a, b), a)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('from 1.21 on, lang(v) is a language version that never sorts after v', () => {
    // (Before 1.21, "1.N" is the first release, so lang("1.20rc1") = "1.20" sorts after it.)
    fc.assert(
      fc.property(versionArb, (v) => {
        // (The "minor < 21" rule looks at the minor number only, whatever the major.)
        if (!v.startsWith('1.') || gover.compare(v, '1.21') < 0) return;
        expect(gover.compare(gover.lang(v), v)).toBeLessThanOrEqual(0);
        expect(gover.isLang(gover.lang(v))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
