/**
 * The part of Go's text/template that `go list -m -f` templates use, executed over
 * ModulePublic records as cmd/go does: field chains (.Path, .Replace.Version, $), the
 * String method, literals, pipelines with `|`, parentheses, if / else if / else / with /
 * range / end, comments, the {{- and -}} trim markers, and the functions and, or, not,
 * len, index, eq, ne, lt, le, gt, ge, print, printf, println and join. Values print as
 * Go's fmt prints them: a *ModulePublic through its String method, []string as
 * "[a b]", a nil pointer as "<nil>", a *ModuleError as "&{text}", a time as
 * "2006-01-02 15:04:05 +0000 UTC".
 */
import { CodedError } from '../internal/errors.js';
import { goQuote } from '../module/index.js';
import { formatModule, type ModulePublic } from './list.js';

/** TemplateError is a parse or execution error, worded like text/template's ("template: main:1: …"). */
export class TemplateError extends CodedError {
  constructor(message: string) {
    super('ERR_MODLOAD_TEMPLATE', message, {});
    this.name = 'TemplateError';
  }
}

/** Value is a typed Go value as the template sees it. */
type Value =
  | { t: 'string'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: number }
  | { t: 'strings'; v: string[] | undefined }
  | { t: 'module'; v: ModulePublic | undefined }
  | { t: 'moderr'; v: { Err: string } | undefined }
  | { t: 'time'; v: string | undefined }
  | { t: 'any'; v: undefined };

/** Node is a parsed template element. */
type Node =
  | { k: 'text'; text: string }
  | { k: 'action'; pipe: Pipe }
  | { k: 'if' | 'with' | 'range'; pipe: Pipe; then: Node[]; else: Node[] };

interface Pipe {
  readonly cmds: Cmd[];
}
/** Cmd is one command of a pipeline: a function call or a single operand. */
type Cmd = { fn: string; args: Operand[] } | { operand: Operand };
type Operand =
  | { o: 'field'; base: 'dot' | 'root'; chain: string[] }
  | { o: 'lit'; value: Value }
  | { o: 'pipe'; pipe: Pipe; chain: string[] }
  | { o: 'fn'; name: string };

/** Template is a parsed template. */
export interface Template {
  readonly nodes: readonly Node[];
}

const FUNCS = new Set([
  'and',
  'or',
  'not',
  'len',
  'index',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'print',
  'printf',
  'println',
  'join',
]);

/**
 * parseTemplate parses text as a template named "main". It throws TemplateError for
 * malformed templates and for features outside the supported subset.
 */
export function parseTemplate(text: string): Template {
  // Split into text and action items, applying the trim markers.
  const items: Array<{ text?: string; action?: string; line: number }> = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      items.push({ text: text.slice(i), line });
      break;
    }
    let chunk = text.slice(i, open);
    let start = open + 2;
    if (text.startsWith('- ', start) || text.startsWith('-\t', start) || text.startsWith('-\n', start)) {
      chunk = chunk.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    if (chunk !== '') items.push({ text: chunk, line });
    line += (text.slice(i, open).match(/\n/g) ?? []).length;
    let close = start;
    let inStr: string | undefined;
    for (; close < text.length; close++) {
      const c = text[close]!;
      if (inStr) {
        if (c === '\\' && inStr === '"') close++;
        else if (c === inStr) inStr = undefined;
      } else if (c === '"' || c === '`') inStr = c;
      else if (text.startsWith('}}', close)) break;
    }
    if (close >= text.length) throw new TemplateError(`template: main:${line}: unclosed action`);
    let body = text.slice(start, close);
    let after = close + 2;
    if (/[ \t\r\n]-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^[ \t\r\n]*/.exec(text.slice(after))!;
      after += m[0].length;
    }
    items.push({ action: body.trim(), line });
    line += (text.slice(open, after).match(/\n/g) ?? []).length;
    i = after;
  }

  let pos = 0;
  type ListEnd = { nodes: Node[]; end: '' | 'end' | 'else' | 'else-if'; rest?: string; line?: number };
  const parseControl = (word: 'if' | 'with' | 'range', pipeSrc: string, line: number): Node => {
    const pipe = parsePipe(pipeSrc, line);
    const then = parseList(new Set(['end', 'else']));
    let els: Node[] = [];
    if (then.end === 'else') {
      const e = parseList(new Set(['end']));
      if (e.end !== 'end') throw new TemplateError(`template: main:${line}: unexpected EOF`);
      els = e.nodes;
    } else if (then.end === 'else-if') {
      // {{else if x}} is an else branch holding an if that shares the closing {{end}}.
      els = [parseControl('if', then.rest!, then.line!)];
    } else if (then.end !== 'end') {
      throw new TemplateError(`template: main:${line}: unexpected EOF`);
    }
    return { k: word, pipe, then: then.nodes, else: els };
  };
  const parseList = (stop: Set<string>): ListEnd => {
    const nodes: Node[] = [];
    while (pos < items.length) {
      const it = items[pos++]!;
      if (it.text !== undefined) {
        nodes.push({ k: 'text', text: it.text });
        continue;
      }
      const a = it.action!;
      if (a.startsWith('/*')) {
        if (!a.endsWith('*/')) throw new TemplateError(`template: main:${it.line}: unclosed comment`);
        continue;
      }
      const word = /^[a-z]+/.exec(a)?.[0] ?? '';
      if (word === 'end' || word === 'else') {
        if (!stop.has(word)) throw new TemplateError(`template: main:${it.line}: unexpected {{${word}}}`);
        if (word === 'else' && a !== 'else') {
          const rest = a.slice(4).trim();
          if (!rest.startsWith('if ')) {
            throw new TemplateError(`template: main:${it.line}: unsupported action {{${a}}}`);
          }
          return { nodes, end: 'else-if', rest: rest.slice(2), line: it.line };
        }
        return { nodes, end: word };
      }
      if (word === 'if' || word === 'with' || word === 'range') {
        nodes.push(parseControl(word, a.slice(word.length), it.line));
        continue;
      }
      if (['define', 'template', 'block', 'break', 'continue'].includes(word) || a.startsWith('$')) {
        throw new TemplateError(`template: main:${it.line}: {{${word || a}}} is not supported by modrescue list -f`);
      }
      nodes.push({ k: 'action', pipe: parsePipe(a, it.line) });
    }
    return { nodes, end: '' };
  };
  const res = parseList(new Set());
  if (res.end !== '') throw new TemplateError(`template: main: unexpected {{${res.end}}}`);
  return { nodes: res.nodes };
}

/** parsePipe parses a pipeline: commands separated by "|". */
function parsePipe(src: string, line: number): Pipe {
  const toks = tokenize(src, line);
  let p = 0;
  const pipe = (closer?: string): Pipe => {
    const cmds: Cmd[] = [];
    for (;;) {
      const args: Operand[] = [];
      while (p < toks.length && toks[p] !== '|' && toks[p] !== ')') args.push(operand());
      if (args.length === 0) throw new TemplateError(`template: main:${line}: missing value for command`);
      const head = args[0]!;
      if (head.o === 'fn') cmds.push({ fn: head.name, args: args.slice(1) });
      else if (args.length === 1) cmds.push({ operand: head });
      else throw new TemplateError(`template: main:${line}: can't give argument to non-function`);
      if (toks[p] === '|') {
        p++;
        continue;
      }
      break;
    }
    if (closer) {
      if (toks[p] !== closer) throw new TemplateError(`template: main:${line}: unclosed left paren`);
      p++;
    }
    return { cmds };
  };
  const operand = (): Operand => {
    const t = toks[p++]!;
    if (t === '(') {
      const inner = pipe(')');
      const chain: string[] = [];
      while (p < toks.length && toks[p]!.startsWith('.') && toks[p] !== '.')
        chain.push(...toks[p++]!.slice(1).split('.'));
      return { o: 'pipe', pipe: inner, chain };
    }
    if (t === '.') return { o: 'field', base: 'dot', chain: [] };
    if (t.startsWith('.')) return { o: 'field', base: 'dot', chain: t.slice(1).split('.') };
    if (t === '$') return { o: 'field', base: 'root', chain: [] };
    if (t.startsWith('$.')) return { o: 'field', base: 'root', chain: t.slice(2).split('.') };
    if (t.startsWith('"')) return { o: 'lit', value: { t: 'string', v: unquote(t, line) } };
    if (t.startsWith('`')) return { o: 'lit', value: { t: 'string', v: t.slice(1, -1) } };
    if (t === 'true' || t === 'false') return { o: 'lit', value: { t: 'bool', v: t === 'true' } };
    if (t === 'nil') return { o: 'lit', value: { t: 'any', v: undefined } };
    if (/^-?\d+$/.test(t)) return { o: 'lit', value: { t: 'int', v: Number(t) } };
    if (FUNCS.has(t)) return { o: 'fn', name: t };
    throw new TemplateError(`template: main:${line}: function "${t}" not defined`);
  };
  const out = pipe();
  if (p < toks.length) throw new TemplateError(`template: main:${line}: unexpected "${toks[p]}" in command`);
  return out;
}

/** tokenize splits an action into operands, "|", "(" and ")". */
function tokenize(src: string, line: number): string[] {
  const toks: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '|' || c === '(' || c === ')') {
      toks.push(c);
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new TemplateError(`template: main:${line}: unterminated quoted string`);
      toks.push(src.slice(i, j + 1));
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`template: main:${line}: unterminated raw quoted string`);
      toks.push(src.slice(i, j + 1));
      i = j + 1;
    } else {
      const m = /^[^\s|()]+/.exec(src.slice(i))!;
      toks.push(m[0]);
      i += m[0].length;
    }
  }
  return toks;
}

/** unquote decodes a Go double-quoted string literal. */
function unquote(t: string, line: number): string {
  try {
    return JSON.parse(t.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007')) as string;
  } catch {
    throw new TemplateError(`template: main:${line}: bad string literal ${t}`);
  }
}

const MODULE_FIELDS: Record<string, Value['t']> = {
  Path: 'string',
  Version: 'string',
  Query: 'string',
  Versions: 'strings',
  Replace: 'module',
  Time: 'time',
  Update: 'module',
  Main: 'bool',
  Indirect: 'bool',
  Dir: 'string',
  GoMod: 'string',
  GoVersion: 'string',
  Retracted: 'strings',
  Deprecated: 'string',
  Error: 'moderr',
  Origin: 'any',
  Reuse: 'bool',
};

/** field evaluates one field (or the String method) of a value. */
function field(v: Value, name: string): Value {
  if (v.t === 'module') {
    if (v.v === undefined) {
      throw new TemplateError(`template: main: nil pointer evaluating *modinfo.ModulePublic.${name}`);
    }
    if (name === 'String') return { t: 'string', v: formatModule(v.v) };
    const kind = MODULE_FIELDS[name];
    if (!kind) throw new TemplateError(`template: main: can't evaluate field ${name} in type *modinfo.ModulePublic`);
    const raw = (v.v as unknown as Record<string, unknown>)[name];
    switch (kind) {
      case 'string':
        return { t: 'string', v: (raw as string | undefined) ?? '' };
      case 'bool':
        return { t: 'bool', v: raw === true };
      case 'strings':
        return { t: 'strings', v: raw as string[] | undefined };
      case 'module':
        return { t: 'module', v: raw as ModulePublic | undefined };
      case 'moderr':
        return { t: 'moderr', v: raw as { Err: string } | undefined };
      case 'time':
        return { t: 'time', v: raw as string | undefined };
      default:
        return { t: 'any', v: undefined };
    }
  }
  if (v.t === 'moderr') {
    if (v.v === undefined)
      throw new TemplateError(`template: main: nil pointer evaluating *modinfo.ModuleError.${name}`);
    if (name === 'Err') return { t: 'string', v: v.v.Err };
    throw new TemplateError(`template: main: can't evaluate field ${name} in type *modinfo.ModuleError`);
  }
  throw new TemplateError(`template: main: can't evaluate field ${name} in type ${goType(v)}`);
}

function goType(v: Value): string {
  switch (v.t) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'strings':
      return '[]string';
    case 'module':
      return '*modinfo.ModulePublic';
    case 'moderr':
      return '*modinfo.ModuleError';
    case 'time':
      return '*time.Time';
    default:
      return 'interface {}';
  }
}

/** truth is text/template's notion of a true value (non-zero, non-empty, non-nil). */
function truth(v: Value): boolean {
  switch (v.t) {
    case 'string':
      return v.v !== '';
    case 'bool':
      return v.v;
    case 'int':
      return v.v !== 0;
    case 'strings':
      return (v.v?.length ?? 0) > 0;
    default:
      return v.v !== undefined;
  }
}

/** goTime formats an RFC 3339 time as Go's time.Time String does (in UTC). */
function goTime(s: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return s;
  if (m[4] !== 'Z') {
    const d = new Date(s);
    const iso = d.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
  }
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac === '.' ? '' : frac} +0000 UTC`;
}

/** show prints a value as fmt's %v does. */
function show(v: Value): string {
  switch (v.t) {
    case 'string':
      return v.v;
    case 'bool':
      return String(v.v);
    case 'int':
      return String(v.v);
    case 'strings':
      return `[${(v.v ?? []).join(' ')}]`;
    case 'module':
      return v.v === undefined ? '<nil>' : formatModule(v.v);
    case 'moderr':
      return v.v === undefined ? '<nil>' : `&{${v.v.Err}}`;
    case 'time':
      return v.v === undefined ? '<nil>' : goTime(v.v);
    default:
      return '<nil>';
  }
}

/** sprintf implements the verbs templates use: %v %s %q %d %t %%. */
function sprintf(format: string, args: Value[]): string {
  let ai = 0;
  return format.replace(/%([-+# 0]*\d*)([vsqdt%])/g, (_all, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[ai++];
    if (a === undefined) return `%!${verb}(MISSING)`;
    if (verb === 'q') {
      if (a.t === 'string') return goQuote(a.v);
      if (a.t === 'strings') return `[${(a.v ?? []).map((s) => goQuote(s)).join(' ')}]`;
      return goQuote(show(a));
    }
    return show(a);
  });
}

function lenOf(v: Value): number {
  if (v.t === 'string') return Buffer.byteLength(v.v);
  if (v.t === 'strings') return v.v?.length ?? 0;
  throw new TemplateError(`template: main: error calling len: len of type ${goType(v)}`);
}

function compare(a: Value, b: Value): number {
  if (a.t !== b.t) throw new TemplateError('template: main: error calling eq: incompatible types for comparison');
  const x = a.v as string | number | boolean;
  const y = b.v as string | number | boolean;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * executeTemplate runs t on a module record and returns the text (without the newline
 * `go list` adds when the output does not end in one). It throws TemplateError for
 * execution errors (unknown fields, nil pointers, bad function arguments).
 */
export function executeTemplate(t: Template, mp: ModulePublic): string {
  const root: Value = { t: 'module', v: mp };
  let out = '';
  const evalOperand = (o: Operand, dot: Value, piped?: Value): Value => {
    switch (o.o) {
      case 'lit':
        return o.value;
      case 'fn':
        return call(o.name, [], dot, piped);
      case 'field': {
        let v = o.base === 'root' ? root : dot;
        for (const name of o.chain) v = field(v, name);
        return v;
      }
      case 'pipe': {
        let v = evalPipe(o.pipe, dot);
        for (const name of o.chain) v = field(v, name);
        return v;
      }
    }
  };
  const call = (name: string, argOps: Operand[], dot: Value, piped?: Value): Value => {
    const args = argOps.map((a) => evalOperand(a, dot));
    if (piped) args.push(piped);
    switch (name) {
      case 'and': {
        let last: Value = { t: 'bool', v: true };
        for (const a of args) {
          last = a;
          if (!truth(a)) return a;
        }
        return last;
      }
      case 'or': {
        let last: Value = { t: 'bool', v: false };
        for (const a of args) {
          last = a;
          if (truth(a)) return a;
        }
        return last;
      }
      case 'not':
        return { t: 'bool', v: !truth(args[0] ?? { t: 'any', v: undefined }) };
      case 'len':
        return { t: 'int', v: lenOf(args[0]!) };
      case 'index': {
        const [c, ...idx] = args;
        let v = c!;
        for (const i of idx) {
          if (v.t !== 'strings' || i.t !== 'int') throw new TemplateError('template: main: error calling index');
          const s = v.v?.[i.v];
          if (s === undefined)
            throw new TemplateError(`template: main: error calling index: index out of range: ${i.v}`);
          v = { t: 'string', v: s };
        }
        return v;
      }
      case 'eq':
        return { t: 'bool', v: args.slice(1).some((b) => compare(args[0]!, b) === 0) };
      case 'ne':
        return { t: 'bool', v: compare(args[0]!, args[1]!) !== 0 };
      case 'lt':
        return { t: 'bool', v: compare(args[0]!, args[1]!) < 0 };
      case 'le':
        return { t: 'bool', v: compare(args[0]!, args[1]!) <= 0 };
      case 'gt':
        return { t: 'bool', v: compare(args[0]!, args[1]!) > 0 };
      case 'ge':
        return { t: 'bool', v: compare(args[0]!, args[1]!) >= 0 };
      case 'print': {
        // fmt.Sprint: spaces between operands when neither is a string.
        let s = '';
        args.forEach((a, i) => {
          if (i > 0 && a.t !== 'string' && args[i - 1]!.t !== 'string') s += ' ';
          s += show(a);
        });
        return { t: 'string', v: s };
      }
      case 'println':
        return { t: 'string', v: args.map(show).join(' ') + '\n' };
      case 'printf': {
        const f = args[0];
        if (!f || f.t !== 'string')
          throw new TemplateError('template: main: error calling printf: format is not a string');
        return { t: 'string', v: sprintf(f.v, args.slice(1)) };
      }
      case 'join': {
        const [list, sep] = args;
        if (list?.t !== 'strings' || sep?.t !== 'string')
          throw new TemplateError('template: main: error calling join: wrong argument types');
        return { t: 'string', v: (list.v ?? []).join(sep.v) };
      }
      default:
        throw new TemplateError(`template: main: function "${name}" not defined`);
    }
  };
  const evalPipe = (p: Pipe, dot: Value): Value => {
    let piped: Value | undefined;
    for (const c of p.cmds) {
      if ('fn' in c) piped = call(c.fn, c.args, dot, piped);
      else {
        if (piped !== undefined) throw new TemplateError("template: main: can't give argument to non-function");
        piped = evalOperand(c.operand, dot);
      }
    }
    return piped!;
  };
  const run = (nodes: readonly Node[], dot: Value): void => {
    for (const n of nodes) {
      switch (n.k) {
        case 'text':
          out += n.text;
          break;
        case 'action':
          out += show(evalPipe(n.pipe, dot));
          break;
        case 'if': {
          const v = evalPipe(n.pipe, dot);
          run(truth(v) ? n.then : n.else, dot);
          break;
        }
        case 'with': {
          const v = evalPipe(n.pipe, dot);
          if (truth(v)) run(n.then, v);
          else run(n.else, dot);
          break;
        }
        case 'range': {
          const v = evalPipe(n.pipe, dot);
          if (v.t !== 'strings' && v.v !== undefined) {
            throw new TemplateError(`template: main: range can't iterate over ${show(v)}`);
          }
          const list = v.t === 'strings' ? (v.v ?? []) : [];
          if (list.length === 0) run(n.else, dot);
          for (const s of list) run(n.then, { t: 'string', v: s });
          break;
        }
      }
    }
  };
  run(t.nodes, root);
  return out;
}
