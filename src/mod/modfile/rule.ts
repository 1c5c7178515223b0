/**
 * The interpreted go.mod file (x/mod/modfile rule.go): File, parse, parseLax and
 * the edit operations of `go mod edit`, `go get` and `go mod tidy`.
 *
 * A File pairs the directives (module, go, toolchain, godebug, require, exclude,
 * replace, retract, tool, ignore) with the syntax tree they came from. Edits
 * change both: they rewrite or add syntax lines next to related ones (keeping
 * comments and layout), and removals only mark lines, so callers finish a series of
 * edits with cleanup() (and usually sortBlocks()) exactly as x/mod requires.
 */
import * as module from '../module/index.js';
import * as semver from '../semver/index.js';
import { compareStrings } from '../semver/strings.js';
import { CodedError } from '../internal/errors.js';
import { ModfileError, ModfileParseError, type ErrorCause } from './errors.js';
import { format } from './print.js';
import { parseSyntax } from './read.js';
import { goQuote, goUnquote } from './strconv.js';
import {
  addLine,
  cleanupSyntax,
  isIndirect,
  markRemoved,
  newFileSyntax,
  newLine,
  newLineBlock,
  updateLine,
  REQUIRE_TOKEN,
  type Expr,
  type FileSyntax,
  type Line,
  type LineBlock,
} from './syntax.js';
import { encodeGoString, isPrint, runeAt, trimSpace } from './utf8.js';

/** ModuleVersion is a module path and version (x/mod's module.Version). */
export type ModuleVersion = module.ModuleVersion;

/** Module is the module statement; deprecated is the text of a `// Deprecated:` paragraph in its comments. */
export interface Module {
  mod: ModuleVersion;
  deprecated: string;
  syntax: Line;
}

/** Go is the go statement ("1.23", "1.21.0", "1.21rc1"). */
export interface Go {
  version: string;
  syntax: Line;
}

/** Toolchain is the toolchain statement ("go1.21rc1", "default"). */
export interface Toolchain {
  name: string;
  syntax: Line;
}

/** Godebug is a single `godebug key=value` statement. */
export interface Godebug {
  key: string;
  value: string;
  syntax: Line;
}

/** Require is a single require statement; indirect reports a `// indirect` comment. */
export interface Require {
  mod: ModuleVersion;
  indirect: boolean;
  syntax: Line;
}

/** Exclude is a single exclude statement. */
export interface Exclude {
  mod: ModuleVersion;
  syntax: Line;
}

/** Replace is a single replace statement; old.version "" replaces every version, new.version "" is a directory. */
export interface Replace {
  old: ModuleVersion;
  new: ModuleVersion;
  syntax: Line;
}

/**
 * VersionInterval is a closed range of versions. A single version is an interval
 * with low === high (`retract v1.2.3` and `retract [v1.2.3, v1.2.3]` are the same).
 */
export interface VersionInterval {
  low: string;
  high: string;
}

/** Retract is a single retract statement; rationale is the text of its comments. */
export interface Retract extends VersionInterval {
  rationale: string;
  syntax: Line;
}

/** Tool is a single tool statement (a package path). */
export interface Tool {
  path: string;
  syntax: Line;
}

/** Ignore is a single ignore statement (a directory path pattern). */
export interface Ignore {
  path: string;
  syntax: Line;
}

/**
 * VersionFixer canonicalizes a version found in the file for module path (Go's
 * VersionFixer). It returns the version to use or throws; a thrown module
 * ModuleError is reported as the directive's error without repeating the path.
 */
export type VersionFixer = (path: string, version: string) => string;

/**
 * GO_VERSION_RE matches the versions a go line may hold: 1.N, 1.N.P, and 1.NrcK /
 * 1.NbetaK style pre-releases (Go's GoVersionRE).
 */
export const GO_VERSION_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;

/** laxGoVersionRE accepts, in dependencies' go.mod files, go lines that only start like a version. */
const LAX_GO_VERSION_RE = /^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9][^\n]*)$/;

/**
 * TOOLCHAIN_RE matches toolchain names: "default" or anything starting "go1" followed
 * by the end or a dot (Go's ToolchainRE; deliberately looser than a version check).
 */
export const TOOLCHAIN_RE = /^default$|^go1($|\.)/;

/** Verbs that ParseLax keeps in dependencies' go.mod files; it ignores all others. */
const LAX_VERBS = new Set(['go', 'module', 'retract', 'require', 'ignore']);

/** Block verbs whose lines are directives (any other block is an error in strict mode). */
const BLOCK_VERBS = new Set(['module', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);

/** RequireSpec is a requirement given to setRequire and setRequireSeparateIndirect. */
export interface RequireSpec {
  mod: ModuleVersion;
  indirect: boolean;
}

/**
 * File is the parsed, interpreted form of a go.mod file (Go's modfile.File). Build
 * one with parse or parseLax, or `new File()` for an empty file. Removing edits
 * only mark entries; call cleanup() when done editing.
 */
export class File {
  module: Module | undefined;
  go: Go | undefined;
  toolchain: Toolchain | undefined;
  godebug: Godebug[] = [];
  require: Require[] = [];
  exclude: Exclude[] = [];
  replace: Replace[] = [];
  retract: Retract[] = [];
  tool: Tool[] = [];
  ignore: Ignore[] = [];
  syntax: FileSyntax;

  constructor(syntax: FileSyntax = newFileSyntax()) {
    this.syntax = syntax;
  }

  /** format returns the file in standard formatting (Go's File.Format), as bytes. */
  format(): Buffer {
    return format(this.syntax);
  }

  /** addModuleStmt sets the module path, adding a module line when there is none. */
  addModuleStmt(path: string): void {
    if (this.module === undefined) {
      this.module = {
        mod: { path, version: '' },
        deprecated: '',
        syntax: addLine(this.syntax, undefined, 'module', autoQuote(path)),
      };
    } else {
      this.module.mod.path = path;
      updateLine(this.syntax, this.module.syntax, 'module', autoQuote(path));
    }
  }

  /** addComment appends a top-level comment block holding text (which should start with "//"). */
  addComment(text: string): void {
    this.syntax.stmt.push({
      type: 'CommentBlock',
      comments: { before: [{ start: zero(), token: text, suffix: false }], suffix: [], after: [] },
      start: zero(),
    });
  }

  /**
   * addGoStmt sets the go version, adding a go line after the module line when there
   * is none. It throws ERR_MODFILE_INVALID_GO_VERSION unless version matches
   * GO_VERSION_RE.
   */
  addGoStmt(version: string): void {
    checkGoVersion(version);
    if (this.go === undefined) {
      const hint = this.module?.syntax;
      this.go = { version, syntax: addLine(this.syntax, hint, 'go', version) };
    } else {
      this.go.version = version;
      updateLine(this.syntax, this.go.syntax, 'go', version);
    }
  }

  /** dropGoStmt deletes the go statement, if any. */
  dropGoStmt(): void {
    this.go = dropStmt(this.go);
  }

  /**
   * addToolchainStmt sets the toolchain name, adding a toolchain line after the go
   * line (or the module line) when there is none. It throws
   * ERR_MODFILE_INVALID_TOOLCHAIN unless name matches TOOLCHAIN_RE.
   */
  addToolchainStmt(name: string): void {
    checkToolchainName(name);
    if (this.toolchain === undefined) {
      const hint: Expr | undefined = this.go?.syntax ?? this.module?.syntax;
      this.toolchain = { name, syntax: addLine(this.syntax, hint, 'toolchain', name) };
    } else {
      this.toolchain.name = name;
      updateLine(this.syntax, this.toolchain.syntax, 'toolchain', name);
    }
  }

  /** dropToolchainStmt deletes the toolchain statement, if any. */
  dropToolchainStmt(): void {
    this.toolchain = dropStmt(this.toolchain);
  }

  /**
   * addGodebug sets the first godebug line for key to value, keeping its comments,
   * and removes every other line for key; without one it adds a line at the end of
   * the last godebug block.
   */
  addGodebug(key: string, value: string): void {
    addGodebug(this.syntax, this.godebug, key, value);
  }

  /** dropGodebug removes every godebug line for key. */
  dropGodebug(key: string): void {
    dropGodebug(this.godebug, key);
  }

  /**
   * addRequire sets the first require line for path to version vers, keeping its
   * comments, and removes every other line for path; without one it adds a line at
   * the end of the last require block. The version is not checked.
   */
  addRequire(path: string, vers: string): void {
    let need = true;
    for (const r of this.require) {
      if (r.mod.path !== path) continue;
      if (need) {
        r.mod.version = vers;
        updateLine(this.syntax, r.syntax, 'require', autoQuote(path), vers);
        need = false;
      } else {
        markRemoved(r.syntax);
        clearRequire(r);
      }
    }
    if (need) this.addNewRequire(path, vers, false);
  }

  /**
   * addNewRequire adds a require line for path at vers at the end of the last require
   * block, whatever lines already exist for path.
   */
  addNewRequire(path: string, vers: string, indirect: boolean): void {
    const line = addLine(this.syntax, undefined, 'require', autoQuote(path), vers);
    const r: Require = { mod: { path, version: vers }, indirect: false, syntax: line };
    setIndirect(r, indirect);
    this.require.push(r);
  }

  /**
   * setRequire makes the requirements exactly req, keeping the block structure and
   * the comments (except `// indirect` markings) of the first line for each path;
   * new paths go to the block of the last require line, and blocks are sorted. It
   * throws ERR_MODFILE_CONFLICTING_REQUIRE when req names one path at two versions.
   * Call cleanup() afterwards.
   */
  setRequire(req: readonly RequireSpec[]): void {
    const need = new Map<string, { version: string; indirect: boolean }>();
    for (const r of req) {
      const prev = need.get(r.mod.path);
      if (prev !== undefined && prev.version !== r.mod.version) throw conflictingVersions(r.mod, prev.version);
      need.set(r.mod.path, { version: r.mod.version, indirect: r.indirect });
    }
    // Update or delete the existing entries, keeping only the first for each path.
    for (const r of this.require) {
      const e = need.get(r.mod.path);
      if (e !== undefined) {
        setVersion(r, e.version);
        setIndirect(r, e.indirect);
      } else {
        markRemoved(r.syntax);
        clearRequire(r);
      }
      need.delete(r.mod.path);
    }
    // Add the paths that were not present; sorting makes the order deterministic.
    for (const [path, e] of need) this.addNewRequire(path, e.version, e.indirect);
    this.sortBlocks();
  }

  /**
   * setRequireSeparateIndirect makes the requirements exactly req like setRequire,
   * but keeps direct and indirect requirements in two separate blocks (the go 1.17+
   * layout): requirements move between the last uncommented direct-only and
   * indirect-only blocks when their marking changes, a single uncommented block is
   * split in two, and blocks with comments are left alone. Call cleanup() afterwards.
   */
  setRequireSeparateIndirect(req: readonly RequireSpec[]): void {
    const syntax = this.syntax;
    // hasComments reports whether a line or block has comments other than "indirect".
    const hasComments = (c: { before: unknown[]; after: unknown[]; suffix: Array<{ token: string }> }) =>
      c.before.length > 0 ||
      c.after.length > 0 ||
      c.suffix.length > 1 ||
      (c.suffix.length === 1 && trimSpace(stripSlashes(c.suffix[0]!.token)) !== 'indirect');

    // moveReq adds r to block, moving it (and its comments) out of any other block.
    const moveReq = (r: Require | undefined, spec: RequireSpec, block: LineBlock): Require => {
      let line: Line;
      if (r === undefined) {
        line = newLine([autoQuote(spec.mod.path), spec.mod.version]);
        r = { mod: { path: spec.mod.path, version: spec.mod.version }, indirect: spec.indirect, syntax: line };
        if (spec.indirect) setIndirect(r, true);
      } else {
        // A copy of the line (its Comments struct copied, as Go copies the value).
        line = { ...r.syntax, comments: { ...r.syntax.comments } };
        if (!line.inBlock && line.token.length > 0 && line.token[0] === REQUIRE_TOKEN) line.token = line.token.slice(1);
        // Cleanup will delete the old line.
        r.syntax.token = [];
        r.syntax = line;
      }
      line.inBlock = true;
      block.line.push(line);
      return r;
    };

    // Examine the existing require lines and blocks.
    let lastDirectIndex = -1;
    let lastIndirectIndex = -1;
    let lastRequireIndex = -1;
    let requireLineOrBlockCount = 0;
    const lineToBlock = new Map<Line, LineBlock>();
    syntax.stmt.forEach((stmt, i) => {
      if (stmt.type === 'Line') {
        if (stmt.token.length === 0 || stmt.token[0] !== REQUIRE_TOKEN) return;
        lastRequireIndex = i;
        requireLineOrBlockCount++;
        if (!hasComments(stmt.comments)) {
          if (isIndirect(stmt)) lastIndirectIndex = i;
          else lastDirectIndex = i;
        }
      } else if (stmt.type === 'LineBlock') {
        if (stmt.token.length === 0 || stmt.token[0] !== REQUIRE_TOKEN) return;
        lastRequireIndex = i;
        requireLineOrBlockCount++;
        let allDirect = stmt.line.length > 0 && !hasComments(stmt.comments);
        let allIndirect = allDirect;
        for (const line of stmt.line) {
          lineToBlock.set(line, stmt);
          if (hasComments(line.comments)) {
            allDirect = false;
            allIndirect = false;
          } else if (isIndirect(line)) {
            allDirect = false;
          } else {
            allIndirect = false;
          }
        }
        if (allDirect) lastDirectIndex = i;
        if (allIndirect) lastIndirectIndex = i;
      }
    });

    const oneFlatUncommentedBlock =
      requireLineOrBlockCount === 1 && !hasComments(syntax.stmt[lastRequireIndex]!.comments);

    // Create direct and indirect blocks if needed; empty or one-line blocks are
    // removed or collapsed by cleanup later.
    const insertBlock = (i: number): LineBlock => {
      const block = newLineBlock([REQUIRE_TOKEN]);
      syntax.stmt.splice(i, 0, block);
      return block;
    };
    const ensureBlock = (i: number): LineBlock => {
      const stmt = syntax.stmt[i]!;
      if (stmt.type === 'LineBlock') return stmt;
      if (stmt.type === 'Line') {
        const block = newLineBlock([REQUIRE_TOKEN]);
        block.line.push(stmt);
        stmt.token = stmt.token.slice(1); // remove "require"
        stmt.inBlock = true;
        syntax.stmt[i] = block;
        return block;
      }
      throw new Error(`unexpected statement: ${stmt.type}`);
    };

    let lastDirectBlock: LineBlock;
    if (lastDirectIndex < 0) {
      if (lastIndirectIndex >= 0) {
        lastDirectIndex = lastIndirectIndex;
        lastIndirectIndex++;
      } else if (lastRequireIndex >= 0) {
        lastDirectIndex = lastRequireIndex + 1;
      } else {
        lastDirectIndex = syntax.stmt.length;
      }
      lastDirectBlock = insertBlock(lastDirectIndex);
    } else {
      lastDirectBlock = ensureBlock(lastDirectIndex);
    }

    let lastIndirectBlock: LineBlock;
    if (lastIndirectIndex < 0) {
      lastIndirectIndex = lastDirectIndex + 1;
      lastIndirectBlock = insertBlock(lastIndirectIndex);
    } else {
      lastIndirectBlock = ensureBlock(lastIndirectIndex);
    }

    // Delete unwanted requirements, update the rest, and move those whose marking
    // no longer matches their block (or all of a single uncommented mixed block).
    const need = new Map<string, RequireSpec>();
    for (const r of req) need.set(r.mod.path, r);
    const have = new Map<string, Require>();
    for (const r of this.require) {
      const path = r.mod.path;
      const want = need.get(path);
      if (want === undefined || have.has(path)) {
        // Not needed, or a duplicate: delete.
        markRemoved(r.syntax);
        clearRequire(r);
        continue;
      }
      have.set(path, r);
      setVersion(r, want.mod.version);
      setIndirect(r, want.indirect);
      const block = lineToBlock.get(r.syntax);
      if (want.indirect && (oneFlatUncommentedBlock || block === lastDirectBlock)) {
        moveReq(r, want, lastIndirectBlock);
      } else if (!want.indirect && (oneFlatUncommentedBlock || block === lastIndirectBlock)) {
        moveReq(r, want, lastDirectBlock);
      }
    }

    // Add new requirements.
    for (const [path, r] of need) {
      if (have.has(path)) continue;
      this.require.push(moveReq(undefined, r, r.indirect ? lastIndirectBlock : lastDirectBlock));
    }

    this.sortBlocks();
  }

  /** dropRequire removes every require line for path. */
  dropRequire(path: string): void {
    for (const r of this.require) {
      if (r.mod.path === path) {
        markRemoved(r.syntax);
        clearRequire(r);
      }
    }
  }

  /**
   * addExclude adds an exclude line for path@vers (next to other excludes of path),
   * unless it exists. It throws module.InvalidVersionError unless vers is a canonical
   * version matching the path's major version.
   */
  addExclude(path: string, vers: string): void {
    const err = checkCanonicalVersion(path, vers);
    if (err !== undefined) throw err;
    let hint: Line | undefined;
    for (const x of this.exclude) {
      if (x.mod.path === path && x.mod.version === vers) return;
      if (x.mod.path === path) hint = x.syntax;
    }
    this.exclude.push({
      mod: { path, version: vers },
      // Without a line for path, x/mod passes a typed nil hint: the line goes to the end.
      syntax: addLine(this.syntax, hint ?? null, 'exclude', autoQuote(path), vers),
    });
  }

  /** dropExclude removes every exclude line for path@vers. */
  dropExclude(path: string, vers: string): void {
    for (const x of this.exclude) {
      if (x.mod.path === path && x.mod.version === vers) {
        markRemoved(x.syntax);
        x.mod = { path: '', version: '' };
      }
    }
  }

  /**
   * addReplace replaces oldPath[@oldVers] with newPath[@newVers]: it rewrites the first
   * matching replacement and removes the others (an empty oldVers matches every
   * version), or adds a line next to other replacements of oldPath.
   */
  addReplace(oldPath: string, oldVers: string, newPath: string, newVers: string): void {
    addReplace(this.syntax, this.replace, oldPath, oldVers, newPath, newVers);
  }

  /** dropReplace removes every replacement of oldPath@oldVers ("" = the versionless one). */
  dropReplace(oldPath: string, oldVers: string): void {
    dropReplace(this.replace, oldPath, oldVers);
  }

  /**
   * addRetract adds a retract line for vi with rationale as its comment (one `// `
   * line per rationale line). It throws module.InvalidVersionError unless both bounds
   * are canonical versions matching the module path's major version.
   */
  addRetract(vi: VersionInterval, rationale: string): void {
    const path = this.module?.mod.path ?? '';
    const err = checkCanonicalVersion(path, vi.high) ?? checkCanonicalVersion(path, vi.low);
    if (err !== undefined) throw err;
    const syntax =
      vi.low === vi.high
        ? addLine(this.syntax, undefined, 'retract', autoQuote(vi.low))
        : addLine(this.syntax, undefined, 'retract', '[', autoQuote(vi.low), ',', autoQuote(vi.high), ']');
    if (rationale !== '') {
      for (const line of rationale.split('\n')) {
        syntax.comments.before.push({ start: zero(), token: '// ' + line, suffix: false });
      }
    }
    // Like x/mod, the new entry is not added to this.retract.
  }

  /** dropRetract removes every retract line for exactly the interval vi. */
  dropRetract(vi: VersionInterval): void {
    for (const r of this.retract) {
      if (r.low === vi.low && r.high === vi.high) {
        markRemoved(r.syntax);
        r.low = '';
        r.high = '';
        r.rationale = '';
      }
    }
  }

  /** addTool adds a tool line for path (and sorts the blocks), unless it exists. */
  addTool(path: string): void {
    if (this.tool.some((t) => t.path === path)) return;
    this.tool.push({ path, syntax: addLine(this.syntax, undefined, 'tool', path) });
    this.sortBlocks();
  }

  /** dropTool removes the tool line for path, if any. */
  dropTool(path: string): void {
    for (const t of this.tool) {
      if (t.path === path) {
        markRemoved(t.syntax);
        t.path = '';
      }
    }
  }

  /** addIgnore adds an ignore line for path (and sorts the blocks), unless it exists. */
  addIgnore(path: string): void {
    if (this.ignore.some((t) => t.path === path)) return;
    this.ignore.push({ path, syntax: addLine(this.syntax, undefined, 'ignore', path) });
    this.sortBlocks();
  }

  /** dropIgnore removes the ignore line for path, if any. */
  dropIgnore(path: string): void {
    for (const t of this.ignore) {
      if (t.path === path) {
        markRemoved(t.syntax);
        t.path = '';
      }
    }
  }

  /**
   * sortBlocks removes duplicate exclude, replace, tool and ignore lines and sorts the
   * lines of every block: by tokens (byte order), except retract blocks (descending
   * by interval) and, from go 1.21 on, exclude blocks (by path, then semver).
   */
  sortBlocks(): void {
    this.removeDups();
    const semanticExclude = this.go !== undefined && semver.compare('v' + this.go.version, 'v1.21') >= 0;
    for (const stmt of this.syntax.stmt) {
      if (stmt.type !== 'LineBlock') continue;
      let less = compareLine;
      if (stmt.token[0] === 'exclude' && semanticExclude) less = compareLineExclude;
      else if (stmt.token[0] === 'retract') less = compareLineRetract;
      stmt.line.sort(less);
    }
  }

  private removeDups(): void {
    const r = removeDups(this.syntax, this.exclude, this.replace, this.tool, this.ignore);
    this.exclude = r.exclude ?? [];
    this.replace = r.replace;
    this.tool = r.tool ?? [];
    this.ignore = r.ignore ?? [];
  }

  /**
   * cleanup removes the entries and syntax lines cleared by earlier edits (Go's
   * File.Cleanup), collapsing one-line blocks.
   */
  cleanup(): void {
    this.godebug = this.godebug.filter((g) => g.key !== '');
    this.require = this.require.filter((r) => r.mod.path !== '');
    this.exclude = this.exclude.filter((x) => x.mod.path !== '');
    this.replace = this.replace.filter((r) => r.old.path !== '');
    this.retract = this.retract.filter((r) => r.low !== '' || r.high !== '');
    this.tool = this.tool.filter((t) => t.path !== '');
    this.ignore = this.ignore.filter((t) => t.path !== '');
    cleanupSyntax(this.syntax);
  }

  // ---- Parsing (internal) ----

  /** add interprets one directive line (x/mod's File.add). args are line.token from index off. */
  addDirective(
    errs: ModfileError[],
    block: LineBlock | undefined,
    line: Line,
    verb: string,
    off: number,
    fix: VersionFixer | undefined,
    strict: boolean,
  ): void {
    // In lax mode (dependencies' go.mod files) only a few verbs matter; the rest,
    // known or not, is ignored for forward compatibility.
    if (!strict && !LAX_VERBS.has(verb)) return;
    const tokens = line.token;
    const argc = tokens.length - off;
    const filename = this.syntax.name;
    const wrapModPathError = (modPath: string, err: ErrorCause) =>
      errs.push(new ModfileError({ filename, pos: line.start, modPath, verb, err }));
    const wrapError = (err: ErrorCause) => errs.push(new ModfileError({ filename, pos: line.start, err }));

    switch (verb) {
      default:
        wrapError(`unknown directive: ${verb}`);
        return;

      case 'go': {
        if (this.go !== undefined) return void wrapError('repeated go statement');
        if (argc !== 1) return void wrapError('go directive expects exactly one argument');
        if (!GO_VERSION_RE.test(tokens[off]!)) {
          let fixed = false;
          if (!strict) {
            const m = LAX_GO_VERSION_RE.exec(tokens[off]!);
            if (m !== null) {
              tokens[off] = m[1]!;
              fixed = true;
            }
          }
          if (!fixed) return void wrapError(`invalid go version '${tokens[off]}': must match format 1.23`);
        }
        this.go = { version: tokens[off]!, syntax: line };
        return;
      }

      case 'toolchain': {
        const t = parseToolchainDirective(this.toolchain !== undefined, tokens, off);
        if ('err' in t) return void wrapError(t.err);
        this.toolchain = { name: t.name, syntax: line };
        return;
      }

      case 'module': {
        if (this.module !== undefined) return void wrapError('repeated module statement');
        const deprecated = parseDeprecation(block, line);
        this.module = { mod: { path: '', version: '' }, deprecated, syntax: line };
        if (argc !== 1) return void wrapError('usage: module module/path');
        const s = parseString(tokens, off);
        if (typeof s !== 'string') return void wrapError(`invalid quoted string: ${s.message}`);
        this.module.mod = { path: s, version: '' };
        return;
      }

      case 'godebug': {
        const g = parseGodebugDirective(tokens, off);
        if ('err' in g) return void wrapError(g.err);
        this.godebug.push({ key: g.key, value: g.value, syntax: line });
        return;
      }

      case 'require':
      case 'exclude': {
        if (argc !== 2) return void wrapError(`usage: ${verb} module/path v1.2.3`);
        const s = parseString(tokens, off);
        if (typeof s !== 'string') return void wrapError(`invalid quoted string: ${s.message}`);
        const v = parseVersion(verb, s, tokens, off + 1, fix);
        if (typeof v !== 'string') return void wrapError(v);
        const pathMajor = modulePathMajor(s);
        if (pathMajor === undefined) return void wrapError('invalid module path');
        const perr = module.checkPathMajor(v, pathMajor);
        if (perr !== undefined) return void wrapModPathError(s, perr);
        if (verb === 'require') {
          this.require.push({ mod: { path: s, version: v }, syntax: line, indirect: isIndirect(line) });
        } else {
          this.exclude.push({ mod: { path: s, version: v }, syntax: line });
        }
        return;
      }

      case 'replace': {
        const r = parseReplace(filename, line, verb, off, fix);
        if (r instanceof ModfileError) return void errs.push(r);
        this.replace.push(r);
        return;
      }

      case 'retract': {
        const rationale = parseDirectiveComment(block, line);
        const vi = parseVersionInterval(verb, '', tokens, off, dontFixRetract);
        if ('error' in vi) {
          // Only the main module reports malformed intervals, so that future
          // interval syntax does not break dependencies' go.mod files.
          if (strict) wrapError(vi.error);
          return;
        }
        if (vi.next < tokens.length && strict) {
          // There may be more information after the version in the future.
          return void wrapError(`unexpected token after version: ${goQuote(tokens[vi.next]!)}`);
        }
        this.retract.push({ low: vi.low, high: vi.high, rationale, syntax: line });
        return;
      }

      case 'tool': {
        if (argc !== 1) return void wrapError('tool directive expects exactly one argument');
        const s = parseString(tokens, off);
        if (typeof s !== 'string') return void wrapError(`invalid quoted string: ${s.message}`);
        this.tool.push({ path: s, syntax: line });
        return;
      }

      case 'ignore': {
        if (argc !== 1) return void wrapError('ignore directive expects exactly one argument');
        const s = parseString(tokens, off);
        if (typeof s !== 'string') return void wrapError(`invalid quoted string: ${s.message}`);
        this.ignore.push({ path: s, syntax: line });
        return;
      }
    }
  }

  /**
   * fixRetract applies fix to the versions of retract directives once the whole file
   * is read (the module path, which fix needs, may come last).
   */
  fixRetract(fix: VersionFixer | undefined, errs: ModfileError[]): void {
    if (fix === undefined) return;
    const path = this.module?.mod.path ?? '';
    for (const r of this.retract) {
      const wrapError = (err: ErrorCause) =>
        errs.push(new ModfileError({ filename: this.syntax.name, pos: r.syntax.start, err }));
      if (path === '') {
        // Only the first of these is reported.
        wrapError('no module directive found, so retract cannot be used');
        return;
      }
      const tokens = r.syntax.token;
      const off = tokens[0] === 'retract' ? 1 : 0;
      const vi = parseVersionInterval('retract', path, tokens, off, fix);
      if ('error' in vi) {
        wrapError(vi.error);
        r.low = '';
        r.high = '';
      } else {
        r.low = vi.low;
        r.high = vi.high;
      }
    }
  }
}

function zero() {
  return { line: 0, lineRune: 0, byte: 0 };
}

function clearRequire(r: Require): void {
  r.mod = { path: '', version: '' };
  r.indirect = false;
}

function clearReplace(r: Replace): void {
  r.old = { path: '', version: '' };
  r.new = { path: '', version: '' };
}

function conflictingVersions(m: ModuleVersion, prev: string): CodedError {
  return new CodedError(
    'ERR_MODFILE_CONFLICTING_REQUIRE',
    `SetRequire called with conflicting versions for path ${m.path} (${prev} and ${m.version})`,
    { path: m.path, versions: [prev, m.version] },
  );
}

/** setVersion sets r's version, also in its syntax line (dropping a lone blank line before it). */
function setVersion(r: Require, v: string): void {
  r.mod.version = v;
  const line = r.syntax;
  if (line.token.length === 0) return;
  if (line.inBlock) {
    // A single blank line before the line goes (golang.org/issue/33779).
    if (line.comments.before.length === 1 && line.comments.before[0]!.token.length === 0) line.comments.before = [];
    if (line.token.length >= 2) line.token[1] = v;
  } else if (line.token.length >= 3) {
    line.token[2] = v;
  }
}

/** setIndirect gives r's line (or takes away) the "// indirect" comment. */
function setIndirect(r: Require, indirect: boolean): void {
  r.indirect = indirect;
  const line = r.syntax;
  if (isIndirect(line) === indirect) return;
  if (indirect) {
    if (line.comments.suffix.length === 0) {
      line.comments.suffix = [{ start: zero(), token: '// indirect', suffix: true }];
      return;
    }
    const com = line.comments.suffix[0]!;
    const text = trimSpace(stripSlashes(com.token));
    // An empty comment becomes the marker; otherwise the marker goes in front.
    com.token = text === '' ? '// indirect' : '// indirect; ' + text;
    return;
  }
  const f = trimSpace(stripSlashes(line.comments.suffix[0]!.token));
  if (f === 'indirect') {
    line.comments.suffix = [];
    return;
  }
  const com = line.comments.suffix[0]!;
  const i = com.token.indexOf('indirect;');
  com.token = '//' + com.token.slice(i + 'indirect;'.length);
}

function stripSlashes(s: string): string {
  return s.startsWith('//') ? s.slice(2) : s;
}

const dontFixRetract: VersionFixer = (_path, vers) => vers;

/**
 * isDirectoryPath reports whether ns is a directory path rather than a module path:
 * "." and ".." and paths starting with ./ ../ / (or their Windows forms, or a drive
 * letter), on every system, because go.mod files travel between systems.
 */
export function isDirectoryPath(ns: string): boolean {
  return (
    ns === '.' ||
    ns.startsWith('./') ||
    ns.startsWith('.\\') ||
    ns === '..' ||
    ns.startsWith('../') ||
    ns.startsWith('..\\') ||
    ns.startsWith('/') ||
    ns.startsWith('\\') ||
    (ns.length >= 2 && /^[A-Za-z]$/.test(ns[0]!) && ns[1] === ':')
  );
}

/** PLAIN_ASCII[c] is 1 for the ASCII characters that never force quoting on their own. */
const PLAIN_ASCII = Uint8Array.from({ length: 128 }, (_, c) =>
  c > 0x20 && c < 0x7f && !'"\'`()[]{},'.includes(String.fromCharCode(c)) ? 1 : 0,
);

/**
 * mustQuote reports whether s must be quoted to be a single go.mod token: it is
 * empty, holds a space, quote, non-printable rune, `//` or `/*`, or is longer than
 * one character and holds one of ()[]{},.
 */
export function mustQuote(s: string): boolean {
  // Fast path: plain printable ASCII without quotes, spaces, brackets or comment starts.
  let plain = s.length > 0;
  for (let i = 0; i < s.length && plain; i++) plain = PLAIN_ASCII[s.charCodeAt(i)] === 1;
  if (plain) return s.includes('//') || s.includes('/*');
  for (let i = 0; i < s.length;) {
    const [r, units] = runeAt(s, i);
    i += units;
    switch (r) {
      case 0x20:
      case 0x22:
      case 0x27:
      case 0x60:
        return true;
      case 0x28:
      case 0x29:
      case 0x5b:
      case 0x5d:
      case 0x7b:
      case 0x7d:
      case 0x2c:
        if (encodeGoString(s).length > 1) return true;
        break;
      default:
        if (!isPrint(r)) return true;
    }
  }
  return s === '' || s.includes('//') || s.includes('/*');
}

/** autoQuote returns s, or its Go quotation when s must be quoted to appear in a go.mod file. */
export function autoQuote(s: string): string {
  return mustQuote(s) ? goQuote(s) : s;
}

/**
 * parseString interprets tokens[i] as a module path or version: a quoted string is
 * unquoted, other quote characters are rejected. On success the token is rewritten
 * in canonical quoting (quotes only where needed).
 */
export function parseString(tokens: string[], i: number): string | Error {
  let t = tokens[i]!;
  if (t.startsWith('"')) {
    const u = goUnquote(t);
    if (u === undefined) return new Error('invalid syntax');
    t = u;
  } else if (/["'`]/.test(t)) {
    // Other quotes are reserved for future use and to avoid confusion ('x' is not x).
    return new Error('unquoted string cannot contain quote');
  }
  tokens[i] = autoQuote(t);
  return t;
}

/** parseVersion interprets tokens[i] as a version of path, canonicalizing it (or applying fix). */
function parseVersion(
  verb: string,
  path: string,
  tokens: string[],
  i: number,
  fix: VersionFixer | undefined,
): string | ModfileError | Error {
  const raw = tokens[i]!;
  const t0 = parseString(tokens, i);
  if (typeof t0 !== 'string') {
    return new ModfileError({
      verb,
      modPath: path,
      err: new module.InvalidVersionError(raw, false, t0),
    });
  }
  let t = t0;
  if (fix !== undefined) {
    try {
      t = fix(path, t);
    } catch (e) {
      if (e instanceof module.ModuleError) return new ModfileError({ verb, modPath: path, err: e.err });
      return e instanceof Error ? e : new Error(String(e));
    }
  } else {
    const cv = module.canonicalVersion(t);
    if (cv === '') {
      return new ModfileError({
        verb,
        modPath: path,
        err: new module.InvalidVersionError(t, false, new Error('must be of the form v1.2.3')),
      });
    }
    t = cv;
  }
  tokens[i] = t;
  return t;
}

/** modulePathMajor returns the major-version suffix of path ("/v2", ".v1", ""), or undefined if path is malformed. */
function modulePathMajor(path: string): string | undefined {
  const sp = module.splitPathVersion(path);
  return sp.ok ? sp.pathMajor : undefined;
}

/**
 * parseVersionInterval reads `v` or `[low, high]` from tokens at off. It returns the
 * interval and the index after it, or the error.
 */
function parseVersionInterval(
  verb: string,
  path: string,
  tokens: string[],
  off: number,
  fix: VersionFixer | undefined,
): (VersionInterval & { next: number }) | { error: ErrorCause } {
  let i = off;
  const n = tokens.length;
  if (i >= n || tokens[i] === '(') return { error: "expected '[' or version" };
  if (tokens[i] !== '[') {
    const v = parseVersion(verb, path, tokens, i, fix);
    if (typeof v !== 'string') return { error: v };
    return { low: v, high: v, next: i + 1 };
  }
  i++;
  if (i >= n) return { error: "expected version after '['" };
  const low = parseVersion(verb, path, tokens, i, fix);
  if (typeof low !== 'string') return { error: low };
  i++;
  if (i >= n || tokens[i] !== ',') return { error: "expected ',' after version" };
  i++;
  if (i >= n) return { error: "expected version after ','" };
  const high = parseVersion(verb, path, tokens, i, fix);
  if (typeof high !== 'string') return { error: high };
  i++;
  if (i >= n || tokens[i] !== ']') return { error: "expected ']' after version" };
  i++;
  return { low, high, next: i };
}

/** parseReplace interprets a replace line (shared by go.mod and go.work). */
export function parseReplace(
  filename: string,
  line: Line,
  verb: string,
  off: number,
  fix: VersionFixer | undefined,
): Replace | ModfileError {
  const tokens = line.token;
  const argc = tokens.length - off;
  const wrapModPathError = (modPath: string, err: ErrorCause) =>
    new ModfileError({ filename, pos: line.start, modPath, verb, err });
  const wrapError = (err: ErrorCause) => new ModfileError({ filename, pos: line.start, err });

  let arrow = 2;
  if (argc >= 2 && tokens[off + 1] === '=>') arrow = 1;
  if (argc < arrow + 2 || argc > arrow + 3 || tokens[off + arrow] !== '=>') {
    return wrapError(
      `usage: ${verb} module/path [v1.2.3] => other/module v1.4\n\t or ${verb} module/path [v1.2.3] => ../local/directory`,
    );
  }
  const s = parseString(tokens, off);
  if (typeof s !== 'string') return wrapError(`invalid quoted string: ${s.message}`);
  const pathMajor = modulePathMajor(s);
  if (pathMajor === undefined) return wrapModPathError(s, 'invalid module path');
  let v = '';
  if (arrow === 2) {
    const pv = parseVersion(verb, s, tokens, off + 1, fix);
    if (typeof pv !== 'string') return wrapError(pv);
    v = pv;
    const perr = module.checkPathMajor(v, pathMajor);
    if (perr !== undefined) return wrapModPathError(s, perr);
  }
  const ns = parseString(tokens, off + arrow + 1);
  if (typeof ns !== 'string') return wrapError(`invalid quoted string: ${ns.message}`);
  let nv = '';
  if (argc === arrow + 2) {
    if (!isDirectoryPath(ns)) {
      if (ns.includes('@')) return wrapError("replacement module must match format 'path version', not 'path@version'");
      return wrapError('replacement module without version must be directory path (rooted or starting with ./ or ../)');
    }
    if (ns.includes('\\')) {
      return wrapError('replacement directory appears to be Windows path (on a non-windows system)');
    }
  }
  if (argc === arrow + 3) {
    const pv = parseVersion(verb, ns, tokens, off + arrow + 2, fix);
    if (typeof pv !== 'string') return wrapError(pv);
    nv = pv;
    if (isDirectoryPath(ns)) return wrapError(`replacement module directory path ${goQuote(ns)} cannot have version`);
  }
  return { old: { path: s, version: v }, new: { path: ns, version: nv }, syntax: line };
}

/** addReplace implements File.addReplace and WorkFile.addReplace. */
export function addReplace(
  syntax: FileSyntax,
  replace: Replace[],
  oldPath: string,
  oldVers: string,
  newPath: string,
  newVers: string,
): void {
  let need = true;
  const tokens = ['replace', autoQuote(oldPath)];
  if (oldVers !== '') tokens.push(oldVers);
  tokens.push('=>', autoQuote(newPath));
  if (newVers !== '') tokens.push(newVers);

  let hint: Line | undefined;
  for (const r of replace) {
    if (r.old.path === oldPath && (oldVers === '' || r.old.version === oldVers)) {
      if (need) {
        // Found a replacement for old: point it at new.
        r.new = { path: newPath, version: newVers };
        updateLine(syntax, r.syntax, ...tokens);
        need = false;
        continue;
      }
      // Already replaced: delete the other replacements of old.
      markRemoved(r.syntax);
      clearReplace(r);
    }
    if (r.old.path === oldPath) hint = r.syntax;
  }
  if (need) {
    replace.push({
      old: { path: oldPath, version: oldVers },
      new: { path: newPath, version: newVers },
      // Without a line for oldPath, x/mod passes a typed nil hint: the line goes to the end.
      syntax: addLine(syntax, hint ?? null, ...tokens),
    });
  }
}

/** dropReplace implements File.dropReplace and WorkFile.dropReplace: every replacement of oldPath@oldVers is removed. */
export function dropReplace(replace: readonly Replace[], oldPath: string, oldVers: string): void {
  for (const r of replace) {
    if (r.old.path === oldPath && r.old.version === oldVers) {
      markRemoved(r.syntax);
      clearReplace(r);
    }
  }
}

/**
 * addGodebug implements File.addGodebug and WorkFile.addGodebug: the first line for key
 * gets value (keeping its comments), every other line for key is removed; without one a
 * line is added at the end of the last godebug block.
 */
export function addGodebug(syntax: FileSyntax, godebug: Godebug[], key: string, value: string): void {
  let need = true;
  for (const g of godebug) {
    if (g.key !== key) continue;
    if (need) {
      g.value = value;
      updateLine(syntax, g.syntax, 'godebug', key + '=' + value);
      need = false;
    } else {
      markRemoved(g.syntax);
      g.key = '';
      g.value = '';
    }
  }
  if (need) godebug.push({ key, value, syntax: addLine(syntax, undefined, 'godebug', key + '=' + value) });
}

/** dropGodebug implements File.dropGodebug and WorkFile.dropGodebug: every line for key is removed. */
export function dropGodebug(godebug: readonly Godebug[], key: string): void {
  for (const g of godebug) {
    if (g.key === key) {
      markRemoved(g.syntax);
      g.key = '';
      g.value = '';
    }
  }
}

/** dropStmt marks a single statement (go, toolchain) removed, if there is one, and returns undefined to store. */
export function dropStmt(stmt: { readonly syntax: Line } | undefined): undefined {
  if (stmt !== undefined) markRemoved(stmt.syntax);
  return undefined;
}

/** checkGoVersion throws ERR_MODFILE_INVALID_GO_VERSION unless version matches GO_VERSION_RE (addGoStmt's check). */
export function checkGoVersion(version: string): void {
  if (!GO_VERSION_RE.test(version)) {
    throw new CodedError('ERR_MODFILE_INVALID_GO_VERSION', `invalid language version ${goQuote(version)}`, {
      version,
    });
  }
}

/** checkToolchainName throws ERR_MODFILE_INVALID_TOOLCHAIN unless name matches TOOLCHAIN_RE (addToolchainStmt's check). */
export function checkToolchainName(name: string): void {
  if (!TOOLCHAIN_RE.test(name)) {
    throw new CodedError('ERR_MODFILE_INVALID_TOOLCHAIN', `invalid toolchain name ${goQuote(name)}`, { name });
  }
}

/**
 * parseToolchainDirective checks a toolchain directive's arguments (go.mod and go.work
 * alike): the name, or the error text (repeated, wrong argument count, bad name).
 */
export function parseToolchainDirective(
  repeated: boolean,
  tokens: readonly string[],
  off: number,
): { name: string } | { err: string } {
  if (repeated) return { err: 'repeated toolchain statement' };
  if (tokens.length - off !== 1) return { err: 'toolchain directive expects exactly one argument' };
  if (!TOOLCHAIN_RE.test(tokens[off]!)) {
    return { err: `invalid toolchain version '${tokens[off]}': must match format go1.23.0 or default` };
  }
  return { name: tokens[off]! };
}

/**
 * parseGodebugDirective checks a godebug directive's argument (go.mod and go.work alike):
 * `key=value` without quotes or commas, or the usage error text.
 */
export function parseGodebugDirective(
  tokens: readonly string[],
  off: number,
): { key: string; value: string } | { err: string } {
  const usage = { err: 'usage: godebug key=value' };
  if (tokens.length - off !== 1 || /["`',]/.test(tokens[off]!)) return usage;
  const arg = tokens[off]!;
  const eq = arg.indexOf('=');
  if (eq < 0) return usage;
  return { key: arg.slice(0, eq), value: arg.slice(eq + 1) };
}

const DEPRECATED_RE = /(?:^|\n\n)Deprecated: *([\s\S]*?)(?:$|\n\n)/;

/**
 * parseDeprecation returns the deprecation message in the comments of a module
 * directive: the first paragraph starting "Deprecated:" (case-sensitive), without
 * that prefix; "" when there is none.
 */
function parseDeprecation(block: LineBlock | undefined, line: Line): string {
  const m = DEPRECATED_RE.exec(parseDirectiveComment(block, line));
  return m === null ? '' : m[1]!;
}

/**
 * parseDirectiveComment returns the text of the comments on a directive (before and
 * on its line), or of its block's comments when the line has none.
 */
function parseDirectiveComment(block: LineBlock | undefined, line: Line): string {
  let comments = line.comments;
  if (block !== undefined && comments.before.length === 0 && comments.suffix.length === 0) comments = block.comments;
  const lines: string[] = [];
  for (const group of [comments.before, comments.suffix]) {
    for (const c of group) {
      if (!c.token.startsWith('//')) continue; // a blank line
      lines.push(trimSpace(c.token.slice(2)));
    }
  }
  return lines.join('\n');
}

type Dedup<T> = T[] | undefined;

/**
 * removeDups drops duplicate exclude, tool and ignore lines (the first wins) and
 * duplicate replacements (the last wins) from the entries and the syntax tree.
 * Requirements and retractions are never de-duplicated.
 */
export function removeDups(
  syntax: FileSyntax,
  exclude: Dedup<Exclude>,
  replace: Replace[],
  tool: Dedup<Tool>,
  ignore: Dedup<Ignore>,
): { exclude: Dedup<Exclude>; replace: Replace[]; tool: Dedup<Tool>; ignore: Dedup<Ignore> } {
  const kill = new Set<Line>();
  const firstWins = <T extends { syntax: Line }>(list: Dedup<T>, key: (x: T) => string): Dedup<T> => {
    if (list === undefined) return undefined;
    const seen = new Set<string>();
    for (const x of list) {
      const k = key(x);
      if (seen.has(k)) kill.add(x.syntax);
      else seen.add(k);
    }
    return list.filter((x) => !kill.has(x.syntax));
  };
  const newExclude = firstWins(exclude, (x) => x.mod.path + '\0' + x.mod.version);

  // Later replacements take priority over earlier ones.
  const haveReplace = new Set<string>();
  for (let i = replace.length - 1; i >= 0; i--) {
    const x = replace[i]!;
    const k = x.old.path + '\0' + x.old.version;
    if (haveReplace.has(k)) kill.add(x.syntax);
    else haveReplace.add(k);
  }
  const newReplace = replace.filter((x) => !kill.has(x.syntax));
  const newTool = firstWins(tool, (t) => t.path);
  const newIgnore = firstWins(ignore, (t) => t.path);

  if (kill.size > 0) {
    const stmts: typeof syntax.stmt = [];
    for (const stmt of syntax.stmt) {
      if (stmt.type === 'Line') {
        if (kill.has(stmt)) continue;
      } else if (stmt.type === 'LineBlock') {
        stmt.line = stmt.line.filter((l) => !kill.has(l));
        if (stmt.line.length === 0) continue;
      }
      stmts.push(stmt);
    }
    syntax.stmt = stmts;
  }
  return { exclude: newExclude, replace: newReplace, tool: newTool, ignore: newIgnore };
}

/** compareLine orders lines by their tokens, in byte order, then by token count. */
export function compareLine(li: Line, lj: Line): number {
  const n = Math.min(li.token.length, lj.token.length);
  for (let k = 0; k < n; k++) {
    if (li.token[k] !== lj.token[k]) return compareStrings(li.token[k]!, lj.token[k]!);
  }
  return li.token.length - lj.token.length;
}

/** compareLineExclude orders `path version` exclude lines by path, then by semver. */
function compareLineExclude(li: Line, lj: Line): number {
  if (li.token.length !== 2 || lj.token.length !== 2) return compareLine(li, lj);
  if (li.token[0] !== lj.token[0]) return compareStrings(li.token[0]!, lj.token[0]!);
  return semver.compare(li.token[1]!, lj.token[1]!);
}

/** compareLineRetract orders retract lines as intervals, descending by low then high version. */
function compareLineRetract(li: Line, lj: Line): number {
  const interval = (l: Line): VersionInterval => {
    if (l.token.length === 1) return { low: l.token[0]!, high: l.token[0]! };
    if (l.token.length === 5 && l.token[0] === '[' && l.token[2] === ',' && l.token[4] === ']') {
      return { low: l.token[1]!, high: l.token[3]! };
    }
    // An unknown format sorts like an invalid version.
    return { low: '', high: '' };
  };
  const a = interval(li);
  const b = interval(lj);
  const c = semver.compare(a.low, b.low);
  if (c !== 0) return -c;
  return -semver.compare(a.high, b.high);
}

/**
 * checkCanonicalVersion returns an InvalidVersionError unless vers is a canonical
 * version whose major version matches path (suggesting "+incompatible" or a /vN
 * path where that is the likely fix).
 */
function checkCanonicalVersion(path: string, vers: string): module.InvalidVersionError | undefined {
  const sp = module.splitPathVersion(path);
  if (vers === '' || vers !== module.canonicalVersion(vers)) {
    if (sp.pathMajor === '') {
      return new module.InvalidVersionError(vers, false, new Error('must be of the form v1.2.3'));
    }
    return new module.InvalidVersionError(
      vers,
      false,
      new Error(`must be of the form ${module.pathMajorPrefix(sp.pathMajor)}.2.3`),
    );
  }
  if (sp.ok) {
    const err = module.checkPathMajor(vers, sp.pathMajor);
    if (err !== undefined) {
      if (sp.pathMajor === '') {
        // The user probably meant "+incompatible" rather than "v0 or v1".
        return new module.InvalidVersionError(
          vers,
          false,
          new Error(`should be ${vers}+incompatible (or module ${path}/${semver.major(vers)})`),
        );
      }
      return err;
    }
  }
  return undefined;
}

function parseToFile(file: string, data: Uint8Array | string, fix: VersionFixer | undefined, strict: boolean): File {
  const fs = parseSyntax(file, data);
  const f = new File(fs);
  const errs: ModfileError[] = [];
  for (const x of fs.stmt) {
    if (x.type === 'Line') {
      f.addDirective(errs, undefined, x, x.token[0]!, 1, fix, strict);
    } else if (x.type === 'LineBlock') {
      if (x.token.length > 1 || !BLOCK_VERBS.has(x.token[0]!)) {
        if (strict) {
          errs.push(
            new ModfileError({ filename: file, pos: x.start, err: `unknown block type: ${x.token.join(' ')}` }),
          );
        }
        continue;
      }
      for (const l of x.line) f.addDirective(errs, x, l, x.token[0]!, 0, fix, strict);
    }
  }
  // Retract versions are fixed last: the module path they need may come at the end.
  f.fixRetract(fix, errs);
  if (errs.length > 0) throw new ModfileParseError(errs);
  return f;
}

/**
 * parse parses and interprets a go.mod file (Go's modfile.Parse). file is the name
 * used in positions and errors, data the content, and fix (optional) canonicalizes
 * versions; without it every version must already be canonical. It throws a
 * ModfileParseError listing every error of the file (unknown directives, malformed
 * paths and versions, …).
 */
export function parse(file: string, data: Uint8Array | string, fix?: VersionFixer): File {
  return parseToFile(file, data, fix, true);
}

/**
 * parseLax is like parse but ignores unknown directives and the main-module-only
 * ones (replace, exclude, …), as the go command does for dependencies' go.mod files.
 * It throws a ModfileParseError for syntax errors and bad go/module/require/retract lines.
 */
export function parseLax(file: string, data: Uint8Array | string, fix?: VersionFixer): File {
  return parseToFile(file, data, fix, false);
}
