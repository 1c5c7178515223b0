/**
 * ModuleRefs collects module references in first-seen order, merging duplicates:
 * a path seen with a version absorbs the same path seen without one, and an inferred
 * module root is dropped when an exact module path covers it.
 */
import { checkPath } from '../mod/module/index.js';
import type { ModuleRef } from './types.js';

/** RefKind says how sure the path is: named as a module, inferred from a known hosting layout, or guessed. */
export type RefKind = 'exact' | 'inferred' | 'guessed';

const STRENGTH: Record<RefKind, number> = { guessed: 0, inferred: 1, exact: 2 };

interface Entry {
  path: string;
  versions: string[];
  kind: RefKind;
}

/** ModuleRefs is a small ordered set of module references, capped at `limit` paths. */
export class ModuleRefs {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly limit = 200) {}

  /** add records path (and version) with how sure it is a module path. */
  add(path: string, version: string | undefined, kind: RefKind): void {
    // Only what the go command would accept as a module path (x/mod module.CheckPath).
    if (checkPath(path) !== undefined) return;
    let e = this.entries.get(path);
    if (!e) {
      if (this.entries.size >= this.limit) return;
      e = { path, versions: [], kind };
      this.entries.set(path, e);
    }
    if (STRENGTH[kind] > STRENGTH[e.kind]) e.kind = kind;
    if (version !== undefined && !e.versions.includes(version)) e.versions.push(version);
  }

  /** list returns the references: one per path and version, without covered inferred roots. */
  list(): ModuleRef[] {
    const all = [...this.entries.values()];
    const out: ModuleRef[] = [];
    for (const e of all) {
      if (e.kind !== 'exact' && e.versions.length === 0) {
        // A root inside an exact module adds nothing; a guessed root around one was too short.
        const covered = all.some(
          (o) =>
            o !== e &&
            o.kind === 'exact' &&
            (e.path.startsWith(o.path + '/') || (e.kind === 'guessed' && o.path.startsWith(e.path + '/'))),
        );
        if (covered) continue;
      }
      // A package@version spelling beside its module@version spelling.
      if (e.versions.length > 0 && e.kind !== 'exact') {
        const covered = all.some(
          (o) => o !== e && e.path.startsWith(o.path + '/') && e.versions.every((v) => o.versions.includes(v)),
        );
        if (covered) continue;
      }
      if (e.versions.length === 0) out.push({ path: e.path });
      for (const v of e.versions) out.push({ path: e.path, version: v });
    }
    return out;
  }
}
