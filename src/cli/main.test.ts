import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { run } from '../../test/support/cli.js';
import { parseFlags, parseDuration } from './flags.js';
import { reportError } from './main.js';
import { CodedError } from '../shared/errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('modrescue main', () => {
  it('prints the version from package.json', async () => {
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, stdout: `modrescue ${pkg.version}\n`, stderr: '' });
  });

  it('prints the overview on --help, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: modrescue <command>');
    expect(r.stdout).toContain('Exit codes:');
  });

  it('prints the overview to stderr and exits 2 without a command', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: modrescue');
  });

  it('answers help for plumbing like Go (leading -h, stderr, exit 2) and never mistakes an argument for help', async () => {
    const h = await run(['mod', 'edit', '-h']);
    expect(h.code).toBe(2);
    expect(h.stdout).toBe('');
    expect(h.stderr).toContain('mod edit');
    const help = await run(['help', 'mod', 'edit']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('mod edit');
    // `help` as a flag value is an argument: go mod edit rejects the module path, it does not print usage.
    const arg = await run(['mod', 'edit', '-module', 'help', '-print'], { cwd: '/nonexistent-dir' });
    expect(arg.stdout).not.toContain('usage');
    expect(arg.code).toBe(1);
  });

  it('rejects an unknown command with exit 2 and a hint', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('modrescue: unknown command "frobnicate"\nRun \'modrescue --help\' for usage.\n');
  });
});

describe('reportError', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, err: (l: string) => void lines.push(l) };
  };
  it('maps usage errors to 2, coded errors to 3 (or their exitCode), others to 70 with a stack', () => {
    const c = capture();
    expect(reportError(c, new CodedError('ERR_CLI_USAGE', 'bad flag'))).toBe(2);
    expect(reportError(c, new CodedError('ERR_X_Y', 'network down'))).toBe(3);
    expect(reportError(c, new CodedError('ERR_X_Y', 'go-like failure', { exitCode: 1 }))).toBe(1);
    expect(reportError(c, new TypeError('boom'))).toBe(70);
    expect(c.lines[1]).toBe('modrescue: network down');
    expect(c.lines[3]).toMatch(/^modrescue: internal error: TypeError: boom\n\s+at /);
    expect(c.lines[3]).toContain('please report');
  });
});

describe('parseFlags (go flag package conventions)', () => {
  const specs = { json: { kind: 'bool' }, module: { kind: 'string' }, require: { kind: 'list' } } as const;
  it.each([
    [['-json', 'go.mod'], { json: true }, ['go.mod']],
    [['--json=false'], { json: false }, []],
    [
      ['-module', 'x.com/a', '-require=a@v1', '--require', 'b@v2'],
      { module: 'x.com/a', require: ['a@v1', 'b@v2'] },
      [],
    ],
    [['-json', '--', '-x'], { json: true }, ['-x']],
    [['file', '-json'], {}, ['file', '-json']],
  ])('%j', (argv, values, args) => {
    const r = parseFlags(argv, specs);
    expect(r.values).toEqual(values);
    expect(r.args).toEqual(args);
  });
  it('allows interspersed flags when asked', () => {
    expect(parseFlags(['file', '-json'], specs, { interspersed: true }).values).toEqual({ json: true });
  });
  it.each([
    [['-nope'], 'flag provided but not defined: -nope'],
    [['-module'], 'flag needs an argument: -module'],
    [['-json=maybe'], 'invalid boolean value "maybe" for -json: parse error'],
    [['---x'], 'bad flag syntax: ---x'],
  ])('%j fails with Go wording', (argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(message);
  });
  it('parses durations', () => {
    expect(parseDuration('10s', '--timeout')).toBe(10_000);
    expect(parseDuration('1m30s', '--timeout')).toBe(90_000);
    expect(parseDuration('250ms', '--timeout')).toBe(250);
    expect(() => parseDuration('soon', '--timeout')).toThrow('invalid duration "soon" for --timeout');
  });
});
