/**
 * Parse errors of go.mod and go.work files.
 *
 * x/mod collects every directive error of a file into an ErrorList of Error
 * values (file, position, directive verb, module path, cause) and prints them one
 * per line as `file:line:col: verb path: message`, the column only when it is not
 * 1. ModfileParseError carries that list (structured, and as Go's exact text) as
 * one CodedError, so a caller sees every problem of the file at once.
 */
import { CodedError } from '../internal/errors.js';
import type { Position } from './syntax.js';

/** ErrorCause is what an Error wraps: a message, another Error, or any thrown value. */
export type ErrorCause = string | ModfileError | Error;

/**
 * ModfileError is one error of a go.mod file (Go's modfile.Error): where it is,
 * which directive and module path it concerns, and the cause. Its message is Go's
 * exact text.
 */
export class ModfileError extends Error {
  readonly filename: string;
  readonly pos: Position;
  readonly verb: string;
  readonly modPath: string;
  readonly err: ErrorCause;

  constructor(fields: { filename?: string; pos?: Position; verb?: string; modPath?: string; err: ErrorCause }) {
    const filename = fields.filename ?? '';
    const pos = fields.pos ?? { line: 0, lineRune: 0, byte: 0 };
    const verb = fields.verb ?? '';
    const modPath = fields.modPath ?? '';
    super(positionPrefix(filename, pos) + directivePrefix(verb, modPath) + causeText(fields.err));
    this.name = 'ModfileError';
    this.filename = filename;
    this.pos = pos;
    this.verb = verb;
    this.modPath = modPath;
    this.err = fields.err;
  }
}

function positionPrefix(filename: string, pos: Position): string {
  // The column is printed only when it is not 1; x/mod's scanner errors are the only ones with one.
  if (pos.lineRune > 1) return `${filename}:${pos.line}:${pos.lineRune}: `;
  if (pos.line > 0) return `${filename}:${pos.line}: `;
  if (filename !== '') return `${filename}: `;
  return '';
}

function directivePrefix(verb: string, modPath: string): string {
  if (modPath !== '') return `${verb} ${modPath}: `;
  if (verb !== '') return `${verb}: `;
  return '';
}

function causeText(err: ErrorCause): string {
  return typeof err === 'string' ? err : err.message;
}

/** ParseErrorEntry is the JSON-friendly form of one ModfileError. */
export interface ParseErrorEntry {
  filename: string;
  /** Line number from 1, or 0 when the error has no position. */
  line: number;
  /** Column in runes from 1 (0 when unknown); Go prints it only when it is greater than 1. */
  col: number;
  /** The directive verb, when the error concerns one (e.g. "require"). */
  verb: string;
  /** The module path, when the error concerns one. */
  modPath: string;
  /** Everything after the `file:line[:col]: ` prefix, exactly as Go prints it. */
  message: string;
}

/**
 * ModfileParseError is thrown by parse, parseLax and parseWork when a file has
 * errors. `errors` lists every one as {filename, line, col, verb, modPath,
 * message} (also in `fields.errors`), `list` as ModfileError objects; the message
 * is Go's ErrorList text (one error per line), which is what the go command prints
 * after "errors parsing go.mod:".
 */
export class ModfileParseError extends CodedError {
  readonly errors: readonly ParseErrorEntry[];
  readonly list: readonly ModfileError[];

  constructor(list: readonly ModfileError[]) {
    const entries: ParseErrorEntry[] = list.map((e) => ({
      filename: e.filename,
      line: e.pos.line,
      col: e.pos.lineRune,
      verb: e.verb,
      modPath: e.modPath,
      message: directivePrefix(e.verb, e.modPath) + causeText(e.err),
    }));
    super('ERR_MODFILE_PARSE', list.map((e) => e.message).join('\n'), {
      filename: list[0]?.filename ?? '',
      errors: entries,
    });
    this.name = 'ModfileParseError';
    this.errors = entries;
    this.list = list;
  }
}

/** isModfileParseError reports whether e is a ModfileParseError. */
export function isModfileParseError(e: unknown): e is ModfileParseError {
  return e instanceof ModfileParseError;
}
