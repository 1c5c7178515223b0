/**
 * The go command's in-memory go.sum (cmd/go/internal/modfetch fetch.go: goSum,
 * initGoSum, haveModSumLocked, addModSumLocked, WriteGoSum).
 *
 * Every checksum the command computes is checked here first. A recorded "h1:" hash that
 * differs is a SECURITY ERROR that stops the command (the go command calls base.Fatalf);
 * a missing one is added as "dirty". At the end, WriteGoSum merges the dirty sums that
 * the caller wants to keep into the file as it is on disk then (other processes may
 * have added lines), under the file's lock and the module cache's side lock.
 */
import { access, readFile, writeFile } from 'node:fs/promises';
import { CodedError } from '../internal/errors.js';
import * as gosum from '../gosum/index.js';
import * as module from '../module/index.js';
import type { FileLocker } from '../modcache/index.js';
import { ioError } from '../internal/io-error.js';

/** ModuleVersion is a path and a version (with "/go.mod" for go.mod sums). */
export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}

interface Status {
  used: boolean;
  dirty: boolean;
}

/** HASH_VERSION_MISMATCH is the go command's warning after unknown hash algorithms. */
const HASH_VERSION_MISMATCH = `

SECURITY WARNING
This download is listed in go.sum, but using an unknown hash algorithm.
The download cannot be verified.

For more information, see 'go help module-auth'.

`;

/** ERR_GO_SUM_DIRTY_TEXT is the go command's ErrGoSumDirty text. */
export const GO_SUM_DIRTY = 'updates to go.sum needed, disabled by -mod=readonly';

const key = (m: ModuleVersion) => `${m.path} ${m.version}`;

/** GoSumStateOptions locate go.sum and the locks around it. */
export interface GoSumStateOptions {
  /** The go.sum path; "" when there is no main module (no checks, nothing written). */
  readonly file: string;
  readonly locker: FileLocker;
  /** $GOMODCACHE/cache/lock, taken best effort while writing (SideLock). */
  readonly sideLock?: string;
  /** Receives the warnings the go command prints on stderr. */
  readonly onLog?: (line: string) => void;
}

/**
 * GoSumState is the go.sum of one command run. Methods are safe to call concurrently.
 * haveModSum throws the fatal ERR_GOSUM_MISMATCH (gosum.mismatchError's text) when go.sum
 * records another h1 hash.
 */
export class GoSumState {
  readonly file: string;
  readonly #options: GoSumStateOptions;
  #m: Map<string, string[]> | undefined;
  #status = new Map<string, Status>();
  #init: Promise<boolean> | undefined;
  #overwrite = false;

  constructor(options: GoSumStateOptions) {
    this.file = options.file;
    this.#options = options;
  }

  /** init reads go.sum once (a missing file is empty); false when there is no go.sum to use. */
  init(): Promise<boolean> {
    return (this.#init ??= (async () => {
      if (this.file === '') return false;
      // lockedfile.Read opens the file read-only: a missing go.sum is empty and is not
      // created (the helper behind FileLocker would create the file it locks).
      const present = await access(this.file).then(
        () => true,
        () => false,
      );
      const unlock = present ? await this.#options.locker.lock(this.file, 'shared').catch(() => undefined) : undefined;
      let data = '';
      try {
        data = await readFile(this.file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('ERR_MODFETCH_GOSUM_IO', e);
      } finally {
        await unlock?.();
      }
      this.#m = parseInto(this.file, data);
      return true;
    })());
  }

  /**
   * haveModSum reports whether go.sum records hash h for m (mod.version ends in
   * "/go.mod" for go.mod sums) and marks the pair used. It throws the fatal checksum
   * mismatch when go.sum records a different h1 hash.
   */
  async haveModSum(m: ModuleVersion, h: string): Promise<boolean> {
    if (!(await this.init())) return false;
    const st = this.#st(m, h);
    st.used = true;
    return this.#haveLocked(m, h);
  }

  /** hasSum reports whether go.sum has a usable (h1, not newly added) hash for m (HaveSum). */
  async hasSum(m: ModuleVersion): Promise<boolean> {
    if (!(await this.init())) return false;
    return (this.#m!.get(key(m)) ?? []).some((h) => h.startsWith('h1:') && !this.#st(m, h).dirty);
  }

  /**
   * hasSumLoaded is hasSum for callers that need an answer synchronously; it is false
   * before init() has resolved.
   */
  hasSumLoaded(m: ModuleVersion): boolean {
    return (this.#m?.get(key(m)) ?? []).some((h) => h.startsWith('h1:') && !this.#st(m, h).dirty);
  }

  /** add records h for m as a new (dirty) sum, warning about unknown hash algorithms as Go does. */
  async add(m: ModuleVersion, h: string): Promise<void> {
    if (!(await this.init())) return;
    this.#addLocked(m, h);
    this.#st(m, h).dirty = true;
  }

  #st(m: ModuleVersion, h: string): Status {
    const k = key(m) + ' ' + h;
    let st = this.#status.get(k);
    if (!st) this.#status.set(k, (st = { used: false, dirty: false }));
    return st;
  }

  #haveLocked(m: ModuleVersion, h: string): boolean {
    for (const vh of this.#m!.get(key(m)) ?? []) {
      if (vh === h) return true;
      if (vh.startsWith('h1:')) throw gosum.mismatchError(m.path, m.version, h, vh, 'go.sum');
    }
    return false;
  }

  #addLocked(m: ModuleVersion, h: string): void {
    if (this.#haveLocked(m, h)) return;
    const list = this.#m!.get(key(m)) ?? [];
    if (list.length > 0) {
      this.#options.onLog?.(
        `warning: verifying ${m.path}@${m.version}: unknown hashes in go.sum: ${list.join(', ')}; adding ${h}${HASH_VERSION_MISMATCH}`,
      );
    }
    list.push(h);
    this.#m!.set(key(m), list);
  }

  /**
   * trim marks every sum whose module is not in keep for removal (TrimGoSum); keep holds
   * "path version" keys (version with "/go.mod" for go.mod sums).
   */
  async trim(keep: ReadonlySet<string>): Promise<void> {
    if (!(await this.init())) return;
    for (const [k, hs] of this.#m!) {
      if (keep.has(k)) continue;
      for (const h of hs) this.#status.set(k + ' ' + h, { used: false, dirty: true });
      this.#overwrite = true;
    }
  }

  /**
   * write updates go.sum as WriteGoSum: nothing happens unless a new sum is kept (keep
   * holds "path version" keys) or a trimmed one goes. With readonly it throws
   * ERR_MODFETCH_GOSUM_DIRTY (`updates to go.sum needed, disabled by -mod=readonly`)
   * instead of writing; a failed write throws ERR_MODFETCH_GOSUM_IO
   * (`updating go.sum: …`).
   */
  async write(keep: ReadonlySet<string>, readonly: boolean): Promise<void> {
    if (!this.#init || !(await this.#init)) return;
    let dirty = false;
    for (const [k, st] of this.#status) {
      const mk = k.slice(0, k.lastIndexOf(' '));
      if (st.dirty && (!st.used || keep.has(mk))) {
        dirty = true;
        break;
      }
    }
    if (!dirty) return;
    if (readonly) throw new CodedError('ERR_MODFETCH_GOSUM_DIRTY', GO_SUM_DIRTY, { file: this.file });
    const { locker } = this.#options;
    const side = this.#options.sideLock ? await locker.lock(this.#options.sideLock).catch(() => undefined) : undefined;
    try {
      const unlock = await locker.lock(this.file);
      try {
        if (!this.#overwrite) {
          const data = await readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return '';
            throw e;
          });
          this.#m = parseInto(this.file, data);
          for (const [k, st] of this.#status) {
            if (!st.used) continue;
            const sp = k.lastIndexOf(' ');
            const mk = k.slice(0, sp);
            const [p, v] = mk.split(' ') as [string, string];
            this.#addLocked({ path: p, version: v }, k.slice(sp + 1));
          }
        }
        const mods = module.sort(
          [...this.#m!.keys()].map((k) => ({ path: k.split(' ')[0]!, version: k.split(' ')[1]! })),
        );
        let out = '';
        for (const m of mods) {
          const list = [...new Set(this.#m!.get(key(m)))].sort((a, b) =>
            Buffer.compare(Buffer.from(a), Buffer.from(b)),
          );
          for (const h of list) {
            const st = this.#status.get(key(m) + ' ' + h) ?? { used: false, dirty: false };
            if (!st.dirty || (st.used && keep.has(key(m)))) out += `${m.path} ${m.version} ${h}\n`;
          }
        }
        await writeFile(this.file, out);
      } finally {
        await unlock();
      }
    } catch (e) {
      if (e instanceof CodedError && e.code === 'ERR_MODFETCH_GOSUM_DIRTY') throw e;
      throw new CodedError('ERR_MODFETCH_GOSUM_IO', `updating go.sum: ${ioError('', e).message}`, { file: this.file });
    } finally {
      await side?.();
    }
    this.#status = new Map();
    this.#overwrite = false;
  }
}

/** parseInto reads go.sum content as the go command does (stops at the first malformed line). */
function parseInto(file: string, data: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of gosum.readGoSum(file, data).sum.entries()) {
    const k = `${l.path} ${l.version}`;
    const list = m.get(k) ?? [];
    list.push(l.hash);
    m.set(k, list);
  }
  return m;
}
