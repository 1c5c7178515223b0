/**
 * Who holds a lock file. The go command locks module-cache files with flock(2) and never
 * removes them, so a lock file's existence means nothing; what matters is whether a
 * process holds it now, and for how long that process has run. Linux lists every held
 * lock in /proc/locks (`1: FLOCK ADVISORY WRITE <pid> <maj>:<min>:<inode> 0 EOF`); the
 * holder's age comes from /proc/<pid>/stat and /proc/uptime. Elsewhere nothing is known
 * and heldLocks returns an empty map.
 */
import { readFile } from 'node:fs/promises';

/** LockHolder is the process holding a lock on a file (identified by inode). */
export interface LockHolder {
  readonly pid: number;
  readonly kind: string;
  /** The holder's command line, when readable. */
  readonly command?: string;
  /** How long the holder has been running, in ms, when known. */
  readonly runningMs?: number;
}

/** parseProcLocks maps inode numbers to the processes holding locks on them (waiters, `->` lines, are skipped). */
export function parseProcLocks(text: string): Map<number, Array<{ pid: number; kind: string }>> {
  const out = new Map<number, Array<{ pid: number; kind: string }>>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || f[1] === '->') continue;
    const pid = Number(f[4]);
    const inode = Number((f[5] ?? '').split(':')[2]);
    if (!Number.isInteger(pid) || !Number.isInteger(inode) || pid <= 0) continue;
    const list = out.get(inode) ?? [];
    list.push({ pid, kind: `${f[1]} ${f[3]}` });
    out.set(inode, list);
  }
  return out;
}

/** heldLocks reads /proc/locks and describes the holders (empty when /proc is not there). */
export async function heldLocks(): Promise<Map<number, LockHolder[]>> {
  const text = await readFile('/proc/locks', 'utf8').catch(() => '');
  const parsed = parseProcLocks(text);
  const out = new Map<number, LockHolder[]>();
  if (parsed.size === 0) return out;
  const uptime = Number((await readFile('/proc/uptime', 'utf8').catch(() => '')).split(' ')[0]);
  // Clock ticks per second: 100 on every Linux configuration Node supports.
  const hz = 100;
  for (const [inode, holders] of parsed) {
    const described: LockHolder[] = [];
    for (const h of holders) {
      const cmd = (await readFile(`/proc/${h.pid}/cmdline`, 'utf8').catch(() => ''))
        .split('\0')
        .filter((x) => x !== '');
      const stat = await readFile(`/proc/${h.pid}/stat`, 'utf8').catch(() => '');
      // Field 22 (starttime) counts from after the ")" that closes the command name.
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const start = Number(after[19]);
      const runningMs =
        Number.isFinite(uptime) && Number.isFinite(start) && start > 0
          ? Math.max(0, (uptime - start / hz) * 1000)
          : undefined;
      described.push({
        pid: h.pid,
        kind: h.kind,
        ...(cmd.length > 0 ? { command: cmd.join(' ') } : {}),
        ...(runningMs !== undefined ? { runningMs } : {}),
      });
    }
    out.set(inode, described);
  }
  return out;
}
