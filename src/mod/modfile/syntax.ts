/**
 * The go.mod / go.work syntax tree, mirroring x/mod/modfile's FileSyntax, Line,
 * LineBlock, LParen, RParen, CommentBlock and Comments, plus the tree edits the
 * semantic layer (rule.ts, work.ts) builds on: addLine, requireHint, updateLine,
 * markRemoved and cleanupSyntax.
 *
 * The tree keeps every token and comment of the file, so formatting a parsed
 * file reproduces it in Go's standard layout (print.ts). Nodes are plain objects
 * told apart by their `type` field; identity matters (the semantic layer keeps
 * references to Line nodes and edits them in place).
 *
 * Invariant: a Line whose `token` array is empty has been removed by an edit
 * (Go sets Token to nil); cleanupSyntax drops such lines.
 */
import { isSpace, trimSpace } from './utf8.js';

/** Position is a place in the input: line (from 1), rune within the line (from 1) and byte offset (from 0). */
export interface Position {
  line: number;
  lineRune: number;
  byte: number;
}

/** Comment is a single `//` comment (token without the trailing newline); suffix marks an end-of-line comment. */
export interface Comment {
  start: Position;
  token: string;
  suffix: boolean;
}

/**
 * Comments are the comments attached to an expression: whole-line comments
 * before it, end-of-line comments after it, and (top level only) whole-line
 * comments after it. A blank line inside a block is kept as a Comment whose token
 * is "".
 */
export interface Comments {
  before: Comment[];
  suffix: Comment[];
  after: Comment[];
}

/** CommentBlock is a top-level block of comments separate from any directive. */
export interface CommentBlock {
  readonly type: 'CommentBlock';
  comments: Comments;
  start: Position;
}

/** Line is a single line of tokens, at top level (`require x v1`) or inside a block (`x v1`, inBlock). */
export interface Line {
  readonly type: 'Line';
  comments: Comments;
  start: Position;
  token: string[];
  inBlock: boolean;
  end: Position;
}

/** LParen is the `(` opening a block; it holds the block's end-of-line comment. */
export interface LParen {
  readonly type: 'LParen';
  comments: Comments;
  pos: Position;
}

/** RParen is the `)` closing a block; its `before` comments are the block's trailing comments. */
export interface RParen {
  readonly type: 'RParen';
  comments: Comments;
  pos: Position;
}

/** LineBlock is a factored block such as `require ( … )`: shared tokens plus lines. */
export interface LineBlock {
  readonly type: 'LineBlock';
  comments: Comments;
  start: Position;
  lparen: LParen;
  token: string[];
  line: Line[];
  rparen: RParen;
}

/** FileSyntax is an entire go.mod or go.work file. */
export interface FileSyntax {
  readonly type: 'FileSyntax';
  /** The file name used in positions and errors. */
  name: string;
  comments: Comments;
  stmt: Stmt[];
}

/** Stmt is a top-level statement. */
export type Stmt = CommentBlock | Line | LineBlock;

/** Expr is any node of the tree. */
export type Expr = Stmt | LParen | RParen | FileSyntax;

/** zeroPosition returns a fresh Position{0, 0, 0} (Go's zero value). */
export function zeroPosition(): Position {
  return { line: 0, lineRune: 0, byte: 0 };
}

/** newComments returns an empty Comments value. */
export function newComments(): Comments {
  return { before: [], suffix: [], after: [] };
}

/** newLine builds a detached Line with the given tokens and zero positions. */
export function newLine(token: string[], inBlock = false): Line {
  return { type: 'Line', comments: newComments(), start: zeroPosition(), token, inBlock, end: zeroPosition() };
}

/** newLineBlock builds a detached, empty LineBlock with the given tokens. */
export function newLineBlock(token: string[]): LineBlock {
  return {
    type: 'LineBlock',
    comments: newComments(),
    start: zeroPosition(),
    lparen: { type: 'LParen', comments: newComments(), pos: zeroPosition() },
    token,
    line: [],
    rparen: { type: 'RParen', comments: newComments(), pos: zeroPosition() },
  };
}

/** newFileSyntax returns an empty syntax tree for file name (Go's new(FileSyntax) plus a name). */
export function newFileSyntax(name = ''): FileSyntax {
  return { type: 'FileSyntax', name, comments: newComments(), stmt: [] };
}

/** addPosition returns the position at the end of s, assuming s starts at p (Go's Position.add). */
export function addPosition(p: Position, s: string): Position {
  let { line, lineRune, byte } = p;
  byte += Buffer.byteLength(s, 'utf8');
  const nl = s.lastIndexOf('\n');
  if (nl >= 0) {
    for (let i = 0; i <= nl; i++) if (s.charCodeAt(i) === 10) line++;
    s = s.slice(nl + 1);
    lineRune = 1;
  }
  lineRune += [...s].length;
  return { line, lineRune, byte };
}

/** span returns the start and end of x, excluding comments (Go's Expr.Span). */
export function span(x: Expr): [start: Position, end: Position] {
  switch (x.type) {
    case 'FileSyntax': {
      if (x.stmt.length === 0) return [zeroPosition(), zeroPosition()];
      return [span(x.stmt[0]!)[0], span(x.stmt[x.stmt.length - 1]!)[1]];
    }
    case 'CommentBlock':
      return [x.start, x.start];
    case 'Line':
      return [x.start, x.end];
    case 'LineBlock':
      return [x.start, addPosition(x.rparen.pos, ')')];
    case 'LParen':
    case 'RParen':
      // x/mod measures both parens with ")"; one byte either way.
      return [x.pos, addPosition(x.pos, ')')];
  }
}

/** REQUIRE_TOKEN is the verb of require statements. */
export const REQUIRE_TOKEN = 'require';

/**
 * addLine adds a line with the given tokens to the file and returns it (Go's
 * FileSyntax.addLine). With a hint whose first token matches, the line joins the
 * hint's block (turning a single line into a block); with a non-matching hint it
 * is added after the hint's block; without a hint (undefined) it goes to the end of
 * the last block with the same verb, or to the end of the file. A null hint (Go's
 * typed nil) always appends a new top-level line.
 */
export function addLine(x: FileSyntax, hint: Expr | undefined | null, ...tokens: string[]): Line {
  if (hint === null) {
    // x/mod's AddExclude and AddReplace pass a nil *Line when they found no related
    // line; as a non-nil interface it matches nothing, so the line goes to the end.
    const line = newLine(tokens);
    x.stmt.push(line);
    return line;
  }
  if (hint === undefined) {
    // No hint: add to the last statement of the given type.
    for (let i = x.stmt.length - 1; i >= 0; i--) {
      const stmt = x.stmt[i]!;
      if (stmt.type === 'Line' && stmt.token.length > 0 && stmt.token[0] === tokens[0]) {
        hint = stmt;
        break;
      }
      if (stmt.type === 'LineBlock' && stmt.token[0] === tokens[0]) {
        hint = stmt;
        break;
      }
    }
  }

  const newLineAfter = (i: number): Line => {
    const line = newLine(tokens);
    x.stmt.splice(i + 1, 0, line);
    return line;
  };

  if (hint !== undefined) {
    for (let i = 0; i < x.stmt.length; i++) {
      const stmt = x.stmt[i]!;
      if (stmt.type === 'Line') {
        if (stmt !== hint) continue;
        if (stmt.token.length === 0 || stmt.token[0] !== tokens[0]) return newLineAfter(i);
        // Convert the line into a block holding it and the new line.
        stmt.inBlock = true;
        const block = newLineBlock(stmt.token.slice(0, 1));
        block.line.push(stmt);
        stmt.token = stmt.token.slice(1);
        x.stmt[i] = block;
        const line = newLine(tokens.slice(1), true);
        block.line.push(line);
        return line;
      }
      if (stmt.type === 'LineBlock') {
        if (stmt === hint) {
          if (stmt.token[0] !== tokens[0]) return newLineAfter(i);
          const line = newLine(tokens.slice(1), true);
          stmt.line.push(line);
          return line;
        }
        for (let j = 0; j < stmt.line.length; j++) {
          if (stmt.line[j] !== hint) continue;
          if (stmt.token[0] !== tokens[0]) return newLineAfter(i);
          // Add the new line right after the hint, inside the block.
          const line = newLine(tokens.slice(1), true);
          stmt.line.splice(j + 1, 0, line);
          return line;
        }
      }
    }
  }

  const line = newLine(tokens);
  x.stmt.push(line);
  return line;
}

/** updateLine replaces the tokens of line (dropping the verb when the line is inside a block). */
export function updateLine(_x: FileSyntax, line: Line, ...tokens: string[]): void {
  line.token = line.inBlock ? tokens.slice(1) : tokens;
}

/** markRemoved marks line (and its end-of-line comment) for removal by cleanupSyntax. */
export function markRemoved(line: Line): void {
  line.token = [];
  line.comments.suffix = [];
}

/**
 * cleanupSyntax drops the lines removed by edits (Go's FileSyntax.Cleanup). A block
 * left with no lines disappears; a block left with one line and no comments before
 * its `)` collapses into a single line, keeping the Line object (which semantic
 * entries refer to) and merging the block's comments into it.
 */
export function cleanupSyntax(x: FileSyntax): void {
  const kept: Stmt[] = [];
  for (const stmt of x.stmt) {
    if (stmt.type === 'Line') {
      if (stmt.token.length === 0) continue;
    } else if (stmt.type === 'LineBlock') {
      stmt.line = stmt.line.filter((l) => l.token.length > 0);
      if (stmt.line.length === 0) continue;
      if (stmt.line.length === 1 && stmt.rparen.comments.before.length === 0) {
        const line = stmt.line[0]!;
        const merged: Line = {
          type: 'Line',
          comments: {
            before: [...stmt.comments.before, ...line.comments.before],
            suffix: [...line.comments.suffix, ...stmt.comments.suffix],
            after: [...line.comments.after, ...stmt.comments.after],
          },
          start: zeroPosition(),
          token: [...stmt.token, ...line.token],
          inBlock: false,
          end: zeroPosition(),
        };
        Object.assign(line, merged);
        kept.push(line);
        continue;
      }
    }
    kept.push(stmt);
  }
  x.stmt = kept;
}

const SLASH_SLASH = '//';

/**
 * isIndirect reports whether line carries a "// indirect" comment (alone, or
 * "// indirect; other text").
 */
export function isIndirect(line: Line): boolean {
  const first = line.comments.suffix[0];
  if (first === undefined) return false;
  // The fields of the comment text are exactly ["indirect"], or start with "indirect;".
  const t = trimSpace(first.token.startsWith(SLASH_SLASH) ? first.token.slice(2) : first.token);
  if (t === 'indirect') return true;
  return t.startsWith('indirect;') && t.length > 9 && isSpace(t.charCodeAt(9));
}
