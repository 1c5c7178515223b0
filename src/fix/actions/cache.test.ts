import { appendFile, chmod, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { runGo } from '../../../test/support/go.js';
import { run } from '../../../test/support/cli.js';
import { closeClients, journalOf } from '../testdata/world.js';

let world: DoctorWorld | undefined;
afterEach(async () => {
  await closeClients();
  await world?.close();
  world = undefined;
});

const goVerify = (w: DoctorWorld) =>
  runGo(['mod', 'verify'], { cwd: w.project, env: { ...w.env, GOPROXY: 'off', GOFLAGS: '-mod=mod' } });

describe('fix cache', () => {
  it('--corrupt moves a modified module out, downloads it again verified; undo puts the corrupt bytes back', async () => {
    world = await createDoctorWorld();
    expect((await world.fillCache()).code).toBe(0);
    const dir = path.join(world.modcache, 'rsc.io', 'quote@v1.5.2');
    const file = path.join(dir, 'quote.go');
    await chmod(dir, 0o755);
    await chmod(file, 0o644);
    await appendFile(file, '// tampered\n');
    const tampered = await readFile(file);
    const before = await goVerify(world);
    expect(before.stdout + before.stderr).toContain('rsc.io/quote v1.5.2: dir has been modified');

    const dry = await run(['fix', 'cache', '--corrupt'], { cwd: world.project, env: world.env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'move rsc.io/quote@v1.5.2 out of the module cache: rsc.io/quote v1.5.2: dir has been modified',
    );
    expect(await readFile(file)).toEqual(tampered);

    const r = await run(['fix', 'cache', '--corrupt', '--apply'], { cwd: world.project, env: world.env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/pass modcache-integrity/);
    expect((await goVerify(world)).stdout).toBe('all modules verified\n');
    // The corrupt tree is kept as evidence in the backup directory.
    const [entry] = await journalOf(world.project);
    const q = entry!.cache.find((c) => c.kind === 'quarantined')!;
    expect(await readFile(path.join(q.backup!, 'rsc.io', 'quote@v1.5.2', 'quote.go'))).toEqual(tampered);
    // Extracted trees stay read-only.
    expect((await stat(dir)).mode & 0o222).toBe(0);

    const u = await run(['undo', entry!.id], { cwd: world.project, env: world.env });
    expect(u.code, u.stderr).toBe(0);
    expect(await readFile(file)).toEqual(tampered);
    const after = await goVerify(world);
    expect(after.stdout + after.stderr).toContain('rsc.io/quote v1.5.2: dir has been modified');
  });

  it('--purge moves named versions out; --warm fills the cache for the build list; both undo', async () => {
    world = await createDoctorWorld();
    const warm = await run(['fix', 'cache', '--warm', '--apply'], { cwd: world.project, env: world.env });
    expect(warm.code, warm.stderr + warm.stdout).toBe(0);
    expect(warm.stdout).toContain('download 3 modules into the module cache');
    expect((await goVerify(world)).stdout).toBe('all modules verified\n');
    // The go command builds from that cache with the network off.
    const list = await runGo(['list', '-m', 'all'], { cwd: world.project, env: { ...world.env, GOPROXY: 'off' } });
    expect(list.code, list.stderr).toBe(0);

    const purge = await run(['fix', 'cache', '--purge', 'rsc.io/sampler@v1.3.0', '--apply'], {
      cwd: world.project,
      env: world.env,
    });
    expect(purge.code, purge.stderr + purge.stdout).toBe(0);
    expect(await readdir(path.join(world.modcache, 'rsc.io'))).toEqual(['quote@v1.5.2']);
    const list2 = await readFile(path.join(world.modcache, 'cache/download/rsc.io/sampler/@v/list'), 'utf8');
    expect(list2).toBe('');

    expect((await run(['undo', '--last'], { cwd: world.project, env: world.env })).code).toBe(0);
    expect((await readdir(path.join(world.modcache, 'rsc.io'))).sort()).toEqual(['quote@v1.5.2', 'sampler@v1.3.0']);
    expect(await readFile(path.join(world.modcache, 'cache/download/rsc.io/sampler/@v/list'), 'utf8')).toBe('v1.3.0\n');
    expect((await goVerify(world)).stdout).toBe('all modules verified\n');

    expect((await run(['undo', '--last'], { cwd: world.project, env: world.env })).code).toBe(0);
    // Undo of the warm-up removes every entry it downloaded (empty directories stay, as with the go command).
    expect(await readdir(path.join(world.modcache, 'rsc.io'))).toEqual([]);
    expect(await readdir(path.join(world.modcache, 'cache/download/rsc.io/quote/@v'))).toEqual(['list', 'v1.5.2.lock']);
  });

  it('--warm offline is refused; a go.sum mismatch stops the download (nothing unverified enters the cache)', async () => {
    world = await createDoctorWorld();
    const off = await run(['fix', 'cache', '--warm', '--apply', '--offline'], { cwd: world.project, env: world.env });
    expect(off.code).toBe(1);
    expect(off.stdout).toContain('refused: filling the module cache needs the network');
    const sum = await readFile(path.join(world.project, 'go.sum'), 'utf8');
    await world.write({
      'go.sum': sum.replace(/^(rsc\.io\/quote v1\.5\.2 )h1:\S+/m, '$1h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='),
    });
    const r = await run(['fix', 'cache', '--warm', '--apply'], { cwd: world.project, env: world.env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('checksum mismatch');
    expect(await stat(path.join(world.modcache, 'rsc.io', 'quote@v1.5.2')).catch(() => undefined)).toBeUndefined();
    const [entry] = await journalOf(world.project);
    expect(entry!.status).toBe('failed');
  });
});
