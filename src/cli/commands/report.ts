/**
 * `modrescue report [<incident id>] [--project dir] [--format markdown|html|json] [--lang en|zh]`:
 * the incident notice and the post-incident record of an incident that `respond` wrote,
 * with the actions' current state from the journal (src/report).
 */
import path from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseFlags, usageError } from '../flags.js';
import { findModuleRoot } from '../../mod/modload/index.js';
import { readJournal } from '../../shared/journal.js';
import { redact } from '../../shared/redact.js';
import {
  buildReport,
  listIncidents,
  readIncident,
  renderMarkdown,
  renderReportHtml,
  reportDocument,
  type Lang,
} from '../../report/index.js';

export const usage = `usage: modrescue report [<incident id>] [--project dir] [--format markdown|html|json] [--lang en|zh]
       modrescue report --list [--project dir]

Report writes the incident notice (interruption time, impact scope, preliminary
diagnosis, response status and phase, next update) and the post-incident record
of an incident that modrescue respond wrote to .modrescue/incidents/<id>/: the
UTC timeline (time | event | evidence), trigger vs root cause, detection,
impact, the actions taken with their undo ids (their current state read from
the journal: an action undone since is shown as undone), verification, what
went well and badly, and the prevention items (proxy with a cache, dependency
review gate, go.mod lint, GOPRIVATE policy).

  <incident id>   an id or a unique part of one (default: the newest incident)
  --project dir   the project (default: the current directory; go.mod is searched upwards)
  --format F      markdown (default), html (one self-contained page: no network
                  request, the timeline and the failing module's dependency path
                  drawn), or json (schemaVersion 1)
  --lang L        en (default) or zh
  --journal FILE  the journal (default: the one the incident names)
  --list          list the incidents, oldest first

Exit status: 0 written; 2 usage error; 3 no such incident, or it cannot be read.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(
    args,
    {
      project: { kind: 'string' },
      format: { kind: 'string' },
      lang: { kind: 'string' },
      journal: { kind: 'string' },
      list: { kind: 'bool' },
      json: { kind: 'bool' },
    },
    { interspersed: true },
  );
  const v = flags.values;
  if (flags.args.length > 1) throw usageError('report: at most one incident id');
  let format = typeof v['format'] === 'string' ? v['format'] : 'markdown';
  if (v['json'] === true) format = 'json';
  if (!['markdown', 'html', 'json'].includes(format))
    throw usageError(`report: invalid --format "${format}": want markdown, html or json`);
  const lang = (typeof v['lang'] === 'string' ? v['lang'] : 'en') as Lang;
  if (lang !== 'en' && lang !== 'zh') throw usageError(`report: invalid --lang "${lang}": want en or zh`);
  const dir = ctx.resolve(typeof v['project'] === 'string' ? v['project'] : '.');
  // Incidents live beside go.mod; a directory without one is taken as the project root itself.
  const root = (await findModuleRoot(dir).catch(() => undefined)) ?? dir;

  if (v['list'] === true) {
    const ids = await listIncidents(root);
    if (format === 'json') ctx.json({ project: root, incidents: ids });
    else for (const id of ids) ctx.out(id);
    return EXIT.OK;
  }

  const doc = await readIncident(root, flags.args[0]);
  const journalFile =
    typeof v['journal'] === 'string'
      ? ctx.resolve(v['journal'])
      : doc.journal || path.join(root, '.modrescue', 'journal.jsonl');
  const journal = await readJournal(journalFile);
  const model = buildReport(doc, journal, lang);
  if (format === 'json') {
    ctx.io.stdout.write(redact(JSON.stringify({ schemaVersion: 1, ...reportDocument(model, doc) }, null, 2)) + '\n');
  } else if (format === 'html') {
    ctx.io.stdout.write(redact(renderReportHtml(model)));
  } else {
    ctx.io.stdout.write(redact(renderMarkdown(model)));
  }
  for (const e of model.journalErrors) ctx.err(`modrescue: ${e}`);
  return EXIT.OK;
}
