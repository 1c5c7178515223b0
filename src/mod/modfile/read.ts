/**
 * The go.mod / go.work lexer and syntax parser (x/mod/modfile read.go).
 *
 * parseSyntax turns file data into a FileSyntax: statements (`verb args…`),
 * factored blocks (`verb ( … )`), and every comment attached to the nearest
 * syntax exactly as x/mod attaches it — whole-line comments to what follows,
 * end-of-line comments to what precedes, blank lines inside blocks as empty
 * comments. It knows nothing about directives; rule.ts and work.ts interpret the
 * tree.
 *
 * Like x/mod, the syntax parser stops at the first lexical or structural error
 * (the directive checks later collect every error of the file).
 */
import { ModfileError, ModfileParseError } from './errors.js';
import { goQuoteRune, goUnquote } from './strconv.js';
import {
  newComments,
  newFileSyntax,
  span,
  type Comment,
  type CommentBlock,
  type Expr,
  type FileSyntax,
  type Line,
  type LineBlock,
  type Position,
} from './syntax.js';
import { decodeGoBytes, isPrint, isSpace, runeAt, trimSpace } from './utf8.js';

// Token kinds: negative for classes, the character code for punctuation and '\n'.
const EOF = -1;
const EOLCOMMENT = -2;
const IDENT = -3;
const STRING = -4;
const COMMENT = -5;
const NL = 0x0a;
const LPAREN = 0x28;
const RPAREN = 0x29;

type TokenKind = number;

/** isComment reports whether k is a comment token (whole-line or end-of-line). */
const isComment = (k: TokenKind) => k === COMMENT || k === EOLCOMMENT;
/** isEOL reports whether k ends a line: a newline, an end-of-line comment or the end of input. */
const isEOL = (k: TokenKind) => k === EOF || k === EOLCOMMENT || k === NL;

/** Token is one lexed token: its kind, where it starts and ends, and its exact text. */
interface Token {
  kind: TokenKind;
  pos: Position;
  endPos: Position;
  text: string;
}

/** IDENT_ASCII[c] is true when the ASCII character c may be part of an identifier. */
const IDENT_ASCII: boolean[] = Array.from({ length: 128 }, (_, c) => {
  if (c <= 0x20 || c === 0x7f) return false;
  return !'()[]{},'.includes(String.fromCharCode(c));
});

/** isIdent reports whether r may be part of an identifier: printable, not space, not ()[]{},. */
function isIdent(r: number): boolean {
  if (r < 0x80) return IDENT_ASCII[r]!;
  return !isSpace(r) && isPrint(r);
}

/** SyntaxStop is thrown by Input.error to abandon the parse (x/mod panics). */
class SyntaxStop {}

/** Input is the lexing and parsing state for one file. */
class Input {
  readonly filename: string;
  readonly src: string;
  // Lexing state: i is the index into src of the next unread code unit.
  i = 0;
  line = 1;
  lineRune = 1;
  byte = 0;
  tokenStart = 0;
  token: Token = {
    kind: EOF,
    pos: { line: 1, lineRune: 1, byte: 0 },
    endPos: { line: 1, lineRune: 1, byte: 0 },
    text: '',
  };
  comments: Comment[] = [];

  // Parser state.
  file: FileSyntax;
  errors: ModfileError[] = [];

  // Comment assignment state.
  pre: Expr[] = [];
  post: Expr[] = [];

  constructor(filename: string, src: string) {
    this.filename = filename;
    this.src = src;
    this.file = newFileSyntax(filename);
  }

  /** pos returns a copy of the current input position. */
  pos(): Position {
    return { line: this.line, lineRune: this.lineRune, byte: this.byte };
  }

  /** error records a syntax error at the current position and abandons the parse. */
  error(message: string): never {
    this.errors.push(new ModfileError({ filename: this.filename, pos: this.pos(), err: message }));
    throw new SyntaxStop();
  }

  /** eof reports whether the whole input has been consumed. */
  eof(): boolean {
    return this.i >= this.src.length;
  }

  /** readRune consumes the next rune and returns it (U+FFFD for an invalid byte). */
  readRune(): number {
    if (this.eof()) this.error('internal lexer error: readRune at EOF');
    const u = this.src.charCodeAt(this.i);
    if (u < 0x80) {
      this.i++;
      this.byte++;
      if (u === NL) {
        this.line++;
        this.lineRune = 1;
      } else {
        this.lineRune++;
      }
      return u;
    }
    const [r, units, bytes] = runeAt(this.src, this.i);
    this.i += units;
    this.byte += bytes;
    this.lineRune++;
    return r;
  }

  /** peekRune returns the next rune without consuming it (0 at EOF, U+FFFD for an invalid byte). */
  peekRune(): number {
    if (this.eof()) return 0;
    const u = this.src.charCodeAt(this.i);
    return u < 0x80 ? u : runeAt(this.src, this.i)[0];
  }

  /** startToken marks the beginning of the next token at the current position. */
  startToken(): void {
    this.tokenStart = this.i;
    // endPos is set by endToken; until then it shares the start position.
    const pos = this.pos();
    this.token = { kind: EOF, pos, endPos: pos, text: '' };
  }

  /** endToken records the token's text; comment tokens lose one trailing "\n" or "\r\n". */
  endToken(kind: TokenKind): void {
    let text = this.src.slice(this.tokenStart, this.i);
    if (isComment(kind)) {
      if (text.endsWith('\r\n')) text = text.slice(0, -2);
      else if (text.endsWith('\n')) text = text.slice(0, -1);
    }
    this.token.kind = kind;
    this.token.text = text;
    this.token.endPos = this.pos();
  }

  /** peek returns the kind of the token lex will return next. */
  peek(): TokenKind {
    return this.token.kind;
  }

  /** lex returns the current token and reads the next one (one token of lookahead). */
  lex(): Token {
    const tok = this.token;
    this.readToken();
    return tok;
  }

  /** readToken lexes the next token into this.token. */
  readToken(): void {
    const src = this.src;
    // Skip spaces, stopping at a non-space or EOF.
    while (!this.eof()) {
      const c = src.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        this.i++;
        this.byte++;
        this.lineRune++;
        continue;
      }
      if (c === 0x2f && src.charCodeAt(this.i + 1) === 0x2f) {
        // A comment runs to the end of the line.
        this.startToken();
        const suffix = this.onlySpaceBeforeOnLine() === false;
        this.readRune();
        this.readRune();
        while (!this.eof() && this.readRune() !== NL) {
          // consume the comment
        }
        if (!suffix) {
          // At top level (not in a statement) the parser handles the comment itself.
          this.endToken(COMMENT);
          return;
        }
        // Otherwise save it for attachment to the syntax tree.
        this.endToken(EOLCOMMENT);
        this.comments.push({ start: this.token.pos, token: this.token.text, suffix: true });
        return;
      }
      if (c === 0x2f && src.charCodeAt(this.i + 1) === 0x2a) {
        this.error('mod files must use // comments (not /* */ comments)');
      }
      break;
    }

    this.startToken();
    if (this.eof()) {
      this.endToken(EOF);
      return;
    }

    const c = this.peekRune();
    switch (c) {
      case NL:
      case LPAREN:
      case RPAREN:
      case 0x5b: // [
      case 0x5d: // ]
      case 0x7b: // {
      case 0x7d: // }
      case 0x2c: // ,
        this.readRune();
        this.endToken(c);
        return;
      case 0x22: // "
      case 0x60: {
        // `
        const quote = c;
        this.readRune();
        for (;;) {
          if (this.eof()) {
            this.restorePos(this.token.pos);
            this.error('unexpected EOF in string');
          }
          if (this.peekRune() === NL) this.error('unexpected newline in string');
          const d = this.readRune();
          if (d === quote) break;
          if (d === 0x5c && quote !== 0x60) {
            if (this.eof()) {
              this.restorePos(this.token.pos);
              this.error('unexpected EOF in string');
            }
            this.readRune();
          }
        }
        this.endToken(STRING);
        return;
      }
    }

    // Everything else must be an identifier.
    if (!isIdent(c)) this.error(`unexpected input character ${goQuoteRune(c)}`);
    while (!this.eof()) {
      const u = src.charCodeAt(this.i);
      if (u < 0x80) {
        if (!IDENT_ASCII[u]) break;
        if (u === 0x2f) {
          const v = src.charCodeAt(this.i + 1);
          if (v === 0x2f) break;
          if (v === 0x2a) this.error('mod files must use // comments (not /* */ comments)');
        }
        this.i++;
        this.byte++;
        this.lineRune++;
        continue;
      }
      if (!isIdent(this.peekRune())) break;
      this.readRune();
    }
    this.endToken(IDENT);
  }

  /** restorePos moves the reported position back (x/mod resets in.pos for EOF-in-string errors). */
  restorePos(p: Position): void {
    this.line = p.line;
    this.lineRune = p.lineRune;
    this.byte = p.byte;
  }

  /**
   * onlySpaceBeforeOnLine reports whether everything between the last newline and
   * the current position is space, i.e. a comment starting here is a whole-line comment.
   */
  onlySpaceBeforeOnLine(): boolean {
    const src = this.src;
    for (let k = this.i - 1; k >= 0; k--) {
      const u = src.charCodeAt(k);
      if (u === NL) return true;
      // Every space rune is in the BMP, so a surrogate (astral rune or escaped byte) is never one.
      if (!isSpace(u)) return false;
    }
    return true;
  }

  // ---- Parser ----

  /**
   * parseFile parses the statements of the file. Top-level comments are gathered
   * into comment blocks; a block directly followed by a statement (no blank line)
   * becomes that statement's `before` comments instead.
   */
  parseFile(): void {
    let cb: CommentBlock | undefined;
    for (;;) {
      switch (this.peek()) {
        case NL:
          this.lex();
          if (cb !== undefined) {
            this.file.stmt.push(cb);
            cb = undefined;
          }
          break;
        case COMMENT: {
          const tok = this.lex();
          if (cb === undefined) cb = { type: 'CommentBlock', comments: newComments(), start: tok.pos };
          cb.comments.before.push({ start: tok.pos, token: tok.text, suffix: false });
          break;
        }
        case EOF:
          if (cb !== undefined) this.file.stmt.push(cb);
          return;
        default:
          this.parseStmt();
          if (cb !== undefined) {
            this.file.stmt[this.file.stmt.length - 1]!.comments.before = cb.comments.before;
            cb = undefined;
          }
      }
    }
  }

  /**
   * parseStmt parses one statement: tokens to the end of the line, or a block when
   * the line ends in "(". A "(" elsewhere (or "( )" mid-line) is just a token.
   */
  parseStmt(): void {
    const tok = this.lex();
    const start = tok.pos;
    let end = tok.endPos;
    const tokens = [tok.text];
    for (;;) {
      const t = this.lex();
      if (isEOL(t.kind)) {
        this.file.stmt.push({ type: 'Line', comments: newComments(), start, token: tokens, inBlock: false, end });
        return;
      }
      if (t.kind === LPAREN) {
        const next = this.peek();
        if (isEOL(next)) {
          // Start of a block: no more tokens on this line.
          this.file.stmt.push(this.parseLineBlock(start, tokens, t));
          return;
        }
        if (next === RPAREN) {
          const rparen = this.lex();
          if (isEOL(this.peek())) {
            // An empty block.
            this.lex();
            this.file.stmt.push({
              type: 'LineBlock',
              comments: newComments(),
              start,
              lparen: { type: 'LParen', comments: newComments(), pos: t.pos },
              token: tokens,
              line: [],
              rparen: { type: 'RParen', comments: newComments(), pos: rparen.pos },
            });
            return;
          }
          // '( )' in the middle of the line, not a block.
          tokens.push(t.text, rparen.text);
        } else {
          // '(' in the middle of the line, not a block.
          tokens.push(t.text);
        }
        continue;
      }
      tokens.push(t.text);
      end = t.endPos;
    }
  }

  /**
   * parseLineBlock parses the lines of a block up to its ")". Whole-line comments and
   * blank lines are collected and attached before the next line (or the ")").
   */
  parseLineBlock(start: Position, token: string[], lparen: Token): LineBlock {
    const x: LineBlock = {
      type: 'LineBlock',
      comments: newComments(),
      start,
      lparen: { type: 'LParen', comments: newComments(), pos: lparen.pos },
      token,
      line: [],
      rparen: { type: 'RParen', comments: newComments(), pos: { line: 0, lineRune: 0, byte: 0 } },
    };
    let comments: Comment[] = [];
    for (;;) {
      switch (this.peek()) {
        case EOLCOMMENT:
          // A suffix comment, attached later by assignComments.
          this.lex();
          break;
        case NL:
          // A blank line: keep it as an empty comment (at most one in a row, none at the start).
          this.lex();
          if (
            (comments.length === 0 && x.line.length > 0) ||
            (comments.length > 0 && comments[comments.length - 1]!.token !== '')
          ) {
            comments.push({ start: { line: 0, lineRune: 0, byte: 0 }, token: '', suffix: false });
          }
          break;
        case COMMENT: {
          const tok = this.lex();
          comments.push({ start: tok.pos, token: tok.text, suffix: false });
          break;
        }
        case EOF:
          this.error(
            `syntax error (unterminated block started at ${this.filename}:${x.start.line}:${x.start.lineRune})`,
          );
          break;
        case RPAREN: {
          const rparen = this.lex();
          // A lone blank line before ')' is not kept (golang.org/issue/70632).
          if (comments.length === 1 && isBlankComment(comments[0]!)) comments = [];
          x.rparen.comments.before = comments;
          x.rparen.pos = rparen.pos;
          if (!isEOL(this.peek())) this.error('syntax error (expected newline after closing paren)');
          this.lex();
          return x;
        }
        default: {
          const l = this.parseLine();
          x.line.push(l);
          l.comments.before = comments;
          comments = [];
        }
      }
    }
  }

  /** parseLine parses one line inside a block (tokens up to the end of the line). */
  parseLine(): Line {
    const tok = this.lex();
    if (isEOL(tok.kind)) this.error('internal parse error: parseLine at end of line');
    const start = tok.pos;
    let end = tok.endPos;
    const tokens = [tok.text];
    for (;;) {
      const t = this.lex();
      if (isEOL(t.kind)) {
        return { type: 'Line', comments: newComments(), start, token: tokens, inBlock: true, end };
      }
      tokens.push(t.text);
      end = t.endPos;
    }
  }

  // ---- Comment assignment ----

  /** order adds x and its subexpressions to the preorder and postorder lists. */
  order(x: Expr): void {
    this.pre.push(x);
    if (x.type === 'FileSyntax') {
      for (const stmt of x.stmt) this.order(stmt);
    } else if (x.type === 'LineBlock') {
      this.order(x.lparen);
      for (const l of x.line) this.order(l);
      this.order(x.rparen);
    }
    this.post.push(x);
  }

  /**
   * assignComments attaches comments to nearby syntax: whole-line comments to the
   * syntax that follows them (preorder), end-of-line comments to the syntax that
   * precedes them on the same line (postorder).
   */
  assignComments(): void {
    this.order(this.file);
    const line: Comment[] = [];
    const suffix: Comment[] = [];
    for (const com of this.comments) (com.suffix ? suffix : line).push(com);

    let li = 0;
    for (const x of this.pre) {
      const [start] = span(x);
      while (li < line.length && start.byte >= line[li]!.start.byte) {
        x.comments.before.push(line[li]!);
        li++;
      }
    }
    // Remaining line comments go at the end of the file.
    this.file.comments.after.push(...line.slice(li));

    for (let i = this.post.length - 1; i >= 0; i--) {
      const x = this.post[i]!;
      // Suffix comments never attach to the whole file.
      if (x.type === 'FileSyntax') continue;
      const [start, end] = span(x);
      // Nor to something that starts on an earlier line (x ( y \n z ) // c goes to z).
      if (start.line !== end.line) continue;
      while (suffix.length > 0 && end.byte <= suffix[suffix.length - 1]!.start.byte) {
        x.comments.suffix.push(suffix.pop()!);
      }
    }
    // They were assigned in reverse.
    for (const x of this.post) if (x.comments.suffix.length > 1) x.comments.suffix.reverse();
    // Remaining suffix comments go at the beginning of the file.
    this.file.comments.before.push(...suffix);
  }
}

/** isBlankComment reports whether c is the empty Comment{} that stands for a blank line. */
function isBlankComment(c: Comment): boolean {
  return c.token === '' && !c.suffix && c.start.line === 0 && c.start.lineRune === 0 && c.start.byte === 0;
}

/**
 * parseSyntax parses file data into a syntax tree (no go.mod semantics). file is the
 * name used in positions and errors; data is the content (bytes are decoded keeping
 * invalid UTF-8 byte-exact). On a syntax error it throws a ModfileParseError holding
 * that one error, e.g. `go.mod:3:8: unexpected newline in string`.
 */
export function parseSyntax(file: string, data: Uint8Array | string): FileSyntax {
  const input = new Input(file, decodeGoBytes(data));
  try {
    // Prime the lexer with the first token, then parse.
    input.readToken();
    input.parseFile();
  } catch (e) {
    if (e instanceof SyntaxStop) throw new ModfileParseError(input.errors);
    throw e;
  }
  input.file.name = file;
  input.assignComments();
  return input.file;
}

/**
 * modulePath returns the module path from go.mod text without parsing the whole
 * file (Go's modfile.ModulePath): the first `module` line wins; "" when there is
 * none or its quoted path is malformed. It tolerates any other problem in the file.
 */
export function modulePath(mod: Uint8Array | string): string {
  const text = decodeGoBytes(mod);
  for (let rest = text; rest.length > 0;) {
    let line = rest;
    rest = '';
    const nl = line.indexOf('\n');
    if (nl >= 0) {
      rest = line.slice(nl + 1);
      line = line.slice(0, nl);
    }
    const c = line.indexOf('//');
    if (c >= 0) line = line.slice(0, c);
    line = trimSpace(line);
    if (!line.startsWith('module')) continue;
    line = line.slice('module'.length);
    const n = line.length;
    line = trimSpace(line);
    if (line.length === n || line.length === 0) continue;
    if (line[0] === '"' || line[0] === '`') return goUnquote(line) ?? '';
    return line;
  }
  return '';
}
