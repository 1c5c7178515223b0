/**
 * Package modfile parses, edits and formats go.mod and go.work files the way
 * golang.org/x/mod/modfile does, so that what modrescue writes is byte-identical to
 * what the go command writes.
 *
 * Concepts (https://go.dev/ref/mod#go-mod-file, https://go.dev/ref/mod#go-work-file):
 *  - parseSyntax reads any file of this syntax into a FileSyntax: statements,
 *    factored `verb ( … )` blocks and every comment, attached where Go attaches it.
 *    format writes a tree back in standard layout (`go mod edit -fmt`).
 *  - parse (strict, for the main module) and parseLax (for dependencies) interpret
 *    the directives: module (with `// Deprecated:`), go, toolchain, godebug,
 *    require (with `// indirect`), exclude, replace, retract (with rationale and
 *    version intervals), tool and ignore. parseWork does the same for go.work (go,
 *    toolchain, godebug, use, replace).
 *  - File and WorkFile methods are the edits of `go mod edit`, `go get` and
 *    `go mod tidy` (addRequire, setRequireSeparateIndirect, addReplace, …). They keep
 *    the file's comments and layout; removals only mark lines until cleanup().
 *  - editJSON is the `go mod edit -json` view.
 *
 * Invariants:
 *  - format(parseSyntax(x)) is a fixed point: parsing and formatting it again gives
 *    the same bytes.
 *  - Parsers collect errors: a ModfileParseError (code ERR_MODFILE_PARSE) lists
 *    every directive error of the file as `file:line[:col]: message` with Go's
 *    wording; a lexical or structural syntax error stops the parse at the first one,
 *    as in Go.
 *  - Bytes that are not valid UTF-8 survive a parse/format round trip unchanged (see
 *    utf8.ts for the representation); positions count runes and bytes as Go does.
 *  - Nothing here touches the file system, the environment or the network.
 *
 * Error texts follow the go command our differential oracle runs (Go 1.19) where
 * the message already existed there, and current x/mod for newer behaviour
 * (toolchain, godebug, tool, ignore, `path@version` replacements, go1.21 exclude
 * ordering, the three-part go line).
 */
export { ModfileError, ModfileParseError, isModfileParseError, type ParseErrorEntry } from './errors.js';
export { editJSON, editJSONValue, goJSONString, workEditJSON } from './json.js';
export { format, formatString } from './print.js';
export { modulePath, parseSyntax } from './read.js';
export {
  File,
  GO_VERSION_RE,
  TOOLCHAIN_RE,
  autoQuote,
  isDirectoryPath,
  mustQuote,
  parse,
  parseLax,
  type Exclude,
  type Go,
  type Godebug,
  type Ignore,
  type Module,
  type ModuleVersion,
  type Replace,
  type RequireSpec,
  type Require,
  type Retract,
  type Tool,
  type Toolchain,
  type VersionFixer,
  type VersionInterval,
} from './rule.js';
export { goQuote, goUnquote } from './strconv.js';
export {
  addLine,
  cleanupSyntax,
  isIndirect,
  span,
  type Comment,
  type CommentBlock,
  type Comments,
  type Expr,
  type FileSyntax,
  type LParen,
  type Line,
  type LineBlock,
  type Position,
  type RParen,
  type Stmt,
} from './syntax.js';
export { decodeGoBytes, encodeGoString } from './utf8.js';
export { WorkFile, parseWork, type Use } from './work.js';
