/**
 * From a diagnosis to candidate fix actions. Two sources, in this order:
 *
 *  1. the log's diagnosis (triage's category, its secondary categories, the modules and
 *     hosts it names): what on-call engineers do for that failure, with the arguments the
 *     log gives (the private host's pattern, the proxy that failed);
 *  2. the fix hints of the doctor checks that are part of the problem (src/doctor: every
 *     finding names a `modrescue fix` action).
 *
 * Arguments come from evidence, never from guesses: a proxy chain without the entries
 * that failed their probe, a GOPRIVATE pattern from the module path the log blamed. One
 * candidate per action; the first source wins.
 */
import type { CheckResult, DoctorReport } from '../doctor/index.js';
import type { ActionSpec, EnvScope } from '../fix/index.js';
import { parseProxyList } from '../mod/goproxy/list.js';
import { redactUrl } from '../shared/redact.js';
import type { GoEnv } from '../shared/goenv.js';
import { goEnvValue } from '../shared/goenv.js';
import type { TriageResult } from '../triage/index.js';
import { isProblem } from './focus.js';
import type { Candidate } from './types.js';

/** specKey identifies a candidate (an action with its arguments). */
export function specKey(spec: ActionSpec): string {
  return JSON.stringify(spec);
}

/** commandFor returns the `modrescue fix …` command line equivalent to spec. */
export function commandFor(spec: ActionSpec): string {
  const q = (s: string) => (/^[\w@%+=:,./*-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['modrescue', 'fix', spec.action];
  switch (spec.action) {
    case 'proxy':
      if (spec.set) parts.push('--set', q(redactUrl(spec.set)));
      if (spec.scope) parts.push('--scope', spec.scope);
      break;
    case 'cache':
      for (const m of spec.purge ?? []) parts.push('--purge', q(m));
      if (spec.corrupt) parts.push('--corrupt');
      if (spec.warm) parts.push('--warm');
      break;
    case 'replace':
      for (const a of spec.add ?? []) parts.push('--add', q(a));
      for (const d of spec.drop ?? []) parts.push('--drop', q(d));
      break;
    case 'pin':
      parts.push(q(spec.module));
      break;
    case 'private':
      parts.push('--pattern', q(spec.pattern));
      if (spec.ssh) parts.push('--ssh');
      if (spec.netrcTokenEnv) parts.push('--netrc-token-env', spec.netrcTokenEnv);
      if (spec.scope) parts.push('--scope', spec.scope);
      break;
    case 'toolchain':
      if (spec.prefer) parts.push('--prefer', spec.prefer);
      if (spec.scope) parts.push('--scope', spec.scope);
      break;
    case 'rollback':
      if (spec.to) parts.push('--to', q(spec.to));
      if (spec.lastStable) parts.push('--last-stable');
      if (spec.filesOnly) parts.push('--files-only');
      if (spec.push) parts.push('--push');
      break;
    case 'sum':
      break;
  }
  parts.push('--apply');
  return parts.join(' ');
}

/**
 * reachableChain returns GOPROXY without the entries whose probe failed in the
 * goproxy-reachable check (keeping order, separators and `direct`/`off`), or undefined
 * when nothing would be left or nothing failed.
 */
export function reachableChain(goproxy: string, check: CheckResult | undefined): string | undefined {
  if (!check) return undefined;
  const failed = new Set(
    check.evidence
      .filter((e) => e['outcome'] === 'error' && typeof e['entry'] === 'string')
      .map((e) => e['entry'] as string),
  );
  if (failed.size === 0) return undefined;
  let list;
  try {
    list = parseProxyList(goproxy);
  } catch {
    return undefined;
  }
  const kept = list.filter((e) => e.url !== 'noproxy' && !failed.has(redactUrl(e.url)));
  if (kept.length === 0 || kept.every((e) => e.url === 'off')) return undefined;
  return kept.map((e, i) => e.url + (i < kept.length - 1 ? (e.fallBackOnError ? '|' : ',') : '')).join('');
}

/** privatePattern returns the GOPRIVATE pattern for a module path: its host (the first path element). */
export function privatePattern(modulePath: string): string {
  return modulePath.split('/')[0]!;
}

/**
 * versionGone reports whether the log shows a required module version that the proxy no
 * longer has: a 404/410 on a `/@v/` URL, or the "unknown revision" the go command prints.
 * A 404 from a checksum-database lookup (`/lookup/`) is not one.
 */
export function versionGone(t: TriageResult): boolean {
  const text = t.evidence.map((e) => e.text).join('\n');
  return (
    t.modules.some((m) => m.version) &&
    (/\/@v\/\S*: (404 Not Found|410 Gone)/.test(text) ||
      /unknown revision|invalid version: .*(not found|does not exist)/.test(text))
  );
}

/**
 * categoriesOf returns the categories the plan addresses: triage's primary one, plus
 * `unknown-revision` when the primary is an HTTP error about a version that is gone.
 * Other secondary categories are consequences and get no action of their own.
 */
export function categoriesOf(t: TriageResult | undefined): string[] {
  if (!t || t.category === 'unknown') return [];
  const out: string[] = [t.category];
  if (t.category === 'proxy-http-error' && t.secondary.some((s) => s.category === 'unknown-revision'))
    out.push('unknown-revision');
  return out;
}

/** PlannerInput is what the planner reads. */
export interface PlannerInput {
  readonly triage?: TriageResult;
  readonly report: DoctorReport;
  readonly env: GoEnv;
  readonly scope?: EnvScope;
}

/**
 * candidates returns the actions to consider, best first (see the package doc). It never
 * throws; an action that cannot get its arguments from the evidence is left out.
 */
export function candidates(input: PlannerInput): Candidate[] {
  const { triage, report, env } = input;
  const out: Candidate[] = [];
  const add = (spec: ActionSpec, reason: string, source: Candidate['source']) => {
    if (out.some((c) => c.spec.action === spec.action)) return;
    out.push({ spec, reason, source, priority: out.length });
  };
  const modules = triage?.modules ?? [];
  const problems = report.checks.filter((c) => isProblem(c, modules));
  const check = (id: string) => report.checks.find((c) => c.id === id);
  const proxyScope = input.scope ? { scope: input.scope } : {};
  const privScope = input.scope && input.scope !== 'shell' ? { scope: input.scope } : {};
  const chain = reachableChain(goEnvValue(env, 'GOPROXY'), check('goproxy-reachable'));
  const proxySpec = (): ActionSpec => ({ action: 'proxy', ...(chain ? { set: chain } : {}), ...proxyScope });

  for (const cat of categoriesOf(triage)) {
    switch (cat) {
      case 'proxy-unreachable':
      case 'proxy-tls':
        add(proxySpec(), `the log shows ${cat}: switch GOPROXY to the entries that answer`, 'triage');
        break;
      case 'proxy-http-error':
      case 'unknown-revision':
        if (triage && versionGone(triage)) {
          const m = modules.find((x) => x.version)!;
          add(
            { action: 'rollback', lastStable: true, filesOnly: true },
            `${m.path}@${m.version} is gone upstream: restore go.mod/go.sum of the last release whose dependencies all resolve`,
            'triage',
          );
        } else if (cat === 'proxy-http-error') {
          add(proxySpec(), 'the proxy answers with errors: switch to entries that answer', 'triage');
        }
        break;
      case 'checksum-mismatch': {
        const hint = check('gosum-verified')?.fix?.action;
        if (hint === 'proxy') add(proxySpec(), 'a proxy serves bytes the checksum database does not confirm', 'triage');
        else if (hint === 'cache')
          add({ action: 'cache', corrupt: true }, 'the module cache holds bytes that differ from go.sum', 'triage');
        else add({ action: 'sum' }, 'go.sum disagrees with the checksum database: keep only verified hashes', 'triage');
        break;
      }
      case 'missing-gosum':
        add({ action: 'sum' }, 'go.sum lacks lines the build needs: add them with verified hashes', 'triage');
        break;
      case 'sumdb-private':
      case 'private-auth': {
        const priv = modules.find((m) => m.path.includes('.'));
        if (priv) {
          add(
            { action: 'private', pattern: privatePattern(priv.path), ...privScope },
            cat === 'sumdb-private'
              ? `${priv.path} is private: keep it away from the public checksum database`
              : `${priv.path} is private: set up its routing and credentials`,
            'triage',
          );
        }
        if (cat === 'sumdb-private')
          add({ action: 'sum' }, "record the private module's hashes in go.sum (trust on first use)", 'triage');
        break;
      }
      case 'go-version':
        add({ action: 'toolchain', ...privScope }, 'the Go version does not match what the module needs', 'triage');
        break;
      case 'disk-or-cache':
        add({ action: 'cache', corrupt: true }, 'the module cache holds corrupt entries', 'triage');
        break;
    }
  }

  for (const c of problems) {
    const action = c.fix?.action;
    const reason = `${c.id}: ${c.summary.split('\n')[0]}`;
    switch (action) {
      case 'sum':
        add({ action: 'sum' }, reason, 'doctor');
        break;
      case 'proxy':
        add(proxySpec(), reason, 'doctor');
        break;
      case 'cache':
        add({ action: 'cache', corrupt: true }, reason, 'doctor');
        break;
      case 'toolchain':
        add({ action: 'toolchain', ...privScope }, reason, 'doctor');
        break;
      case 'rollback':
        add({ action: 'rollback', lastStable: true, filesOnly: true }, reason, 'doctor');
        break;
      case 'private': {
        const pattern = goEnvValue(env, 'GOPRIVATE') || goEnvValue(env, 'GONOSUMDB');
        if (pattern) add({ action: 'private', pattern, ...privScope }, reason, 'doctor');
        break;
      }
      default:
        break;
    }
  }
  return out;
}
