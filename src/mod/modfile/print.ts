/**
 * The go.mod / go.work printer (x/mod/modfile print.go): format writes a syntax
 * tree in the standard layout — one blank line between top-level statements,
 * block lines indented by one tab, tokens separated by single spaces (none inside
 * brackets), end-of-line comments after one space, trailing spaces trimmed.
 * Formatting a freshly parsed file is what `go mod edit -fmt` writes.
 */
import type { Comment, Expr, FileSyntax } from './syntax.js';
import { encodeGoString, trimSpace } from './utf8.js';

/** Printer collects the output: finished lines in `done`, the current line in `cur`. */
class Printer {
  done = '';
  cur = '';
  /** Pending end-of-line comments, printed when the line ends. */
  comment: Comment[] = [];
  /** Left margin, in tabs. */
  margin = 0;

  /** write appends s; text with embedded newlines (possible only in edited trees) is split into lines. */
  write(s: string): void {
    if (s.indexOf('\n') < 0) {
      this.cur += s;
      return;
    }
    const parts = s.split('\n');
    for (let i = 0; i < parts.length - 1; i++) {
      this.done += this.cur + parts[i] + '\n';
      this.cur = '';
    }
    this.cur = parts[parts.length - 1]!;
  }

  /** indent returns the length of the current line (only "is it empty" matters). */
  indent(): number {
    return this.cur.length;
  }

  /** trim removes trailing spaces and tabs from the current line. */
  trim(): void {
    let n = this.cur.length;
    while (n > 0) {
      const c = this.cur.charCodeAt(n - 1);
      if (c !== 0x20 && c !== 0x09) break;
      n--;
    }
    if (n !== this.cur.length) this.cur = this.cur.slice(0, n);
  }

  tabs(): void {
    if (this.margin > 0) this.cur += '\t'.repeat(this.margin);
  }

  /** endLine finishes the current line (without flushing comments). */
  endLine(): void {
    this.done += this.cur + '\n';
    this.cur = '';
  }

  /** newline ends the current line, flushing pending end-of-line comments, and indents the next. */
  newline(): void {
    if (this.comment.length > 0) {
      this.write(' ');
      for (let i = 0; i < this.comment.length; i++) {
        if (i > 0) {
          this.trim();
          this.endLine();
          this.tabs();
        }
        this.write(trimSpace(this.comment[i]!.token));
      }
      this.comment = [];
    }
    this.trim();
    this.endLine();
    this.tabs();
  }

  file(f: FileSyntax): void {
    for (const com of f.comments.before) {
      this.write(trimSpace(com.token));
      this.newline();
    }
    for (let i = 0; i < f.stmt.length; i++) {
      const stmt = f.stmt[i]!;
      this.expr(stmt);
      // A comment block already printed its comments (and their newlines).
      if (stmt.type !== 'CommentBlock') this.newline();
      for (const com of stmt.comments.after) {
        this.write(trimSpace(com.token));
        this.newline();
      }
      if (i + 1 < f.stmt.length) this.newline();
    }
  }

  expr(x: Expr): void {
    // Line comments preceding this expression, at the current margin.
    const before = x.comments.before;
    if (before.length > 0) {
      this.trim();
      if (this.indent() > 0) this.endLine();
      this.tabs();
      for (const com of before) {
        this.write(trimSpace(com.token));
        this.newline();
      }
    }

    switch (x.type) {
      case 'CommentBlock':
        break;
      case 'LParen':
        this.write('(');
        break;
      case 'RParen':
        this.write(')');
        break;
      case 'Line':
        this.tokens(x.token);
        break;
      case 'LineBlock':
        this.tokens(x.token);
        this.write(' ');
        this.expr(x.lparen);
        this.margin++;
        for (const l of x.line) {
          this.newline();
          this.expr(l);
        }
        this.margin--;
        this.newline();
        this.expr(x.rparen);
        break;
      case 'FileSyntax':
        throw new Error('printer: unexpected nested FileSyntax');
    }

    // Queue end-of-line comments for the end of the line.
    for (const c of x.comments.suffix) this.comment.push(c);
  }

  tokens(tokens: readonly string[]): void {
    let sep = '';
    for (const t of tokens) {
      if (t === ',' || t === ')' || t === ']' || t === '}') sep = '';
      this.write(sep);
      this.write(t);
      sep = t === '(' || t === '[' || t === '{' ? '' : ' ';
    }
  }
}

/**
 * formatString returns the file as text in standard style. Escaped invalid bytes
 * (see utf8.ts) stay escaped; use format for the exact bytes. It never throws for a
 * tree built by this package.
 */
export function formatString(f: FileSyntax): string {
  const p = new Printer();
  p.file(f);
  return p.done + p.cur;
}

/**
 * format returns the go.mod or go.work file as bytes in standard style (Go's
 * modfile.Format), byte-identical to what the go command writes.
 */
export function format(f: FileSyntax): Buffer {
  return encodeGoString(formatString(f));
}
