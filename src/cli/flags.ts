/**
 * Flag parsing with the go command's conventions: `-name`, `--name`, `-name=value`,
 * `-name value` (for non-boolean flags), `-name=false` for booleans, `--` ends flags.
 * Repeatable flags collect every value in order (go mod edit's -require, -replace, …).
 */
import { CodedError } from '../shared/errors.js';

export type FlagKind = 'bool' | 'string' | 'list';

export interface FlagSpec {
  readonly kind: FlagKind;
  /** Other names for the same flag (e.g. `o` for `output`). */
  readonly aliases?: readonly string[];
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedFlags {
  /** Values by canonical name: boolean for bool flags, string for string flags, string[] for list flags. */
  readonly values: Record<string, boolean | string | string[] | undefined>;
  /** Repeatable flags and their values in command-line order, for order-sensitive commands. */
  readonly ordered: Array<{ name: string; value: string | boolean }>;
  readonly args: string[];
}

export interface ParseOptions {
  /** Go's flag package stops at the first non-flag argument; our own commands allow flags anywhere. */
  readonly interspersed?: boolean;
}

/** parseFlags parses argv against specs; it throws ERR_CLI_USAGE with Go's wording on a bad flag. */
export function parseFlags(argv: readonly string[], specs: FlagSpecs, options: ParseOptions = {}): ParsedFlags {
  const byName = new Map<string, [string, FlagSpec]>();
  for (const [name, spec] of Object.entries(specs)) {
    byName.set(name, [name, spec]);
    for (const a of spec.aliases ?? []) byName.set(a, [name, spec]);
  }
  const values: ParsedFlags['values'] = {};
  const ordered: ParsedFlags['ordered'] = [];
  const args: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    i++;
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (arg.length < 2 || arg[0] !== '-' || arg === '-') {
      args.push(arg);
      if (!options.interspersed) {
        args.push(...argv.slice(i));
        break;
      }
      continue;
    }
    let body = arg.slice(arg[1] === '-' ? 2 : 1);
    let value: string | undefined;
    const eq = body.indexOf('=');
    if (eq >= 0) {
      value = body.slice(eq + 1);
      body = body.slice(0, eq);
    }
    if (body === '' || body[0] === '-' || body[0] === '=') throw usageError(`bad flag syntax: ${arg}`);
    const found = byName.get(body);
    if (!found) throw usageError(`flag provided but not defined: -${body}`);
    const [name, spec] = found;
    if (spec.kind === 'bool') {
      let b = true;
      if (value !== undefined) {
        const parsed = parseBool(value);
        if (parsed === undefined) throw usageError(`invalid boolean value "${value}" for -${body}: parse error`);
        b = parsed;
      }
      values[name] = b;
      ordered.push({ name, value: b });
      continue;
    }
    if (value === undefined) {
      if (i >= argv.length) throw usageError(`flag needs an argument: -${body}`);
      value = argv[i]!;
      i++;
    }
    if (spec.kind === 'list') {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(value);
      values[name] = list;
    } else {
      values[name] = value;
    }
    ordered.push({ name, value });
  }
  return { values, ordered, args };
}

function parseBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
  }
  return undefined;
}

/** usageError builds the error that main() reports with exit code 2. */
export function usageError(message: string): CodedError {
  return new CodedError('ERR_CLI_USAGE', message);
}

/** parseDuration parses Go-style durations (`10s`, `1m30s`, `500ms`, a bare number = seconds) into ms. */
export function parseDuration(s: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s)) !== null) {
    const n = Number(m[1]);
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed = re.lastIndex;
  }
  if (consumed !== s.length || s.length === 0)
    throw usageError(`invalid duration "${s}" for ${flag} (examples: 10s, 1m30s, 500ms)`);
  return total;
}
