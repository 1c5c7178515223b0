import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendJournal,
  danglingEntries,
  findEntry,
  lastUndoable,
  newEntryId,
  parseJournal,
  readJournal,
  undoneBy,
  type JournalEntry,
} from './journal.js';

const entry = (id: string, extra: Partial<JournalEntry> = {}): JournalEntry => ({
  schemaVersion: 1,
  id,
  status: 'done',
  time: '2025-01-02T03:04:05.000Z',
  actor: { kind: 'user', name: 'alice' },
  action: 'sum',
  args: {},
  project: '/p',
  summary: 'go.sum: add 1 missing line',
  files: [{ path: '/p/go.sum', role: 'go.sum', before: null, after: 'ab' }],
  env: [],
  git: [],
  cache: [],
  ...extra,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journal', () => {
  it('newEntryId is <action>-<UTC timestamp>-<hex>', () => {
    expect(newEntryId('sum', new Date('2025-01-02T03:04:05.678Z'), () => 'beef')).toBe('sum-20250102T030405Z-beef');
  });

  it('appends whole lines, creates .modrescue with a .gitignore, and folds lines by id (the last wins)', async () => {
    const file = path.join(dir, '.modrescue', 'journal.jsonl');
    await appendJournal(file, entry('a', { status: 'pending' }));
    await appendJournal(file, entry('b'));
    await appendJournal(file, entry('a', { status: 'done', outcome: { status: 'ok' } }));
    expect(await readFile(path.join(dir, '.modrescue', '.gitignore'), 'utf8')).toBe('*\n');
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')).toHaveLength(4);
    const view = await readJournal(file);
    expect(view.errors).toEqual([]);
    expect(view.entries.map((e) => [e.id, e.status])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
    ]);
    expect(view.entries[0]!.outcome).toEqual({ status: 'ok' });
  });

  it('a torn last line and foreign lines are reported with file:line:col, never fatal', () => {
    const text = `${JSON.stringify(entry('a'))}\n{"not":"an entry"}\n${JSON.stringify(entry('b')).slice(0, 40)}`;
    const view = parseJournal('j.jsonl', text);
    expect(view.entries.map((e) => e.id)).toEqual(['a']);
    expect(view.errors).toEqual([
      { file: 'j.jsonl', line: 2, col: 1, message: 'not a journal entry: schemaVersion: Invalid input: expected 1' },
      expect.objectContaining({ file: 'j.jsonl', line: 3, message: 'incomplete last line (torn write?)' }),
    ]);
  });

  it('a missing journal is empty', async () => {
    expect(await readJournal(path.join(dir, 'none.jsonl'))).toEqual({
      file: path.join(dir, 'none.jsonl'),
      entries: [],
      errors: [],
    });
  });

  it('findEntry takes an id or a unique prefix', () => {
    const view = parseJournal(
      'j',
      [entry('sum-1-aa'), entry('sum-1-ab'), entry('pin-2-cc')].map((e) => JSON.stringify(e)).join('\n'),
    );
    expect(findEntry(view, 'pin').id).toBe('pin-2-cc');
    expect(findEntry(view, 'sum-1-aa').id).toBe('sum-1-aa');
    expect(() => findEntry(view, 'sum-1')).toThrow(expect.objectContaining({ code: 'ERR_JOURNAL_AMBIGUOUS_ID' }));
    expect(() => findEntry(view, 'zzz')).toThrow(expect.objectContaining({ code: 'ERR_JOURNAL_UNKNOWN_ID' }));
  });

  it('lastUndoable skips undos, undone actions and actions that changed nothing; danglingEntries finds pending ones', () => {
    const lines = [
      entry('a'),
      entry('b', { status: 'pending' }),
      entry('u1', { action: 'undo', undoOf: 'b' }),
      entry('c', { files: [], env: [] }),
      entry('d', {
        status: 'failed',
        files: [{ path: '/p/x', role: 'go.mod', before: 'a', after: 'b', written: false }],
      }),
    ];
    const view = parseJournal('j', lines.map((e) => JSON.stringify(e)).join('\n'));
    expect(undoneBy(view, 'b')?.id).toBe('u1');
    expect(lastUndoable(view)?.id).toBe('a');
    expect(danglingEntries(view).map((e) => e.id)).toEqual(['b']);
  });

  it('a journal that cannot be written is ERR_JOURNAL_WRITE', async () => {
    await writeFile(path.join(dir, 'file'), '');
    await expect(appendJournal(path.join(dir, 'file', 'journal.jsonl'), entry('a'))).rejects.toMatchObject({
      code: 'ERR_JOURNAL_WRITE',
    });
  });
});
