/**
 * Unified diffs of planned file changes (the `diff` package computes the hunks; the
 * headers are git's: `--- a/<path>` / `+++ b/<path>`, `/dev/null` for a created or
 * deleted file). Secrets are redacted from the diff text.
 */
import { structuredPatch } from 'diff';
import { redact } from '../shared/redact.js';
import { sha256 } from './atomic.js';
import { SECRET_PLACEHOLDER, type FileDiff } from './types.js';

/** unifiedDiff returns the unified diff of one file (3 lines of context); "" when before equals after. */
export function unifiedDiff(label: string, before: string | undefined, after: string | undefined): string {
  if (before === after) return '';
  const p = structuredPatch(label, label, before ?? '', after ?? '', undefined, undefined, { context: 3 });
  const lines = [before === undefined ? '--- /dev/null' : `--- a/${label}`];
  lines.push(after === undefined ? '+++ /dev/null' : `+++ b/${label}`);
  for (const h of p.hunks) {
    const range = (start: number, n: number) => (n === 1 ? `${start}` : `${start},${n}`);
    lines.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    lines.push(...h.lines);
  }
  return lines.join('\n') + '\n';
}

/**
 * fileDiff builds the FileDiff of a planned write: hashes of both sides (the after hash
 * with the real secret when one is given) and the redacted unified diff.
 */
export function fileDiff(options: {
  path: string;
  label: string;
  role: string;
  before: Uint8Array | undefined;
  after: string | undefined;
  secret?: string;
}): FileDiff {
  const beforeText = options.before === undefined ? undefined : Buffer.from(options.before).toString('utf8');
  const realAfter =
    options.after === undefined ? undefined : options.after.split(SECRET_PLACEHOLDER).join(options.secret ?? '');
  const shownAfter = options.after === undefined ? undefined : options.after.split(SECRET_PLACEHOLDER).join('***');
  const secrets = options.secret ? [options.secret] : [];
  const same =
    options.before !== undefined &&
    realAfter !== undefined &&
    Buffer.from(realAfter).equals(Buffer.from(options.before));
  const shownBefore = options.secret ? beforeText?.split(options.secret).join('***') : beforeText;
  return {
    path: options.path,
    role: options.role,
    kind: options.before === undefined ? 'create' : options.after === undefined ? 'delete' : 'modify',
    before: options.before === undefined ? null : sha256(options.before),
    after: realAfter === undefined ? null : sha256(realAfter),
    unified: same ? '' : redact(unifiedDiff(options.label, shownBefore, shownAfter), secrets),
  };
}
