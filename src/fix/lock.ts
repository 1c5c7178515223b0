/**
 * The project lock: one fix or undo at a time per journal. `.modrescue/lock` holds the
 * pid of the holder; a lock left by a process that no longer runs (a crash) is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../shared/errors.js';
import { ensureJournalDir } from '../shared/journal.js';

/**
 * lockProject takes the lock beside journal and resolves with its release function. It
 * throws ERR_FIX_LOCKED (exit 3) while another live process holds it.
 */
export async function lockProject(journal: string): Promise<() => Promise<void>> {
  await ensureJournalDir(journal);
  const file = path.join(path.dirname(journal), 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.write(`${process.pid}\n`);
      await fh.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new CodedError(
          'ERR_FIX_LOCKED',
          `another modrescue (pid ${pid}) is changing this project (${file}); wait for it to finish`,
          { file, pid, exitCode: 3 },
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new CodedError('ERR_FIX_LOCKED', `cannot take the project lock ${file}`, { file, exitCode: 3 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
