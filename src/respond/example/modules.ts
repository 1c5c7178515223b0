/**
 * The module versions of an example incident, committed as small txtar sources
 * (`examples/<name>/modules/*.txt`, the go command's test-proxy fixture format) and
 * turned into a GOPROXY tree at run time with modrescue's own txtar, zip and dirhash
 * code — nothing binary is committed.
 *
 * A source file's name is `<path with / as _>_<version>.txt` (split at the last `_v`);
 * its `.mod` and `.info` sections are the proxy's `.mod` and `.info` answers, every
 * other section a file of the module zip.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import * as module from '../../mod/module/index.js';
import * as semver from '../../mod/semver/index.js';
import { hashGoMod, hashZip } from '../../mod/sumdb/dirhash/index.js';
import { parse as parseTxtar } from '../../mod/txtar/index.js';
import { create as createZip, fileFromBytes } from '../../mod/zip/index.js';
import { CodedError } from '../../shared/errors.js';

/** ExampleModule is one module version of an example's proxy. */
export interface ExampleModule {
  readonly path: string;
  readonly version: string;
  readonly info: Uint8Array;
  readonly mod: Uint8Array;
  /** The zip's files (names relative to the module root). */
  readonly files: ReadonlyArray<{ readonly name: string; readonly data: Uint8Array }>;
}

/** BuiltModule is a module version written to a proxy tree, with its go.sum hashes. */
export interface BuiltModule extends ExampleModule {
  /** The zip's h1: hash (the go.sum `path version` line). */
  readonly h1: string;
  /** The go.mod's h1: hash (the go.sum `path version/go.mod` line). */
  readonly goModH1: string;
  readonly zipPath: string;
}

/** key returns "path@version". */
export const key = (m: { path: string; version: string }): string => `${m.path}@${m.version}`;

/**
 * readModuleSources reads every `*.txt` module source of dir (sorted by name). It
 * rejects with ERR_RESPOND_EXAMPLE_INVALID for a file whose name does not decode into a
 * module path and canonical version, or that lacks a `.mod` or `.info` section.
 */
export async function readModuleSources(dir: string): Promise<ExampleModule[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.txt')).sort();
  const out: ExampleModule[] = [];
  for (const name of names) {
    const base = name.slice(0, -'.txt'.length);
    const i = base.lastIndexOf('_v');
    const bad = (why: string) =>
      new CodedError('ERR_RESPOND_EXAMPLE_INVALID', `example module ${path.join(dir, name)}: ${why}`, {
        file: path.join(dir, name),
      });
    if (i < 0) throw bad('the file name must be <module path with _ for />_<version>.txt');
    const modPath = base.slice(0, i).replaceAll('_', '/');
    const version = base.slice(i + 1);
    try {
      module.checkPath(modPath);
    } catch (e) {
      throw bad((e as Error).message);
    }
    if (!semver.isValid(version) || semver.canonical(version) !== version)
      throw bad(`non-canonical version ${version}`);
    const archive = parseTxtar(new Uint8Array(await readFile(path.join(dir, name))));
    const section = (s: string) => archive.files.find((f) => f.name === s)?.data;
    const mod = section('.mod');
    const info = section('.info');
    if (!mod || !info) throw bad('a module source needs a .mod and an .info section');
    out.push({
      path: modPath,
      version,
      mod,
      info,
      files: archive.files.filter((f) => !f.name.startsWith('.')).map((f) => ({ name: f.name, data: f.data })),
    });
  }
  return out;
}

/**
 * writeModule writes m into the GOPROXY tree at root (`<escaped path>/@v/<v>.{info,mod,zip}`)
 * and returns its hashes. The zip is made by zip.create (the go command's checks), so a
 * malformed source is refused with zip's error.
 */
export async function writeModule(root: string, m: ExampleModule): Promise<BuiltModule> {
  const dir = path.join(root, module.escapePath(m.path), '@v');
  await mkdir(dir, { recursive: true });
  const v = module.escapeVersion(m.version);
  await writeFile(path.join(dir, `${v}.info`), m.info);
  await writeFile(path.join(dir, `${v}.mod`), m.mod);
  const zipPath = path.join(dir, `${v}.zip`);
  const tmp = zipPath + '.tmp';
  const out = createWriteStream(tmp);
  await createZip(
    out,
    { path: m.path, version: m.version },
    m.files.map((f) => fileFromBytes(f.name, f.data)),
  );
  out.end();
  await finished(out);
  await rename(tmp, zipPath);
  return { ...m, h1: await hashZip(zipPath), goModH1: hashGoMod(m.mod), zipPath };
}

/**
 * writeLists writes `@v/list` (the listed versions in semver order) and `@latest` for
 * every module path of mods into the tree at root. Versions in `hidden` ("path@version")
 * are left out of the list, as a deleted tag is.
 */
export async function writeLists(
  root: string,
  mods: readonly ExampleModule[],
  hidden: ReadonlySet<string> = new Set(),
): Promise<void> {
  const byPath = new Map<string, ExampleModule[]>();
  for (const m of mods) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m]);
  for (const [p, list] of byPath) {
    const shown = list.filter((m) => !hidden.has(key(m))).sort((a, b) => semver.compare(a.version, b.version));
    const dir = path.join(root, module.escapePath(p));
    await mkdir(path.join(dir, '@v'), { recursive: true });
    await writeFile(path.join(dir, '@v', 'list'), shown.map((m) => m.version + '\n').join(''));
    const latest = shown.at(-1);
    if (latest) await writeFile(path.join(dir, '@latest'), latest.info);
  }
}

/** goSumLines returns the go.sum lines (zip and go.mod) of mods, sorted as the go command writes them. */
export function goSumLines(mods: readonly BuiltModule[]): string {
  const lines: string[] = [];
  for (const m of mods) lines.push(`${m.path} ${m.version} ${m.h1}`, `${m.path} ${m.version}/go.mod ${m.goModH1}`);
  return lines.sort().join('\n') + (lines.length > 0 ? '\n' : '');
}
