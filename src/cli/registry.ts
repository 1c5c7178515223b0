/**
 * The command table. Each entry names a command, says what it does in one line (for
 * `modrescue --help`), and loads its implementation lazily, so `--version` and `--help`
 * never pay for the code of commands that are not run.
 *
 * A command module exports `run(args, ctx)` (resolving to the exit code) and `usage`.
 */
import type { CliContext } from './context.js';

export interface CommandModule {
  /** Usage text printed by `modrescue <command> --help`. */
  readonly usage: string;
  run(args: readonly string[], ctx: CliContext): Promise<number>;
}

export interface CommandEntry {
  /** Words of the command, e.g. `mod edit`. */
  readonly name: string;
  /** Section of the help overview. */
  readonly group: 'respond' | 'trace' | 'plumbing' | 'serve' | 'other';
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  // One entry per command, grouped as in the help overview. Plumbing commands
  // (go-compatible) take Go-style single-dash flags; double-dash is accepted too.
  {
    name: 'triage',
    group: 'respond',
    summary: 'read a failed CI log (file, URL, GitHub/GitLab/Jenkins job) and name the cause, evidence and next steps',
    load: () => import('./commands/triage.js'),
  },
  {
    name: 'doctor',
    group: 'respond',
    summary: 'check the project, the Go environment and every link of the module supply, concurrently, with fixes',
    load: () => import('./commands/doctor.js'),
  },
  {
    name: 'respond',
    group: 'respond',
    summary:
      'red build to verified fix in one command: triage, targeted doctor, ranked reversible fixes, verify, notice',
    load: () => import('./commands/respond.js'),
  },
  {
    name: 'report',
    group: 'respond',
    summary:
      'the incident notice and post-incident record (timeline, root cause, actions with undo ids) as markdown, html or json',
    load: () => import('./commands/report.js'),
  },
  {
    name: 'fix',
    group: 'respond',
    summary:
      'plan (dry run) or --apply a reversible recovery action: proxy, cache, replace, pin, sum, private, toolchain, rollback',
    load: () => import('./commands/fix.js'),
  },
  {
    name: 'undo',
    group: 'respond',
    summary: 'take a journalled fix action back: files byte for byte, env files, git branches/commits, cache entries',
    load: () => import('./commands/undo.js'),
  },
  {
    name: 'env',
    group: 'plumbing',
    summary: 'print the module-related Go environment (as go env); --explain says where each value comes from',
    load: () => import('./commands/env.js'),
  },
  {
    name: 'why',
    group: 'trace',
    summary: 'every shortest requirement path to a module and the requirement that decided its version',
    load: () => import('./commands/why.js'),
  },
  {
    name: 'graph',
    group: 'trace',
    summary: 'the module graph as text, dot, mermaid, json or a self-contained HTML page (--focus, --depth)',
    load: () => import('./commands/graph.js'),
  },
  {
    name: 'list',
    group: 'plumbing',
    summary: 'list modules (as go list -m [-json] [-u] [-versions] [-retracted])',
    load: () => import('./commands/list.js'),
  },
  {
    name: 'mod graph',
    group: 'plumbing',
    summary: 'print the module requirement graph (as go mod graph [-go=version])',
    load: () => import('./commands/mod-graph.js'),
  },
  {
    name: 'mod why',
    group: 'plumbing',
    summary: 'explain why packages or modules are needed (as go mod why [-m])',
    load: () => import('./commands/mod-why.js'),
  },
  {
    name: 'mod download',
    group: 'plumbing',
    summary:
      'download modules to the module cache, checked against go.sum and the checksum database (as go mod download [-json])',
    load: () => import('./commands/mod-download.js'),
  },
  {
    name: 'mod verify',
    group: 'plumbing',
    summary: 'verify that cached dependencies have not been modified (as go mod verify)',
    load: () => import('./commands/mod-verify.js'),
  },
  {
    name: 'mod edit',
    group: 'plumbing',
    summary: 'edit go.mod from tools or scripts (as go mod edit: -fmt, -print, -json, -require, -replace, …)',
    load: () => import('./commands/mod-edit.js'),
  },
  {
    name: 'mod zip',
    group: 'plumbing',
    summary: "create a module zip from a directory with the go command's rules and print its h1: hash (-check reports)",
    load: () => import('./commands/mod-zip.js'),
  },
  {
    name: 'mod hash',
    group: 'plumbing',
    summary: 'print the go.sum h1: hash of a module zip, an extracted module directory or a go.mod file',
    load: () => import('./commands/mod-hash.js'),
  },
  {
    name: 'mod unzip',
    group: 'plumbing',
    summary: 'extract a module zip safely, with the go command checks (paths, collisions, sizes)',
    load: () => import('./commands/mod-unzip.js'),
  },
  {
    name: 'proxy serve',
    group: 'serve',
    summary: 'run a GOPROXY server: a verified cache that survives upstream outages, checksum-DB proxy, metrics',
    load: () => import('./commands/proxy-serve.js'),
  },
];

/** findCommand returns the entry for the longest prefix of argv that names a command. */
export function findCommand(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    if (argv.length < words) continue;
    const name = argv.slice(0, words).join(' ');
    const entry = COMMANDS.find((c) => c.name === name);
    if (entry) return { entry, rest: argv.slice(words) };
  }
  return undefined;
}
