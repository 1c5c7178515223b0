/**
 * runDoctor: runs the selected checks concurrently over one shared session, under one
 * deadline (network checks first; local ones join once the network answered, see below). When the deadline passes the run's signal aborts (every probe and child
 * process stops), checks get a short grace period to return what they found so far, and
 * every check still running is reported as `skip` with the reason and what it was
 * waiting for. The caller's signal (Ctrl-C) makes runDoctor reject with its reason.
 *
 * The report is redacted before it is returned: URL passwords, Authorization values,
 * .netrc passwords, token shapes, and every secret the checks met (src/shared/redact.ts).
 */
import { CodedError } from '../shared/errors.js';
import { redact } from '../shared/redact.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from './check.js';
import { CHECKS } from './registry.js';
import { DEADLINE_CODE, DoctorSession, isDeadline } from './session.js';
import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  type DoctorEnvValue,
  type DoctorOptions,
  type DoctorReport,
} from './types.js';
import { errorMessage, formatMs } from './util.js';

/** LOCAL_START_MS caps how long local checks wait for the network's first answer. */
const LOCAL_START_MS = 300;

/**
 * selectChecks returns the checks to run, in report order. It throws
 * ERR_DOCTOR_UNKNOWN_CHECK for an id in only/skip that is not a check.
 */
export function selectChecks(only?: readonly string[], skip?: readonly string[]): CheckDefinition[] {
  for (const id of [...(only ?? []), ...(skip ?? [])]) {
    if (!(CHECK_IDS as readonly string[]).includes(id)) {
      throw new CodedError(
        'ERR_DOCTOR_UNKNOWN_CHECK',
        `doctor: unknown check "${id}" (checks: ${CHECK_IDS.join(', ')})`,
        {
          id,
          exitCode: 2,
        },
      );
    }
  }
  return CHECKS.filter((c) => (!only || only.length === 0 || only.includes(c.id)) && !(skip ?? []).includes(c.id));
}

/** redactDeep redacts every string inside a JSON-like value. */
function redactDeep<T>(v: T, secrets: readonly string[]): T {
  if (typeof v === 'string') return redact(v, secrets) as T;
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, secrets)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = redactDeep(x, secrets);
    return out as T;
  }
  return v;
}

/** The start of the summary of a check the deadline cut short. */
const UNFINISHED = 'did not finish within the';

/** isUnfinished reports whether c was skipped because the run's deadline passed (it said nothing). */
export function isUnfinished(c: CheckResult): boolean {
  return c.status === 'skip' && c.summary.startsWith(UNFINISHED);
}

function deadlineError(ms: number): CodedError {
  return new CodedError(DEADLINE_CODE, `doctor: the ${formatMs(ms)} deadline passed`, { deadlineMs: ms });
}

/**
 * runDoctor runs the checks selected by options (all by default) and returns the report.
 * It rejects with ERR_DOCTOR_NO_PROJECT (exit 3) when dir holds no readable go.mod, with
 * ERR_DOCTOR_UNKNOWN_CHECK for an unknown id in only/skip, and with options.signal's
 * reason when the caller aborts. Check failures never reject: they are results.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const selected = selectChecks(options.only, options.skip);
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const session = new DoctorSession(options, signal);
  const start = session.now();
  const deadlineMs = session.deadlineMs;
  options.signal?.throwIfAborted();
  const root = await session.root();

  const results = new Map<CheckId, CheckResult>();
  const steps = new Map<CheckId, string>();
  const emit = options.onProgress ?? (() => undefined);
  const secrets = () => [...session.secrets];

  const finish = (def: CheckDefinition, outcome: CheckOutcome, began: number) => {
    if (results.has(def.id)) return;
    const result: CheckResult = redactDeep(
      {
        id: def.id,
        status: outcome.status,
        summary: outcome.summary,
        details: [...(outcome.details ?? [])],
        evidence: [...(outcome.evidence ?? [])],
        fix: outcome.fix ?? null,
        durationMs: Math.max(0, Math.round(session.now() - began)),
      },
      secrets(),
    );
    results.set(def.id, result);
    emit({ type: 'done', result });
  };

  const runOne = async (def: CheckDefinition): Promise<void> => {
    const began = session.now();
    if (def.network && session.offline) {
      const why = options.offline
        ? 'offline: needs the network (--offline)'
        : 'offline: no network client was given (options.fetch)';
      finish(def, { status: 'skip', summary: why }, began);
      return;
    }
    emit({ type: 'start', id: def.id, title: def.title });
    const ctx: CheckContext = {
      session,
      signal,
      step: (text) => {
        steps.set(def.id, text);
        emit({ type: 'step', id: def.id, step: redact(text, secrets()) });
      },
    };
    try {
      finish(def, await def.run(ctx), began);
    } catch (e) {
      if (options.signal?.aborted) return;
      if (isDeadline(e) || controller.signal.aborted) return; // reported below as unfinished
      finish(
        def,
        {
          status: 'skip',
          summary: `could not run: ${errorMessage(e).split('\n')[0]}`,
          details: errorMessage(e).split('\n').slice(1),
          evidence: [{ error: errorMessage(e), ...(e instanceof CodedError ? { code: e.code } : {}) }],
        },
        began,
      );
    }
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(
      () => {
        controller.abort(deadlineError(deadlineMs));
        // Grace period: checks that handle the abort return partial results.
        setTimeout(() => resolve('deadline'), Math.min(500, Math.max(50, deadlineMs / 20)));
      },
      Math.max(0, deadlineMs - (session.now() - start)),
    );
  });
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (!options.signal) return;
    if (options.signal.aborted) resolve('interrupted');
    options.signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  try {
    // Network checks first: their first request loads the HTTP stack and opens the
    // connections, and the servers then work while this process does local work. The
    // local checks (file-system heavy: hashing the module cache, scanning packages) start
    // once the first answer (or failure) is in, or after LOCAL_START_MS at the latest, so
    // they do not starve that start-up.
    const network = selected.filter((d) => d.network && !session.offline);
    const local = selected.filter((d) => !network.includes(d));
    const localStart =
      network.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const t = setTimeout(resolve, LOCAL_START_MS);
            void session.networkUp.then(() => {
              clearTimeout(t);
              resolve();
            });
          });
    const all = Promise.allSettled([
      ...network.map(runOne),
      localStart.then(() => Promise.allSettled(local.map(runOne))),
    ]).then(() => 'done' as const);
    const how = await Promise.race([all, deadline, interrupted]);
    if (how === 'interrupted') throw options.signal!.reason;
  } finally {
    clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort(new CodedError('ERR_DOCTOR_DEADLINE', 'doctor: run finished'));
    await session.close();
  }

  for (const def of selected) {
    if (results.has(def.id)) continue;
    const step = steps.get(def.id);
    finish(
      def,
      {
        status: 'skip',
        summary: `${UNFINISHED} ${formatMs(deadlineMs)} deadline${step ? ` (still ${step})` : ''}`,
        details: ['raise the deadline with --timeout, or run this check alone with --only ' + def.id],
      },
      start,
    );
  }

  const checks = selected.map((d) => results.get(d.id)!);
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  const env: Record<string, DoctorEnvValue> = {};
  for (const [name, val] of Object.entries(options.env.vars)) {
    env[name] = { value: val.value, source: val.source, ...(val.from ? { from: val.from } : {}) };
  }
  let mod: { module?: string; go?: string; toolchain?: string } = {};
  try {
    const f = await session.modFile();
    mod = {
      ...(f.module ? { module: f.module.mod.path } : {}),
      ...(f.go ? { go: f.go.version } : {}),
      ...(f.toolchain ? { toolchain: f.toolchain.name } : {}),
    };
  } catch {
    // gomod-syntax reports it.
  }
  const gowork = session.v('GOWORK');
  return redactDeep(
    {
      project: {
        dir: session.dir,
        root,
        ...mod,
        ...(gowork !== '' && gowork !== 'off' ? { goWork: gowork } : {}),
      },
      env,
      envFile: {
        ...(options.env.envFile.path ? { path: options.env.envFile.path } : {}),
        read: options.env.envFile.read,
      },
      checks,
      counts,
      offline: session.offline,
      deadlineMs,
      durationMs: Math.round(session.now() - start),
    },
    secrets(),
  );
}

/** runCheck runs one check by id with runDoctor's rules and returns its result. */
export async function runCheck(id: CheckId, options: DoctorOptions): Promise<CheckResult> {
  const report = await runDoctor({ ...options, only: [id], skip: [] });
  return report.checks[0]!;
}
