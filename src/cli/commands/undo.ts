/**
 * `modrescue undo [<id> | --last] [--force] [--json]`: takes a journalled fix action back
 * (src/fix/undo.ts): files restored byte for byte, env files and git changes reverted,
 * module-cache entries put back. `--list` prints the journal.
 */
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseDuration, parseFlags, usageError } from '../flags.js';
import { resolveGoEnv } from '../goenv.js';
import { redact } from '../../shared/redact.js';
import { undo, type FixContext } from '../../fix/index.js';
import { describeDangling, inspectJournal } from '../../fix/inspect.js';

export const usage = `usage: modrescue undo [<id> | --last] [--force] [--json] [--project dir] [--journal file]
       modrescue undo --list [--json]

Undo takes back one action journalled by 'modrescue fix --apply' (an id from the
journal, a unique prefix of one, or --last for the newest action not yet undone):
every file it touched is restored byte for byte, go env file and CI env file
changes are reverted, a branch it created is deleted, a commit it made is reverted
with a new revert commit (only if not pushed), module-cache entries go back.
An action interrupted by a crash is undone from what its files hold.

Undo refuses, and says why, when a file changed since the action; --force restores
anyway and keeps a backup of the current bytes. Undo is journalled too.

  --last           the newest action not yet undone (the default without an id)
  --force          restore even if files changed since the action (backs them up first)
  --list           list the journal (id, time, actor, action, status, undone by)
  --json           print a JSON document (schemaVersion 1)
  --project dir    the project (default: the current directory)
  --journal file   the journal (default: <module root>/.modrescue/journal.jsonl)

Exit status: 0 undone, 1 refused or partly left alone (explained), 2 usage,
3 could not finish.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(
    args,
    {
      last: { kind: 'bool' },
      force: { kind: 'bool' },
      list: { kind: 'bool' },
      json: { kind: 'bool' },
      project: { kind: 'string', aliases: ['C'] },
      journal: { kind: 'string' },
      timeout: { kind: 'string' },
    },
    { interspersed: true },
  );
  if (flags.args.length > 1) throw usageError('undo: give at most one action id');
  const id = flags.args[0];
  if (id !== undefined && flags.values['last'] === true) throw usageError('undo: give an id or --last, not both');
  const json = flags.values['json'] === true;
  const dir = ctx.resolve(typeof flags.values['project'] === 'string' ? flags.values['project'] : '.');
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: dir });
  const fixCtx: FixContext = {
    dir,
    env,
    processEnv: ctx.io.env,
    ...(typeof flags.values['journal'] === 'string' ? { journal: ctx.resolve(flags.values['journal']) } : {}),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
    ...(typeof flags.values['timeout'] === 'string'
      ? { timeoutMs: parseDuration(flags.values['timeout'], '--timeout') }
      : {}),
  };
  if (flags.values['list'] === true) {
    const report = await inspectJournal(fixCtx);
    if (json) {
      ctx.json({ journal: report.journal, entries: report.entries, errors: report.errors });
      return EXIT.OK;
    }
    if (report.entries.length === 0) ctx.out(`the journal ${report.journal} is empty`);
    const undoneBy = new Map(
      report.entries.filter((e) => e.action === 'undo' && e.status === 'done').map((e) => [e.undoOf, e.id]),
    );
    for (const e of report.entries) {
      const u = undoneBy.get(e.id);
      ctx.out(
        redact(
          `${e.id}  ${e.time}  ${e.status}${e.outcome ? `/${e.outcome.status}` : ''}  ${e.actor.name}  ${e.summary}${u ? `  (undone by ${u})` : ''}`,
        ),
      );
    }
    for (const d of report.dangling) ctx.err(`modrescue: warning: ${describeDangling(d, dir)}`);
    return EXIT.OK;
  }
  const result = await undo(id, fixCtx, { force: flags.values['force'] === true });
  if (json) {
    ctx.json({ entry: result.entry, leftAlone: result.leftAlone, output: result.output });
  } else {
    const e = result.entry;
    ctx.err(`modrescue: undid ${e.undoOf} (journal ${e.id})`);
    for (const f of e.files) ctx.err(`  restored ${f.path}`);
    for (const g of e.git) ctx.err(`  git: ${g.kind} ${g.branch} ${g.sha.slice(0, 12)}`);
    for (const c of e.cache) ctx.err(`  cache: ${c.kind} ${c.path}@${c.version} (${c.entries.length} entries)`);
    for (const l of result.leftAlone) ctx.err(`  left alone: ${l}`);
    for (const l of result.output) ctx.out(l);
  }
  return result.leftAlone.length > 0 ? EXIT.FINDINGS : EXIT.OK;
}
