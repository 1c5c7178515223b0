/**
 * File locks compatible with the go command's (cmd/go/internal/lockedfile).
 *
 * The go command serialises work on one module version with an advisory flock(2) on
 * `…/@v/<version>.lock` (lockedfile.MutexAt: the file is opened O_RDWR|O_CREATE, mode
 * 0666, locked exclusively, and never removed), and go.sum edits with `cache/lock`.
 * Node has no flock, so a FileLocker keeps one small helper process (perl, which every
 * Debian system has: perl-base is Essential) that opens and flocks files on request and
 * answers over a pipe. A lock belongs to the helper's open file, so it conflicts with
 * the go command's locks and with every other lock on the same file, in this process
 * or another. When the helper exits (the parent closed it, or died), the kernel drops
 * its locks: a crashed modrescue never leaves a version locked.
 *
 * Waiting for a held lock polls every few milliseconds inside the helper; requests
 * never block each other. Without perl, createFileLocker falls back to locks that only
 * exclude this process's own users (kind "process"), and says so in `degraded`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CodedError } from '../internal/errors.js';

/** Unlock releases a lock; calling it twice is harmless. */
export type Unlock = () => Promise<void>;

/** LockMode is an exclusive (write) or shared (read) lock, as lockedfile's. */
export type LockMode = 'exclusive' | 'shared';

/** FileLocker takes advisory locks on files (created when missing). */
export interface FileLocker {
  /** kind says how locks are taken: "flock" (shared with the go command) or "process" (this process only). */
  readonly kind: 'flock' | 'process';
  /** degraded explains why kind is "process", if it is. */
  readonly degraded?: string;
  /**
   * lock waits until the file at path (created with mode 0666 & ~umask when missing) is
   * locked in mode and resolves with its Unlock. It rejects with ERR_MODCACHE_LOCK when
   * the file cannot be opened (the message is Go's `open <path>: <reason>`), or when
   * signal aborts the wait.
   */
  lock(path: string, mode?: LockMode, signal?: AbortSignal): Promise<Unlock>;
  /** close releases every lock and stops the helper. */
  close(): Promise<void>;
}

/**
 * The helper: reads `L <id> <X|S> <hex path>` and `U <id>` lines, answers `K <id>` (locked),
 * `E <id> <reason>` (cannot open/lock) and `U <id>` (released). Pending locks are retried
 * with LOCK_NB every 3 ms. EOF on stdin ends it (and the kernel releases its locks).
 */
const HELPER = String.raw`
use strict; use Fcntl qw(:flock O_RDWR O_CREAT); use IO::Select;
$| = 1; my (%held, @pending); my $buf = ''; my $sel = IO::Select->new(\*STDIN);
while (1) {
  if ($sel->can_read(@pending ? 0.003 : undef)) {
    my $n = sysread(STDIN, $buf, 65536, length $buf); exit 0 unless $n;
    while ($buf =~ s/^([^\n]*)\n//) {
      my @f = split / /, $1;
      if ($f[0] eq 'L') {
        my $fh; my $p = pack('H*', $f[3]);
        if (!sysopen($fh, $p, O_RDWR|O_CREAT, 0666)) { print "E $f[1] $!\n"; next; }
        push @pending, [$f[1], $fh, $f[2] eq 'S' ? LOCK_SH : LOCK_EX];
      } elsif ($f[0] eq 'U') {
        my $fh = delete $held{$f[1]}; if ($fh) { flock($fh, LOCK_UN); close($fh); }
        @pending = grep { $_->[0] ne $f[1] } @pending; print "U $f[1]\n";
      }
    }
  }
  my @still;
  for my $q (@pending) {
    if (flock($q->[1], $q->[2] | LOCK_NB)) { $held{$q->[0]} = $q->[1]; print "K $q->[0]\n"; }
    elsif ($!{EWOULDBLOCK}) { push @still, $q; }
    else { print "E $q->[0] $!\n"; close($q->[1]); }
  }
  @pending = @still;
}
`;

interface Waiter {
  resolve(): void;
  reject(e: Error): void;
}

/** lowerFirst turns perl's "No such file or directory" into Go's "no such file or directory". */
function goReason(reason: string): string {
  return reason.length > 0 ? reason[0]!.toLowerCase() + reason.slice(1) : reason;
}

/**
 * createFileLocker returns a FileLocker. The helper starts on the first lock and is
 * unreferenced while no request is waiting, so an idle locker never keeps Node alive.
 * perlPath overrides the helper interpreter (tests pass a missing one to exercise the
 * fallback).
 */
export function createFileLocker(options: { perlPath?: string } = {}): FileLocker {
  let child: ChildProcessWithoutNullStreams | undefined;
  let failed: string | undefined;
  let nextId = 1;
  let pending = 0;
  const waiting = new Map<string, Waiter>();
  const unlocking = new Map<string, () => void>();
  const held = new Set<string>();
  const processLocks = createProcessLocker();
  let started: Promise<boolean> | undefined;

  const ref = (on: boolean) => {
    if (!child) return;
    const s = child.stdout as unknown as { ref?: () => void; unref?: () => void };
    const i = child.stdin as unknown as { ref?: () => void; unref?: () => void };
    if (on) {
      child.ref();
      s.ref?.();
      i.ref?.();
    } else {
      child.unref();
      s.unref?.();
      i.unref?.();
    }
  };

  const start = (): Promise<boolean> =>
    (started ??= new Promise<boolean>((resolve) => {
      let c: ChildProcessWithoutNullStreams;
      try {
        c = spawn(options.perlPath ?? 'perl', ['-e', HELPER], { stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (e) {
        failed = (e as Error).message;
        resolve(false);
        return;
      }
      let buf = '';
      c.stdout.setEncoding('utf8');
      c.stdout.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const [kind, id, ...rest] = line.split(' ');
          if (kind === 'K' || kind === 'E') {
            const w = waiting.get(id!);
            if (!w) continue;
            waiting.delete(id!);
            pending--;
            if (pending === 0) ref(false);
            if (kind === 'K') {
              held.add(id!);
              w.resolve();
            } else w.reject(new Error(goReason(rest.join(' '))));
          } else if (kind === 'U') {
            unlocking.get(id!)?.();
            unlocking.delete(id!);
          }
        }
      });
      c.stderr.resume();
      c.stdin.on('error', () => {});
      c.on('error', (e) => {
        failed = e.message;
        for (const w of waiting.values()) w.reject(new Error(`lock helper: ${e.message}`));
        waiting.clear();
        resolve(false);
      });
      c.on('exit', () => {
        for (const w of waiting.values()) w.reject(new Error('lock helper exited'));
        waiting.clear();
        for (const u of unlocking.values()) u();
        unlocking.clear();
        held.clear();
        child = undefined;
      });
      c.on('spawn', () => {
        child = c;
        ref(false);
        resolve(true);
      });
    }));

  const locker: FileLocker = {
    get kind() {
      return failed === undefined ? 'flock' : 'process';
    },
    get degraded() {
      return failed === undefined ? undefined : `file locks are not shared with the go command: ${failed}`;
    },
    async lock(file, mode = 'exclusive', signal) {
      if (!(await start()) || !child) return processLocks.lock(file, mode, signal);
      const id = String(nextId++);
      const c = child;
      const done = new Promise<void>((resolve, reject) => waiting.set(id, { resolve, reject }));
      pending++;
      ref(true);
      c.stdin.write(`L ${id} ${mode === 'shared' ? 'S' : 'X'} ${Buffer.from(file).toString('hex')}\n`);
      const onAbort = () => {
        const w = waiting.get(id);
        if (!w) return;
        waiting.delete(id);
        pending--;
        if (pending === 0) ref(false);
        c.stdin.write(`U ${id}\n`);
        w.reject(new Error('interrupted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await done;
      } catch (e) {
        throw new CodedError(
          'ERR_MODCACHE_LOCK',
          (e as Error).message === 'interrupted'
            ? `lock ${file}: interrupted`
            : `open ${file}: ${(e as Error).message}`,
          { file },
        );
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      let released = false;
      return async () => {
        if (released || !held.has(id) || child !== c) return;
        released = true;
        held.delete(id);
        const gone = new Promise<void>((resolve) => unlocking.set(id, resolve));
        ref(true);
        c.stdin.write(`U ${id}\n`);
        await gone;
        if (pending === 0) ref(false);
      };
    },
    async close() {
      await processLocks.close();
      const c = child;
      if (!c) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.stdin.end();
      ref(true);
      await exited;
    },
  };
  return locker;
}

/** createProcessLocker returns locks that exclude users within this process only. */
function createProcessLocker(): FileLocker {
  const tails = new Map<string, Promise<void>>();
  return {
    kind: 'process',
    async lock(file, _mode, signal) {
      const prev = tails.get(file) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      const tail = prev.then(() => mine);
      tails.set(file, tail);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          reject(new CodedError('ERR_MODCACHE_LOCK', `lock ${file}: interrupted`, { file }));
          void prev.then(release);
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        void prev.then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        release();
        if (tails.get(file) === tail) tails.delete(file);
      };
    },
    async close() {},
  };
}
