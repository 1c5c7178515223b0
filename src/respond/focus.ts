/**
 * Which doctor checks matter for a failure category (run first, so the plan can start
 * from them while the rest run), and which results count as the problem that the fix
 * must make go away.
 */
import type { CheckId, CheckResult } from '../doctor/index.js';
import type { ModuleRef } from '../triage/index.js';

/** FOCUS lists, per triage category, the checks that confirm or refute it, most telling first. */
export const FOCUS: Readonly<Record<string, readonly CheckId[]>> = {
  'proxy-unreachable': ['goproxy-reachable', 'go-env', 'sumdb-reachable'],
  'proxy-tls': ['goproxy-reachable', 'sumdb-reachable', 'go-env'],
  'proxy-http-error': ['goproxy-reachable', 'gosum-complete', 'private-modules', 'sumdb-reachable'],
  'checksum-mismatch': ['gosum-verified', 'modcache-integrity', 'gomod-syntax'],
  'missing-gosum': ['gosum-complete', 'gomod-syntax'],
  'sumdb-private': ['private-modules', 'sumdb-reachable', 'go-env', 'gosum-complete'],
  'private-auth': ['credentials', 'private-modules', 'go-env'],
  'unknown-revision': ['goproxy-reachable', 'gosum-complete', 'private-modules'],
  'module-path-mismatch': ['gosum-complete', 'gomod-syntax'],
  'ambiguous-import/package-not-provided': ['gosum-complete', 'gomod-syntax'],
  'go-version': ['go-version', 'go-env'],
  'retracted-or-deprecated': ['retracted-deprecated'],
  'vendor-inconsistent': ['vendor-consistency', 'go-env'],
  'gomod-syntax': ['gomod-syntax'],
  'disk-or-cache': ['disk-space', 'modcache-integrity'],
};

/** focusFor returns the checks to run first for the categories (primary first, then secondary). */
export function focusFor(categories: readonly string[]): CheckId[] {
  const out: CheckId[] = [];
  for (const c of categories) for (const id of FOCUS[c] ?? []) if (!out.includes(id)) out.push(id);
  return out;
}

/** A skip whose reason is the failure itself (the graph cannot load), not a missing network or deadline. */
function failureSkip(c: CheckResult): boolean {
  return c.status === 'skip' && /could not be loaded|could not read any module|could not run/.test(c.summary);
}

/** mentions reports whether text names one of the modules the log blamed (path@version or "path version"). */
function mentions(text: string, modules: readonly ModuleRef[]): boolean {
  return modules.some((m) =>
    m.version ? text.includes(`${m.path}@${m.version}`) || text.includes(`${m.path} ${m.version}`) : false,
  );
}

/**
 * isProblem reports whether a check result is part of the failure: it fails; or it could
 * not run because of the failure (the module graph cannot load); or it warns about one of
 * the modules the log blamed.
 */
export function isProblem(c: CheckResult, modules: readonly ModuleRef[]): boolean {
  if (c.status === 'fail') return true;
  if (failureSkip(c)) return true;
  if (c.status === 'warn' && mentions([c.summary, ...c.details].join('\n'), modules)) return true;
  return false;
}

/**
 * isResolved reports whether a problem check is fixed: it passes, or it warns about
 * something other than the blamed modules.
 */
export function isResolved(c: CheckResult, modules: readonly ModuleRef[]): boolean {
  if (c.status === 'pass') return true;
  if (c.status === 'warn') return !mentions([c.summary, ...c.details].join('\n'), modules);
  return false;
}
