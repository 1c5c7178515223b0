/**
 * `modrescue doctor [dir] [--json] [--only ids] [--skip ids] [--offline] [--timeout 10s]`:
 * checks the project, the Go environment and the module supply (src/doctor). This file
 * is the composition root of the command: it resolves the Go environment, builds the HTTP
 * client, chooses the progress view (live on a terminal, plain lines otherwise, colour
 * unless NO_COLOR) and prints the report.
 */
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseDuration, parseFlags, usageError } from '../flags.js';
import { goCacheDir, httpClientOptions, resolveGoEnv } from '../goenv.js';
import { createHttpClient, type HttpClient } from '../../mod/web/index.js';
import {
  CHECK_IDS,
  createColors,
  createProgressView,
  renderReport,
  runDoctor,
  selectChecks,
  type CheckId,
} from '../../doctor/index.js';

export const usage = `usage: modrescue doctor [dir] [--json] [--only ids] [--skip ids] [--offline] [--timeout 10s]

Doctor checks the project in dir (default: the current directory; go.mod is
searched upwards), the Go environment and every link of the module supply,
concurrently, and says for each check what is wrong and how to fix it.

Checks (--only/--skip take these ids, comma-separated or repeated):
  ${CHECK_IDS.join('\n  ')}

  --json           print a JSON document (schemaVersion 1): project, env (redacted,
                   with sources), checks [{id,status,summary,details,evidence,fix}], durationMs
  --only ids       run only these checks
  --skip ids       do not run these checks
  --offline        run only the local checks (no network); the others are skipped
  --timeout d      deadline of the whole run (default 10s); checks still running are
                   reported as skip with the reason
  --probe-timeout d  timeout of one network probe or git/go command (default: half the deadline, at most 5s)

Progress is drawn live on a terminal and as plain lines otherwise (stderr);
NO_COLOR disables colour. Secrets never appear in the output.

Exit status: 0 when no check fails, 1 when a check fails, 2 for a usage error,
3 when the project cannot be read.`;

/** idList splits repeated, comma-separated --only/--skip values and checks each id. */
function idList(values: string[] | undefined, flag: string): CheckId[] | undefined {
  if (!values) return undefined;
  const ids = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const id of ids) {
    if (!(CHECK_IDS as readonly string[]).includes(id)) {
      throw usageError(`doctor: unknown check "${id}" for --${flag} (checks: ${CHECK_IDS.join(', ')})`);
    }
  }
  return ids as CheckId[];
}

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(
    args,
    {
      json: { kind: 'bool' },
      only: { kind: 'list' },
      skip: { kind: 'list' },
      offline: { kind: 'bool' },
      timeout: { kind: 'string' },
      'probe-timeout': { kind: 'string' },
    },
    { interspersed: true },
  );
  if (flags.args.length > 1) throw usageError('doctor: at most one directory argument');
  const only = idList(flags.values['only'] as string[] | undefined, 'only');
  const skip = idList(flags.values['skip'] as string[] | undefined, 'skip');
  const timeoutMs =
    typeof flags.values['timeout'] === 'string' ? parseDuration(flags.values['timeout'], '--timeout') : 10_000;
  if (timeoutMs <= 0) throw usageError('doctor: --timeout must be positive');
  const probeTimeoutMs =
    typeof flags.values['probe-timeout'] === 'string'
      ? parseDuration(flags.values['probe-timeout'], '--probe-timeout')
      : Math.max(500, Math.min(5_000, Math.floor(timeoutMs / 2)));
  const offline = flags.values['offline'] === true;
  const json = flags.values['json'] === true;
  const dir = ctx.resolve(flags.args[0] ?? '.');

  const e = ctx.io.env;
  const env = await resolveGoEnv({ env: e, cwd: dir });
  const goCache = goCacheDir(e);
  const tmpDir = e['TMPDIR'] || '/tmp';
  const noColor = e['NO_COLOR'] !== undefined && e['NO_COLOR'] !== '';
  const dumb = e['TERM'] === 'dumb';
  const errTTY = ctx.io.stderr.isTTY === true && !dumb;
  const outColors = createColors(!noColor && !dumb && ctx.io.stdout.isTTY === true && !json);
  const errColors = createColors(!noColor && errTTY);

  let fetch: HttpClient | undefined;
  if (!offline) {
    fetch = createHttpClient(
      await httpClientOptions(env, { retries: 0, timeoutMs: probeTimeoutMs, connectTimeoutMs: probeTimeoutMs }),
    );
  }
  const ids = selectChecks(only, skip).map((c) => c.id);
  const view = createProgressView({ stream: ctx.io.stderr, tty: errTTY, colors: errColors, ids });
  let report;
  try {
    report = await runDoctor({
      dir,
      env,
      ...(fetch ? { fetch } : {}),
      processEnv: e,
      timeoutMs,
      probeTimeoutMs,
      ...(only ? { only } : {}),
      ...(skip ? { skip } : {}),
      offline,
      ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
      onProgress: view.onProgress,
      ...(goCache ? { goCache } : {}),
      tmpDir,
    });
  } finally {
    view.stop();
    await fetch?.close().catch(() => undefined);
  }
  if (json) {
    ctx.json({ ...report });
  } else {
    ctx.out(renderReport(report, outColors));
  }
  return report.counts.fail > 0 ? EXIT.FINDINGS : EXIT.OK;
}
