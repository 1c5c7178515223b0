/**
 * The interpreted go.work file (x/mod/modfile work.go): go, toolchain, godebug, use
 * and replace directives, parsed with parseWork and edited like a go.mod File.
 */
import { ModfileError, ModfileParseError, type ErrorCause } from './errors.js';
import { format } from './print.js';
import { parseSyntax } from './read.js';
import {
  GO_VERSION_RE,
  addGodebug,
  addReplace,
  autoQuote,
  checkGoVersion,
  checkToolchainName,
  compareLine,
  dropGodebug,
  dropReplace,
  dropStmt,
  parseGodebugDirective,
  parseReplace,
  parseString,
  parseToolchainDirective,
  removeDups,
  type Go,
  type Godebug,
  type Replace,
  type Toolchain,
  type VersionFixer,
} from './rule.js';
import {
  addLine,
  cleanupSyntax,
  markRemoved,
  newFileSyntax,
  newLine,
  updateLine,
  type FileSyntax,
  type Line,
} from './syntax.js';

/** Use is a single use statement: a module directory (and, when known, its module path). */
export interface Use {
  path: string;
  modulePath: string;
  syntax: Line;
}

/** WORK_BLOCK_VERBS are the block verbs of go.work files. */
const WORK_BLOCK_VERBS = new Set(['godebug', 'use', 'replace']);

/**
 * WorkFile is the parsed, interpreted form of a go.work file (Go's
 * modfile.WorkFile). Removing edits only mark entries; call cleanup() when done.
 */
export class WorkFile {
  go: Go | undefined;
  toolchain: Toolchain | undefined;
  godebug: Godebug[] = [];
  use: Use[] = [];
  replace: Replace[] = [];
  syntax: FileSyntax;

  constructor(syntax: FileSyntax = newFileSyntax()) {
    this.syntax = syntax;
  }

  /** format returns the file in standard formatting, as bytes. */
  format(): Buffer {
    return format(this.syntax);
  }

  /**
   * addGoStmt sets the go version, adding a go line before the first statement that
   * is not a comment block. It throws ERR_MODFILE_INVALID_GO_VERSION for an invalid version.
   */
  addGoStmt(version: string): void {
    checkGoVersion(version);
    if (this.go === undefined) {
      const stmt = newLine(['go', version]);
      this.go = { version, syntax: stmt };
      // Keep file comments at the top.
      this.syntax.stmt.splice(this.firstNonComment(), 0, stmt);
    } else {
      this.go.version = version;
      updateLine(this.syntax, this.go.syntax, 'go', version);
    }
  }

  /**
   * addToolchainStmt sets the toolchain, adding a toolchain line after the go line
   * (or before the first non-comment statement). It throws
   * ERR_MODFILE_INVALID_TOOLCHAIN for a name that does not match TOOLCHAIN_RE.
   */
  addToolchainStmt(name: string): void {
    checkToolchainName(name);
    if (this.toolchain === undefined) {
      const stmt = newLine(['toolchain', name]);
      this.toolchain = { name, syntax: stmt };
      let i = this.syntax.stmt.findIndex((s) => s.type === 'Line' && s.token.length > 0 && s.token[0] === 'go');
      i = i >= 0 ? i + 1 : this.firstNonComment();
      this.syntax.stmt.splice(i, 0, stmt);
    } else {
      this.toolchain.name = name;
      updateLine(this.syntax, this.toolchain.syntax, 'toolchain', name);
    }
  }

  /** firstNonComment returns the index of the first statement that is not a comment block. */
  private firstNonComment(): number {
    let i = 0;
    while (i < this.syntax.stmt.length && this.syntax.stmt[i]!.type === 'CommentBlock') i++;
    return i;
  }

  /** dropGoStmt deletes the go statement, if any. */
  dropGoStmt(): void {
    this.go = dropStmt(this.go);
  }

  /** dropToolchainStmt deletes the toolchain statement, if any. */
  dropToolchainStmt(): void {
    this.toolchain = dropStmt(this.toolchain);
  }

  /** addGodebug sets key=value like File.addGodebug. */
  addGodebug(key: string, value: string): void {
    addGodebug(this.syntax, this.godebug, key, value);
  }

  /** dropGodebug removes every godebug line for key. */
  dropGodebug(key: string): void {
    dropGodebug(this.godebug, key);
  }

  /**
   * addUse makes diskPath used (with modulePath recorded), rewriting the first use
   * line for it and removing duplicates, or adding a line at the end of the last
   * use block.
   */
  addUse(diskPath: string, modulePath: string): void {
    let need = true;
    for (const d of this.use) {
      if (d.path !== diskPath) continue;
      if (need) {
        d.modulePath = modulePath;
        updateLine(this.syntax, d.syntax, 'use', autoQuote(diskPath));
        need = false;
      } else {
        markRemoved(d.syntax);
        d.path = '';
        d.modulePath = '';
      }
    }
    if (need) this.addNewUse(diskPath, modulePath);
  }

  /** addNewUse adds a use line for diskPath at the end of the last use block. */
  addNewUse(diskPath: string, modulePath: string): void {
    const line = addLine(this.syntax, undefined, 'use', autoQuote(diskPath));
    this.use.push({ path: diskPath, modulePath, syntax: line });
  }

  /** setUse makes the used directories exactly dirs (then sorts the blocks). */
  setUse(dirs: ReadonlyArray<{ path: string; modulePath: string }>): void {
    const need = new Map<string, string>();
    for (const d of dirs) need.set(d.path, d.modulePath);
    for (const d of this.use) {
      const modulePath = need.get(d.path);
      if (modulePath !== undefined) {
        d.modulePath = modulePath;
      } else {
        markRemoved(d.syntax);
        d.path = '';
        d.modulePath = '';
      }
    }
    // x/mod adds every requested directory again here (use lines are not de-duplicated).
    for (const [diskPath, modulePath] of need) this.addNewUse(diskPath, modulePath);
    this.sortBlocks();
  }

  /** dropUse removes every use line for path. */
  dropUse(path: string): void {
    for (const d of this.use) {
      if (d.path === path) {
        markRemoved(d.syntax);
        d.path = '';
        d.modulePath = '';
      }
    }
  }

  /** addReplace replaces oldPath[@oldVers] with newPath[@newVers], like File.addReplace. */
  addReplace(oldPath: string, oldVers: string, newPath: string, newVers: string): void {
    addReplace(this.syntax, this.replace, oldPath, oldVers, newPath, newVers);
  }

  /** dropReplace removes every replacement of oldPath@oldVers. */
  dropReplace(oldPath: string, oldVers: string): void {
    dropReplace(this.replace, oldPath, oldVers);
  }

  /** sortBlocks removes duplicate replacements and sorts the lines of every block. */
  sortBlocks(): void {
    this.replace = removeDups(this.syntax, undefined, this.replace, undefined, undefined).replace;
    for (const stmt of this.syntax.stmt) {
      if (stmt.type === 'LineBlock') stmt.line.sort(compareLine);
    }
  }

  /** cleanup removes the entries and lines cleared by earlier edits. */
  cleanup(): void {
    this.godebug = this.godebug.filter((g) => g.key !== '');
    this.use = this.use.filter((d) => d.path !== '');
    this.replace = this.replace.filter((r) => r.old.path !== '');
    cleanupSyntax(this.syntax);
  }

  /** addDirective interprets one go.work line (x/mod's WorkFile.add). */
  addDirective(errs: ModfileError[], line: Line, verb: string, off: number, fix: VersionFixer | undefined): void {
    const tokens = line.token;
    const argc = tokens.length - off;
    const wrapError = (err: ErrorCause) =>
      errs.push(new ModfileError({ filename: this.syntax.name, pos: line.start, err }));
    switch (verb) {
      // go.work has no lax mode: every unknown directive is an error.
      default:
        wrapError(`unknown directive: ${verb}`);
        return;
      // go 1.N[.P][rcK]: the workspace's Go version, at most once.
      case 'go':
        if (this.go !== undefined) return void wrapError('repeated go statement');
        if (argc !== 1) return void wrapError('go directive expects exactly one argument');
        if (!GO_VERSION_RE.test(tokens[off]!)) {
          return void wrapError(`invalid go version '${tokens[off]}': must match format 1.23`);
        }
        this.go = { version: tokens[off]!, syntax: line };
        return;
      // toolchain goX or default: the toolchain to use, at most once.
      case 'toolchain': {
        const t = parseToolchainDirective(this.toolchain !== undefined, tokens, off);
        if ('err' in t) return void wrapError(t.err);
        this.toolchain = { name: t.name, syntax: line };
        return;
      }
      // godebug key=value: one setting per line; quotes and commas are not allowed.
      case 'godebug': {
        const g = parseGodebugDirective(tokens, off);
        if ('err' in g) return void wrapError(g.err);
        this.godebug.push({ key: g.key, value: g.value, syntax: line });
        return;
      }
      // use ./dir: a module directory of the workspace (quoted when needed).
      case 'use': {
        if (argc !== 1) return void wrapError(`usage: ${verb} local/dir`);
        const s = parseString(tokens, off);
        if (typeof s !== 'string') return void wrapError(`invalid quoted string: ${s.message}`);
        this.use.push({ path: s, modulePath: '', syntax: line });
        return;
      }
      // replace: the same syntax and checks as in go.mod.
      case 'replace': {
        const r = parseReplace(this.syntax.name, line, verb, off, fix);
        if (r instanceof ModfileError) return void errs.push(r);
        this.replace.push(r);
        return;
      }
    }
  }
}

/**
 * parseWork parses and interprets a go.work file (Go's modfile.ParseWork). file is the
 * name used in errors; fix (optional) canonicalizes versions. It throws a
 * ModfileParseError listing every error of the file.
 */
export function parseWork(file: string, data: Uint8Array | string, fix?: VersionFixer): WorkFile {
  const fs = parseSyntax(file, data);
  const f = new WorkFile(fs);
  const errs: ModfileError[] = [];
  for (const x of fs.stmt) {
    if (x.type === 'Line') {
      f.addDirective(errs, x, x.token[0]!, 1, fix);
    } else if (x.type === 'LineBlock') {
      if (x.token.length > 1 || !WORK_BLOCK_VERBS.has(x.token[0]!)) {
        errs.push(new ModfileError({ filename: file, pos: x.start, err: `unknown block type: ${x.token.join(' ')}` }));
        continue;
      }
      for (const l of x.line) f.addDirective(errs, l, x.token[0]!, 0, fix);
    }
  }
  if (errs.length > 0) throw new ModfileParseError(errs);
  return f;
}
