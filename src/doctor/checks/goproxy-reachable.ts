/**
 * goproxy-reachable: every entry of the GOPROXY chain answers, and the chain as a whole
 * serves this project's modules the way the go command walks it.
 *
 * For each http(s) entry: DNS, a TCP connect and a TLS handshake (chain validity,
 * unknown authority, host name, expiry within 14 days) — unless HTTP(S)_PROXY carries the
 * traffic —, then an HTTP probe of a real module of this project (`@v/list` and one
 * `.info`) with latency. file:// entries must be directories. Then the walk: after a `,`
 * only 404/410 move on, after a `|` any error does, so each failure is explained with
 * what the go command will do next ("proxy returns 500 and the separator is `,`: the go
 * command stops here instead of trying the next entry").
 *
 * Example: `go: rsc.io/quote@v1.5.2: reading https://proxy.corp.example/rsc.io/quote/@v/v1.5.2.info: 502 Bad Gateway`
 *
 * Fix: `modrescue fix proxy` (switch to a reachable proxy or a temporary local one).
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createProxyRepo, GoproxyError } from '../../mod/goproxy/index.js';
import { redactUrl } from '../../mod/web/index.js';
import { parseErrorBody, type ParsedErrorBody } from '../../proxy/errors.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import { Findings, fixAction, skipped, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import { connectTcp, extraCAs, probeTls, resolveHost, viaForwardProxy } from '../net-probe.js';
import type { DoctorSession } from '../session.js';
import { errorMessage, formatMs } from '../util.js';

/** EXPIRY_WARN_DAYS: a certificate expiring sooner than this is a warning. */
export const EXPIRY_WARN_DAYS = 14;

/** WELL_KNOWN is probed when the project has no module to fetch through the proxy. */
const WELL_KNOWN: ModuleVersion = { path: 'golang.org/x/mod', version: '' };

/**
 * probeModule picks a real module of this project that the go command fetches through
 * the proxy chain: the first requirement of go.mod (then of the build list) not matched
 * by GONOPROXY and not replaced by a directory.
 */
export async function probeModule(s: DoctorSession): Promise<ModuleVersion | undefined> {
  return s.memo('probeModule', async () => {
    const candidates: ModuleVersion[] = [];
    let replaced = new Set<string>();
    try {
      const main = await s.mainModule();
      replaced = new Set(main.file.replace.map((r) => r.old.path));
      candidates.push(...main.file.require.filter((r) => !r.indirect).map((r) => r.mod));
      candidates.push(...main.file.require.map((r) => r.mod));
    } catch {
      // go.mod does not parse.
    }
    return candidates.find((m) => !s.isDirect(m.path) && !replaced.has(m.path) && m.version !== '');
  });
}

/**
 * proxyBodyHint explains an error answered by a modrescue proxy (`modrescue proxy serve`),
 * whose one-line bodies name the failing upstream and an error code (src/proxy/errors.ts).
 */
export function proxyBodyHint(body: ParsedErrorBody): string {
  const up = body.upstream ? ` ${body.upstream}` : '';
  switch (body.code) {
    case 'ERR_PROXY_UPSTREAM':
    case 'ERR_PROXY_UPSTREAM_TIMEOUT':
    case 'ERR_PROXY_CIRCUIT_OPEN':
    case 'ERR_PROXY_NOT_CACHED':
      return `this is a modrescue proxy: its upstream${up} failed (${body.reason}) [${body.code}]; it can serve only what it has cached`;
    case 'ERR_PROXY_CHECKSUM_MISMATCH':
    case 'ERR_PROXY_GOMOD_MISMATCH':
    case 'ERR_PROXY_INVALID_ZIP':
    case 'ERR_PROXY_INVALID_MOD':
    case 'ERR_PROXY_INVALID_INFO':
      return `this is a modrescue proxy: it refused what its upstream${up} served (${body.reason}) [${body.code}] — the upstream content is bad, not the proxy`;
    case 'ERR_PROXY_UNAUTHORIZED':
    case 'ERR_PROXY_FORBIDDEN':
      return `this is a modrescue proxy that wants credentials: ${body.reason} [${body.code}]`;
    default:
      return `this is a modrescue proxy: ${body.kind}: ${body.reason} [${body.code}]`;
  }
}

/** EntryResult is what one entry answered for the probe module. */
interface EntryResult {
  readonly url: string;
  readonly fallBackOnError: boolean;
  /** ok: answered; notfound: 404/410; error: anything else (the go command stops after a ','). */
  readonly outcome: 'ok' | 'notfound' | 'error' | 'keyword';
  readonly message?: string;
  readonly hint?: string;
  /** Milliseconds of the HTTP probe (list + info). */
  readonly ms?: number;
}

function nameOf(url: string): string {
  return url === 'direct' || url === 'off' ? url : redactUrl(url);
}

async function probeEntry(
  ctx: CheckContext,
  f: Findings,
  url: string,
  fallBackOnError: boolean,
  mod: ModuleVersion,
): Promise<EntryResult> {
  const s = ctx.session;
  const shown = nameOf(url);
  const evidence: Record<string, unknown> = { entry: shown, separator: fallBackOnError ? '|' : ',' };
  const done = (r: Omit<EntryResult, 'url' | 'fallBackOnError'>): EntryResult => {
    f.evidence({ ...evidence, outcome: r.outcome, ...(r.message ? { message: r.message } : {}) });
    return { url, fallBackOnError, ...r };
  };
  if (url.startsWith('file:')) {
    let dir: string;
    try {
      dir = fileURLToPath(url);
    } catch (e) {
      return done({ outcome: 'error', message: `invalid file URL: ${errorMessage(e)}` });
    }
    const st = await stat(dir).catch(() => undefined);
    if (!st?.isDirectory()) return done({ outcome: 'error', message: `${dir} is not a directory` });
  } else {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    const forward = viaForwardProxy(url, s.v('HTTP_PROXY'), s.v('HTTPS_PROXY'), s.v('NO_PROXY'));
    if (forward) {
      evidence['via'] = redactUrl(forward);
      f.info(
        `${shown} is reached through ${u.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'}=${redactUrl(forward)}: DNS, TCP and TLS are that proxy's`,
      );
    } else {
      ctx.step(`resolving ${u.hostname}`);
      const dns = await resolveHost(u.hostname, s.probeTimeoutMs, ctx.signal);
      evidence['dnsMs'] = Math.round(dns.ms);
      if (!dns.ok) return done({ outcome: 'error', message: `Get "${shown}": ${dns.error}`, hint: 'DNS' });
      evidence['addresses'] = dns.addresses;
      ctx.step(`connecting to ${u.host}`);
      const tcp = await connectTcp(dns.addresses[0]!, port, s.probeTimeoutMs, ctx.signal);
      evidence['connectMs'] = Math.round(tcp.ms);
      if (!tcp.ok) return done({ outcome: 'error', message: `Get "${shown}": ${tcp.error}`, hint: 'TCP' });
      if (u.protocol === 'https:') {
        ctx.step(`TLS handshake with ${u.host}`);
        const cas = await extraCAs(s.v('SSL_CERT_FILE'), s.v('SSL_CERT_DIR'));
        const t = await probeTls(dns.addresses[0]!, port, u.hostname, cas, s.now(), s.probeTimeoutMs, ctx.signal);
        Object.assign(evidence, {
          tlsMs: Math.round(t.ms),
          certificate: { subject: t.subject, issuer: t.issuer, validTo: t.validTo, daysLeft: t.daysLeft },
        });
        if (!t.ok) {
          const hint =
            t.code === 'CERT_UNKNOWN_AUTHORITY'
              ? 'the certificate does not chain to a trusted root (TLS-intercepting proxy or private CA?): add the CA with SSL_CERT_FILE'
              : t.code === 'CERT_EXPIRED'
                ? "the certificate is outside its validity period (or this machine's clock is wrong)"
                : 'TLS';
          return done({
            outcome: 'error',
            message: `Get "${shown}": tls: failed to verify certificate: ${t.error}`,
            hint,
          });
        }
        if (t.daysLeft !== undefined && t.daysLeft < EXPIRY_WARN_DAYS) {
          f.warn(
            `${shown}: the TLS certificate expires in ${t.daysLeft} days (${t.validTo}); builds break when it does`,
            fixAction('proxy', '', 'switches to another proxy until the certificate is renewed'),
          );
        }
      }
    }
  }
  ctx.step(`GET ${shown}/${mod.path}/@v/list`);
  const repo = createProxyRepo(url, mod.path, { fetch: s.fetch, signal: ctx.signal });
  const t0 = s.now();
  try {
    await repo.versions();
    evidence['listMs'] = s.now() - t0;
    if (mod.version !== '') {
      ctx.step(`GET ${shown}/${mod.path}/@v/${mod.version}.info`);
      const t1 = s.now();
      await repo.stat(mod.version);
      evidence['infoMs'] = s.now() - t1;
    }
    return done({ outcome: 'ok', ms: s.now() - t0 });
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (!(e instanceof GoproxyError)) throw e;
    evidence['status'] = e.fields['status'];
    if (e.notFound) return done({ outcome: 'notfound', message: e.message });
    const status = e.fields['status'] as number | undefined;
    const body = typeof e.fields['bodyExcerpt'] === 'string' ? parseErrorBody(e.fields['bodyExcerpt']) : undefined;
    const hint = body
      ? proxyBodyHint(body)
      : status === 401 || status === 403
        ? `the proxy wants credentials: add a .netrc entry for ${new URL(url).hostname} (GOAUTH=netrc)`
        : e.fields['html'] === true
          ? 'an HTML page answered instead of the GOPROXY protocol: a captive portal, an SSO login page or a wrong URL'
          : undefined;
    return done({ outcome: 'error', message: e.message, ...(hint ? { hint } : {}) });
  }
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const { list, error } = s.proxyList();
  if (!list)
    return {
      status: 'fail',
      summary: `GOPROXY is invalid: ${error}`,
      fix: fixAction('proxy', '', 'sets a valid GOPROXY'),
    };
  const entries = list.filter((e) => e.url !== 'noproxy');
  const picked = await probeModule(s);
  const mod = picked ?? WELL_KNOWN;
  f.evidence({
    probeModule: `${mod.path}${mod.version ? '@' + mod.version : ''}`,
    chain: entries.map((e) => nameOf(e.url)),
  });
  if (!picked) f.info(`no module of this project goes through the proxy chain; probed ${mod.path} instead`);

  // Probe every entry concurrently: the walk below is computed from all the answers.
  const results = await Promise.all(
    entries.map((e) =>
      e.url === 'direct' || e.url === 'off'
        ? Promise.resolve<EntryResult>({ url: e.url, fallBackOnError: e.fallBackOnError, outcome: 'keyword' })
        : probeEntry(ctx, f, e.url, e.fallBackOnError, mod),
    ),
  );

  // The go command's walk for the probed module.
  const fixProxy = fixAction(
    'proxy',
    '',
    'switches GOPROXY to a reachable proxy (or a temporary local one) for this shell and CI',
  );
  let reached: EntryResult | undefined;
  let stoppedAt = -1;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r.outcome === 'keyword') {
      if (r.url === 'off') stoppedAt = i;
      reached = r;
      break;
    }
    if (r.outcome === 'ok') {
      reached = r;
      break;
    }
    if (r.outcome === 'error' && !r.fallBackOnError) {
      stoppedAt = i;
      break;
    }
  }
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const shown = nameOf(r.url);
    const next = results[i + 1];
    const sep = r.fallBackOnError ? '|' : ',';
    if (r.outcome === 'error') {
      const what = r.message ?? 'error';
      const extra = r.hint ? `\n${r.hint}` : '';
      if (i === stoppedAt) {
        const consequence = next
          ? `the separator after it is \`${sep}\`: the go command stops here instead of trying the next entry (${nameOf(next.url)}), so every module not in the module cache fails`
          : 'it is the last entry: every module not in the module cache fails';
        f.fail(`${shown} fails: ${what}\n${consequence}${extra}`, fixProxy);
      } else if (next && r.fallBackOnError) {
        f.warn(
          `${shown} fails: ${what}\nthe separator after it is \`|\`: the go command falls back to ${nameOf(next.url)} after any error (slower)${extra}`,
          fixProxy,
        );
      } else if (!next) {
        f.fail(
          `${shown} fails: ${what}\nit is the last entry: modules the entries before it do not have cannot be fetched${extra}`,
          fixProxy,
        );
      } else {
        f.warn(
          `${shown} fails: ${what}\nit is only used for modules the entries before it do not have${extra}`,
          fixProxy,
        );
      }
    } else if (r.outcome === 'notfound') {
      if (next) f.info(`${shown} does not have ${mod.path} (404/410): the go command tries ${nameOf(next.url)}`);
      else if (picked)
        f.fail(
          `${shown} does not have ${mod.path}: ${r.message ?? 'not found'}\nno entry of GOPROXY serves it`,
          fixProxy,
        );
      else f.info(`${shown} does not have ${mod.path} (404/410)`);
    }
  }
  if (reached?.url === 'direct')
    f.info(`the go command reaches "direct" for ${mod.path}: it fetches with git from the origin (see credentials)`);
  if (reached?.url === 'off' && picked) {
    f.fail(`the walk reaches "off": ${mod.path}@${mod.version}: module lookup disabled by GOPROXY=off`, fixProxy);
  }
  const okOnes = results.filter((r) => r.outcome === 'ok');
  const latency = okOnes.map((r) => r.ms ?? 0);
  const ms = latency.length > 0 ? ` in ${formatMs(Math.max(...latency))}` : '';
  if (entries.length === 0) return skipped('GOPROXY has no entries');
  return f.outcome(
    `${okOnes.map((r) => nameOf(r.url)).join(', ') || 'the chain'} answered for ${mod.path}${ms}; chain: ${entries
      .map((e, i) => nameOf(e.url) + (i < entries.length - 1 ? (e.fallBackOnError ? ' |' : ' ,') : ''))
      .join(' ')}`,
  );
}

/** goproxyReachable is the `goproxy-reachable` check (see the file comment; registered in registry.ts). */
export const goproxyReachable: CheckDefinition = {
  id: 'goproxy-reachable',
  title: 'every GOPROXY entry answers',
  network: true,
  doc: {
    detects:
      'A GOPROXY entry that fails at DNS, TCP, TLS (unknown authority, expired or expiring within 14 days, wrong host name) or HTTP (5xx, 401/403, an HTML login page, a hang, a reset) for a real module of the project, explained with what the go command does next given `,` or `|`.',
    example: 'go: rsc.io/quote@v1.5.2: reading https://proxy.corp.example/rsc.io/quote/@v/v1.5.2.info: 502 Bad Gateway',
    fix: '`modrescue fix proxy` (a reachable proxy, or a temporary local one).',
  },
  run,
};
