/**
 * Test helpers for src/fix: a FixContext over a doctor world (loopback proxy and checksum
 * database, isolated HOME/GOPATH), the journal as parsed lines, and file hashing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { httpClientOptions, resolveGoEnv } from '../../cli/goenv.js';
import { createHttpClient, type HttpClient } from '../../mod/web/index.js';
import type { DoctorWorld } from '../../../test/support/doctor-world.js';
import type { FixContext } from '../types.js';
import { readJournal, type JournalEntry } from '../../shared/journal.js';

const clients: HttpClient[] = [];

/** fixContext builds a FixContext for world (as the CLI does), online unless offline. */
export async function fixContext(
  world: Pick<DoctorWorld, 'env' | 'project'>,
  extra: Partial<FixContext> & { offline?: boolean } = {},
): Promise<FixContext> {
  const dir = extra.dir ?? world.project;
  const env = await resolveGoEnv({ env: world.env, cwd: dir });
  let fetch;
  if (!extra.offline) {
    fetch = createHttpClient(await httpClientOptions(env, { retries: 0, timeoutMs: 10_000, connectTimeoutMs: 5_000 }));
    clients.push(fetch);
  }
  const { offline: _offline, ...rest } = extra;
  return { dir, env, processEnv: world.env, ...(fetch ? { fetch } : {}), timeoutMs: 5_000, ...rest };
}

/** closeClients closes every HTTP client fixContext made. */
export async function closeClients(): Promise<void> {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
}

/** journalOf reads the project's journal (folded entries). */
export async function journalOf(project: string): Promise<JournalEntry[]> {
  return (await readJournal(path.join(project, '.modrescue', 'journal.jsonl'))).entries as JournalEntry[];
}

/** sha256File returns the hex sha256 of a file. */
export async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}
