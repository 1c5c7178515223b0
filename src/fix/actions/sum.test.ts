import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, goSumFor, QUOTE_MODULES, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { fixtureSum } from '../../../test/support/sumdb.js';
import { run } from '../../../test/support/cli.js';
import { applyPlan, planAction, undo } from '../index.js';
import { closeClients, fixContext, journalOf } from '../testdata/world.js';

let world: DoctorWorld | undefined;
afterEach(async () => {
  await closeClients();
  await world?.close();
  world = undefined;
});

const QUOTE = fixtureSum('rsc.io/quote@v1.5.2');

describe('fix sum', () => {
  it('writes the missing go.sum from the checksum database, byte for byte what the go command writes', async () => {
    world = await createDoctorWorld({ files: { 'go.sum': null } });
    const ctx = await fixContext(world);
    const plan = await planAction({ action: 'sum' }, ctx);
    expect(plan.refused).toBeUndefined();
    expect(plan.diffs).toHaveLength(1);
    expect(plan.diffs[0]!.kind).toBe('create');
    expect(plan.steps.every((s) => s.trust === `checksum database ${world!.sumdb!.name}`)).toBe(true);
    const entry = await applyPlan(plan, ctx);
    expect(entry.outcome?.status).toBe('ok');
    expect(await readFile(path.join(world.project, 'go.sum'), 'utf8')).toBe(goSumFor(QUOTE_MODULES));
    // The hashes came from tlog-verified lookups, never from downloading the zips.
    expect(world.proxy.requests.filter((r) => r.path.endsWith('.zip'))).toEqual([]);
    expect(world.sumdb!.requests.some((p) => p.startsWith('/lookup/rsc.io/quote@v1.5.2'))).toBe(true);
  });

  it('corrects a tampered line, removes an orphan and a malformed line; undo restores the bytes', async () => {
    world = await createDoctorWorld();
    const good = goSumFor(QUOTE_MODULES);
    const tampered =
      good.replace(QUOTE.zipH1, 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=') +
      'example.com/orphan v1.0.0/go.mod h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\nbroken line\n';
    await world.write({ 'go.sum': tampered });
    const r = await run(['fix', 'sum'], { cwd: world.project, env: world.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run, nothing was changed');
    expect(r.stdout).toContain(`-rsc.io/quote v1.5.2 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`);
    expect(r.stdout).toContain(`+rsc.io/quote v1.5.2 ${QUOTE.zipH1}`);
    expect(r.stdout).toContain('remove example.com/orphan v1.0.0 (orphan: not in the module graph)');
    expect(r.stdout).toContain('remove malformed line 8');
    expect(await readFile(path.join(world.project, 'go.sum'), 'utf8')).toBe(tampered);

    const a = await run(['fix', 'sum', '--apply'], { cwd: world.project, env: world.env });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/pass gosum-complete/);
    expect(await readFile(path.join(world.project, 'go.sum'), 'utf8')).toBe(good);

    const u = await run(['undo', '--last'], { cwd: world.project, env: world.env });
    expect(u.code).toBe(0);
    expect(await readFile(path.join(world.project, 'go.sum'), 'utf8')).toBe(tampered);
    const j = await journalOf(world.project);
    expect(j.map((e) => [e.action, e.status])).toEqual([
      ['sum', 'done'],
      ['undo', 'done'],
    ]);
  });

  it('never writes an unverified public hash: GOSUMDB=off refuses', async () => {
    world = await createDoctorWorld({ files: { 'go.sum': null }, sumdb: false });
    const r = await run(['fix', 'sum', '--apply'], { cwd: world.project, env: world.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: no go.sum line could be verified');
    expect(r.stdout).toContain('GOSUMDB=off');
    expect(await journalOf(world.project)).toEqual([]);
  });

  it('a hash the checksum database does not confirm is not written (database serving a different hash wins)', async () => {
    world = await createDoctorWorld({
      files: { 'go.sum': null },
      sumdb: { fixtures: QUOTE_MODULES, wrong: ['rsc.io/quote@v1.5.2'] },
    });
    const ctx = await fixContext(world);
    const plan = await planAction({ action: 'sum' }, ctx);
    // The database's (signed) hash is what gets written: h1:wrong came from the database.
    const quoteLine = plan.steps.find((s) => s.description.startsWith('add rsc.io/quote v1.5.2 '));
    expect(quoteLine?.description).toBe('add rsc.io/quote v1.5.2 h1:wrong');
  });

  it('records that do not verify against the signed tree (a tampered lookup) are never written', async () => {
    world = await createDoctorWorld({ files: { 'go.sum': null } });
    world.sumdb!.tamper('record');
    const r = await run(['fix', 'sum', '--apply'], { cwd: world.project, env: world.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: no go.sum line could be verified');
    expect(r.stdout).toContain(
      'missing, not written: checksum database: rsc.io/quote@v1.5.2: cannot authenticate record data in server response',
    );
    await expect(readFile(path.join(world.project, 'go.sum'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('private modules (GONOSUMDB) get hashes from a fresh download, labelled trust on first use', async () => {
    world = await createDoctorWorld({ files: { 'go.sum': null }, env: { GONOSUMDB: 'rsc.io' } });
    const ctx = await fixContext(world);
    const plan = await planAction({ action: 'sum' }, ctx);
    const quote = plan.steps.find((s) => s.description.startsWith('add rsc.io/quote v1.5.2 h1:'))!;
    expect(quote.trust).toBe('trust on first use: fresh download');
    expect(quote.description).toContain(QUOTE.zipH1);
    const text = plan.steps.find((s) => s.description.startsWith('add golang.org/x/text'))!;
    expect(text.trust).toBe(`checksum database ${world.sumdb!.name}`);
    expect(plan.notes.join('\n')).toContain('trust on first use');
    expect(world.sumdb!.requests.some((p) => p.includes('rsc.io/quote'))).toBe(false);
    await applyPlan(plan, ctx);
    expect(await readFile(path.join(world.project, 'go.sum'), 'utf8')).toBe(goSumFor(QUOTE_MODULES));
  });

  it('a private line that differs from a fresh download is not changed (a moved tag)', async () => {
    world = await createDoctorWorld({ env: { GONOSUMDB: 'rsc.io/quote' } });
    const moved = goSumFor(QUOTE_MODULES).replace(QUOTE.zipH1, 'h1:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=');
    await writeFile(path.join(world.project, 'go.sum'), moved);
    const plan = await planAction({ action: 'sum' }, await fixContext(world));
    expect(plan.diffs).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(/force-pushed private tag/);
  });

  it('undo of a done sum is refused when go.sum changed since, and --force keeps a backup', async () => {
    world = await createDoctorWorld({ files: { 'go.sum': null } });
    const ctx = await fixContext(world);
    const entry = await applyPlan(await planAction({ action: 'sum' }, ctx), ctx);
    await writeFile(path.join(world.project, 'go.sum'), 'edited by hand\n');
    await expect(undo(entry.id, ctx)).rejects.toMatchObject({ code: 'ERR_UNDO_CHANGED' });
    const r = await undo(entry.id, ctx, { force: true });
    await expect(readFile(path.join(world.project, 'go.sum'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(r.entry.files[0]!.backup!, 'utf8')).toBe('edited by hand\n');
  });
});
