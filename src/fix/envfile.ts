/**
 * Environment changes of fix actions, in three scopes:
 *
 *  - `go-env`: the go env file, rewritten exactly as `go env -w` / `go env -u` rewrite it
 *    (cmd/go/internal/envcmd updateEnvFile: earlier duplicates of a key are blanked, an
 *    existing line is replaced in place, new keys are appended, deleted keys blanked,
 *    then each run of KEY=VALUE lines — runs are separated by comments, blank or invalid
 *    lines — is sorted by key). The bytes equal Go's (differential test in envfile.test.ts);
 *  - `ci`: `$GITHUB_ENV` (GitHub Actions: `NAME=value` lines appended, read by the next
 *    steps) or a dotenv file (GitLab `artifacts:reports:dotenv`, `--ci-file`): later
 *    jobs/steps see the value;
 *  - `shell`: `export NAME='value'` lines printed for `eval`; no file changes.
 */
import path from 'node:path';
import { CodedError } from '../shared/errors.js';
import { readMaybe } from './atomic.js';
import type { PlanContext, PlannedWrite } from './context.js';
import { shellQuote } from './shell.js';
import type { EnvChange, EnvScope } from './types.js';

/** lineToKey returns KEY of a `KEY=VALUE` line, or "" (no '=', or a '#' before it). */
export function lineToKey(line: string): string {
  const i = line.indexOf('=');
  if (i < 0 || line.slice(0, i).includes('#')) return '';
  return line.slice(0, i);
}

/**
 * updateGoEnvFile returns the go env file content after `go env -w` of add and
 * `go env -u` of del, as the go command writes it.
 */
export function updateGoEnvFile(
  data: string,
  add: Readonly<Record<string, string>>,
  del: readonly string[] = [],
): string {
  // readEnvFileLines: lines with their newline; a missing final newline is added.
  const lines: string[] = [];
  if (data !== '') {
    const parts = data.split('\n');
    for (let i = 0; i < parts.length - 1; i++) lines.push(parts[i]! + '\n');
    const last = parts[parts.length - 1]!;
    if (last !== '') lines.push(last + '\n');
  }
  const prev = new Map<string, number>();
  lines.forEach((line, l) => {
    const key = lineToKey(line);
    if (key === '') return;
    const p = prev.get(key);
    if (p !== undefined) lines[p] = '';
    prev.set(key, l);
  });
  const pending = new Map(Object.entries(add));
  for (const [key, val] of pending) {
    const p = prev.get(key);
    if (p !== undefined) {
      lines[p] = `${key}=${val}\n`;
      pending.delete(key);
    }
  }
  for (const [key, val] of pending) lines.push(`${key}=${val}\n`);
  for (const key of del) {
    const p = prev.get(key);
    if (p !== undefined) lines[p] = '';
  }
  // Sort runs of KEY=VALUE lines by key (byte order, as Go compares strings).
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || lineToKey(lines[i]!) === '') {
      const run = lines.slice(start, i).sort((a, b) => {
        const ka = Buffer.from(lineToKey(a));
        const kb = Buffer.from(lineToKey(b));
        return Buffer.compare(ka, kb);
      });
      lines.splice(start, run.length, ...run);
      start = i + 1;
    }
  }
  return lines.join('');
}

/** goEnvFileValue returns the value the go command reads for key from a go env file (the last line wins), or null. */
export function goEnvFileValue(data: string, key: string): string | null {
  let value: string | null = null;
  for (const line of data.split('\n')) {
    const i = line.indexOf('=');
    if (i < 0 || line.length === 0 || line[0]! < 'A' || line[0]! > 'Z') continue;
    if (line.slice(0, i) === key) value = line.slice(i + 1);
  }
  return value;
}

/** checkEnvWrite returns the go command's error for writing key=val with go env -w, or undefined. */
export function checkEnvWrite(key: string, val: string): string | undefined {
  if (/\x00/.test(val)) return `invalid NUL in ${key}=... value`;
  if (/[\v\r\n]/.test(val)) return `invalid newline in ${key}=... value`;
  return undefined;
}

/** EnvPlan is the file writes, journal records and printed lines of a set of env changes. */
export interface EnvPlan {
  readonly writes: PlannedWrite[];
  readonly env: EnvChange[];
  readonly output: string[];
  readonly notes: string[];
  readonly refused?: string;
  /** Where the change goes, for the plan's text (`the go env file /home/u/.config/go/env`). */
  readonly where: string;
}

/** defaultScope is `ci` inside GitHub Actions or GitLab CI, else `go-env`. */
export function defaultScope(pc: PlanContext): 'ci' | 'go-env' {
  const e = pc.ctx.processEnv;
  return e['GITHUB_ENV'] || e['GITLAB_CI'] === 'true' ? 'ci' : 'go-env';
}

/**
 * planEnvChanges plans setting (value) or removing (null) Go environment variables in
 * scope. It throws ERR_FIX_USAGE for a value go env -w would reject.
 */
export async function planEnvChanges(
  pc: PlanContext,
  changes: Readonly<Record<string, string | null>>,
  scope: EnvScope,
  ciFile?: string,
): Promise<EnvPlan> {
  for (const [k, v] of Object.entries(changes)) {
    const err = v === null ? undefined : checkEnvWrite(k, v);
    if (err) throw new CodedError('ERR_FIX_USAGE', err, { exitCode: 2 });
  }
  const penv = pc.ctx.processEnv;
  const notes: string[] = [];
  const env: EnvChange[] = [];
  if (scope === 'shell') {
    const output: string[] = [];
    for (const [k, v] of Object.entries(changes)) {
      env.push({ scope, name: k, before: penv[k] ?? null, after: v });
      output.push(v === null ? `unset ${k}` : `export ${k}=${shellQuote(v)}`);
    }
    return { writes: [], env, output, notes, where: 'this shell (eval the printed lines)' };
  }
  if (scope === 'go-env') {
    const file = pc.ctx.env.envFile.path;
    if (!file) {
      return {
        writes: [],
        env,
        output: [],
        notes,
        refused: 'cannot find go env config: GOENV=off or no config directory ($XDG_CONFIG_HOME, $HOME)',
        where: 'the go env file',
      };
    }
    const data = (await readMaybe(file))?.toString('utf8') ?? '';
    const add: Record<string, string> = {};
    const del: string[] = [];
    for (const [k, v] of Object.entries(changes)) {
      env.push({ scope, name: k, before: goEnvFileValue(data, k), after: v, file });
      if (v === null) del.push(k);
      else add[k] = v;
      const os = penv[k];
      if (os !== undefined && os !== '' && os !== v) {
        notes.push(
          `warning: go env -w ${k}=... does not override conflicting OS environment variable (${k} is set in the environment)`,
        );
      }
    }
    const content = updateGoEnvFile(data, add, del);
    const w = await pc.planWrite(file, 'go env file', content === '' && data === '' ? undefined : content, {
      mode: 0o644,
    });
    return { writes: w.op.before === w.op.after ? [] : [w], env, output: [], notes, where: `the go env file ${file}` };
  }
  // ci
  const githubEnv = penv['GITHUB_ENV'];
  const target = ciFile ? path.resolve(pc.root, ciFile) : githubEnv;
  if (!target) {
    return {
      writes: [],
      env,
      output: [],
      notes,
      refused:
        penv['GITLAB_CI'] === 'true'
          ? 'ci scope on GitLab needs --ci-file <dotenv file> (list it under artifacts:reports:dotenv)'
          : 'ci scope needs $GITHUB_ENV (GitHub Actions) or --ci-file <dotenv file>',
      where: 'the CI environment',
    };
  }
  const role = ciFile ? 'dotenv' : 'GITHUB_ENV';
  const data = (await readMaybe(target))?.toString('utf8') ?? '';
  let content = data;
  if (content !== '' && !content.endsWith('\n')) content += '\n';
  if (ciFile) {
    // A dotenv file: one line per variable, replaced in place or appended.
    const lines = content === '' ? [] : content.slice(0, -1).split('\n');
    for (const [k, v] of Object.entries(changes)) {
      env.push({ scope, name: k, before: penv[k] ?? null, after: v, file: target });
      const i = lines.findIndex((l) => lineToKey(l) === k);
      const line = `${k}=${v ?? ''}`;
      if (i >= 0) lines[i] = line;
      else lines.push(line);
    }
    content = lines.map((l) => l + '\n').join('');
  } else {
    // $GITHUB_ENV is read after the step: later lines win; an empty value is how to clear one.
    for (const [k, v] of Object.entries(changes)) {
      env.push({ scope, name: k, before: penv[k] ?? null, after: v, file: target });
      content += `${k}=${v ?? ''}\n`;
    }
  }
  const w = await pc.planWrite(target, role, content, { mode: 0o644 });
  return {
    writes: w.op.before === w.op.after ? [] : [w],
    env,
    output: [],
    notes,
    where: ciFile ? `the dotenv file ${target}` : '$GITHUB_ENV (the next steps of this job)',
  };
}
