/**
 * The incident directory: `.modrescue/incidents/<id>/` in the project, written by
 * `modrescue respond` and read by `modrescue report`. `incident.json` (IncidentDoc,
 * schemaVersion 1) holds everything the notice and the post-incident record are made
 * from; `notice.md` and `timeline.md` are the same facts for people, written beside it.
 *
 * The actions themselves live in the journal (`.modrescue/journal.jsonl`, src/shared/
 * journal.ts); the incident names them by journal id, so the report shows what the
 * journal says now (an action undone after the incident is reported as undone).
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CodedError } from '../shared/errors.js';
import { PHASES, type Lang, type Phase } from '../shared/incident-terms.js';
import { JOURNAL_DIR, idTimestamp, randomIdSuffix } from '../shared/journal.js';

/** INCIDENTS_DIR is the directory, under the project's `.modrescue`, holding one directory per incident. */
export const INCIDENTS_DIR = 'incidents';

export type { Lang } from '../shared/incident-terms.js';

/** IncidentPhase is the response phase of seed chapter 1 (the notice's status). */
export type IncidentPhase = Phase;

/** TimelineEvent is one row of the UTC timeline: time | event | evidence. */
export interface TimelineEvent {
  /** UTC, ISO 8601 with milliseconds. */
  readonly time: string;
  /** What happened, one line, in English. */
  readonly event: string;
  /** The same in Chinese. */
  readonly eventZh?: string;
  /** What shows it: a log line, a check summary, a journal id, a command's exit status. */
  readonly evidence?: string;
  /** A stable kind for translation and filtering (`ci-failed`, `triage`, `doctor`, `plan`, `apply`, …). */
  readonly kind: string;
}

/** CheckSummary is one doctor check as the incident keeps it. */
export interface CheckSummary {
  readonly id: string;
  readonly status: 'pass' | 'warn' | 'fail' | 'skip';
  readonly summary: string;
  /** The fix action the check suggests, when one applies. */
  readonly fix?: string;
}

/** ActionRecord is one action of respond's plan and what became of it. */
export interface ActionRecord {
  /** 1 = first choice. */
  readonly rank: number;
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** The equivalent command line (`modrescue fix sum --apply`). */
  readonly command: string;
  readonly why: string;
  readonly risk: { readonly level: 'low' | 'medium' | 'high'; readonly note: string };
  readonly undo: string;
  /** applied · declined (by the engineer) · refused (by the action) · noop · failed · planned (dry run, or not reached). */
  readonly status: 'applied' | 'declined' | 'refused' | 'noop' | 'failed' | 'planned';
  /** The journal id when applied (the undo id). */
  readonly journalId?: string;
  /** Files the plan changes: path and create/modify/delete. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly kind: string }>;
  readonly notes: readonly string[];
  /** Why it was refused or failed. */
  readonly reason?: string;
}

/** VerifyCommandResult is the verification command's run. */
export interface VerifyCommandResult {
  readonly command: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The last lines of its output (redacted). */
  readonly output: string;
}

/** Verification is how respond checked the fix. */
export interface VerificationRecord {
  readonly verified: boolean;
  /** The checks that failed before, with their status after the actions. */
  readonly checks: ReadonlyArray<{
    readonly id: string;
    readonly before: string;
    readonly after: string;
    readonly summary: string;
  }>;
  readonly command?: VerifyCommandResult;
  /** Why the verification command did not run (no go binary, not asked). */
  readonly commandSkipped?: string;
}

/** WhyStepRecord is one step of a requirement path. */
export interface WhyStepRecord {
  readonly path: string;
  readonly version: string;
}

/** DependencyPath is the failing module's requirement paths, for the report's drawing. */
export interface DependencyPath {
  readonly module: string;
  readonly version?: string;
  /** Shortest requirement paths from the main module (each starts with the main module). */
  readonly paths: ReadonlyArray<readonly WhyStepRecord[]>;
  /** Where the paths came from: the loaded module graph, or go.mod alone when the graph could not load. */
  readonly from: 'graph' | 'go.mod';
}

/** IncidentDoc is `incident.json`. */
export interface IncidentDoc {
  readonly schemaVersion: 1;
  readonly id: string;
  /** The main module's root. */
  readonly project: string;
  readonly module?: string;
  /** respond's start and end (UTC ISO). */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly elapsedMs: number;
  /** When the failure started: the log's first error time, else respond's start. */
  readonly interruptionStart: string;
  /** Whether interruptionStart comes from the log's timestamps. */
  readonly interruptionFromLog: boolean;
  /** When the fix was verified (absent when it was not). */
  readonly fixedAt?: string;
  readonly detection: {
    /** The log's name (file, URL, job), when respond was given one. */
    readonly source?: string;
    readonly line?: number;
    readonly text?: string;
    readonly time?: string;
  };
  readonly diagnosis: {
    readonly category: string;
    readonly class: string;
    readonly confidence: number;
    readonly title: string;
    readonly summary: string;
    readonly ruleId?: string;
    readonly secondary: readonly string[];
    readonly evidence: ReadonlyArray<{ readonly line: number; readonly text: string }>;
    readonly modules: ReadonlyArray<{ readonly path: string; readonly version?: string }>;
    readonly hosts: readonly string[];
    /** The category respond acted on (triage's, or the failing checks' when there was no log). */
    readonly actedOn: string;
  };
  /** The last commit of the project when respond ran (the likely trigger). */
  readonly trigger?: {
    readonly commit: string;
    readonly subject: string;
    readonly time: string;
    readonly author: string;
  };
  readonly scope: Readonly<Record<string, string>>;
  readonly checks: { readonly before: readonly CheckSummary[]; readonly after: readonly CheckSummary[] };
  readonly plan: readonly ActionRecord[];
  readonly verification: VerificationRecord;
  readonly mode: 'interactive' | 'yes' | 'dry-run';
  readonly phase: IncidentPhase;
  readonly outcome: 'fixed' | 'not-fixed' | 'planned';
  readonly timeline: readonly TimelineEvent[];
  readonly dependencyPath?: DependencyPath;
  /** The notice at the end of respond, in both languages (Markdown). */
  readonly notices: Readonly<Record<Lang, string>>;
  /** The journal file the actions are recorded in. */
  readonly journal: string;
  /** Hosts of the log and what played them (example incidents only). */
  readonly aliases?: Readonly<Record<string, string>>;
}

const docSchema = z.looseObject({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  project: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  elapsedMs: z.number(),
  interruptionStart: z.string(),
  diagnosis: z.looseObject({ category: z.string(), title: z.string() }),
  checks: z.looseObject({ before: z.array(z.unknown()), after: z.array(z.unknown()) }),
  plan: z.array(z.looseObject({ action: z.string(), status: z.string() })),
  verification: z.looseObject({ verified: z.boolean() }),
  phase: z.enum(PHASES),
  outcome: z.enum(['fixed', 'not-fixed', 'planned']),
  timeline: z.array(z.looseObject({ time: z.string(), event: z.string(), kind: z.string() })),
  notices: z.looseObject({ en: z.string(), zh: z.string() }),
  journal: z.string(),
});

/** incidentsDir returns `<root>/.modrescue/incidents`. */
export function incidentsDir(projectRoot: string): string {
  return path.join(projectRoot, JOURNAL_DIR, INCIDENTS_DIR);
}

/**
 * newIncidentId returns `<yyyymmdd>T<hhmmss>Z-<category>-<4 hex>` for an incident
 * started at now (ids sort by time; the category says what it was about).
 */
export function newIncidentId(now: Date, category: string, random: () => string = randomIdSuffix): string {
  const cat = category.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';
  return `${idTimestamp(now)}-${cat}-${random()}`;
}

/**
 * writeIncident writes doc and its Markdown views into `<incidents>/<id>/` atomically
 * per file (temporary file + rename) and returns the directory. It rejects with
 * ERR_REPORT_WRITE when the directory cannot be written.
 */
export async function writeIncident(
  projectRoot: string,
  doc: IncidentDoc,
  views: Readonly<Record<string, string>>,
): Promise<string> {
  const dir = path.join(incidentsDir(projectRoot), doc.id);
  try {
    await mkdir(dir, { recursive: true });
    const put = async (name: string, text: string) => {
      const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
      await writeFile(tmp, text, { mode: 0o644 });
      await rename(tmp, path.join(dir, name));
    };
    for (const [name, text] of Object.entries(views)) await put(name, text);
    await put('incident.json', JSON.stringify(doc, null, 2) + '\n');
  } catch (e) {
    throw new CodedError('ERR_REPORT_WRITE', `cannot write the incident ${dir}: ${(e as Error).message}`, { dir });
  }
  return dir;
}

/** listIncidents returns the incident ids under projectRoot, oldest first (ids sort by time). */
export async function listIncidents(projectRoot: string): Promise<string[]> {
  const entries = await readdir(incidentsDir(projectRoot), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * readIncident reads the incident `ref` (an id, a unique part of one, or undefined for
 * the newest) of projectRoot. It rejects with ERR_REPORT_NO_INCIDENT when there is none
 * (or ref matches none or several, listing them) and ERR_REPORT_INVALID when
 * incident.json is not an incident document (saying where).
 */
export async function readIncident(projectRoot: string, ref?: string): Promise<IncidentDoc> {
  const ids = await listIncidents(projectRoot);
  const where = incidentsDir(projectRoot);
  if (ids.length === 0) {
    throw new CodedError(
      'ERR_REPORT_NO_INCIDENT',
      `no incident in ${where}: run modrescue respond first (or pass --project)`,
      { dir: where },
    );
  }
  let id: string;
  if (ref === undefined) {
    id = ids.at(-1)!;
  } else {
    const hits = ids.includes(ref) ? [ref] : ids.filter((i) => i.includes(ref));
    if (hits.length !== 1) {
      throw new CodedError(
        'ERR_REPORT_NO_INCIDENT',
        `${hits.length === 0 ? 'no incident' : 'several incidents'} ${JSON.stringify(ref)} in ${where} (incidents: ${(hits.length > 0 ? hits : ids).join(', ')})`,
        { dir: where, ref },
      );
    }
    id = hits[0]!;
  }
  const file = path.join(where, id, 'incident.json');
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new CodedError('ERR_REPORT_INVALID', `${file}: ${(e as Error).message}`, { file });
  }
  const r = docSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CodedError(
      'ERR_REPORT_INVALID',
      `${file}: not an incident document: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { file },
    );
  }
  return value as IncidentDoc;
}
