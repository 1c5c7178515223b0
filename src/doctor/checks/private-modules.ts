/**
 * private-modules: GOPRIVATE / GONOPROXY / GONOSUMDB cover exactly the private modules.
 *
 * Detects: modules of the build that look private — the proxy chain answers 404/410 for
 * them, their host does not resolve publicly or resolves to a private address, or the
 * checksum database does not know them — but that no pattern covers (the go command then
 * asks the public proxy and checksum database about them, leaking the path, and fails);
 * modules fetched directly (GONOPROXY) but still checked against the public checksum
 * database (GONOSUMDB does not cover them: the path leaks and the lookup fails); patterns
 * that match no module of the build.
 *
 * Example: `verifying git.corp.example.com/team/lib@v1.4.0: git.corp.example.com/team/lib@v1.4.0: reading https://sum.golang.org/lookup/git.corp.example.com/team/lib@v1.4.0: 404 Not Found`
 *
 * Fix: `modrescue fix private` (sets GOPRIVATE to the private paths; credentials via .netrc).
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import * as module from '../../mod/module/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import { GoproxyError } from '../../mod/goproxy/index.js';
import { Findings, fixAction, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import type { DoctorSession } from '../session.js';
import { errorMessage, mapLimit, plural } from '../util.js';

/** PRIVATE_SUFFIXES are DNS names that never resolve on the public internet. */
const PRIVATE_SUFFIXES = [
  '.internal',
  '.corp',
  '.local',
  '.lan',
  '.intranet',
  '.home.arpa',
  '.localdomain',
  '.private',
];

/** isPrivateAddress reports whether an IP address is loopback, link-local or RFC 1918/4193. */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return (
      a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
    );
  }
  const x = ip.toLowerCase();
  return x === '::1' || x.startsWith('fc') || x.startsWith('fd') || x.startsWith('fe80:');
}

/**
 * hostVerdict says why a module host is not public. An internal DNS name or a private
 * address is a strong sign; a name that does not resolve is only a weak one (machines
 * behind a corporate proxy often cannot resolve public hosts either).
 */
async function hostVerdict(s: DoctorSession, host: string): Promise<{ strong?: string; weak?: string }> {
  return s.memo(`host ${host}`, async () => {
    const h = host.toLowerCase();
    if (PRIVATE_SUFFIXES.some((x) => h.endsWith(x))) return { strong: `${host} is an internal DNS name` };
    try {
      const addrs = await Promise.race([
        lookup(h, { all: true }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), s.probeTimeoutMs).unref()),
      ]);
      if (addrs.length > 0 && addrs.every((a) => isPrivateAddress(a.address))) {
        return { strong: `${host} resolves to a private address (${addrs[0]!.address})` };
      }
      return {};
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOTFOUND' ? { weak: `${host} does not resolve (no such host)` } : {};
    }
  });
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const fix = fixAction(
    'private',
    '',
    'sets GOPRIVATE (and so GONOPROXY/GONOSUMDB) to exactly the private module paths',
  );
  const bl = await s.buildList();
  if (bl.from === 'go.mod')
    f.info(`module graph not loaded (${bl.error?.split('\n')[0]}); checked go.mod's requirements`);
  // What the go command fetches: replacements applied, directory replacements left out.
  const mods = (await s.actualModules()).filter((m) => m.version !== '');
  let mainPath = '';
  try {
    mainPath = (await s.mainModule()).path;
  } catch {
    // go.mod does not parse.
  }
  const sumdbOn = s.v('GOSUMDB') !== 'off';
  let direct = 0;
  let viaProxy = 0;

  ctx.step(`asking the proxy chain about ${plural(mods.length, 'module')}`);
  const verdicts = await mapLimit(mods, 16, async (m: ModuleVersion) => {
    if (s.isDirect(m.path)) {
      direct++;
      if (sumdbOn && !s.noSumdb(m.path)) {
        return {
          level: 'fail' as const,
          text: `${m.path}@${m.version} is fetched directly (GONOPROXY=${s.v('GONOPROXY')}) but GONOSUMDB does not cover it: the go command sends its path to the checksum database ${s.v('GOSUMDB').split(/[+\s]/)[0]} and fails with 404/410 Gone`,
        };
      }
      return undefined;
    }
    viaProxy++;
    const reasons: string[] = [];
    let proxyErr: Error | undefined;
    if (!s.offline && s.proxyClient()) {
      try {
        await s.proxyGoMod(m.path, m.version);
      } catch (e) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (e instanceof GoproxyError && e.notFound) {
          proxyErr = e;
          reasons.push('the proxy chain does not have it (404/410)');
        }
      }
    }
    const host = m.path.split('/')[0]!;
    const hv = await hostVerdict(s, host);
    if (hv.strong) reasons.push(hv.strong);
    let dbKnows: boolean | undefined;
    if (sumdbOn && !s.noSumdb(m.path) && reasons.length > 0) {
      const r = await s.sumdbLookup(m.path, m.version);
      if (r.lines) dbKnows = true;
      else if (/\b(404|410)\b|not found/i.test(errorMessage(r.error))) {
        dbKnows = false;
        reasons.push(`the checksum database ${s.v('GOSUMDB').split(/[+\s]/)[0]} does not know it`);
      }
    }
    if (reasons.length === 0) return undefined;
    if (hv.weak) reasons.push(hv.weak);
    if (dbKnows) {
      return {
        level: 'warn' as const,
        text: `${m.path}@${m.version}: ${reasons.join('; ')}, but the checksum database knows it: a public module whose version is no longer served (deleted tag or repository?)${proxyErr ? `\n${proxyErr.message}` : ''}`,
      };
    }
    return {
      level: 'fail' as const,
      text: `${m.path}@${m.version} looks private (${reasons.join('; ')}) but GOPRIVATE/GONOPROXY/GONOSUMDB do not cover it: the go command asks the public proxy${sumdbOn ? ' and checksum database' : ''} about it, leaking the path, and fails${proxyErr ? `\n${proxyErr.message}` : ''}`,
    };
  });
  let leaks = 0;
  for (const v of verdicts) {
    if (!v) continue;
    if (v.level === 'fail') {
      leaks++;
      f.fail(v.text, fix);
    } else f.warn(v.text);
  }

  // Patterns that match no module of the build (typos, or settings meant for another project).
  const all = [mainPath, ...mods.map((m) => m.path)].filter((p) => p !== '');
  for (const name of ['GOPRIVATE', 'GONOPROXY', 'GONOSUMDB'] as const) {
    const val = s.env.vars[name];
    if (val.value === '' || (name !== 'GOPRIVATE' && val.from === 'GOPRIVATE')) continue;
    for (const raw of val.value.split(',')) {
      const glob = raw.trim();
      if (glob === '' || all.some((p) => module.matchPrefixPatterns(glob, p))) continue;
      f.warn(
        `${name} pattern "${glob}" matches no module of this build (${s.whereFrom(name)}): a typo, or meant for another project?`,
        fix,
      );
    }
  }
  f.evidence({
    modules: mods.length,
    direct,
    viaProxy,
    notCovered: leaks,
    GOPRIVATE: s.v('GOPRIVATE'),
    GONOPROXY: s.v('GONOPROXY'),
    GONOSUMDB: s.v('GONOSUMDB'),
  });
  return f.outcome(
    direct > 0
      ? `${plural(direct, 'private module')} covered by GOPRIVATE/GONOPROXY/GONOSUMDB; the other ${plural(viaProxy, 'module')} are public`
      : `no private modules: all ${plural(viaProxy, 'module')} are served by the proxy chain`,
  );
}

/** privateModules is the `private-modules` check (see the file comment; registered in registry.ts). */
export const privateModules: CheckDefinition = {
  id: 'private-modules',
  title: 'private modules are covered by GOPRIVATE',
  network: true,
  doc: {
    detects:
      'Modules that look private (the proxy chain answers 404/410, the host does not resolve publicly or resolves to a private address, the checksum database does not know them) but no GOPRIVATE/GONOPROXY/GONOSUMDB pattern covers; direct-fetched modules still checked against the public checksum database (the path leaks); patterns that match nothing.',
    example:
      'verifying git.corp.example.com/team/lib@v1.4.0: git.corp.example.com/team/lib@v1.4.0: reading https://sum.golang.org/lookup/git.corp.example.com/team/lib@v1.4.0: 404 Not Found',
    fix: '`modrescue fix private`.',
  },
  run,
};
