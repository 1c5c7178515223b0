// Transcript tests of `modrescue undo`: ids, --last, --list, refusals, --json.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';

const GO_MOD = 'module example.com/app\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n';
let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-undocli-'));
  await mkdir(path.join(dir, 'app'));
  await writeFile(path.join(dir, 'app', 'go.mod'), GO_MOD);
  env = { HOME: path.join(dir, 'home'), GOENV: 'off', GOFLAGS: '', GOPROXY: 'off', GOSUMDB: 'off', USER: 'carol' };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const app = () => path.join(dir, 'app');
const mr = (args: string[]) => run(args, { cwd: app(), env });
const gomod = () => readFile(path.join(app(), 'go.mod'), 'utf8');

describe('modrescue undo', () => {
  it('nothing to undo in an empty journal (exit 1)', async () => {
    const r = await mr(['undo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `modrescue: nothing to undo in the journal ${path.join(app(), '.modrescue', 'journal.jsonl')}\n`,
    );
  });

  it('undoes the newest action first, each once; ids and prefixes; --list shows who did what', async () => {
    expect((await mr(['fix', 'pin', 'rsc.io/quote@v1.5.3', '--offline', '--apply'])).code).toBe(0);
    expect((await mr(['fix', 'replace', '--add', 'rsc.io/quote=../fork', '--offline', '--apply'])).code).toBe(0);
    const pinned = GO_MOD.replace('v1.5.2', 'v1.5.3');
    expect(await gomod()).toBe(pinned + '\nreplace rsc.io/quote => ../fork\n');

    const first = await mr(['undo', '--last']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^modrescue: undid replace-\S+ \(journal undo-\S+\)\n {2}restored .*go\.mod\n$/);
    expect(await gomod()).toBe(pinned);

    const list = await mr(['undo', '--list']);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^pin-\S+ {2}\S+Z {2}done\/ok {2}carol {2}go\.mod: require rsc\.io\/quote v1\.5\.3 \(was v1\.5\.2\)$/,
    );
    expect(lines[1]).toMatch(/^replace-\S+ .* \(undone by undo-\S+\)$/);
    expect(lines[2]).toMatch(/^undo-\S+ .* undo replace-/);

    const replaceId = lines[1]!.split(' ')[0]!;
    const again = await mr(['undo', replaceId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^modrescue: ${replaceId} was already undone by undo-`));
    const undoId = lines[2]!.split(' ')[0]!;
    const ofUndo = await mr(['undo', undoId]);
    expect(ofUndo.code).toBe(1);
    expect(ofUndo.stderr).toContain('is an undo; it cannot be undone');

    const pin = await mr(['undo', 'pin', '--json']);
    expect(pin.code).toBe(0);
    const doc = JSON.parse(pin.stdout) as { schemaVersion: number; entry: unknown; leftAlone: unknown };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.entry).toMatchObject({ action: 'undo', status: 'done', undoOf: lines[0]!.split(' ')[0] });
    expect(doc.leftAlone).toEqual([]);
    expect(await gomod()).toBe(GO_MOD);
  });

  it('refuses when the file changed since the action; --force restores and keeps the current bytes', async () => {
    expect((await mr(['fix', 'pin', 'rsc.io/quote@v1.5.3', '--offline', '--apply'])).code).toBe(0);
    await writeFile(path.join(app(), 'go.mod'), 'module example.com/app\n// my edit\n');
    const r = await mr(['undo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /refused, things changed since the action:\n\tgo\.mod changed since the action \(sha256 now [0-9a-f]{12}, the action left [0-9a-f]{12}\)\nundo --force restores anyway/,
    );
    expect(await gomod()).toBe('module example.com/app\n// my edit\n');
    const f = await mr(['undo', '--force', '--json']);
    expect(f.code).toBe(0);
    const doc = JSON.parse(f.stdout) as { entry: { files: Array<{ backup: string }> } };
    expect(await gomod()).toBe(GO_MOD);
    expect(await readFile(doc.entry.files[0]!.backup, 'utf8')).toBe('module example.com/app\n// my edit\n');
  });

  it('usage errors', async () => {
    expect((await mr(['undo', 'a', 'b'])).stderr).toContain('undo: give at most one action id');
    expect((await mr(['undo', 'a', '--last'])).code).toBe(2);
    const unknown = await mr(['undo', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('no action "nope" in the journal');
  });
});
