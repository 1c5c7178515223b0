/**
 * Small helpers of the doctor: a concurrency limiter, a child-process runner with a
 * timeout, and formatting of durations and sizes.
 */
import { execFile } from 'node:child_process';

/** Limiter runs at most n tasks at once, in arrival order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** createLimiter returns a Limiter for n concurrent tasks (n < 1 is treated as 1). */
export function createLimiter(n: number): Limiter {
  const max = Math.max(1, Math.floor(n));
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (active >= max) return;
    const run = queue.shift();
    if (run) {
      active++;
      run();
    }
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

/** mapLimit maps items through f with at most n calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  n: number,
  f: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await f(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}

/** ProcessResult is what a child process did. */
export interface ProcessResult {
  /** Exit code; -1 when it was killed or could not start. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the timeout killed it. */
  readonly timedOut: boolean;
  /** Set when the program could not be started (e.g. ENOENT: not installed). */
  readonly spawnError?: string;
}

/**
 * runProcess runs file with args and the given environment (never the parent's), kills
 * it after timeoutMs or when signal aborts, and resolves with what happened. It never
 * rejects: a missing program is reported in spawnError.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  options: {
    env: Readonly<Record<string, string | undefined>>;
    timeoutMs: number;
    cwd?: string;
    signal?: AbortSignal;
  },
): Promise<ProcessResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  return new Promise((resolve) => {
    let timedOut = false;
    const child = execFile(
      file,
      [...args],
      {
        env,
        cwd: options.cwd,
        encoding: 'utf8',
        maxBuffer: 4 * 1024 * 1024,
        windowsHide: true,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (err, stdout, stderr) => {
        clearTimeout(timer);
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string' && !timedOut) {
          const code = (err as NodeJS.ErrnoException).code!;
          if (code === 'ENOENT' || code === 'EACCES') {
            resolve({ code: -1, stdout: '', stderr: '', timedOut, spawnError: `${file}: ${code}` });
            return;
          }
          // ABORT_ERR and the like: the run was cancelled.
          resolve({ code: -1, stdout: String(stdout), stderr: String(stderr), timedOut, spawnError: code });
          return;
        }
        const exit = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code: timedOut ? -1 : exit, stdout: String(stdout), stderr: String(stderr), timedOut });
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdin?.end();
  });
}

/** formatMs prints a duration for people: `850 ms`, `1.2 s`, `2 min`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** formatBytes prints a size with binary units: `512 B`, `3.4 MiB`, `12 GiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** plural returns `1 module`, `3 modules`. */
export function plural(n: number, word: string, pluralWord = word + 's'): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** errorMessage returns the message of an unknown thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
