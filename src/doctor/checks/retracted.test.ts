// retracted-deprecated over the go command's own retraction and deprecation fixtures,
// compared with what Go 1.19's `go list -m -u` marks.
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { runGo } from '../../../test/support/go.js';
import { runDoctor } from '../index.js';

let w: DoctorWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('retracted-deprecated', () => {
  it('reports a retracted version with its rationale and a deprecated module, as go list -m -u marks them', async () => {
    w = await createDoctorWorld({
      sumdb: false,
      fixtures: [
        'example.com_retract_v1.0.0-bad.txt',
        'example.com_retract_v1.1.0.txt',
        'example.com_deprecated_a_v1.0.0.txt',
        'example.com_deprecated_a_v1.9.0.txt',
      ],
      files: {
        'go.mod':
          'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/deprecated/a v1.0.0\n\texample.com/retract v1.0.0-bad\n)\n',
        'go.sum': '',
        'main.go': 'package main\n\nfunc main() {}\n',
      },
    });
    const report = await runDoctor(await w.options({ only: ['retracted-deprecated'] }));
    const r = report.checks[0]!;
    expect(r.status).toBe('warn');
    const all = [r.summary, ...r.details].join('\n');
    expect(all).toContain('example.com/retract@v1.0.0-bad: retracted by module author: bad');
    expect(all).toContain('go get example.com/retract@latest');
    expect(all).toContain('module example.com/deprecated/a is deprecated: in example.com/deprecated/a@v1.9.0');
    // Findings come in build-list order: the deprecated module first, its fix is a replacement.
    expect(r.summary).toMatch(/^module example\.com\/deprecated\/a is deprecated/);
    expect(r.fix?.action).toBe('replace');

    const go = await runGo(['list', '-m', '-u', 'all'], { cwd: w.project, env: { ...w.env, GOFLAGS: '-mod=mod' } });
    expect(go.code, go.stderr).toBe(0);
    expect(go.stdout).toContain('example.com/retract v1.0.0-bad (retracted) [v1.1.0]');
    expect(go.stdout).toContain('example.com/deprecated/a v1.0.0 [v1.9.0] (deprecated)');
  });

  it('passes when the selected versions are current', async () => {
    w = await createDoctorWorld({ sumdb: false });
    const report = await runDoctor(await w.options({ only: ['retracted-deprecated'] }));
    expect(report.checks[0]!.status).toBe('pass');
    expect(report.checks[0]!.summary).toBe('none of 3 modules is retracted or deprecated');
  });
});
