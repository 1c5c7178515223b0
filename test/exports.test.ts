// The package's `exports` subpaths (mirroring x/mod's import paths) resolve from the built
// package, by name, to modules with the documented functions and to their type declarations.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exec } from './support/go.js';
import { repoRoot } from './support/shared.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
};
const subpaths = Object.entries(pkg.exports).filter(
  (e): e is [string, { types: string; default: string }] => typeof e[1] !== 'string',
);

// One function per subpath that must be exported (the x/mod counterpart's name, camelCased).
const expected: Record<string, string> = {
  './mod/semver': 'compare',
  './mod/module': 'checkPath',
  './mod/modfile': 'parse',
  './mod/gosum': 'parse',
  './mod/zip': 'checkZip',
  './mod/sumdb/dirhash': 'hashZip',
  './mod/txtar': 'parse',
  './mod/gover': 'compare',
  './mod/sumdb': 'parseGOSUMDB',
  './mod/sumdb/note': 'open',
  './mod/sumdb/tlog': 'checkRecord',
  './mod/web': 'createHttpClient',
  './mod/goproxy': 'parseProxyList',
  './mod/modcache': 'verifyMod',
  './mod/modfetch': 'createFetcher',
  './mod/mvs': 'buildList',
  './mod/load': 'isStandardImportPath',
  './mod/modload': 'loadMainModule',
};

describe('package exports', () => {
  it('names a function to check for every subpath', () => {
    expect(subpaths.map(([k]) => k).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(subpaths)('%s has its files in dist/ (npm test builds first)', (_name, target) => {
    expect(existsSync(path.join(repoRoot, target.default))).toBe(true);
    expect(existsSync(path.join(repoRoot, target.types))).toBe(true);
  });

  it('every subpath imports by package name from a consumer and exports its function', async () => {
    const script = Object.entries(expected)
      .map(
        ([sub, fn]) =>
          `{ const m = await import('modrescue${sub.slice(1)}'); if (typeof m.${fn} !== 'function') throw new Error('${sub}: no ${fn}'); }`,
      )
      .join('\n');
    // Self-reference by package name works from inside the package directory.
    const r = await exec(process.execPath, ['--input-type=module', '-e', script + "\nconsole.log('ok')"], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok\n');
  });
});
