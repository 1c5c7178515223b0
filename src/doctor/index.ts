/**
 * Package doctor: `modrescue doctor` — checks the project, the Go environment and every
 * link of the module supply (GOPROXY chain, checksum database, private-module settings and
 * credentials, go.sum, module cache, toolchain) in one run, concurrently, under a deadline,
 * and says for each check what is wrong and which fix applies.
 *
 * API for other commands (`respond`, `fix`):
 *
 *   const report = await runDoctor({ dir, env, fetch, processEnv, only: ['gosum-verified'] });
 *   report.checks[0].status          // 'pass' | 'warn' | 'fail' | 'skip'
 *   report.checks[0].fix?.action     // 'sum' → run `modrescue fix sum`
 *
 *   const r = await runCheck('goproxy-reachable', options);   // one check
 *   CHECKS / getCheck(id)            // the registry: id, title, network, doc, run(ctx)
 *
 * Options (DoctorOptions): the project dir; the resolved GoEnv (src/cli/goenv.ts); a
 * FetchLike (createHttpClient over the env; without one, network checks are skipped);
 * processEnv for child processes (git, go); the deadline (timeoutMs, default 10 s) and
 * per-probe timeout; only/skip; offline; an AbortSignal; a clock; onProgress.
 *
 * Invariants: a check never throws for what it finds (findings are results); every
 * network probe and child process has a timeout and stops when the run's deadline
 * passes; unfinished checks are reported as `skip` with the reason; nothing is written
 * to the project, the module cache or the checksum-database state; every string of the
 * report is redacted (no password, token or Authorization value survives).
 *
 * Check ids are stable (docs/doctor.md lists them, with what each detects, a real
 * example line and the fix). See https://go.dev/ref/mod for the mechanics checked.
 */
export { isUnfinished, runDoctor, runCheck, selectChecks } from './runner.js';
export { CHECKS, getCheck } from './registry.js';
export { createSession, DoctorSession, isDeadline } from './session.js';
export type { BuildList, GoSumState, GraphState, SumdbState } from './session.js';
export { Findings, fixAction, fixCommand, skipped } from './check.js';
export type { CheckContext, CheckDefinition, CheckDoc, CheckOutcome, Level } from './check.js';
export { renderReport, renderCheck, progressLine, statusLabel, createColors, type Colors } from './render.js';
export { createProgressView, type ProgressView } from './progress.js';
export { buildMode, goflagsMod, type BuildMode } from './build-mode.js';
export { CHECK_IDS } from './types.js';
export type {
  CheckId,
  CheckResult,
  CheckStatus,
  Clock,
  DiskThresholds,
  DoctorEnvValue,
  DoctorFix,
  DoctorOptions,
  DoctorProject,
  DoctorReport,
  Evidence,
  FixAction,
  ProgressEvent,
} from './types.js';
export { gomodSyntax } from './checks/gomod-syntax.js';
export { goEnv, broadness } from './checks/go-env.js';
export { goproxyReachable, probeModule, EXPIRY_WARN_DAYS } from './checks/goproxy-reachable.js';
export { sumdbReachable } from './checks/sumdb-reachable.js';
export { privateModules, isPrivateAddress } from './checks/private-modules.js';
export { credentials, staticRepoRoot, parseGoImport, hostOf, isSsh, type RepoRoot } from './checks/credentials.js';
export { goVersion, parseGotoolchain, type ToolchainSetting } from './checks/go-version.js';
export { gosumComplete } from './checks/gosum-complete.js';
export { gosumVerified, judge } from './checks/gosum-verified.js';
export { modcacheIntegrity } from './checks/modcache-integrity.js';
export { retractedDeprecated } from './checks/retracted-deprecated.js';
export {
  vendorConsistency,
  readVendorList,
  vendorInconsistencies,
  type VendorList,
  type GoModView,
} from './checks/vendor-consistency.js';
export { diskSpace } from './checks/disk-space.js';
