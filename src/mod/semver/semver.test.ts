// Conformance of src/mod/semver with golang.org/x/mod/semver: every case, every pair
// and the sort golden of ../shared/testdata/semver.json, read in place.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import * as semver from './index.js';
import { compareStrings } from './strings.js';

interface Case {
  index: number;
  in: string;
  canonical: string;
  isValid: boolean;
  major: string;
  majorMinor: string;
  prerelease: string;
  build: string;
}

const vectors = JSON.parse(readFileSync(testdata('semver.json'), 'utf8')) as {
  cases: Case[];
  sortGolden: string[];
};
const cases = vectors.cases;

describe('semver.json cases', () => {
  it('has the 32 upstream cases', () => {
    expect(cases).toHaveLength(32);
  });

  it.each(cases.map((c) => [c.in, c] as const))('%s', (_name, c) => {
    expect(semver.isValid(c.in)).toBe(c.isValid);
    expect(semver.canonical(c.in)).toBe(c.canonical);
    expect(semver.major(c.in)).toBe(c.major);
    expect(semver.majorMinor(c.in)).toBe(c.majorMinor);
    expect(semver.prerelease(c.in)).toBe(c.prerelease);
    expect(semver.build(c.in)).toBe(c.build);
  });
});

describe('compareRule and maxRule over all pairs', () => {
  it('compare agrees with the table order for all 32×32 pairs', () => {
    const bad: string[] = [];
    for (const [i, a] of cases.entries()) {
      for (const [j, b] of cases.entries()) {
        const want = a.canonical === b.canonical ? 0 : i < j ? -1 : +1;
        const got = semver.compare(a.in, b.in);
        if (got !== want) bad.push(`compare(${a.in}, ${b.in}) = ${got}, want ${want}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('max agrees with the table order for all 32×32 pairs', () => {
    const bad: string[] = [];
    for (const [i, a] of cases.entries()) {
      for (const [j, b] of cases.entries()) {
        const want = i < j ? b.canonical : a.canonical;
        const got = semver.max(a.in, b.in);
        if (got !== want) bad.push(`max(${a.in}, ${b.in}) = ${got}, want ${want}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('sortRule', () => {
  it('sorts the cases in upstream order into sortGolden, in place', () => {
    const list = cases.map((c) => c.in);
    const out = semver.sort(list);
    expect(out).toBe(list);
    expect(list).toEqual(vectors.sortGolden);
  });

  it('sorts reversed and shuffled permutations into sortGolden', () => {
    expect(semver.sort(cases.map((c) => c.in).reverse())).toEqual(vectors.sortGolden);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          cases.map((c) => c.in),
          { minLength: cases.length },
        ),
        (perm) => {
          expect(semver.sort([...perm])).toEqual(vectors.sortGolden);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('beyond the table', () => {
  it.each([
    ['v10.0.0', 'v9.0.0', 1],
    ['v1.10.0', 'v1.9.0', 1],
    ['v1.0.10', 'v1.0.9', 1],
    ['v1.0.0-10', 'v1.0.0-9', 1],
    ['v1.0.0-a', 'v1.0.0-10', 1],
    ['v1.0.0-alpha.1', 'v1.0.0-alpha', 1],
    ['v1.0.0+a', 'v1.0.0+b', 0],
    ['v123456789012345678901234567890.0.0', 'v99999999999999999999999999999.0.0', 1],
    ['', 'v0.0.0', -1],
    ['x', 'y', 0],
  ])('compare(%s, %s) = %d', (a, b, want) => {
    expect(semver.compare(a, b)).toBe(want);
    expect(semver.compare(b, a)).toBe(-want || 0);
  });

  it.each([
    ['v01.0.0', false],
    ['v1.01.0', false],
    ['v1.0.01', false],
    ['v1.0.0-01', false],
    ['v1.0.0-0', true],
    ['v1.0.0-0a', true],
    ['v1.0.0+01', true],
    ['v1.0.0-', false],
    ['v1.0.0+', false],
    ['v1.0.0-a..b', false],
    ['v1.0.0+a..b', false],
    ['v1.0.0-a_b', false],
    ['v1.0.0-é', false],
    ['V1.0.0', false],
    ['v1.0.0 ', false],
    ['v', false],
    ['v1.', false],
    ['v1.0.', false],
  ])('isValid(%j) = %s', (v, want) => {
    expect(semver.isValid(v)).toBe(want);
  });

  it('majorMinor keeps the spelled-out minor and synthesises the missing one', () => {
    expect(semver.majorMinor('v2')).toBe('v2.0');
    expect(semver.majorMinor('v2.1')).toBe('v2.1');
    expect(semver.majorMinor('v2.1.0-pre+meta')).toBe('v2.1');
  });

  it('sort breaks ties by UTF-8 byte order, not UTF-16 order', () => {
    // U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8 byte order,
    // while UTF-16 code units put the surrogate pair D83D… first.
    expect(semver.sort(['\u{1F600}', '\uFF21'])).toEqual(['\uFF21', '\u{1F600}']);
    expect(semver.sort(['v1.0.0+\u{1F600}', 'b', 'a'])).toEqual(['a', 'b', 'v1.0.0+\u{1F600}']);
  });
});

describe('compareStrings', () => {
  it('matches the order of the UTF-8 encodings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const want = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(compareStrings(a, b)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });
});
