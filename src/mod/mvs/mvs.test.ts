import { describe, expect, it } from 'vitest';
import * as semver from '../semver/index.js';
import { buildList, downgrade, req, upgrade, upgradeAll, Graph, BuildListError, type ModuleVersion } from './index.js';

/**
 * A compact graph notation: each line "a1: b2 c1" says module a@v1.0.0... is written
 * as a name and a version digit; "a1: b2" means a@v1 requires b@v2. Main is "m" with version "".
 */
function parse(spec: string) {
  const edges = new Map<string, ModuleVersion[]>();
  const all = new Set<string>();
  const mv = (tok: string): ModuleVersion =>
    tok === 'm'
      ? { path: 'm', version: '' }
      : { path: tok.replace(/\d+$/, ''), version: 'v1.0.' + /\d+$/.exec(tok)![0] };
  for (const line of spec.trim().split('\n')) {
    const [lhs, rhs = ''] = line.split(':');
    const from = mv(lhs!.trim());
    all.add(`${from.path}@${from.version}`);
    edges.set(`${from.path}@${from.version}`, rhs.trim() === '' ? [] : rhs.trim().split(/\s+/).map(mv));
  }
  const failing = new Set<string>();
  const reqs = {
    async required(m: ModuleVersion) {
      const k = `${m.path}@${m.version}`;
      if (failing.has(k)) throw new Error('boom');
      const e = edges.get(k);
      if (e === undefined) throw new Error(`unknown ${k}`);
      return e;
    },
    max(_p: string, a: string, b: string) {
      if (a === '' || b === '') return '';
      if (a === 'none') return b;
      if (b === 'none') return a;
      return semver.compare(a, b) < 0 ? b : a;
    },
    async upgrade(m: ModuleVersion) {
      const vs = [...all].filter((k) => k.startsWith(m.path + '@')).map((k) => k.split('@')[1]!);
      return { path: m.path, version: vs.reduce((x, y) => this.max(m.path, x, y), m.version) };
    },
    async previous(m: ModuleVersion) {
      const vs = [...all]
        .filter((k) => k.startsWith(m.path + '@'))
        .map((k) => k.split('@')[1]!)
        .filter((v) => semver.compare(v, m.version) < 0)
        .sort(semver.compare);
      return { path: m.path, version: vs.at(-1) ?? 'none' };
    },
  };
  return { reqs, failing };
}

const fmt = (list: ModuleVersion[]) =>
  list.map((m) => (m.version === '' ? m.path : `${m.path}${m.version.slice(5)}`)).join(' ');
const M = { path: 'm', version: '' };

describe('buildList', () => {
  it.each([
    ['diamond picks the maximum', 'm: a1 b1\na1: c1\nb1: c2\nc1:\nc2:', 'm a1 b1 c2'],
    ['modules reachable only from a non-selected version stay', 'm: a1 b1\na1: d1\na2:\nb1: a2\nd1:', 'm a2 b1 d1'],
    ['cycles terminate', 'm: a1\na1: b1\nb1: a1 m\n', 'm a1 b1'],
    ['a cycle through a higher version selects it', 'm: a1\na1: b1\nb1: a2\na2: b1', 'm a2 b1'],
    ['deep upgrade', 'm: a1 b1\na1: c1\nc1: d1\nd1: e1\ne1:\nb1: e3\ne3:', 'm a1 b1 c1 d1 e3'],
  ])('%s', async (_name, spec, want) => {
    const { reqs } = parse(spec);
    expect(fmt(await buildList([M], reqs))).toBe(want);
  });

  it('reports the shortest chain to a failing module', async () => {
    const { reqs, failing } = parse('m: a1 b1\na1: c1\nb1: x1\nc1: x1\nx1:');
    failing.add('x@v1.0.1');
    const err = await buildList([M], reqs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildListError);
    expect((err as BuildListError).message).toBe('b@v1.0.1 requires\n\tx@v1.0.1: boom');
    expect((err as BuildListError).code).toBe('ERR_MVS_BUILD_LIST');
  });
});

describe('req', () => {
  it('keeps base modules and drops implied ones', async () => {
    const { reqs } = parse('m: a1 b1 c1\na1: c1\nb1:\nc1:');
    expect(fmt(await req(M, ['b'], reqs))).toBe('a1 b1');
  });
});

describe('upgrade / upgradeAll / downgrade', () => {
  it('upgradeAll moves every module to its latest', async () => {
    const { reqs } = parse('m: a1\na1: b1\na2: b1\nb1:\nb2:');
    expect(fmt(await upgradeAll(M, reqs))).toBe('m a2 b2');
  });
  it('upgrade adds and raises the named modules', async () => {
    const { reqs } = parse('m: a1\na1:\nb1:\nb2: a2\na2:');
    expect(fmt(await upgrade(M, reqs, { path: 'b', version: 'v1.0.2' }))).toBe('m a2 b2');
  });
  it('downgrade lowers dependents that need the higher version', async () => {
    const { reqs } = parse('m: a2 b1\na1:\na2: b2\nb1:\nb2:');
    expect(fmt(await downgrade(M, reqs, { path: 'b', version: 'v1.0.1' }))).toBe('m a1 b1');
  });
  it('downgrade to none removes the module and what needs it', async () => {
    const { reqs } = parse('m: a1 c1\na1: b1\nb1:\nc1:');
    expect(fmt(await downgrade(M, reqs, { path: 'b', version: 'none' }))).toBe('m c1');
  });
});

describe('Graph', () => {
  it('walks breadth first and finds paths', () => {
    const g = new Graph((_p, a, b) => semver.compare(a, b), [{ path: 'm', version: 'v0.0.0' }]);
    g.require({ path: 'm', version: 'v0.0.0' }, [
      { path: 'a', version: 'v1.0.0' },
      { path: 'b', version: 'v1.0.0' },
    ]);
    g.require({ path: 'a', version: 'v1.0.0' }, [{ path: 'c', version: 'v1.0.0' }]);
    const seen: string[] = [];
    g.walkBreadthFirst((m) => seen.push(m.path));
    expect(seen).toEqual(['m', 'a', 'b', 'c']);
    expect(g.findPath((m) => m.path === 'c').map((m) => m.path)).toEqual(['m', 'a', 'c']);
    expect(() => g.require({ path: 'z', version: 'v1.0.0' }, [])).toThrow(/not reachable/);
  });
});
