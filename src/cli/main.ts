/**
 * The composition root: `main(argv, io)` parses the command line, runs one command and
 * returns the exit code (src/cli/exit.ts). It never calls process.exit; `bin/` does that.
 * Errors print as `modrescue: <message>`; only internal errors (exit 70) show a stack.
 */
import type { Io } from '../shared/io.js';
import { isCodedError } from '../shared/errors.js';
import { redact } from '../shared/redact.js';
import { EXIT } from './exit.js';
import { COMMANDS, findCommand, type CommandEntry } from './registry.js';
import { createContext } from './context.js';

export { EXIT } from './exit.js';

const GROUP_TITLES: Record<CommandEntry['group'], string> = {
  respond: 'Incident response',
  trace: 'Dependency tracing',
  plumbing: 'Go-compatible plumbing (same output as the go command)',
  serve: 'Services',
  other: 'Other',
};

/** version returns the package version from package.json (works from src/ and dist/). */
export async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function overview(): string {
  const lines = [
    'modrescue: rescue a Go build that `go mod` broke. Works without the Go toolchain.',
    '',
    'Usage: modrescue <command> [arguments]',
  ];
  for (const group of Object.keys(GROUP_TITLES) as Array<CommandEntry['group']>) {
    const cmds = COMMANDS.filter((c) => c.group === group);
    if (cmds.length === 0) continue;
    lines.push('', GROUP_TITLES[group] + ':');
    const width = Math.max(...cmds.map((c) => c.name.length));
    for (const c of cmds) lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
  }
  lines.push(
    '',
    'Global flags: --help, --version.',
    "Run 'modrescue <command> --help' for a command's flags.",
    "Exit codes: 0 ok, 1 findings (or the go command's 1 for plumbing), 2 usage, 3 could not finish, 70 internal error, 130 interrupted.",
  );
  return lines.join('\n');
}

const isHelpFlag = (a: string | undefined) => a === '--help' || a === '-help' || a === '-h';
const isHelp = (a: string | undefined) => isHelpFlag(a) || a === 'help';

/**
 * helpRequested tells whether a command's arguments ask for its usage. Plumbing commands
 * follow Go's flag package (only a leading -h/-help/--help, answered on stderr with exit 2,
 * as `go mod edit -h` does); modrescue's own commands accept --help anywhere before `--`.
 * A bare word `help` is an argument, never a request (e.g. `-module help`).
 */
function helpRequested(entry: CommandEntry, rest: readonly string[]): boolean {
  if (entry.group === 'plumbing') return isHelpFlag(rest[0]);
  const end = rest.indexOf('--');
  return (end < 0 ? rest : rest.slice(0, end)).some(isHelpFlag);
}

/** main runs modrescue with argv (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const ctx = await createContext(io);
  try {
    const first = argv[0];
    if (first === undefined) {
      ctx.err(overview());
      return EXIT.USAGE;
    }
    if (first === '--version' || first === '-version' || first === 'version') {
      ctx.out(`modrescue ${await version()}`);
      return EXIT.OK;
    }
    if (isHelp(first)) {
      if (argv.length > 1) {
        const found = findCommand(argv.slice(1));
        if (!found) return unknownCommand(ctx, argv.slice(1).join(' '));
        ctx.out((await found.entry.load()).usage);
        return EXIT.OK;
      }
      ctx.out(overview());
      return EXIT.OK;
    }
    const found = findCommand(argv);
    if (!found) return unknownCommand(ctx, argv.slice(0, 2).join(' '));
    const mod = await found.entry.load();
    if (helpRequested(found.entry, found.rest)) {
      if (found.entry.group === 'plumbing') {
        ctx.err(mod.usage);
        return EXIT.USAGE;
      }
      ctx.out(mod.usage);
      return EXIT.OK;
    }
    return await mod.run(found.rest, ctx);
  } catch (e) {
    return reportError(ctx, e);
  }
}

function unknownCommand(ctx: Awaited<ReturnType<typeof createContext>>, name: string): number {
  const prefix = COMMANDS.filter((c) => c.name.startsWith(name.split(' ')[0] + ' '));
  const hint = prefix.length > 0 ? ` (did you mean: ${prefix.map((c) => c.name).join(', ')}?)` : '';
  ctx.err(`modrescue: unknown command "${name}"${hint}\nRun 'modrescue --help' for usage.`);
  return EXIT.USAGE;
}

/** reportError prints an error the way the exit-code table says and returns the code. */
export function reportError(ctx: { err(line: string): void }, e: unknown): number {
  if (isCodedError(e)) {
    if (e.code === 'ERR_CLI_USAGE') {
      ctx.err(`modrescue: ${e.message}\nRun 'modrescue --help' for usage.`);
      return EXIT.USAGE;
    }
    if (e.code === 'ERR_CLI_INTERRUPTED') {
      ctx.err('modrescue: interrupted');
      return EXIT.INTERRUPTED;
    }
    ctx.err(`modrescue: ${e.message}`);
    const exit = e.fields['exitCode'];
    return typeof exit === 'number' ? exit : EXIT.INCOMPLETE;
  }
  if (e instanceof Error && e.name === 'AbortError') {
    ctx.err('modrescue: interrupted');
    return EXIT.INTERRUPTED;
  }
  const stack = e instanceof Error ? (e.stack ?? e.message) : String(e);
  ctx.err(
    `modrescue: internal error: ${redact(stack)}\nThis is a bug in modrescue; please report it with the command you ran.`,
  );
  return EXIT.INTERNAL;
}
