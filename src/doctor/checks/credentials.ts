/**
 * credentials: every host the go command reaches directly (private modules) accepts the
 * credentials this machine has.
 *
 * For each repository of a module matched by GONOPROXY/GOPRIVATE: the repository URL
 * (known hosts, a `.git` path element, or `?go-get=1` discovery), the .netrc entry for its
 * host (login only, never the password; git's curl reads $HOME/.netrc, not $NETRC), git
 * `insteadOf` rewrites and the URL they produce, the SSH agent and keys when that URL is
 * SSH, GOAUTH; then a real `git ls-remote` with GIT_TERMINAL_PROMPT=0 and a timeout, as
 * the go command runs git. Secrets never reach the output.
 *
 * Example: `fatal: could not read Username for 'https://git.corp.example.com': terminal prompts disabled`
 *
 * Fix: `modrescue fix private` (a .netrc entry from a token in an environment variable).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as module from '../../mod/module/index.js';
import { parseNetrc, type Netrc } from '../../mod/web/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import { Findings, fixAction, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import type { DoctorSession } from '../session.js';
import { errorMessage, formatMs, plural } from '../util.js';

/** RepoRoot is where a module's code lives. */
export interface RepoRoot {
  /** The repository URL as the go command would give it to git. */
  readonly url: string;
  /** The import-path prefix that is the repository root. */
  readonly root: string;
  readonly how: 'known host' | '.git path' | 'go-get discovery';
}

/** staticRepoRoot finds the repository of a module path without the network (known hosts and `.git` paths). */
export function staticRepoRoot(p: string, insecure: boolean): RepoRoot | undefined {
  const elems = p.split('/');
  const host = elems[0]!;
  if ((host === 'github.com' || host === 'bitbucket.org') && elems.length >= 3) {
    const root = elems.slice(0, 3).join('/');
    return { url: `https://${root}`, root, how: 'known host' };
  }
  const i = elems.findIndex((e, k) => k > 0 && /\.(git)$/.test(e));
  if (i > 0) {
    const root = elems.slice(0, i + 1).join('/');
    return { url: `${insecure ? 'http' : 'https'}://${root}`, root, how: '.git path' };
  }
  return undefined;
}

/** parseGoImport finds the `<meta name="go-import" content="prefix vcs url">` matching path in an HTML page. */
export function parseGoImport(html: string, p: string): { prefix: string; vcs: string; url: string } | undefined {
  for (const m of html.matchAll(/<meta\s+[^>]*>/gi)) {
    const tag = m[0];
    if (!/name\s*=\s*["']?go-import["']?/i.test(tag)) continue;
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
    const f = (content?.[1] ?? content?.[2] ?? '').trim().split(/\s+/);
    if (f.length !== 3) continue;
    const [prefix, vcs, url] = f as [string, string, string];
    if (p === prefix || p.startsWith(prefix + '/')) return { prefix, vcs, url };
  }
  return undefined;
}

/** repoRoot finds a module's repository: statically, else with `?go-get=1` discovery (https, or http under GOINSECURE). */
async function repoRoot(s: DoctorSession, m: ModuleVersion): Promise<RepoRoot | { error: string }> {
  const insecure = module.matchPrefixPatterns(s.v('GOINSECURE'), m.path);
  const st = staticRepoRoot(m.path, insecure);
  if (st) return st;
  const url = `${insecure ? 'http' : 'https'}://${m.path}?go-get=1`;
  try {
    const res = await s.fetch(url);
    const text = await res.text();
    if (res.status !== 200)
      return { error: `unrecognized import path "${m.path}": reading ${url}: ${res.status} ${res.statusText}` };
    const gi = parseGoImport(text, m.path);
    if (!gi) return { error: `unrecognized import path "${m.path}": no go-import meta tag at ${url}` };
    if (gi.vcs !== 'git') return { error: `${m.path}: repository uses ${gi.vcs}, not git (not checked)` };
    return { url: gi.url, root: gi.prefix, how: 'go-get discovery' };
  } catch (e) {
    if (s.signal.aborted) throw s.signal.reason;
    return { error: `unrecognized import path "${m.path}": https fetch: ${errorMessage(e)}` };
  }
}

/** hostOf returns the host of a git URL (https://h/…, ssh://u@h/…, u@h:path). */
export function hostOf(url: string): string {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)/.exec(url);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return scp[1]!;
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** isSsh reports whether a git URL uses SSH. */
export function isSsh(url: string): boolean {
  return (
    /^ssh:\/\//i.test(url) ||
    /^git\+ssh:\/\//i.test(url) ||
    (/^[^@/]+@[^:/]+:/.test(url) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
  );
}

async function readNetrc(s: DoctorSession, file: string): Promise<Netrc | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const n = parseNetrc(text);
  for (const m of n.machines) s.addSecret(m.password);
  if (n.default) s.addSecret(n.default.password);
  return n;
}

/** classifyGitError explains a failed git ls-remote (stderr already redacted). */
function classifyGitError(stderr: string, host: string): { what: string; hint: string } {
  if (/terminal prompts disabled|could not read (Username|Password)/i.test(stderr)) {
    return {
      what: 'git needs credentials and none are configured (it would prompt, and the go command disables prompts)',
      hint: `add a .netrc entry for ${host} in $HOME/.netrc (git reads that file) or a git credential helper`,
    };
  }
  if (/Authentication failed|HTTP Basic: Access denied|returned error: 40[13]|403|401/i.test(stderr)) {
    return { what: 'the server rejected the credentials', hint: `renew the token in the .netrc entry for ${host}` };
  }
  if (/Permission denied \(publickey|Host key verification failed/i.test(stderr)) {
    return {
      what: 'SSH authentication failed',
      hint: 'load a key into ssh-agent (ssh-add) and make sure the host is in known_hosts',
    };
  }
  if (/Could not resolve host|Name or service not known/i.test(stderr)) {
    return { what: `${host} does not resolve`, hint: 'check DNS/VPN access to the private host' };
  }
  if (/not found|does not exist|Repository not found/i.test(stderr)) {
    return {
      what: 'the repository was not found (or is hidden from these credentials)',
      hint: "check the module path and the token's access",
    };
  }
  return { what: 'git ls-remote failed', hint: 'run the git command shown to see the full error' };
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const fix = fixAction(
    'private',
    '',
    'writes a .netrc entry for the private host from a token in an environment variable (never printed)',
  );
  const direct = (await s.actualModules()).filter((m) => m.version !== '' && s.isDirect(m.path));
  const goauth = s.v('GOAUTH');
  if (direct.length === 0) {
    f.evidence({ directModules: 0, GOAUTH: goauth });
    return f.outcome('no module is fetched directly (nothing matches GOPRIVATE/GONOPROXY): no credentials needed');
  }

  const home = s.processEnv['HOME'] ?? '';
  const netrcFile = s.v('NETRC');
  const gitNetrcFile = home ? path.join(home, '.netrc') : '';
  const netrc = netrcFile ? await readNetrc(s, netrcFile) : undefined;
  const gitNetrc = gitNetrcFile && gitNetrcFile !== netrcFile ? await readNetrc(s, gitNetrcFile) : netrc;
  if (netrcFile && gitNetrcFile && path.resolve(netrcFile) !== path.resolve(gitNetrcFile) && netrc && !gitNetrc) {
    f.warn(
      `NETRC=${netrcFile} is read by the go command, but git (curl) reads only ${gitNetrcFile}, which does not exist: direct git fetches get no credentials from it`,
      fix,
    );
  }
  if (
    goauth
      .split(';')
      .map((x) => x.trim())
      .includes('off')
  )
    f.info('GOAUTH=off: the go command sends no credentials itself (git still uses its own)');

  // insteadOf rewrites (git's, applied to every URL the go command hands it).
  const gitEnv = { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_ASKPASS: '', SSH_ASKPASS: '' };
  const root = await s.root();
  ctx.step('reading git configuration');
  const cfg = await s.run('git', ['config', '--get-regexp', '^url\\..*\\.insteadof$'], gitEnv, root);
  if (cfg.spawnError) {
    f.fail(
      `git is not installed (${cfg.spawnError}): the go command needs git to fetch ${plural(direct.length, 'private module')} directly`,
      fix,
    );
    return f.outcome('');
  }
  const rewrites = cfg.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^url\.(.*)\.insteadof\s+(.*)$/i.exec(l.trim());
      return m ? { to: m[1]!, from: m[2]! } : undefined;
    })
    .filter((x): x is { to: string; from: string } => x !== undefined);

  // One probe per repository.
  const repos = new Map<string, { repo: RepoRoot; mods: string[] }>();
  for (const m of direct) {
    ctx.step(`finding the repository of ${m.path}`);
    const r = await repoRoot(s, m);
    if ('error' in r) {
      f.fail(`${m.path}@${m.version}: ${r.error}`, fix);
      continue;
    }
    const e = repos.get(r.url);
    if (e) e.mods.push(`${m.path}@${m.version}`);
    else repos.set(r.url, { repo: r, mods: [`${m.path}@${m.version}`] });
  }

  let ok = 0;
  for (const [url, { repo, mods }] of repos) {
    const applied = rewrites.filter((r) => url.startsWith(r.from)).sort((a, b) => b.from.length - a.from.length)[0];
    const effective = applied ? applied.to + url.slice(applied.from.length) : url;
    const host = hostOf(effective);
    const ev: Record<string, unknown> = {
      repository: url,
      how: repo.how,
      modules: mods,
      effectiveUrl: effective,
      host,
    };
    if (applied) f.info(`git rewrites ${url} to ${effective} (url."${applied.to}".insteadOf "${applied.from}")`);
    if (isSsh(effective)) {
      const sock = s.processEnv['SSH_AUTH_SOCK'] ?? '';
      const agent =
        sock !== '' &&
        (await stat(sock).then(
          (st) => st.isSocket(),
          () => false,
        ));
      const keys = home
        ? (await readdir(path.join(home, '.ssh')).catch(() => [] as string[])).filter((n) => /^id_[a-z0-9_]+$/.test(n))
        : [];
      const knownHosts = home
        ? ((await readFile(path.join(home, '.ssh', 'known_hosts'), 'utf8').catch(() => '')) as string)
        : '';
      Object.assign(ev, { sshAgent: agent, sshKeys: keys, knownHost: knownHosts.includes(host) });
      if (!agent && keys.length === 0)
        f.warn(`${effective} uses SSH but there is no ssh-agent (SSH_AUTH_SOCK) and no key in ~/.ssh`, fix);
    } else {
      const entry = gitNetrc?.machines.find((x) => x.machine === host);
      const goEntry = netrc?.machines.find((x) => x.machine === host);
      Object.assign(ev, {
        netrcEntry: entry ? { machine: entry.machine, login: entry.login } : null,
        goNetrcEntry: goEntry ? { login: goEntry.login } : null,
      });
    }
    ctx.step(`git ls-remote ${effective}`);
    const t0 = s.now();
    const sshCmd = `ssh -o BatchMode=yes -o ConnectTimeout=${Math.max(1, Math.ceil(s.probeTimeoutMs / 1000))}`;
    const r = await s.run('git', ['ls-remote', '-q', url, 'HEAD'], { ...gitEnv, GIT_SSH_COMMAND: sshCmd }, root);
    const ms = s.now() - t0;
    ev['lsRemoteMs'] = ms;
    ev['exitCode'] = r.code;
    const stderr = r.stderr.trim();
    if (r.timedOut) {
      f.fail(
        `git ls-remote ${url} did not answer within ${formatMs(s.probeTimeoutMs)} (for ${mods.join(', ')}): the host is unreachable or hangs`,
        fix,
      );
    } else if (r.code !== 0) {
      const c = classifyGitError(stderr, host);
      f.fail(`git ls-remote ${url} failed for ${mods.join(', ')}: ${c.what}\n${stderr}\n${c.hint}`, fix);
      ev['stderr'] = stderr;
    } else {
      ok++;
      f.info(`git ls-remote ${url}: ok in ${formatMs(ms)} (${mods.join(', ')})`);
    }
    f.evidence(ev);
  }
  return f.outcome(
    `${plural(ok, 'private repository', 'private repositories')} answered git ls-remote with the configured credentials`,
  );
}

/** credentials is the `credentials` check (see the file comment; registered in registry.ts). */
export const credentials: CheckDefinition = {
  id: 'credentials',
  title: 'credentials for directly fetched hosts',
  network: true,
  doc: {
    detects:
      "A private repository (a module matched by GOPRIVATE/GONOPROXY) that git cannot read with this machine's credentials: checked with a real `git ls-remote` (GIT_TERMINAL_PROMPT=0, with a timeout) after looking at the .netrc entry, git insteadOf rewrites, the SSH agent and keys, and GOAUTH. No secret is ever printed.",
    example: "fatal: could not read Username for 'https://git.corp.example.com': terminal prompts disabled",
    fix: '`modrescue fix private` (a .netrc entry from a token in an environment variable).',
  },
  run,
};
