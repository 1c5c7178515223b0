/**
 * Package report: `modrescue report` — the incident notice of seed chapter 1
 * (interruption time, impact scope, preliminary diagnosis, response status and phase,
 * next update) and the post-incident record (UTC timeline of time | event | evidence,
 * trigger vs root cause, detection, impact, actions taken with their undo ids, what went
 * well and badly, prevention items), in English or Chinese, as Markdown, one
 * self-contained HTML page, or JSON.
 *
 * Sources: the incident directory `respond` writes (`.modrescue/incidents/<id>/
 * incident.json`, IncidentDoc) and the action journal (`.modrescue/journal.jsonl`), read
 * at report time so an action undone after the incident shows as undone.
 *
 * Invariants: the report never invents a fact (unknowns are said to be unknown); every
 * string from a log, a check or the journal passes through src/shared/redact.ts; the HTML
 * page makes no network request (CSP `default-src 'none'`, no script).
 */
export {
  INCIDENTS_DIR,
  incidentsDir,
  listIncidents,
  newIncidentId,
  readIncident,
  writeIncident,
  type ActionRecord,
  type CheckSummary,
  type DependencyPath,
  type IncidentDoc,
  type IncidentPhase,
  type Lang,
  type TimelineEvent,
  type VerificationRecord,
  type VerifyCommandResult,
  type WhyStepRecord,
} from './incident.js';
export {
  buildReport,
  formatDuration,
  formatUtcMs,
  type ActionRow,
  type ReportModel,
  type TimelineRow,
} from './record.js';
export { renderMarkdown, pathLines } from './markdown.js';
export { renderReportHtml, markdownBlock, pathSvg, pathView } from './html.js';
export { dependencyPathFromGraph, dependencyPathFromGoMod, MAX_REPORT_PATHS } from './path.js';
export { PREVENTION, STORIES, storyFor, HEADINGS, type PreventionItem } from './text.js';
export { reportDocument } from './json.js';
