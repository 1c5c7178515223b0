/**
 * Extraction of the modules, versions, hosts and URLs that a failure names. The go
 * command writes modules as `path@version`, `path version`, module-cache paths
 * (`…/pkg/mod/path@version/…`, case-escaped with `!`), proxy protocol URLs
 * (`…/path/@v/version.info`, `…/lookup/path@version`) and package import paths
 * (from which the module root is inferred for the well-known hosting layouts).
 */
import * as module from '../mod/module/index.js';
import * as semver from '../mod/semver/index.js';
import { ModuleRefs } from './module-refs.js';

const URL_RE = /\b(?:https?|git\+ssh|ssh|git):\/{1,2}[^\s"'`<>()[\]]+/g;
// A path token: a domain-like first element followed by at least one more element,
// optionally @version; or a bare `host.tld@version`.
const PATH_TOKEN =
  /(^|[\s"'`([/:=,])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9](?:\/[A-Za-z0-9._~!+-]+)*)(?:@([A-Za-z0-9._+-]+))?(?: (v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)(?=$|[\s):,]))?/g;
const QUERIES = new Set(['latest', 'upgrade', 'patch', 'none', 'master', 'main', 'head', 'HEAD']);
const SOURCE_EXT = /\.(?:go|s|c|h|cc|cpp|mod|sum|txt|test|proto|zip|info|lock|json|yaml|yml)$/;
const HOST_CAPTURE =
  /(?:lookup|connect to|Failed to connect to|unable to connect to|resolve host:?|for) '?(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[:/' ]|$)/gi;

/** unescapePath undoes the module cache's case escaping (`!a` → `A`); it returns "" for an invalid escaped path. */
export function unescapePath(p: string): string {
  if (!p.includes('!')) return p;
  try {
    return module.unescapePath(p);
  } catch {
    return '';
  }
}

/** isVersionLike reports whether v is worth reporting as a version (semver-shaped or a commit hash). */
export function isVersionLike(v: string): boolean {
  if (QUERIES.has(v)) return false;
  return semver.isValid(v) || /^[0-9a-f]{7,40}$/.test(v);
}

/**
 * moduleRootOf infers the module path that provides an import path, for the hosting
 * layouts whose repository root is known (github.com/owner/repo, golang.org/x/name,
 * gopkg.in/name.vN, …), keeping a /vN major-version suffix. For other hosts it keeps
 * the first two elements. It returns "" for a path that is not an import path.
 */
export function moduleRootOf(importPath: string): string {
  const el = importPath.split('/').filter((e) => e !== '');
  if (el.length === 0 || !el[0]!.includes('.')) return '';
  const host = el[0]!;
  let n: number;
  if (/^(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|gitee\.com|git\.sr\.ht)$/.test(host)) n = 3;
  else if (host === 'golang.org' && el[1] === 'x') n = 3;
  else if (host === 'gopkg.in') n = el[1]?.includes('.v') ? 2 : 3;
  else if (host === 'cloud.google.com' && el[1] === 'go') n = el.length > 2 && !/^v\d+$/.test(el[2]!) ? 3 : 2;
  else if (host === 'google.golang.org' && el[1] === 'genproto' && el[2] === 'googleapis') n = 4;
  else n = 2;
  if (el.length < n) return el.join('/');
  const root = el.slice(0, n);
  const next = el[n];
  if (next !== undefined && /^v\d+$/.test(next) && next !== 'v0' && next !== 'v1') root.push(next);
  return root.join('/');
}

/** rootKind says whether moduleRootOf's answer for importPath follows a known layout or is a guess. */
export function rootKind(importPath: string): 'inferred' | 'guessed' {
  const host = importPath.split('/')[0] ?? '';
  return /^(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|gitee\.com|git\.sr\.ht|golang\.org|gopkg\.in|cloud\.google\.com|google\.golang\.org|k8s\.io|sigs\.k8s\.io|go\.uber\.org|go\.etcd\.io|go\.opentelemetry\.io|honnef\.co|gonum\.org)$/.test(
    host,
  )
    ? 'inferred'
    : 'guessed';
}

/** Refs is what extractRefs found in a set of lines. */
export interface Refs {
  readonly modules: ModuleRefs;
  readonly hosts: Set<string>;
  readonly urls: Set<string>;
}

/** createRefs returns an empty collection. */
export function createRefs(): Refs {
  return { modules: new ModuleRefs(), hosts: new Set(), urls: new Set() };
}

function fromUrl(url: string, refs: Refs): void {
  const clean = url.replace(/[.,;:'"]+$/, '');
  refs.urls.add(clean);
  let u: URL;
  try {
    u = new URL(clean.replace(/^(https?):\/(?!\/)/, '$1://'));
  } catch {
    return;
  }
  if (u.hostname) refs.hosts.add(u.hostname);
  const p = decodeURIComponent(u.pathname);
  const at = p.indexOf('/@v/');
  if (at >= 0) {
    const modPath = unescapePath(stripProxyPrefix(p.slice(1, at)));
    const file = p.slice(at + 4);
    const v = file.replace(/\.(info|mod|zip)$/, '');
    if (modPath) refs.modules.add(modPath, file === 'list' ? undefined : unescapePath(v), 'exact');
    return;
  }
  const lookup = p.indexOf('/lookup/');
  if (lookup >= 0) {
    const rest = p.slice(lookup + 8);
    const i = rest.lastIndexOf('@');
    if (i > 0) refs.modules.add(unescapePath(rest.slice(0, i)), unescapePath(rest.slice(i + 1)), 'exact');
    return;
  }
  if (u.search.includes('go-get=1')) {
    const modPath = (u.hostname + p).replace(/\/$/, '');
    refs.modules.add(modPath, undefined, 'exact');
  }
}

/** stripProxyPrefix drops the path of a GOPROXY base URL (`/goproxy/github.com/x/y` → `github.com/x/y`). */
function stripProxyPrefix(p: string): string {
  const el = p.split('/');
  const i = el.findIndex((e) => e.includes('.'));
  return i > 0 ? el.slice(i).join('/') : p;
}

/** extractRefs adds the modules, hosts and URLs named in text to refs. */
export function extractRefs(text: string, refs: Refs): void {
  let rest = text;
  if (text.includes('://') || text.includes(':/')) {
    rest = text.replace(URL_RE, (m) => {
      fromUrl(m, refs);
      return ' ';
    });
    // `read "https:/proxy.golang.org/…"` (a single slash, as some go versions print).
    rest = rest.replace(/\bhttps?:\/[^\s"']+/g, (m) => {
      fromUrl(m, refs);
      return ' ';
    });
  }
  HOST_CAPTURE.lastIndex = 0;
  let hm: RegExpExecArray | null;
  while ((hm = HOST_CAPTURE.exec(text)) !== null) {
    const h = hm[1]!.toLowerCase();
    if (!/\.(go|mod|sum|git)$/.test(h)) refs.hosts.add(h);
  }
  PATH_TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PATH_TOKEN.exec(rest)) !== null) {
    const before = rest.slice(0, m.index + m[1]!.length);
    let p = m[2]!;
    const atVersion = m[3];
    const spaceVersion = m[4];
    // Module cache paths: `…/pkg/mod/cache/download/<escaped path>/@v/…` and `…/pkg/mod/<path>@v`.
    const dl = /cache\/download\/$/.test(before) || before.endsWith('cache/download/');
    const inCache =
      /(?:^|\/)pkg\/mod\/$/.test(before) || dl || (atVersion !== undefined && rest[m.index + m[0].length] === '/');
    p = unescapePath(p);
    if (p === '') continue;
    if (dl) {
      refs.modules.add(p.replace(/\/@v$/, ''), undefined, 'exact');
      continue;
    }
    const version = atVersion ?? spaceVersion;
    if (version !== undefined) {
      const v = version.replace(/[.:,]+$/, '');
      const explicit =
        inCache ||
        spaceVersion !== undefined ||
        /\bmodule $|declares its path as: $|required as: $/.test(before) ||
        !/\b(?:get|install|run)\s+(?:-\S+\s+)*$/.test(before);
      const modPath = p.replace(/\/go\.mod$/, '');
      if (explicit) refs.modules.add(modPath, isVersionLike(v) ? v : undefined, 'exact');
      else {
        const root = moduleRootOf(modPath);
        if (root) refs.modules.add(root, isVersionLike(v) ? v : undefined, rootKind(modPath));
      }
      continue;
    }
    if (!p.includes('/')) continue;
    let pkg = p.replace(/\/go\.mod$/, '');
    const last = pkg.slice(pkg.lastIndexOf('/') + 1);
    if (SOURCE_EXT.test(last) && pkg.includes('/')) pkg = pkg.slice(0, pkg.lastIndexOf('/'));
    if (/\bmodule $|declares its path as: $|required as: $|creating new go\.mod: module $/.test(before)) {
      refs.modules.add(pkg, undefined, 'exact');
      continue;
    }
    const root = moduleRootOf(pkg);
    if (root) refs.modules.add(root, undefined, rootKind(pkg));
  }
}
