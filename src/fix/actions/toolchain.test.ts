import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, goSumFor, QUOTE_MAIN, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { runGo } from '../../../test/support/go.js';
import { run } from '../../../test/support/cli.js';
import { applyPlan, planAction } from '../index.js';
import { closeClients, fixContext } from '../testdata/world.js';

let world: DoctorWorld | undefined;
afterEach(async () => {
  await closeClients();
  await world?.close();
  world = undefined;
});

const MOD = (goLine: string, extra = '') =>
  `module example.com/app\n\ngo ${goLine}\n${extra}\nrequire rsc.io/quote v1.5.2\n\nrequire (\n\tgolang.org/x/text v0.0.0-20170915032832-14c0d48ead0c // indirect\n\trsc.io/sampler v1.3.0 // indirect\n)\n`;

describe('fix toolchain', () => {
  it('drops a toolchain line the installed go 1.19 cannot read; go 1.19 then reads go.mod', async () => {
    world = await createDoctorWorld({ files: { 'go.mod': MOD('1.19', '\ntoolchain go1.21.5\n') } });
    const env = { ...world.env, GOFLAGS: '-mod=mod' };
    const before = await runGo(['list', '-m'], { cwd: world.project, env });
    expect(before.stderr).toContain('unknown directive: toolchain');
    const r = await run(['fix', 'toolchain', '--apply'], { cwd: world.project, env: world.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('trade-off: go 1.21+ users lose the suggested toolchain go1.21.5');
    expect(await readFile(path.join(world.project, 'go.mod'), 'utf8')).toBe(MOD('1.19'));
    const after = await runGo(['list', '-m'], { cwd: world.project, env });
    expect(after.stdout).toBe('example.com/app\n');
  });

  it('GOTOOLCHAIN=local with a newer go line: GOTOOLCHAIN=auto in the go env file, go.mod untouched', async () => {
    world = await createDoctorWorld({ files: { 'go.mod': MOD('1.22.0') } });
    const envFile = path.join(world.home, '.config', 'go', 'env');
    await mkdir(path.dirname(envFile), { recursive: true });
    const { GOENV: _e, GOTOOLCHAIN: _t, ...env } = world.env;
    const ctx = await fixContext(
      { env: { ...env, GOTOOLCHAIN: '' }, project: world.project },
      { installedGo: 'go1.21.3' },
    );
    // GOTOOLCHAIN=local from the go env file.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(envFile, 'GOTOOLCHAIN=local\n');
    const ctx2 = await fixContext({ env, project: world.project }, { installedGo: 'go1.21.3' });
    void ctx;
    const plan = await planAction({ action: 'toolchain' }, ctx2);
    expect(plan.why).toBe('go.mod requires go >= 1.22.0 (running go 1.21.3; GOTOOLCHAIN=local)');
    expect(plan.notes[0]).toMatch(/^trade-off: the go command downloads go1\.22\.0/);
    expect(plan.diffs.map((d) => d.role)).toEqual(['go env file']);
    await applyPlan(plan, ctx2);
    expect(await readFile(envFile, 'utf8')).toBe('GOTOOLCHAIN=auto\n');
    expect(await readFile(path.join(world.project, 'go.mod'), 'utf8')).toBe(MOD('1.22.0'));
  });

  it('an old go with a go line it cannot satisfy is refused with the way out', async () => {
    world = await createDoctorWorld({ files: { 'go.mod': MOD('1.22') } });
    const plan = await planAction({ action: 'toolchain' }, await fixContext(world, { installedGo: 'go1.19.8' }));
    expect(plan.refused).toMatch(
      /^no setting or go.mod edit lets go 1\.19\.8 build a module that requires go 1\.22: install go 1\.22/,
    );
  });

  it('a dependency needing a newer go raises the go line (as go mod edit -go)', async () => {
    world = await createDoctorWorld({
      fixtures: ['rsc.io_needgo1183_v0.0.1.txt'],
      sumdb: { fixtures: ['rsc.io/needgo1183@v0.0.1'] },
      files: {
        'go.mod': 'module example.com/app\n\ngo 1.17\n\nrequire rsc.io/needgo1183 v0.0.1\n',
        'go.sum': goSumFor(['rsc.io/needgo1183@v0.0.1']),
        'main.go': QUOTE_MAIN.replace('"rsc.io/quote"', '_ "rsc.io/needgo1183"').replace(
          'fmt.Println(quote.Hello())',
          '',
        ),
      },
    });
    const plan = await planAction({ action: 'toolchain' }, await fixContext(world, { installedGo: 'go1.22.0' }));
    expect(plan.why).toMatch(/^rsc\.io\/needgo1183@v0\.0\.1 requires go >= 1\.18\.3, newer than the go line \(1\.17\)/);
    const want = await (async () => {
      const dir = await mkdtemp(path.join(world!.dir, 'oracle-'));
      await writeFile(
        path.join(dir, 'go.mod'),
        'module example.com/app\n\ngo 1.17\n\nrequire rsc.io/needgo1183 v0.0.1\n',
      );
      // Go 1.19 rejects three-part go versions; the formatting is the same for 1.18.
      await runGo(['mod', 'edit', '-go=1.18'], { cwd: dir, env: world!.env });
      return (await readFile(path.join(dir, 'go.mod'), 'utf8')).replace('go 1.18', 'go 1.18.3');
    })();
    await applyPlan(plan, await fixContext(world, { installedGo: 'go1.22.0' }));
    expect(await readFile(path.join(world.project, 'go.mod'), 'utf8')).toBe(want);
  });

  it('nothing to do when everything agrees', async () => {
    world = await createDoctorWorld();
    const r = await run(['fix', 'toolchain'], { cwd: world.project, env: world.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to do');
  });
});
