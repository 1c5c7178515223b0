/**
 * Line normalisation before matching: CI systems decorate the go command's output with
 * colour codes, carriage returns, timestamps and group markers. normalizeLine removes
 * them (keeping the timestamp aside) so that patterns see the go command's own words.
 */

// ANSI CSI sequences (colours, erase-line) and OSC sequences.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
// GitHub Actions: `2022-12-01T17:39:21.3663768Z ` before every line.
const ISO_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) ?/;
// Jenkins timestamper: `[2024-01-02T10:11:12.123Z] ` or `[10:11:12] `.
const BRACKET_TS = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?|\d\d:\d\d:\d\d(?:\.\d+)?)\] ?/;
// GitHub workflow commands at the start of a line.
const GH_MARKER = /^##\[(?:group|endgroup|error|warning|notice|debug|section|command)\]/;
// GitLab section markers: `section_start:1700000000:step_script\r\x1b[0K`.
const GITLAB_SECTION = /section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]]*\])?\r?/g;
// Docker BuildKit (`#10 7.637 `) and openSUSE OBS (`[   47s] `) line prefixes.
const BUILDKIT = /^#\d+ \d+(?:\.\d+)? /;
const OBS = /^\[\s*\d+s\] /;

/** NormalizedLine is a line ready for matching, with the timestamp its prefix carried. */
export interface NormalizedLine {
  readonly text: string;
  readonly timestamp?: string;
}

/**
 * normalizeLine strips colour codes, a trailing CR, CI timestamps and markers from one
 * line. It never throws; a line that is only decoration becomes "".
 */
export function normalizeLine(raw: string): NormalizedLine {
  let s = raw;
  if (s.endsWith('\r')) s = s.slice(0, -1);
  if (s.includes('\x1b')) s = s.replace(ANSI, '');
  if (s.includes('section_')) s = s.replace(GITLAB_SECTION, '');
  // A bare CR inside a line is a terminal overwrite: keep what was written last.
  const cr = s.lastIndexOf('\r');
  if (cr >= 0) s = s.slice(cr + 1);
  let timestamp: string | undefined;
  let m = ISO_PREFIX.exec(s);
  if (m) {
    timestamp = m[1];
    s = s.slice(m[0].length);
  } else if ((m = BRACKET_TS.exec(s))) {
    if (m[1]!.includes('T')) timestamp = m[1];
    s = s.slice(m[0].length);
  }
  const gh = GH_MARKER.exec(s);
  if (gh) s = s.slice(gh[0].length);
  const bk = BUILDKIT.exec(s) ?? OBS.exec(s);
  if (bk) s = s.slice(bk[0].length);
  return timestamp === undefined ? { text: s } : { text: s, timestamp };
}

/** indentOf returns the width of the leading whitespace of a normalised line (a tab counts 8). */
export function indentOf(s: string): number {
  let n = 0;
  for (const c of s) {
    if (c === ' ') n++;
    else if (c === '\t') n += 8;
    else break;
  }
  return n;
}
