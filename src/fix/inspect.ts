/**
 * Reading the journal for people: which actions were interrupted (a dangling `pending`
 * entry) and, for each file such an action names, whether it holds the old bytes, the
 * new bytes, or something else — the crash-safety promise made visible.
 */
import path from 'node:path';
import { danglingEntries, readJournal, type JournalEntry, type JournalLineError } from '../shared/journal.js';
import { hashFile } from './atomic.js';
import { createPlanContext } from './context.js';
import type { FixContext } from './types.js';

/** FileState says what an interrupted action left in one file. */
export interface FileState {
  readonly path: string;
  readonly label: string;
  /** `old`: the before bytes (not written); `new`: the after bytes (written); `other`: changed since. */
  readonly state: 'old' | 'new' | 'other';
}

/** Dangling is an interrupted action and the state of its files. */
export interface Dangling {
  readonly entry: JournalEntry;
  readonly files: readonly FileState[];
}

/** JournalReport is inspectJournal's answer. */
export interface JournalReport {
  readonly journal: string;
  readonly entries: readonly JournalEntry[];
  readonly dangling: readonly Dangling[];
  readonly errors: readonly JournalLineError[];
}

/** inspectJournal reads the project's journal and examines its interrupted actions. */
export async function inspectJournal(ctx: FixContext): Promise<JournalReport> {
  const pc = await createPlanContext(ctx);
  const view = await readJournal(pc.journal);
  const dangling: Dangling[] = [];
  for (const entry of danglingEntries(view)) {
    const files: FileState[] = [];
    for (const f of entry.files) {
      const cur = await hashFile(f.path);
      files.push({
        path: f.path,
        label: pc.label(f.path),
        state: cur === f.before ? 'old' : cur === f.after ? 'new' : 'other',
      });
    }
    dangling.push({ entry, files });
  }
  return { journal: pc.journal, entries: view.entries, dangling, errors: view.errors };
}

/** describeDangling words one interrupted action for a warning line. */
export function describeDangling(d: Dangling, root: string): string {
  const states = d.files.map(
    (f) =>
      `${f.label || path.relative(root, f.path)} ${f.state === 'old' ? 'has its old bytes' : f.state === 'new' ? 'has its new bytes' : 'was changed since'}`,
  );
  return `action ${d.entry.id} (${d.entry.action}) was interrupted at ${d.entry.time}${states.length > 0 ? `: ${states.join(', ')}` : ''}; run 'modrescue undo ${d.entry.id}' to take back what it did`;
}
