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

/** TOKEN matches a module path or version token the fast path accepts. */
const TOKEN = /^[A-Za-z0-9._~+\-/]+$/;

/** okVersion reports whether v is a canonical semantic version fitting path's major version (parseVersion's checks). */
function okVersion(path: string, v: string): boolean {
  const k = path + ' ' + v;
  let ok = okVersionMemo.get(k);
  if (ok === undefined) {
    if (okVersionMemo.size > 100_000) okVersionMemo.clear();
    ok = semver.isValid(v) && canonicalVersion(v) === v;
    if (ok) {
      const split = splitPathVersion(path);
      ok = split.ok && checkPathMajor(v, split.pathMajor) === undefined;
    }
    okVersionMemo.set(k, ok);
  }
  return ok;
}

/** okVersionMemo remembers okVersion's answers: a large graph repeats the same requirements. */
const okVersionMemo = new Map<string, boolean>();

/**
 * fastLax parses the plain go.mod files described in the package comment and returns
 * undefined for any other file (the caller then runs modfile.parseLax). It scans the
 * text once, character by character: only printable ASCII without quotes is accepted.
 */
export function fastLax(text: string): GoModInfo | undefined {
  let module: string | undefined;
  let go: string | undefined;
  const require: GoModRequire[] = [];
  let block: string | undefined;
  const f: string[] = [];
  let i = 0;
  const n = text.length;
  while (i <= n) {
    // Tokenize one line into f; a trailing "// indirect" sets indirect.
    f.length = 0;
    let indirect = false;
    for (;;) {
      if (i >= n) {
        i = n + 1;
        break;
      }
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        break;
      }
      if (c === 32 || c === 9 || c === 13) {
        i++;
        continue;
      }
      if (c === 47 && text.charCodeAt(i + 1) === 47) {
        let e = text.indexOf('\n', i);
        if (e < 0) e = n;
        const comment = text.slice(i + 2, e).trim();
        if (comment !== 'indirect' || /[^\x20-\x7e\t\r]/.test(comment)) return undefined;
        indirect = true;
        i = e;
        continue;
      }
      const start = i;
      for (;;) {
        const d = text.charCodeAt(i);
        if (i >= n || d === 32 || d === 9 || d === 13 || d === 10) break;
        if (d < 33 || d > 126 || d === 34 || d === 39 || d === 96) return undefined;
        if (d === 47 && text.charCodeAt(i + 1) === 47) break;
        i++;
      }
      f.push(text.slice(start, i));
    }
    if (f.length === 0) {
      if (indirect) return undefined;
      continue;
    }
    if (block !== undefined) {
      if (f.length === 1 && f[0] === ')') {
        if (indirect) return undefined;
        block = undefined;
        continue;
      }
      if (f.includes('(') || f.includes(')')) return undefined;
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
    if (f.includes('(') || f.includes(')')) return undefined;
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
