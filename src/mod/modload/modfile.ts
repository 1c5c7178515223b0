/**
 * The bridge to package modfile: parseGoMod projects a parsed modfile.File onto the
 * GoModInfo the loader reads (strict parsing for the main module, lax for dependencies).
 *
 * Loading a large module graph parses thousands of dependency go.mod files, nearly all
 * of them a handful of plain directives. For lax parsing, a line-oriented fast path
 * reads exactly those files (module, go and require lines, "// indirect" comments, and
 * the directives lax parsing ignores), validating every token with the rules
 * modfile applies; anything else (other comments, which may hold a deprecation notice or
 * a retraction rationale, quoting, retract directives, tokens that fail a check) goes to
 * modfile.parseLax, so results and errors are modfile's.
 */
import { parse, parseLax, GO_VERSION_RE } from '../modfile/rule.js';
import * as semver from '../semver/index.js';
import { canonicalVersion, checkPathMajor, splitPathVersion } from '../module/index.js';
import type { GoModInfo, GoModRequire, ParseGoMod } from './types.js';

/** PLAIN matches a line made only of printable ASCII without quotes. */
const PLAIN = /^[\x20-\x7e\t\r]*$/;
/** TOKEN matches a module path or version token the fast path accepts. */
const TOKEN = /^[A-Za-z0-9._~+\-/]+$/;

/** okVersion reports whether v is a canonical semantic version fitting path's major version (parseVersion's checks). */
function okVersion(path: string, v: string): boolean {
  if (!semver.isValid(v) || canonicalVersion(v) !== v) return false;
  const split = splitPathVersion(path);
  return split.ok && checkPathMajor(v, split.pathMajor) === undefined;
}

/**
 * fastLax parses the plain go.mod files described in the package comment and returns
 * undefined for any other file (the caller then runs modfile.parseLax).
 */
export function fastLax(text: string): GoModInfo | undefined {
  let module: string | undefined;
  let go: string | undefined;
  const require: GoModRequire[] = [];
  let block: string | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (!PLAIN.test(line)) return undefined;
    let indirect = false;
    const c = line.indexOf('//');
    if (c >= 0) {
      const comment = line.slice(c + 2).trim();
      line = line.slice(0, c);
      if (comment !== 'indirect') return undefined;
      indirect = true;
    }
    const f = line.trim().split(/[ \t\r]+/);
    if (f.length === 1 && f[0] === '') {
      if (indirect) return undefined;
      continue;
    }
    if (block !== undefined) {
      if (f.length === 1 && f[0] === ')') {
        if (indirect) return undefined;
        block = undefined;
        continue;
      }
      if (f.some((t) => t === '(' || t === ')')) return undefined;
      if (block === 'require') {
        if (f.length !== 2 || !TOKEN.test(f[0]!) || !okVersion(f[0]!, f[1]!)) return undefined;
        require.push({ mod: { path: f[0]!, version: f[1]! }, indirect });
      } else if (indirect) return undefined;
      continue;
    }
    const verb = f[0]!;
    if (f.length === 2 && f[1] === '(') {
      if (indirect) return undefined;
      if (verb === 'require' || verb === 'exclude' || verb === 'replace' || verb === 'godebug' || verb === 'tool') {
        block = verb;
        continue;
      }
      return undefined;
    }
    if (f.some((t) => t === '(' || t === ')')) return undefined;
    switch (verb) {
      case 'module':
        if (indirect || module !== undefined || f.length !== 2 || !TOKEN.test(f[1]!)) return undefined;
        module = f[1]!;
        break;
      case 'go':
        if (indirect || go !== undefined || f.length !== 2 || !GO_VERSION_RE.test(f[1]!)) return undefined;
        go = f[1]!;
        break;
      case 'require':
        if (f.length !== 3 || !TOKEN.test(f[1]!) || !okVersion(f[1]!, f[2]!)) return undefined;
        require.push({ mod: { path: f[1]!, version: f[2]! }, indirect });
        break;
      case 'exclude':
      case 'replace':
      case 'godebug':
      case 'tool':
      case 'toolchain':
        // Lax parsing ignores these directives (toolchain included: parseLax keeps only
        // module, go, require, retract and ignore).
        if (indirect) return undefined;
        break;
      default:
        return undefined;
    }
  }
  if (block !== undefined) return undefined;
  return {
    ...(module !== undefined ? { module: { path: module, deprecated: '' } } : {}),
    ...(go !== undefined ? { go } : {}),
    require,
    exclude: [],
    replace: [],
    retract: [],
  };
}

/**
 * parseGoMod parses go.mod bytes with modfile.parse (lax: modfile.parseLax, through
 * the fast path for plain files). It throws modfile's ModfileParseError (every error
 * with file:line:col) for a malformed file.
 */
export const parseGoMod: ParseGoMod = (file, data, lax): GoModInfo => {
  if (lax) {
    const fast = fastLax(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'));
    if (fast) return fast;
  }
  const f = lax ? parseLax(file, data) : parse(file, data);
  return {
    ...(f.module ? { module: { path: f.module.mod.path, deprecated: f.module.deprecated } } : {}),
    ...(f.go ? { go: f.go.version } : {}),
    ...(f.toolchain ? { toolchain: f.toolchain.name } : {}),
    require: f.require.map((r) => ({ mod: { path: r.mod.path, version: r.mod.version }, indirect: r.indirect })),
    exclude: f.exclude.map((e) => ({ path: e.mod.path, version: e.mod.version })),
    replace: f.replace.map((r) => ({
      old: { path: r.old.path, version: r.old.version },
      new: { path: r.new.path, version: r.new.version },
    })),
    retract: f.retract.map((r) => ({ low: r.low, high: r.high, rationale: r.rationale })),
  };
};
