// The layer rules of docs/architecture.md §2 are enforced by ESLint; this test proves a
// wrong import is reported (so CI's lint step would fail) and a right one is not. Imports
// are resolved to files, so the targets below are real files of the tree.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';
import { repoRoot } from './support/shared.js';

const eslint = new ESLint({ cwd: repoRoot });

async function lintAs(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules', () => {
  it.each([
    [
      'src/mod/semver/x.ts',
      "import { redact } from '../../shared/redact.js';\nexport const r = redact;\n",
      'src/mod is the library layer',
    ],
    [
      'src/mod/semver/x.ts',
      "import { main } from '../../cli/main.js';\nexport const r = main;\n",
      'src/mod is the library layer',
    ],
    ['src/mod/semver/x.ts', 'export const e = process.env;\n', 'src/mod never reads the environment'],
    [
      'src/shared/x.ts',
      "import { main } from '../cli/main.js';\nexport const r = main;\n",
      'src/shared may import only',
    ],
    ['src/triage/x.ts', "import { x } from '../graph/index.js';\nexport const r = x;\n", 'src/triage is an app layer'],
    [
      'src/mod/mvs/x.ts',
      "import { x } from '../../graph/index.js';\nexport const r = x;\n",
      'src/mod is the library layer',
    ],
    [
      'src/doctor/x.ts',
      "import { main } from '../cli/main.js';\nexport const r = main;\n",
      'src/doctor is an app layer',
    ],
    ['src/proxy/x.ts', 'export const e = process.env;\n', 'Only src/cli reads the environment'],
  ])('%s: forbidden import is reported', async (file, code, want) => {
    const messages = await lintAs(file, code);
    expect(messages.join('\n')).toContain(want);
  });

  it.each([
    ['src/triage/x.ts', "import { redact } from '../shared/redact.js';\nexport const r = redact;\n"],
    ['src/report/x.ts', "import { x } from '../graph/index.js';\nexport const r = x;\n"],
    ['src/triage/x.ts', "import { x } from '../proxy/errors.js';\nexport const r = x;\n"],
    // A file merely named like a layer is not that layer.
    ['src/mod/mvs/x.ts', "import { x } from './req-graph.js';\nexport const r = x;\n"],
    ['src/cli/x.ts', "import { x } from '../proxy/errors.js';\nexport const r = x;\n"],
    ['src/mod/gosum/x.ts', "import { x } from '../module/index.js';\nexport const r = x;\n"],
  ])('%s: allowed import passes', async (file, code) => {
    expect(await lintAs(file, code)).toEqual([]);
  });
});
