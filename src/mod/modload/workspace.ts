/**
 * Go workspaces (https://go.dev/ref/mod#workspaces): a go.work file names main modules
 * with `use` directives; together they are the roots of one module graph, and the
 * go.work `replace` directives win over the modules' own.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import { parseWork } from '../modfile/work.js';
import { readMainModule, type MainModule, type Workspace } from './load.js';
import type { GoRelease } from './release.js';
import type { ParseGoMod } from './types.js';

/**
 * findWorkspaceFile returns the go.work file at or above dir (modload.findWorkspaceFile),
 * or undefined when there is none.
 */
export async function findWorkspaceFile(dir: string): Promise<string | undefined> {
  let d = path.resolve(dir);
  for (;;) {
    const f = path.join(d, 'go.work');
    const st = await stat(f).catch(() => undefined);
    if (st && !st.isDirectory()) return f;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/**
 * loadWorkspace reads the go.work file at workFile (an absolute path) and the go.mod of
 * every module it uses, in `use` order (loadWorkFile). It rejects with the go.work
 * parse error (every error with file:line), ERR_MODLOAD_WORK_DUPLICATE ("path … appears
 * multiple times in workspace"), ERR_MODLOAD_WORK_MODULE when a used directory has no
 * readable go.mod, and readMainModule's errors for a malformed one.
 */
export async function loadWorkspace(workFile: string, parseGoMod: ParseGoMod, release?: GoRelease): Promise<Workspace> {
  let data: Buffer;
  try {
    data = await readFile(workFile);
  } catch (e) {
    throw new CodedError(
      'ERR_MODLOAD_WORK_READ',
      `reading go.work: open ${workFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
      { workFile },
    );
  }
  const wf = parseWork(workFile, data);
  const workDir = path.dirname(workFile);
  const seen = new Set<string>();
  const mains: MainModule[] = [];
  for (const u of wf.use) {
    const root = path.isAbsolute(u.path) ? u.path : path.join(workDir, u.path);
    if (seen.has(root)) {
      throw new CodedError('ERR_MODLOAD_WORK_DUPLICATE', `path ${root} appears multiple times in workspace`, { root });
    }
    seen.add(root);
    try {
      mains.push(await readMainModule(root, parseGoMod, release));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CodedError(
          'ERR_MODLOAD_WORK_MODULE',
          `open ${path.join(root, 'go.mod')}: no such file or directory`,
          { root },
        );
      }
      throw e;
    }
  }
  const seenPaths = new Set<string>();
  for (const mm of mains) {
    if (seenPaths.has(mm.path)) {
      throw new CodedError('ERR_MODLOAD_WORK_DUPLICATE', `module ${mm.path} appears multiple times in workspace`, {
        module: mm.path,
      });
    }
    seenPaths.add(mm.path);
  }
  return {
    path: workFile,
    goVersion: wf.go?.version ?? '',
    ...(wf.toolchain ? { toolchain: wf.toolchain.name } : {}),
    mains,
    replace: wf.replace.map((r) => ({
      old: { path: r.old.path, version: r.old.version },
      new: { path: r.new.path, version: r.new.version },
    })),
  };
}
