/**
 * The go command's test-proxy fixtures (../shared/testdata/goproxy-fixtures) as data,
 * and as a GOPROXY tree on disk, built with modrescue's own txtar, module and zip
 * code. Many tests stand a proxy up from these: a file:// tree for the go command
 * (the differential oracle), or the same files served over 127.0.0.1.
 *
 *   loadFixtures()                  every fixture, parsed (cached)
 *   fixture('rsc.io/quote@v1.5.2')  one of them by module@version
 *   writeProxyTree(dir, list|'all') `<escaped path>/@v/{list,<v>.info,<v>.mod,<v>.zip}`
 *                                   and `<escaped path>/@latest`
 *
 * The tree is exactly what ../shared/tools/txtar-to-proxy.mjs writes (test/support/
 * fixtures.test.ts compares the two byte for byte, zips by entry list and contents):
 *  - file name → module: the name without ".txt" splits at the LAST "_v"; "_" in the
 *    first part stands for "/"; both parts are escaped (module.escapePath/escapeVersion
 *    form) and are used as they are for the tree's directories;
 *  - ".info" / ".mod" sections become `@v/<v>.info` / `@v/<v>.mod` (absent sections
 *    stay absent); every other section except ".zip" becomes an entry of `@v/<v>.zip`
 *    named "<path>@<version>/<name>", or "<name without the leading '/'>" when the
 *    name starts with "/" — so deliberately malformed fixture zips stay malformed;
 *    zips are written raw (yazl, deflate), not through zip.create's checks;
 *  - `@v/list` holds the module's non-pseudo versions whose major version agrees with
 *    the path (module.checkPathMajor on splitPathVersion's suffix), in semver order,
 *    one per line; `@latest` is the .info of the highest release, else prerelease,
 *    else pseudo-version among those versions.
 */
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as module from '../../src/mod/module/index.js';
import * as semver from '../../src/mod/semver/index.js';
import { parse as parseTxtar, type Archive } from '../../src/mod/txtar/index.js';
import { writeZip } from '../../src/mod/zip/archive.js';
import { testdata } from './shared.js';

/** FixtureFile is one section of a fixture. */
export interface FixtureFile {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Fixture is one goproxy fixture: a module version as the test proxy serves it. */
export interface Fixture {
  /** The fixture's file name, e.g. "rsc.io_quote_v1.5.2.txt". */
  readonly file: string;
  /** Module path and version, unescaped ("rsc.io/QUOTE", "v1.5.3-PRE"). */
  readonly path: string;
  readonly version: string;
  /** The escaped forms from the file name, used for the proxy tree's directories. */
  readonly escapedPath: string;
  readonly escapedVersion: string;
  /** The ".info" and ".mod" sections, when present. */
  readonly info?: Uint8Array;
  readonly mod?: Uint8Array;
  /** Every other section except ".zip", in order (names as in the fixture). */
  readonly files: readonly FixtureFile[];
  /** The entries of the zip the proxy serves for this version, in order. */
  readonly zipEntries: readonly FixtureFile[];
  /** The fixture's first comment line (conventionally "path@version"). */
  readonly title: string;
  readonly archive: Archive;
}

let cache: Fixture[] | undefined;

/** fixturesDir is where the fixtures live (read in place). */
export function fixturesDir(): string {
  return testdata('goproxy-fixtures');
}

/**
 * loadFixtures parses every *.txt fixture (sorted by file name). Files whose names do
 * not decode into a module path and version are left out, as the tool leaves them out.
 */
export function loadFixtures(): Fixture[] {
  if (cache) return cache;
  const dir = fixturesDir();
  const out: Fixture[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.txt')) continue;
    const f = readFixture(path.join(dir, file));
    if (f) out.push(f);
  }
  return (cache = out);
}

/** fixture returns the fixture for "path@version" or throws (test set-up error). */
export function fixture(pathAtVersion: string): Fixture {
  const f = loadFixtures().find((x) => `${x.path}@${x.version}` === pathAtVersion);
  if (!f) throw new Error(`no goproxy fixture for ${pathAtVersion}`);
  return f;
}

/** readFixture parses one fixture file; undefined when its name does not decode. */
export function readFixture(file: string): Fixture | undefined {
  const base = path.basename(file).replace(/\.txt$/, '');
  const i = base.lastIndexOf('_v');
  if (i < 0) return undefined;
  const escapedPath = base.slice(0, i).replaceAll('_', '/');
  const escapedVersion = base.slice(i + 1);
  const modPath = unescapeFixturePath(escapedPath);
  let version: string;
  try {
    version = module.unescapeVersion(escapedVersion);
  } catch {
    return undefined;
  }
  if (modPath === undefined) return undefined;
  const archive = parseTxtar(readFileSync(file));
  let info: Uint8Array | undefined;
  let mod: Uint8Array | undefined;
  const files: FixtureFile[] = [];
  const zipEntries: FixtureFile[] = [];
  for (const f of archive.files) {
    if (f.name === '.info') info = f.data;
    else if (f.name === '.mod') mod = f.data;
    if (f.name === '.info' || f.name === '.mod' || f.name === '.zip') continue;
    files.push({ name: f.name, data: f.data });
    zipEntries.push({
      name: f.name.startsWith('/') ? f.name.slice(1) : `${modPath}@${version}/${f.name}`,
      data: f.data,
    });
  }
  const title = Buffer.from(archive.comment).toString('utf8').split('\n')[0]!.trim();
  return {
    file: path.basename(file),
    path: modPath,
    version,
    escapedPath,
    escapedVersion,
    ...(info ? { info } : {}),
    ...(mod ? { mod } : {}),
    files,
    zipEntries,
    title,
    archive,
  };
}

/**
 * unescapeFixturePath undoes the "!x" escaping of a fixture's module path without
 * requiring a valid module path (fixtures such as example.com/invalidpath/v1 are
 * invalid on purpose): module.unescapePath reports the unescaped path with its error.
 */
function unescapeFixturePath(escaped: string): string | undefined {
  try {
    return module.unescapePath(escaped);
  } catch (e) {
    const p = (e as { fields?: { path?: unknown } }).fields?.path;
    return typeof p === 'string' ? p : undefined;
  }
}

/** ProxyTree summarises what writeProxyTree wrote. */
export interface ProxyTree {
  readonly dir: string;
  /** Module path → versions written (file-name versions). */
  readonly modules: ReadonlyMap<string, readonly string[]>;
  /** zipPath returns the .zip written for a fixture. */
  zipPath(f: Pick<Fixture, 'escapedPath' | 'escapedVersion'>): string;
}

/**
 * writeProxyTree writes the GOPROXY tree of the given fixtures (or all of them)
 * under outDir, which may already exist. Use GOPROXY=file://<outDir>.
 */
export async function writeProxyTree(outDir: string, fixtures: readonly Fixture[] | 'all'): Promise<ProxyTree> {
  const list = fixtures === 'all' ? loadFixtures() : fixtures;
  const byModule = new Map<string, Fixture[]>();
  for (const f of list) {
    const dir = path.join(outDir, f.escapedPath, '@v');
    await mkdir(dir, { recursive: true });
    if (f.info) await writeFile(path.join(dir, `${f.escapedVersion}.info`), f.info);
    if (f.mod) await writeFile(path.join(dir, `${f.escapedVersion}.mod`), f.mod);
    await writeZip(createWriteStream(path.join(dir, `${f.escapedVersion}.zip`)), f.zipEntries);
    const same = byModule.get(f.path) ?? [];
    same.push(f);
    byModule.set(f.path, same);
  }
  const modules = new Map<string, string[]>();
  for (const [modPath, versions] of byModule) {
    const root = path.join(outDir, versions[0]!.escapedPath);
    const { pathMajor } = module.splitPathVersion(modPath);
    const ok = versions.filter((f) => semver.isValid(f.version) && !module.checkPathMajor(f.version, pathMajor));
    const listed = ok
      .map((f) => f.version)
      .filter((v) => !module.isPseudoVersion(v))
      .sort(semver.compare);
    await writeFile(path.join(root, '@v', 'list'), listed.map((v) => v + '\n').join(''));
    const latest = latestOf(ok);
    if (latest?.info) await writeFile(path.join(root, '@latest'), latest.info);
    modules.set(
      modPath,
      versions.map((f) => f.version),
    );
  }
  return {
    dir: outDir,
    modules,
    zipPath: (f) => path.join(outDir, f.escapedPath, '@v', `${f.escapedVersion}.zip`),
  };
}

/** latestOf picks the highest release, else prerelease, else pseudo-version. */
function latestOf(versions: readonly Fixture[]): Fixture | undefined {
  const pick = (kind: (v: string) => boolean) => {
    let best: Fixture | undefined;
    for (const f of versions) {
      if (kind(f.version) && (!best || semver.compare(best.version, f.version) < 0)) best = f;
    }
    return best;
  };
  const pseudo = (v: string) => module.isPseudoVersion(v);
  return (
    pick((v) => !pseudo(v) && semver.prerelease(v) === '') ??
    pick((v) => !pseudo(v) && semver.prerelease(v) !== '') ??
    pick(pseudo)
  );
}
