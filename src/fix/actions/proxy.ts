/**
 * `modrescue fix proxy [--set <list>] [--scope shell|go-env|ci] [--mirror url]…`
 *
 * What it does: sets a temporary GOPROXY chain — the seed's first move when the proxy in
 * front of the build is down or poisoned. With `--set` the given list (checked with the
 * go command's GOPROXY rules). Without it, the candidate mirrors — `--mirror` flags, else
 * `fix.mirrors` in modrescue.yaml, else the well-known public mirrors — are probed live
 * (one request each for a module of the build, with a timeout): mirrors that answer are
 * ranked, those that serve the module first, then by latency, and the chain becomes
 * `<best>,<next>…`, followed by `direct` when the current GOPROXY has it. Private routing
 * (GOPRIVATE/GONOPROXY/GONOSUMDB) is not touched: private modules keep their route.
 *
 * Scopes: `shell` prints `export GOPROXY=…` for eval; `go-env` writes the go env file as
 * `go env -w` does; `ci` appends to `$GITHUB_ENV` (or a GitLab dotenv file, --ci-file).
 * Default: `ci` inside CI, else `go-env`.
 *
 * Risk: low in shell/ci scope (this shell or this job); medium in go-env scope (every go
 * command of this user until undone). A mirror sees which modules you fetch.
 *
 * Undo: `modrescue undo <id>` restores the go env file / CI file byte for byte, or
 * prints the `export`/`unset` line restoring the shell.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CodedError } from '../../shared/errors.js';
import * as module from '../../mod/module/index.js';
import { parseProxyList } from '../../mod/goproxy/index.js';
import { errorMessage } from '../../doctor/util.js';
import { unchangedDraft, type PlanContext } from '../context.js';
import type { PlanDraft } from '../engine.js';
import { defaultScope, planEnvChanges } from '../envfile.js';
import { fixUsage } from '../gomod.js';
import type { ActionInfo, PlanStep, ProxySpec } from '../types.js';

export const info: ActionInfo = {
  id: 'proxy',
  usage: 'fix proxy [--set <list>] [--scope shell|go-env|ci]',
  summary:
    'sets a temporary GOPROXY chain (given, or the best of the configured or well-known mirrors, probed live), keeping direct and private routing',
  risk: 'low',
  undo: 'restores the go env file or CI env file byte for byte, or prints the export line restoring the shell',
  verify: ['goproxy-reachable'],
};

/** WELL_KNOWN_MIRRORS are public Go module mirrors, probed when none are configured. */
export const WELL_KNOWN_MIRRORS = [
  'https://proxy.golang.org',
  'https://goproxy.io',
  'https://goproxy.cn',
  'https://mirrors.aliyun.com/goproxy/',
];

/** CONFIG_FILE is the project's modrescue configuration (committed with the project). */
export const CONFIG_FILE = 'modrescue.yaml';

const configSchema = z.looseObject({
  fix: z.looseObject({ mirrors: z.array(z.string().min(1)).optional() }).optional(),
});

/** configuredMirrors reads `fix.mirrors` from modrescue.yaml in root; undefined when absent. It throws ERR_FIX_CONFIG for a bad file. */
export async function configuredMirrors(root: string): Promise<string[] | undefined> {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new CodedError('ERR_FIX_CONFIG', `${file}: ${errorMessage(e)}`, { file, exitCode: 2 });
  }
  const r = configSchema.safeParse(doc ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CodedError(
      'ERR_FIX_CONFIG',
      `${file}: ${issue.path.join('.')}: ${issue.message} (fix.mirrors is a list of URLs)`,
      {
        file,
        exitCode: 2,
      },
    );
  }
  return r.data.fix?.mirrors;
}

/** Probe is one mirror's answer. */
export interface Probe {
  readonly url: string;
  /** The HTTP status, when it answered. */
  readonly status?: number;
  readonly ms: number;
  readonly error?: string;
  /** Reachable: answered with a status the go command accepts as "the proxy works" (not 5xx, not 401/403). */
  readonly ok: boolean;
  /** Served the probed module (200). */
  readonly serves: boolean;
}

/** probeMirror asks url for probePath with a timeout; it never throws. */
export async function probeMirror(pc: PlanContext, url: string, probePath: string): Promise<Probe> {
  const fetch = pc.ctx.fetch!;
  const start = performance.now();
  const target = url.replace(/\/+$/, '') + '/' + probePath;
  const signals = [AbortSignal.timeout(pc.timeoutMs), ...(pc.ctx.signal ? [pc.ctx.signal] : [])];
  try {
    const res = await fetch(target, { signal: AbortSignal.any(signals) });
    await res.body?.cancel().catch(() => undefined);
    const ms = Math.round(performance.now() - start);
    const ok = res.status < 500 && res.status !== 401 && res.status !== 403;
    return { url, status: res.status, ms, ok, serves: res.status === 200 };
  } catch (e) {
    const ms = Math.round(performance.now() - start);
    return { url, ms, ok: false, serves: false, error: errorMessage(e).split('\n')[0]! };
  }
}

export async function plan(spec: ProxySpec, pc: PlanContext): Promise<PlanDraft> {
  const scope = spec.scope ?? defaultScope(pc);
  const current = pc.v('GOPROXY');
  const noProxy = pc.v('GONOPROXY');
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  let value: string;
  let refused: string | undefined;
  const hasDirect = current.split(/[,|]/).some((e) => e.trim() === 'direct');

  if (spec.set !== undefined) {
    try {
      parseProxyList(spec.set, { noProxy });
    } catch (e) {
      throw fixUsage(`fix proxy: --set ${JSON.stringify(spec.set)}: ${errorMessage(e)}`);
    }
    value = spec.set;
    if (hasDirect && !spec.set.split(/[,|]/).some((e) => e.trim() === 'direct')) {
      notes.push('the new list has no "direct": modules the proxies do not have cannot be fetched from their origin');
    }
  } else {
    const configured = spec.mirrors ? undefined : await configuredMirrors(pc.root);
    const candidates = spec.mirrors ?? configured ?? WELL_KNOWN_MIRRORS;
    const source = spec.mirrors ? '--mirror' : configured ? CONFIG_FILE : 'the well-known public mirrors';
    for (const c of candidates) {
      try {
        parseProxyList(c);
      } catch (e) {
        throw fixUsage(`fix proxy: mirror ${JSON.stringify(c)}: ${errorMessage(e)}`);
      }
    }
    if (!pc.ctx.fetch) {
      throw new CodedError(
        'ERR_FIX_OFFLINE',
        'fix proxy: probing mirrors needs the network; give the list with --set',
        {
          exitCode: 3,
        },
      );
    }
    const probePath = await probeTarget(pc);
    pc.ctx.onProgress?.(
      `probing ${candidates.length} mirror${candidates.length === 1 ? '' : 's'} (${source}) for ${probePath}`,
    );
    const probes = await Promise.all(candidates.map((c) => probeMirror(pc, c, probePath)));
    for (const p of probes) {
      steps.push({
        description: `probe ${p.url}/${probePath}: ${p.error ? `unreachable (${p.error})` : `${p.status} in ${p.ms} ms`}${p.ok ? (p.serves ? '' : ' (reachable, does not serve the module)') : ' — not used'}`,
      });
    }
    const ranked = probes.filter((p) => p.ok).sort((a, b) => Number(b.serves) - Number(a.serves) || a.ms - b.ms);
    if (ranked.length === 0) {
      refused = `no mirror answered (${probes.map((p) => `${p.url}: ${p.error ?? p.status}`).join('; ')})`;
      value = current;
    } else {
      value = [...ranked.map((p) => p.url), ...(hasDirect ? ['direct'] : [])].join(',');
    }
  }
  if (noProxy !== '') notes.push(`private routing is kept: GONOPROXY=${noProxy} still bypasses the proxies`);
  if (value === current && !refused) {
    return unchangedDraft({ why: `GOPROXY is already ${current}: nothing to do`, steps, notes, verify: info.verify });
  }
  const ep = await planEnvChanges(pc, { GOPROXY: value }, scope, spec.ciFile);
  steps.push({ description: `set GOPROXY=${value} in ${ep.where} (was ${current})` });
  return {
    why: `GOPROXY=${current} → ${value} (${ep.where})`,
    risk:
      scope === 'go-env'
        ? {
            level: 'medium',
            note: 'every go command of this user uses the new chain until undone; a mirror sees which modules you fetch',
          }
        : {
            level: 'low',
            note: `only ${scope === 'shell' ? 'this shell' : 'this CI job'} uses the new chain; a mirror sees which modules you fetch`,
          },
    undo:
      scope === 'shell'
        ? 'modrescue undo <id> prints the export line that restores the old GOPROXY'
        : `modrescue undo <id> restores ${ep.where} byte for byte`,
    steps,
    notes: [...notes, ...ep.notes],
    writes: ep.writes,
    ops: ep.writes.map((w) => w.op),
    env: ep.env,
    output: ep.output,
    verify: info.verify,
    ...((refused ?? ep.refused) ? { refused: refused ?? ep.refused } : {}),
  };
}

/** probeTarget picks what to ask mirrors for: the `.info` of the first requirement in go.mod, else a well-known list. */
async function probeTarget(pc: PlanContext): Promise<string> {
  if (pc.hasGoMod) {
    try {
      const main = await pc.session().mainModule();
      const r = main.file.require.find((x) => !module.matchPrefixPatterns(pc.v('GONOPROXY'), x.mod.path));
      if (r) return `${module.escapePath(r.mod.path)}/@v/${module.escapeVersion(r.mod.version)}.info`;
    } catch {
      // go.mod does not parse: fall back to a module every mirror has.
    }
  }
  return 'golang.org/x/text/@v/list';
}
