/**
 * gomod-syntax: go.mod, go.work and go.sum parse the way the go command parses them.
 *
 * Detects: go.mod or go.work errors (every one, with file:line[:col], in Go's wording);
 * a go.mod without a module line; go.sum lines without three fields — the go command
 * silently stops reading go.sum there, so every sum after it looks missing —; one module
 * version with two different h1 hashes (a checksum mismatch waiting to happen); hashes of
 * unknown algorithms; the empty-go.mod hash of an old go command bug.
 *
 * Example: `go: errors parsing go.mod:\n/src/app/go.mod:5: unknown directive: requre`
 *
 * Fix: edit the file at the position shown (then `go mod tidy`); for go.sum,
 * `modrescue fix sum` rebuilds the lines from verified hashes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as modfile from '../../mod/modfile/index.js';
import * as gosum from '../../mod/gosum/index.js';
import {
  Findings,
  fixAction,
  fixCommand,
  type CheckContext,
  type CheckDefinition,
  type CheckOutcome,
} from '../check.js';
import { errorMessage, plural } from '../util.js';

/** parseErrors lists a ModfileParseError's lines (Go's text), or the message of another error. */
function parseErrors(e: unknown): string[] {
  if (modfile.isModfileParseError(e)) return e.list.map((x) => x.message);
  return [errorMessage(e)];
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const goModPath = await s.goModPath();
  const checked: string[] = [];

  ctx.step('parsing go.mod');
  let requires = 0;
  try {
    const file = await s.modFile();
    checked.push('go.mod');
    requires = file.require.length;
    if (!file.module) {
      f.fail(
        `${goModPath}: missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod`,
        fixCommand('go mod edit -module=<module path>', 'adds the missing module line'),
      );
    }
    f.evidence({ file: goModPath, requires: file.require.length, replaces: file.replace.length });
  } catch (e) {
    const errs = parseErrors(e);
    f.fail(
      `errors parsing go.mod:\n${errs.join('\n')}`,
      fixCommand(
        `$EDITOR ${goModPath}`,
        `fix the ${plural(errs.length, 'error')} at the positions shown (go.mod syntax: https://go.dev/ref/mod#go-mod-file), then run go mod tidy`,
      ),
    );
    f.evidence({ file: goModPath, errors: modfile.isModfileParseError(e) ? e.errors : errs });
  }

  const gowork = s.v('GOWORK');
  if (gowork !== '' && gowork !== 'off') {
    ctx.step('parsing go.work');
    try {
      modfile.parseWork(gowork, new Uint8Array(await readFile(gowork)));
      checked.push('go.work');
    } catch (e) {
      const errs = parseErrors(e);
      f.fail(
        `errors parsing go.work:\n${errs.join('\n')}`,
        fixCommand(
          `$EDITOR ${gowork}`,
          'fix the go.work errors shown, or set GOWORK=off to build without the workspace',
        ),
      );
      f.evidence({ file: gowork, errors: modfile.isModfileParseError(e) ? e.errors : errs });
    }
  }

  ctx.step('parsing go.sum');
  const sumFile = path.join(path.dirname(goModPath), 'go.sum');
  const data = await readFile(sumFile).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : e));
  if (data instanceof Error) {
    f.fail(`cannot read go.sum: ${data.message}`);
  } else if (data !== undefined) {
    checked.push('go.sum');
    let lines = 0;
    try {
      lines = gosum.parse(sumFile, data).entries().length;
    } catch (e) {
      const errors = ((e as { fields?: { errors?: gosum.LineError[] } }).fields?.errors ?? []) as gosum.LineError[];
      const { sum } = gosum.readGoSum(sumFile, data);
      const malformed = sum.check().find((p) => p.kind === 'malformed');
      const ignored = malformed?.kind === 'malformed' ? malformed.ignoredLines : errors.length;
      f.fail(
        `${errors.map((x) => `${x.file}:${x.line}:${x.col}: malformed go.sum line: wrong number of fields ${x.fields}`).join('\n')}\n` +
          `the go command stops reading go.sum at line ${errors[0]?.line ?? '?'} without saying so: ${plural(ignored, 'line')} from there on are ignored and show up as "missing go.sum entry" errors`,
        fixAction('sum', '', 'rebuilds go.sum from hashes verified against the checksum database'),
      );
      f.evidence({ file: sumFile, malformed: errors });
    }
    const { sum } = gosum.readGoSum(sumFile, data);
    for (const p of sum.check()) {
      switch (p.kind) {
        case 'conflict':
          f.fail(
            `${sumFile}: ${p.path} ${p.version} has ${p.hashes.length} different h1 hashes (lines ${p.hashes.map((h) => h.line).join(', ')}): the go command reports a checksum mismatch for one of them`,
            fixAction('sum', '', 'keeps the hash the checksum database confirms and drops the other'),
          );
          f.evidence({ file: sumFile, conflict: `${p.path} ${p.version}`, hashes: p.hashes });
          break;
        case 'unknown-algorithm':
          f.warn(
            `${sumFile}:${p.line}: ${p.path} ${p.version} has a hash of an unknown algorithm (${p.hash.split(':')[0]}:); the go command ignores it`,
          );
          break;
        case 'dropped-empty-gomod':
          f.warn(
            `${sumFile}:${p.line}: ${p.path} ${p.version} records the hash of an empty go.mod (${gosum.EMPTY_GOMOD_HASH}), written by an old go command bug; the go command drops it`,
            fixAction('sum', '', 'replaces the line with the verified go.mod hash'),
          );
          break;
        case 'duplicate':
          f.info(
            `${sumFile}: ${p.path} ${p.version} ${p.hash} appears ${p.lines.length} times (lines ${p.lines.join(', ')})`,
          );
          break;
        case 'malformed':
          break;
      }
    }
    f.evidence({ file: sumFile, lines: lines || sum.entries().length });
  }
  return f.outcome(
    `${checked.join(', ')} parse (${plural(requires, 'requirement')}${data && !(data instanceof Error) ? '' : ', no go.sum'})`,
  );
}

/** gomodSyntax is the `gomod-syntax` check (see the file comment; registered in registry.ts). */
export const gomodSyntax: CheckDefinition = {
  id: 'gomod-syntax',
  title: 'go.mod, go.work and go.sum parse',
  network: false,
  doc: {
    detects:
      'go.mod, go.work or go.sum that the go command cannot read: every parse error with file:line[:col], a missing module line, malformed go.sum lines (the go command silently ignores the rest of the file), and two different hashes for one module version.',
    example: 'go: errors parsing go.mod:\n/src/app/go.mod:5: unknown directive: requre',
    fix: 'Edit the file at the position shown, then `go mod tidy`; for go.sum run `modrescue fix sum`.',
  },
  run,
};
